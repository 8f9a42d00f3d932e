package com.salesagent.api.http;

import io.dropwizard.assets.AssetsBundle;
import io.dropwizard.servlets.assets.AssetServlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Static files served from the jar (the dashboard, the API docs, their libraries), as Dropwizard's
 * {@link AssetsBundle} serves them, except a file that is not there: Dropwizard's servlet answers
 * it with an empty 404, which this answers as the rest of the API does, the JSON error shape naming
 * {@code path} ({@link JsonErrorHandler}), or a short HTML page when the client asked for HTML (a
 * browser's address bar). Neither echoes the path asked for.
 */
public final class StaticAssets extends AssetsBundle {
  static final String MESSAGE = "no such file";

  public StaticAssets(String resourcePath, String uriPath, String indexFile, String name) {
    super(resourcePath, uriPath, indexFile, name);
  }

  @Override
  protected AssetServlet createServlet() {
    String home = getUriPath();
    return new AssetServlet(
        getResourcePath(), home, getIndexFile(), getDefaultMediaType(), StandardCharsets.UTF_8) {
      @Override
      protected void doGet(HttpServletRequest request, HttpServletResponse response)
          throws ServletException, IOException {
        NotFoundKept answer = new NotFoundKept(response);
        super.doGet(request, answer);
        if (answer.notFound && !response.isCommitted()) {
          boolean html = wantsHtml(request.getHeader("Accept"));
          byte[] body = html ? page(home) : JsonErrorHandler.write(404, MESSAGE, "path");
          response.setStatus(404);
          response.setContentType(html ? "text/html;charset=UTF-8" : "application/json");
          response.setContentLength(body.length);
          response.getOutputStream().write(body);
        }
      }
    };
  }

  /** Whether the client asked for a page (a browser's navigation) rather than data or a script. */
  static boolean wantsHtml(String accept) {
    return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/html");
  }

  /** The 404 page for a browser: no path echoed, a link home. */
  static byte[] page(String home) {
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>404 Not"
            + " Found</title></head><body><h1>404 Not Found</h1><p>There is no such file."
            + " <a href=\""
            + home
            + "\">Start again here</a>.</p></body></html>")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A response that notes the servlet's 404 instead of sending it (a file it found no resource for
   * is {@code sendError(404)}; one it failed to load is {@code reset()} then {@code
   * setStatus(404)}, which also dropped the request guard's security headers: they are kept).
   */
  private static final class NotFoundKept extends HttpServletResponseWrapper {
    private static final List<String> KEPT =
        List.of(
            "Content-Security-Policy",
            "X-Content-Type-Options",
            "X-Frame-Options",
            "Referrer-Policy",
            "Cache-Control");

    boolean notFound;

    NotFoundKept(HttpServletResponse response) {
      super(response);
    }

    @Override
    public void sendError(int status) throws IOException {
      sendError(status, null);
    }

    @Override
    public void sendError(int status, String message) throws IOException {
      if (status == HttpServletResponse.SC_NOT_FOUND) {
        notFound = true;
        setStatus(status);
      } else {
        super.sendError(status, message);
      }
    }

    @Override
    public void setStatus(int status) {
      notFound = status == HttpServletResponse.SC_NOT_FOUND;
      super.setStatus(status);
    }

    @Override
    public void reset() {
      Map<String, String> kept = new LinkedHashMap<>();
      for (String name : KEPT) {
        if (getHeader(name) != null) {
          kept.put(name, getHeader(name));
        }
      }
      super.reset();
      kept.forEach(this::setHeader);
    }
  }
}

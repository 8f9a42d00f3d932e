package com.salesagent.api.http;

import com.google.common.net.InetAddresses;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The admin port's edge. Its tasks (log levels, garbage collection) and pages have no token, which
 * is why it listens on loopback; but a browser on that machine reaches loopback for any web page it
 * shows: a page elsewhere could POST {@code /tasks/log-level?logger=org.mongodb.driver&level=DEBUG}
 * as a plain form (no preflight), after which every lead's name and phone number is logged
 * unmasked; or reach it under its own name rebound to 127.0.0.1 (DNS rebinding) and read it.
 * Probes, scrapers and curl send no {@code Origin} and no {@code Sec-Fetch-Site}: they pass. A
 * browser's request passes only from the admin port's own pages reached by an address or {@code
 * localhost} (or typed into the address bar: {@code Sec-Fetch-Site: none}); otherwise 403 naming
 * the header.
 */
public final class AdminBrowserGuard implements Filter {

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    String problem = problem(request);
    if (problem == null) {
      chain.doFilter(req, res);
      return;
    }
    HttpServletResponse response = (HttpServletResponse) res;
    String field = problem.startsWith("Origin") ? "Origin" : "Host";
    String message = "the admin port answers no web page of another site: " + problem;
    response.setStatus(403);
    response.setContentType(MediaType.APPLICATION_JSON);
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("X-Content-Type-Options", "nosniff");
    String body =
        "{\"code\":403,\"message\":\""
            + message
            + "\",\"errors\":[{\"field\":\""
            + field
            + "\",\"message\":\""
            + problem
            + "\"}]}";
    response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
  }

  /** Why a browser's request is refused, or null when it passes (never quoting the request). */
  static String problem(HttpServletRequest request) {
    return problem(request::getHeader);
  }

  /**
   * The same for any server (the embedded WhatsApp emulator's too), given its request headers by
   * name: null when the request passes.
   */
  public static String problem(java.util.function.UnaryOperator<String> headers) {
    String origin = headers.apply("Origin");
    String site = headers.apply("Sec-Fetch-Site");
    boolean typed = site != null && "none".equalsIgnoreCase(site.trim());
    if (origin == null && (site == null || typed)) {
      return null; // not a page's request: a probe, a scraper, curl, an address typed by a person
    }
    if (site != null && !typed && !"same-origin".equalsIgnoreCase(site.trim())) {
      return "Origin: a request from another site (Sec-Fetch-Site)";
    }
    String host = headers.apply("Host");
    if (origin != null
        && (host == null
            || !(origin.equalsIgnoreCase("http://" + host)
                || origin.equalsIgnoreCase("https://" + host)))) {
      return "Origin: not this port's own pages";
    }
    String name = hostName(host);
    if (name == null
        || !(addressLiteral(name) || "localhost".equals(name.toLowerCase(Locale.ROOT)))) {
      return "Host: a browser reaches this port by an address or localhost only (DNS rebinding)";
    }
    return null;
  }

  /** The name or address of a Host header, without its port. */
  private static String hostName(String host) {
    if (host == null || host.isBlank()) {
      return null;
    }
    String h = host.trim();
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? null : h.substring(0, end + 1);
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  private static boolean addressLiteral(String name) {
    return InetAddresses.isUriInetAddress(name) || InetAddresses.isInetAddress(name);
  }

  /** Refused before any servlet of the admin port, every dispatch of a request. */
  public static void register(io.dropwizard.core.setup.Environment env) {
    env.admin()
        .addFilter("admin-browser-guard", new AdminBrowserGuard())
        .addMappingForUrlPatterns(
            java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), true, "/*");
  }
}

package com.salesagent.api.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

/**
 * The application port's edge, before any resource reads a byte: compressed request bodies are
 * refused (415: a small gzip body can inflate to gigabytes), every body is capped (413 from the
 * declared length at once, or from the bytes actually read when the length is not declared), and
 * every answer carries the security headers a browser needs (CSP, nosniff, no framing, no referrer;
 * API answers are not cached). A body left unread (a refusal answered before it was read: no token,
 * no such route, a 413) is read and discarded after the answer is sent ({@link #drainUnread}):
 * closing a connection with unread bytes resets it, and a client still sending its body (a browser:
 * no {@code Expect: 100-continue}) then loses the answer and sees a broken connection instead.
 */
public final class RequestGuard implements Filter {
  public static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:;"
          + " media-src 'self' blob:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none';"
          + " form-action 'self'";

  /** The request attribute (a Jersey property too) holding the client's address. */
  public static final String CLIENT_ADDRESS = "com.salesagent.clientAddress";

  /** A recording for a voice note: Meta's 16 MB for audio, and a little for the request. */
  public static final long MEDIA_CAP = 17L * 1024 * 1024;

  /**
   * An uploaded do-not-contact list ({@code POST /api/suppressions/import}): 100,000 numbers, or a
   * CRM export of as many rows with its other columns (read a row at a time, never held whole).
   */
  public static final long SUPPRESSION_LIST_CAP = 64L * 1024 * 1024;

  /** The routes that take a recording (a lead's reply as a voice note, a variant's clip). */
  static final java.util.regex.Pattern VOICE_NOTE_UPLOAD =
      java.util.regex.Pattern.compile(
          "/api/(leads/[A-Za-z0-9_-]{1,64}/replies|variants/[A-Za-z0-9_.-]{1,100})/voice-note");

  /** The most of an unread body read before answering; a larger one is left to a closed socket. */
  static final long DRAIN_MAX = MEDIA_CAP;

  /** How long a client may hold the request's thread while its unread body is drained. */
  static final java.time.Duration DRAIN_DEADLINE = java.time.Duration.ofSeconds(5);

  /** How long one read of the drain waits for bytes (the connection's idle timeout meanwhile). */
  static final java.time.Duration DRAIN_IDLE = java.time.Duration.ofSeconds(1);

  private final long defaultCap;
  private final long importCap;

  /**
   * {@code importCap} applies to the streamed lead import; {@code defaultCap} to everything else.
   */
  public RequestGuard(long defaultCap, long importCap) {
    this(defaultCap, importCap, java.util.Set.of());
  }

  /**
   * {@code trustedProxies}: the addresses of the reverse proxies in front of the port (TLS for
   * Meta's webhook), whose last {@code X-Forwarded-For} entry names the client.
   */
  public RequestGuard(
      long defaultCap, long importCap, java.util.Set<java.net.InetAddress> trustedProxies) {
    this.defaultCap = defaultCap;
    this.importCap = importCap;
    this.trustedProxies = java.util.Set.copyOf(trustedProxies);
  }

  private final java.util.Set<java.net.InetAddress> trustedProxies;

  /**
   * Who is asking, for the failed-authentication throttle: the connection's address, or, when it is
   * a trusted proxy's, the last address of {@code X-Forwarded-For} (the one that proxy appended;
   * those before it are the client's own word). Behind a proxy every client has the proxy's
   * address, so twenty wrong tokens from anyone would otherwise block every operator.
   */
  static String clientAddress(
      String remote,
      java.util.Enumeration<String> forwarded,
      java.util.Set<java.net.InetAddress> trustedProxies) {
    if (trustedProxies.isEmpty()
        || remote == null
        || !com.google.common.net.InetAddresses.isInetAddress(remote)
        || !trustedProxies.contains(com.google.common.net.InetAddresses.forString(remote))) {
      return remote;
    }
    String last = null;
    while (forwarded != null && forwarded.hasMoreElements()) {
      String header = forwarded.nextElement();
      if (header != null) {
        for (String entry : header.split(",")) {
          if (!entry.isBlank()) {
            last = entry.trim();
          }
        }
      }
    }
    if (last == null
        || last.length() > 64
        || !com.google.common.net.InetAddresses.isInetAddress(last)) {
      return remote;
    }
    return com.google.common.net.InetAddresses.toAddrString(
        com.google.common.net.InetAddresses.forString(last));
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    request.setAttribute(
        CLIENT_ADDRESS,
        clientAddress(
            request.getRemoteAddr(), request.getHeaders("X-Forwarded-For"), trustedProxies));
    response.setHeader("Content-Security-Policy", CSP);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Referrer-Policy", "no-referrer");
    String path = request.getRequestURI() == null ? "" : request.getRequestURI();
    if (path.startsWith("/api")) {
      response.setHeader("Cache-Control", "no-store");
    }
    String encoding = request.getHeader("Content-Encoding");
    if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.trim())) {
      refuse(
          response,
          415,
          "compressed request bodies are not accepted: send the body uncompressed",
          "Content-Encoding");
      return;
    }
    // A path that only looks like the import (matrix parameters, encodings) gets the smaller cap.
    long cap =
        path.equals("/api/leads/import")
            ? importCap
            : path.equals("/api/suppressions/import")
                ? SUPPRESSION_LIST_CAP
                : VOICE_NOTE_UPLOAD.matcher(path).matches() ? MEDIA_CAP : defaultCap;
    long declared = request.getContentLengthLong();
    if (declared > cap) {
      refuse(response, 413, "the request body is larger than " + describe(cap), "body");
      drainUnread(request, response, declared, 0);
      return;
    }
    Capped capped = new Capped(request, cap);
    chain.doFilter(capped, response);
    if (!request.isAsyncStarted()) {
      drainUnread(request, response, declared, capped.consumed());
    }
  }

  /**
   * Sends the answer, then reads and discards what is left of the body: nothing when the
   * application read the declared length, there is no body, or the client waits for a {@code 100
   * Continue} before sending it; otherwise up to {@link #DRAIN_MAX} bytes (past a route's cap too:
   * the bytes go to a small buffer, never parsed) within {@link #DRAIN_DEADLINE}, each read waiting
   * at most {@link #DRAIN_IDLE} for its bytes, so a client that trickles its body or sends none
   * holds the request's thread a few seconds at most.
   */
  static void drainUnread(
      HttpServletRequest request, HttpServletResponse response, long declared, long consumed) {
    boolean chunked = request.getHeader("Transfer-Encoding") != null;
    if (declared == 0
        || (declared < 0 && !chunked)
        || (declared > 0 && consumed >= declared)
        || declared > DRAIN_MAX
        || "100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      return;
    }
    EndPoint endPoint = endPoint(request);
    if (endPoint == null) {
      return; // HTTP/2 resets the stream, not the connection; elsewhere a read could not be bounded
    }
    long idle = endPoint.getIdleTimeout();
    try {
      response.flushBuffer();
      endPoint.setIdleTimeout(DRAIN_IDLE.toMillis());
      InputStream in = request.getInputStream(); // the guard's own: no cap while discarding
      long deadline = System.nanoTime() + DRAIN_DEADLINE.toNanos();
      byte[] sink = new byte[16 * 1024];
      long drained = consumed;
      int n;
      while (drained < DRAIN_MAX
          && System.nanoTime() < deadline
          && (n = in.read(sink, 0, sink.length)) >= 0) {
        drained += n;
      }
    } catch (IOException | RuntimeException e) {
      // A client gone or too slow, a reader taken elsewhere: the server closes the connection.
    } finally {
      endPoint.setIdleTimeout(idle);
    }
  }

  /** The HTTP/1 connection's end point (its idle timeout bounds one read), or null. */
  private static EndPoint endPoint(HttpServletRequest request) {
    ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(request);
    if (jetty == null
        || jetty.getConnectionMetaData().getHttpVersion().getVersion() >= 20
        || jetty.getConnectionMetaData().getConnection() == null) {
      return null;
    }
    return jetty.getConnectionMetaData().getConnection().getEndPoint();
  }

  public static String describe(long bytes) {
    if (bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + " MiB";
    }
    return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
  }

  private static void refuse(HttpServletResponse response, int status, String message, String field)
      throws IOException {
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_JSON);
    response.setHeader("Connection", "close");
    String body =
        "{\"code\":"
            + status
            + ",\"message\":\""
            + message
            + "\",\"errors\":[{\"field\":\""
            + field
            + "\",\"message\":\""
            + message
            + "\"}]}";
    response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
  }

  /** Thrown from a read past the cap; Jersey answers it as the 413 it carries. */
  public static final class TooLarge extends WebApplicationException {
    TooLarge(long cap) {
      super(
          "request body larger than " + describe(cap),
          Response.status(413)
              .type(MediaType.APPLICATION_JSON_TYPE)
              .entity(body(cap))
              .header("Connection", "close")
              .build());
    }

    private static Map<String, Object> body(long cap) {
      String message = "the request body is larger than " + describe(cap);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("code", 413);
      body.put("message", message);
      body.put("errors", List.of(Map.of("field", "body", "message", message)));
      return body;
    }
  }

  private static final class Capped extends HttpServletRequestWrapper {
    private final long cap;
    private ServletInputStream stream;

    Capped(HttpServletRequest request, long cap) {
      super(request);
      this.cap = cap;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new CountingStream(super.getInputStream(), cap);
      }
      return stream;
    }

    /** How many bytes of the body the application read. */
    long consumed() {
      return stream == null ? 0 : ((CountingStream) stream).read;
    }

    @Override
    public BufferedReader getReader() throws IOException {
      String charset = getCharacterEncoding();
      return new BufferedReader(
          new InputStreamReader(
              getInputStream(),
              charset == null ? StandardCharsets.UTF_8.name() : charset.toLowerCase(Locale.ROOT)));
    }
  }

  private static final class CountingStream extends ServletInputStream {
    private final ServletInputStream in;
    private final long cap;
    private long read;

    CountingStream(ServletInputStream in, long cap) {
      this.in = in;
      this.cap = cap;
    }

    private void count(long n) {
      if (n > 0) {
        read += n;
        if (read > cap) {
          throw new TooLarge(cap);
        }
      }
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      count(n);
      return n;
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}

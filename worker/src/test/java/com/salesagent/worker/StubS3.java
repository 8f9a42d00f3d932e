package com.salesagent.worker;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for S3 that answers the way AWS does where it matters at start-up: HEAD of a
 * missing bucket is 404, CreateBucket on a regional endpoint without a LocationConstraint is 400
 * IllegalLocationConstraintException (and a constraint sent to us-east-1 is 400
 * InvalidLocationConstraint), objects are kept in memory. The region is read from the request's
 * SigV4 credential scope. A test can make every request of one method answer a given error.
 */
final class StubS3 implements AutoCloseable {
  /** One request as it arrived: method, Host header, path, headers (lower-case), body. */
  record Request(
      String method, String host, String path, Map<String, String> headers, String body) {
    boolean hasHeaderStartingWith(String prefix) {
      return headers.keySet().stream().anyMatch(h -> h.startsWith(prefix));
    }
  }

  static final String ILLEGAL_LOCATION_CONSTRAINT =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>IllegalLocationConstraintException"
          + "</Code><Message>The unspecified location constraint is incompatible for the region"
          + " specific endpoint this request was sent to.</Message><RequestId>4Q1W8DQ2ZKD5GF7T"
          + "</RequestId><HostId>aGVsbG8gd29ybGQ=</HostId></Error>";

  private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/[0-9]+/([a-z0-9-]+)/s3/");
  private static final Pattern CONSTRAINT =
      Pattern.compile("<LocationConstraint>([^<]*)</LocationConstraint>");

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<String, String[]> failures = new ConcurrentHashMap<>();
  private final java.util.Set<String> buckets = ConcurrentHashMap.newKeySet();
  private final HttpServer server;

  StubS3() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Every request of this method answers {@code status} with this S3 error code and message. */
  void fail(String method, int status, String code, String message) {
    failures.put(method, new String[] {String.valueOf(status), code, message});
  }

  /** A bucket that exists already. */
  void bucket(String name) {
    buckets.add(name);
  }

  String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  int port() {
    return server.getAddress().getPort();
  }

  List<Request> requests(String method) {
    return requests.stream().filter(r -> r.method().equals(method)).toList();
  }

  private void handle(com.sun.net.httpserver.HttpExchange ex) throws IOException {
    try (ex) {
      Map<String, String> headers = new TreeMap<>();
      ex.getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String method = ex.getRequestMethod();
      String host = headers.getOrDefault("host", "");
      String path = ex.getRequestURI().getRawPath();
      requests.add(new Request(method, host, path, headers, body));

      String[] failure = failures.get(method);
      if (failure != null) {
        error(ex, Integer.parseInt(failure[0]), failure[1], failure[2]);
        return;
      }
      // Virtual-host style: the bucket leads the Host header; path style: the path.
      String bucket;
      String key;
      String hostName = host.replaceFirst(":[0-9]+$", "");
      if (hostName.endsWith(".s3.test")) {
        bucket = hostName.substring(0, hostName.length() - ".s3.test".length());
        key = path.length() > 1 ? path.substring(1) : "";
      } else {
        String[] parts = path.substring(1).split("/", 2);
        bucket = parts[0];
        key = parts.length > 1 ? parts[1] : "";
      }
      String region = region(headers.get("authorization"));
      if (key.isEmpty()) {
        bucketRequest(ex, method, bucket, region, body);
      } else {
        objectRequest(ex, method, bucket + "/" + key, body);
      }
    }
  }

  private void bucketRequest(
      com.sun.net.httpserver.HttpExchange ex,
      String method,
      String bucket,
      String region,
      String body)
      throws IOException {
    switch (method) {
      case "HEAD" -> empty(ex, buckets.contains(bucket) ? 200 : 404);
      case "PUT" -> {
        Matcher m = CONSTRAINT.matcher(body);
        String constraint = m.find() ? m.group(1) : "";
        if (!"us-east-1".equals(region) && constraint.isEmpty()) {
          send(ex, 400, ILLEGAL_LOCATION_CONSTRAINT);
        } else if ("us-east-1".equals(region) && !constraint.isEmpty()) {
          error(
              ex,
              400,
              "InvalidLocationConstraint",
              "The specified location-constraint is not valid");
        } else if (!constraint.isEmpty() && !constraint.equals(region)) {
          error(
              ex,
              400,
              "IllegalLocationConstraintException",
              "The " + constraint + " location constraint is incompatible for the region");
        } else {
          buckets.add(bucket);
          ex.getResponseHeaders().add("Location", "/" + bucket);
          empty(ex, 200);
        }
      }
      default -> error(ex, 405, "MethodNotAllowed", "not in this stub");
    }
  }

  private void objectRequest(
      com.sun.net.httpserver.HttpExchange ex, String method, String path, String body)
      throws IOException {
    switch (method) {
      case "PUT" -> {
        objects.put(path, body.getBytes(StandardCharsets.UTF_8));
        ex.getResponseHeaders().add("ETag", "\"0\"");
        empty(ex, 200);
      }
      case "GET" -> {
        byte[] bytes = objects.get(path);
        if (bytes == null) {
          error(ex, 404, "NoSuchKey", "The specified key does not exist.");
        } else {
          ex.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
          }
        }
      }
      default -> error(ex, 405, "MethodNotAllowed", "not in this stub");
    }
  }

  private static String region(String authorization) {
    Matcher m = SCOPE.matcher(authorization == null ? "" : authorization);
    return m.find() ? m.group(1) : "";
  }

  private static void error(
      com.sun.net.httpserver.HttpExchange ex, int status, String code, String message)
      throws IOException {
    if ("HEAD".equals(ex.getRequestMethod())) {
      empty(ex, status);
      return;
    }
    send(
        ex,
        status,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
            + code
            + "</Code><Message>"
            + message
            + "</Message><RequestId>STUB</RequestId><HostId>STUB</HostId></Error>");
  }

  private static void send(com.sun.net.httpserver.HttpExchange ex, int status, String xml)
      throws IOException {
    byte[] out = xml.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/xml");
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(out);
    }
  }

  private static void empty(com.sun.net.httpserver.HttpExchange ex, int status) throws IOException {
    ex.sendResponseHeaders(status, -1);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

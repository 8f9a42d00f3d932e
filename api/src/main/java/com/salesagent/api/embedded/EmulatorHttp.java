package com.salesagent.api.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The emulator's answers in the Graph API's shape: JSON bodies and Meta's error object. */
final class EmulatorHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EmulatorHttp() {}

  /** Meta's error JSON: message, type, code, optional error_data.details, a fbtrace_id. */
  static String error(String message, String type, int code, String details) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode e = root.putObject("error");
    e.put("message", message);
    e.put("type", type);
    e.put("code", code);
    if (details != null) {
      e.putObject("error_data").put("messaging_product", "whatsapp").put("details", details);
    }
    e.put("fbtrace_id", "emulator");
    return root.toString();
  }

  /** {@code n} random decimal digits (ids that look like Meta's). */
  static String digits(int n) {
    java.security.SecureRandom r = new java.security.SecureRandom();
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(r.nextInt(10));
    }
    return s.toString();
  }

  static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}

package com.salesagent.api.http;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * A request whose head declares a body that never comes: the answer proves the server refused on
 * the declared length alone. (Sending an oversized body regardless races the server's close: on a
 * loaded machine the reset can swallow the 413. The JDK 17 client cannot ask first: it hangs when
 * Expect: 100-continue is answered with a final status.)
 */
public final class HeadOnly {
  /** The status and the (de-chunked) body of the answer. */
  public record Answer(int status, String body) {}

  private HeadOnly() {}

  public static Answer post(int port, String path, Map<String, String> headers, long length)
      throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(10_000);
      StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n");
      headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append("Content-Length: ").append(length).append("\r\nConnection: close\r\n\r\n");
      s.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(answer.substring(9, 12));
      int split = answer.indexOf("\r\n\r\n");
      String body = answer.substring(split + 4);
      if (answer.substring(0, split).toLowerCase(Locale.ROOT).contains("chunked")) {
        body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n"));
      }
      return new Answer(status, body);
    }
  }
}

package com.salesagent.tools.bench;

import com.salesagent.api.webhook.WebhookSignature;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The webhook bench's load generator: Meta's signed POSTs built before a phase starts (Meta builds
 * and signs them on its own machines), then written as they are over keep-alive HTTP/1.1
 * connections, one per poster thread.
 *
 * <p>Why not {@link java.net.http.HttpClient}: on a 2-core machine the generator shares the cores
 * with what it measures, and the JDK client (its selector thread, futures and header checks) plus
 * formatting and signing each body during the phase took about a tenth of the samples at one status
 * per request. Bytes on a socket are what a load generator on another machine would cost this one.
 */
final class SignedPosts implements AutoCloseable {
  private final String host;
  private final int port;
  private final String path;
  private final WebhookSignature signature;
  private final String phoneNumberId;
  private final ThreadLocal<Connection> connections = new ThreadLocal<>();
  private final Queue<Connection> opened = new ConcurrentLinkedQueue<>();

  SignedPosts(
      String host, int port, String path, WebhookSignature signature, String phoneNumberId) {
    this.host = host;
    this.port = port;
    this.path = path;
    this.signature = signature;
    this.phoneNumberId = phoneNumberId;
  }

  /** One notification holding these status items, as the whole request Meta would send. */
  byte[] request(List<String> items) {
    byte[] body =
        ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"bench\",\"changes\":[{"
                + "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
                + "\"metadata\":{\"phone_number_id\":\""
                + phoneNumberId
                + "\"},\"statuses\":["
                + String.join(",", items)
                + "]}}]}]}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: "
                + host
                + ":"
                + port
                + "\r\nUser-Agent: sales-agent-bench\r\nContent-Type: application/json\r\n"
                + "X-Hub-Signature-256: "
                + signature.sign(body)
                + "\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return request;
  }

  /**
   * Sends one request on this thread's connection and reads the whole answer; a connection the
   * server closed is opened again and the request sent once more (a webhook redelivered is a
   * duplicate the inbox drops, as with Meta's own retries).
   */
  void post(byte[] request) throws IOException {
    Connection c = connection();
    int status;
    try {
      status = c.exchange(request);
    } catch (IOException e) {
      drop();
      c = connection();
      status = c.exchange(request);
    }
    if (c.closing) {
      drop();
    }
    if (status != 200) {
      throw new IllegalStateException("webhook answered " + status);
    }
  }

  private Connection connection() throws IOException {
    Connection c = connections.get();
    if (c == null) {
      c = new Connection(host, port);
      connections.set(c);
      opened.add(c);
    }
    return c;
  }

  private void drop() {
    Connection c = connections.get();
    connections.remove();
    if (c != null) {
      c.close();
    }
  }

  @Override
  public void close() {
    Connection c;
    while ((c = opened.poll()) != null) {
      c.close();
    }
  }

  /** One keep-alive HTTP/1.1 connection: a request written, its answer read to the last byte. */
  private static final class Connection {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private boolean closing;

    Connection(String host, int port) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(60_000);
      socket.connect(new InetSocketAddress(host, port), 10_000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 8192);
    }

    int exchange(byte[] request) throws IOException {
      out.write(request);
      out.flush();
      String statusLine = line();
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP answer: " + statusLine);
      }
      int status = Integer.parseInt(parts[1]);
      long length = -1;
      boolean chunked = false;
      boolean close = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        int colon = header.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.contains("chunked");
          case "connection" -> close = value.contains("close");
          default -> {}
        }
      }
      if (chunked) {
        for (long size = Long.parseLong(line().split(";", 2)[0].trim(), 16);
            size > 0;
            size = Long.parseLong(line().split(";", 2)[0].trim(), 16)) {
          skip(size);
          line();
        }
        while (!line().isEmpty()) {
          // trailers
        }
      } else if (length > 0) {
        skip(length);
      }
      closing = close;
      return status;
    }

    private void skip(long n) throws IOException {
      while (n > 0) {
        long skipped = in.skip(n);
        if (skipped <= 0) {
          if (in.read() < 0) {
            throw new EOFException("answer cut short");
          }
          skipped = 1;
        }
        n -= skipped;
      }
    }

    private String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(64);
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new EOFException("connection closed mid-answer");
        }
        if (c != '\r') {
          b.write(c);
        }
      }
      return b.toString(StandardCharsets.ISO_8859_1);
    }

    void close() {
      closing = true;
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}

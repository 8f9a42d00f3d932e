package com.salesagent.api.embedded;

import com.salesagent.temporal.Ports;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local WhatsApp Business Cloud API emulator on its own port, so the worker reaches it over
 * real HTTP exactly as it reaches graph.facebook.com. This foundation serves health only; the send
 * endpoint and signed webhooks back come with the lead lifecycle.
 */
public final class WhatsAppEmulator implements Managed {
  private final int port;
  private HttpServer server;
  private ExecutorService executor;

  public WhatsAppEmulator(int port) {
    this.port = port == 0 ? Ports.freePort() : port;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void start() throws IOException {
    Ports.requireFree(port, "WhatsApp emulator", "WHATSAPP_EMULATOR_PORT");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/health", this::health);
    server.start();
  }

  private void health(HttpExchange exchange) throws IOException {
    byte[] body =
        "{\"status\":\"ok\",\"emulator\":\"whatsapp-cloud-api\"}".getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}

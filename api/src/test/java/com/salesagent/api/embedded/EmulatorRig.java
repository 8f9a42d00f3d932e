package com.salesagent.api.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;

/**
 * An emulator in {@code ack_only} mode (accepts, sends no status or reply of its own) and the
 * webhook it delivers to, on loopback ports of their own: each envelope's value ({@code
 * entry[0].changes[0].value}) goes to the test's consumer, and the webhook answers 200. Closing it
 * stops both.
 */
final class EmulatorRig implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final WhatsAppEmulator emulator;
  private final HttpServer webhook;

  private EmulatorRig(WhatsAppEmulator emulator, HttpServer webhook) {
    this.emulator = emulator;
    this.webhook = webhook;
  }

  static EmulatorRig start(Consumer<JsonNode> values) throws IOException {
    return start(values, 0);
  }

  /**
   * The same, with the emulator's {@code replyProbability} (ack_only sends no reply either way).
   */
  static EmulatorRig start(Consumer<JsonNode> values, double replyProbability) throws IOException {
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext(
        "/webhook",
        ex -> {
          byte[] body = EmulatorMultipart.readCapped(ex.getRequestBody(), 1024 * 1024);
          values.accept(
              JSON.readTree(body).path("entry").path(0).path("changes").path(0).path("value"));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    webhook.start();
    WhatsAppEmulator emulator =
        new WhatsAppEmulator(
            0,
            null,
            null,
            null,
            null,
            new EmulatorBehaviour(
                EmulatorBehaviour.ACK_ONLY,
                1,
                0,
                replyProbability,
                0,
                0,
                10,
                10,
                10,
                10,
                List.of("x"),
                List.of("STOP"),
                1));
    emulator.setWebhookUrl("http://127.0.0.1:" + webhook.getAddress().getPort() + "/webhook");
    emulator.start();
    return new EmulatorRig(emulator, webhook);
  }

  @Override
  public void close() {
    emulator.stop();
    webhook.stop(0);
  }
}

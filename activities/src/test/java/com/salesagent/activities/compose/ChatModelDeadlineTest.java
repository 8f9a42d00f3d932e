package com.salesagent.activities.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A provider that sends its answer's headers and then stalls the body: the JDK client's request
 * timeout (which LangChain4j's {@code timeout} sets) ends with the headers, so only a deadline on
 * the whole answer frees the activity's thread.
 */
class ChatModelDeadlineTest {
  private ServerSocket server;
  private Thread acceptor;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final AtomicInteger answered = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  held.add(s);
                  readHeaders(s.getInputStream());
                  OutputStream out = s.getOutputStream();
                  out.write(
                      ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              + "Content-Length: 100000\r\n\r\n{\"id\":")
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  answered.incrementAndGet();
                  // ...and nothing more: the connection stays open, the body never comes.
                } catch (IOException e) {
                  return;
                }
              }
            },
            "stalling-provider");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static void readHeaders(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    int c;
    while (matched < 4 && (c = in.read()) >= 0) {
      matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
    }
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    for (Socket s : held) {
      s.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"openai", "gemini", "ollama"})
  void aProviderThatStallsAfterItsHeadersIsCutAtTheTimeout(String provider) {
    String base =
        "http://127.0.0.1:" + server.getLocalPort() + ("openai".equals(provider) ? "/v1" : "");
    var model =
        ChatModels.build(
            new LlmSettings(provider, "m", "test-key", base, Duration.ofSeconds(1), 0));

    long start = System.nanoTime();
    LlmWriter.Written written =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30), () -> LlmWriter.ask(model, "system", "user"));
    long tookMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(answered).as("the stub sent its headers").hasPositiveValue();
    assertThat(written.text()).isNull();
    assertThat(written.failure()).isNotBlank();
    // The connect time (1 s) plus the timeout (1 s) for the whole answer, with slack for a slow CI.
    assertThat(tookMillis).isLessThan(8_000);
  }
}

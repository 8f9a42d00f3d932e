package com.salesagent.activities.whatsapp;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A local stand-in for graph.facebook.com: records requests, answers what the test says. */
public final class StubCloudApi implements AutoCloseable {
  public record Request(String path, String authorization, String body) {}

  public final List<Request> requests = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private volatile int status = 200;

  /**
   * After reading a request: answer, answer late, close the connection without a word, or send the
   * status, the headers and half the body, then nothing for {@link #slowFor} (a stalled proxy).
   */
  public enum Fault {
    NONE,
    SLOW,
    CLOSE,
    STALL_BODY
  }

  private volatile Fault fault = Fault.NONE;
  private volatile boolean uniqueWamids;
  private final java.util.concurrent.atomic.AtomicInteger sent =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Every answer with a wamid of its own (several messages accepted in one test). */
  public StubCloudApi uniqueWamids() {
    this.uniqueWamids = true;
    return this;
  }

  private volatile long slowMillis = 3000;
  private volatile String answer =
      "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"x\",\"wa_id\":\"5511998765432\"}],"
          + "\"messages\":[{\"id\":\"wamid.STUB1\"}]}";

  public StubCloudApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(
              new Request(
                  ex.getRequestURI().getPath(),
                  ex.getRequestHeaders().getFirst("Authorization"),
                  body));
          if (fault == Fault.CLOSE) {
            ex.close();
            return;
          }
          if (fault == Fault.SLOW) {
            try {
              Thread.sleep(slowMillis);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          Runnable hook = beforeAnswer;
          if (hook != null) {
            hook.run();
          }
          String a = answer;
          if (uniqueWamids) {
            a = a.replace("wamid.STUB1", "wamid.STUB-" + sent.incrementAndGet());
          }
          byte[] out = a.getBytes(StandardCharsets.UTF_8);
          if (fault == Fault.STALL_BODY) {
            ex.sendResponseHeaders(status, out.length);
            OutputStream o = ex.getResponseBody();
            o.write(out, 0, out.length / 2);
            o.flush();
            try {
              closing.await(slowMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            ex.close();
            return;
          }
          ex.sendResponseHeaders(status, out.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
          }
        });
    server.start();
  }

  private volatile Runnable beforeAnswer;

  /**
   * Runs after the request is read and before it is answered: what happens elsewhere while the
   * sender waits (Meta's status webhook overtaking the send's own answer).
   */
  public StubCloudApi beforeAnswer(Runnable hook) {
    this.beforeAnswer = hook;
    return this;
  }

  /** How long a {@link Fault#SLOW} answer takes (3 s unless set). */
  public StubCloudApi slowFor(java.time.Duration wait) {
    this.slowMillis = wait.toMillis();
    return this;
  }

  public void fault(Fault fault) {
    this.fault = fault;
  }

  public void answer(int status, String body) {
    this.status = status;
    this.answer = body;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private final java.util.concurrent.CountDownLatch closing =
      new java.util.concurrent.CountDownLatch(1);

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
  }
}

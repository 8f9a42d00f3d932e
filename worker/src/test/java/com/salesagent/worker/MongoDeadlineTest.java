package com.salesagent.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.mongodb.ConnectionString;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every MongoDB operation has a deadline: a server that stops answering without closing the
 * connection (a partition dropping packets, a frozen host) fails the operation at the read
 * deadline; it never holds a request or activity thread for good, as the driver's default would.
 */
class MongoDeadlineTest {
  private MongoServer server;
  private FreezingProxy proxy;

  @BeforeEach
  void start() throws IOException {
    server = new MongoServer(new MemoryBackend());
    InetSocketAddress address = server.bind();
    proxy = new FreezingProxy(address.getPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    server.shutdownNow();
  }

  @Test
  void aServerThatStopsAnsweringFailsTheOperationAtItsReadDeadline() {
    ConnectionString uri = new ConnectionString("mongodb://127.0.0.1:" + proxy.port());
    try (MongoClient client =
        MongoClients.create(MongoConnection.settings(uri, Duration.ofMillis(1500)))) {
      MongoCollection<Document> contacts = client.getDatabase("db").getCollection("contacts");
      contacts.insertOne(new Document("leadId", "L-1"));
      assertThat(contacts.countDocuments()).isEqualTo(1);

      proxy.freeze();
      long started = System.nanoTime();
      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () ->
              assertThatThrownBy(() -> contacts.find().first())
                  .isInstanceOf(MongoSocketReadTimeoutException.class));
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(1400);
    }
  }

  @Test
  void aProcessWaitsTwoMinutesForAnAnswerUnlessTheUriSaysOtherwise() {
    String at = "mongodb://127.0.0.1:" + proxy.port();
    MongoConnection byDefault = new MongoConnection(at, "db", 1);
    MongoConnection told =
        new MongoConnection(at + "/?socketTimeoutMS=4000&serverSelectionTimeoutMS=9000", "db", 1);
    try {
      assertThat(byDefault.readTimeout()).isEqualTo(Duration.ofMinutes(2));
      assertThat(told.readTimeout()).isEqualTo(Duration.ofSeconds(4));
      assertThat(
              MongoConnection.settings(
                      new ConnectionString(at + "/?serverSelectionTimeoutMS=9000"),
                      MongoConnection.READ_TIMEOUT)
                  .getClusterSettings()
                  .getServerSelectionTimeout(TimeUnit.MILLISECONDS))
          .isEqualTo(9000);
    } finally {
      byDefault.stop();
      told.stop();
    }
  }

  /**
   * The health checks answer within seconds while the server is silent: they waited on the read
   * deadline (two minutes) with the ping and the senders' reads, and {@code /healthcheck} (what a
   * load balancer or an orchestrator probes, with a timeout of seconds) answered nothing for that
   * long (the ops walk: a frozen MongoDB, no answer in 30 s).
   */
  @Test
  void theHealthChecksAnswerUnhealthyWithinSecondsWhileTheServerIsSilent() {
    MongoConnection mongo = new MongoConnection("mongodb://127.0.0.1:" + proxy.port(), "db", 1);
    try {
      com.salesagent.worker.health.MongoHealthCheck ping =
          new com.salesagent.worker.health.MongoHealthCheck(mongo);
      com.salesagent.worker.health.SendersHealthCheck senders =
          new com.salesagent.worker.health.SendersHealthCheck(mongo);
      assertThat(ping.execute().isHealthy()).isTrue();
      assertThat(senders.execute().isHealthy()).isTrue();

      proxy.freeze();
      for (com.codahale.metrics.health.HealthCheck check :
          List.<com.codahale.metrics.health.HealthCheck>of(ping, senders)) {
        long started = System.nanoTime();
        com.codahale.metrics.health.HealthCheck.Result result =
            assertTimeoutPreemptively(Duration.ofSeconds(20), check::execute);
        assertThat(result.isHealthy()).as(check.getClass().getSimpleName()).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
            .as(check.getClass().getSimpleName())
            .isLessThan(10_000);
      }
    } finally {
      mongo.stop();
    }
  }

  /** Forwards bytes both ways until frozen; then keeps every connection open and silent. */
  private static final class FreezingProxy implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0);
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;

    FreezingProxy(int upstreamPort) throws IOException {
      Thread accept =
          new Thread(
              () -> {
                while (!listener.isClosed()) {
                  try {
                    Socket downstream = listener.accept();
                    Socket upstream = new Socket("127.0.0.1", upstreamPort);
                    sockets.add(downstream);
                    sockets.add(upstream);
                    pump(downstream, upstream);
                    pump(upstream, downstream);
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "freezing-proxy");
      accept.setDaemon(true);
      accept.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    void freeze() {
      frozen = true;
    }

    private void pump(Socket from, Socket to) {
      Thread t =
          new Thread(
              () -> {
                byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                  int n;
                  while ((n = in.read(buffer)) >= 0) {
                    while (frozen) {
                      Thread.sleep(50); // the bytes read are held back for good
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                } catch (IOException | InterruptedException e) {
                  // a side closed: the pump ends
                }
              },
              "freezing-proxy-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}

package com.salesagent.tools.chaos;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.api.embedded.EmbeddedMongoServer;
import com.salesagent.api.embedded.EmbeddedS3Server;
import com.salesagent.api.embedded.EmbeddedTemporalServer;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.EmulatorFaults;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.temporal.Ports;
import com.salesagent.workflows.lead.Stage;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fault-injection run: the embedded infrastructure (Temporal dev server, MongoDB-wire server
 * behind a proxy that can partition it, S3, the WhatsApp emulator with faults) in this process, the
 * API and the workers as separate JVMs. It enrols leads and, while they run, kills a random worker
 * with SIGKILL every few seconds (and starts it again) and cuts MongoDB off once; then it waits for
 * every lead to reach an outcome and counts what the emulator's recipients actually got: duplicate
 * sends (one idempotency key accepted twice), sends after a delivered STOP, leads lost, leads
 * stuck.
 */
public final class ChaosRun {
  public record Options(
      int leads,
      Duration duration,
      int kills,
      Duration killEvery,
      Duration mongoOutage,
      int workers,
      String faults,
      double enrolPerSecond,
      long seed) {
    public static Options quick() {
      return new Options(
          60,
          Duration.ofMinutes(4),
          2,
          Duration.ofSeconds(8),
          Duration.ofSeconds(10),
          2,
          DEFAULT_FAULTS,
          10,
          7);
    }
  }

  /** The fault mix: every fault the emulator knows. */
  public static final String DEFAULT_FAULTS =
      "timeout_after_accept:0.05,reset_after_accept:0.05,http_500:0.05,rate_limit_130429:0.05,"
          + "pair_limit_131056:0.05,webhook_duplicate:0.2,webhook_reorder:0.2,webhook_delay_max:15s";

  public record Report(
      int leads,
      int enrolled,
      int finished,
      int duplicateSends,
      int sendsAfterOptOut,
      int lost,
      int stuck,
      int kills,
      boolean outage,
      Duration elapsed,
      Map<String, Long> outcomes,
      int accepted,
      Map<String, Integer> duplicates,
      List<String> stuckLeads,
      int serverStalls,
      Map<String, Long> failedBy) {
    /**
     * Stuck leads the system could have moved: those whose only problem is a workflow task the dev
     * server started and never timed out (a defect of the stand-in, which a real server does not
     * have: it times out every started task) are counted apart.
     */
    public int stuckOwn() {
      return stuck - serverStalls;
    }

    public String line() {
      return String.format(
          Locale.ROOT,
          "leads %d, finished %d, duplicate sends %d, sends after opt-out %d, lost %d, stuck %d"
              + " (dev-server stalls %d; %.0f s; %d worker kills, MongoDB cut off %s; outcomes"
              + " %s; failed by %s; messages accepted %d)",
          leads,
          finished,
          duplicateSends,
          sendsAfterOptOut,
          lost,
          stuckOwn(),
          serverStalls,
          elapsed.toMillis() / 1000.0,
          kills,
          outage ? "once" : "never",
          outcomes,
          failedBy,
          accepted);
    }

    public boolean clean() {
      return duplicateSends == 0 && sendsAfterOptOut == 0 && lost == 0 && stuckOwn() == 0;
    }
  }

  static final List<String> TERMINAL =
      Arrays.stream(Stage.values()).filter(Stage::settled).map(Stage::key).toList();

  private ChaosRun() {}

  public static Report run(Options o, Path dataDir, PrintStream out) throws Exception {
    long started = System.nanoTime();
    Files.createDirectories(dataDir.resolve("logs"));
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    String token = "chaos-" + HexFormat.of().formatHex(secret);
    EmbeddedTemporalServer temporal = new EmbeddedTemporalServer(0);
    EmbeddedMongoServer mongo = new EmbeddedMongoServer(0, false);
    EmbeddedS3Server s3 = new EmbeddedS3Server(0, dataDir.resolve("s3"));
    WhatsAppEmulator emulator =
        new WhatsAppEmulator(
            0, "15550001111", "chaos-token", "chaos-secret", "chaos-verify", behaviour(o.seed()));
    emulator.setFaults(EmulatorFaults.parse(o.faults(), o.seed()));
    List<ChildProcess> processes = new ArrayList<>();
    TcpProxy proxy = null;
    MongoClient client = null;
    try {
      temporal.start();
      mongo.start();
      proxy = new TcpProxy(mongo.port());
      s3.start();
      emulator.start();
      int httpPort = Ports.freePort();
      Map<String, String> env = environment(o, token, temporal, proxy, s3, emulator);
      Map<String, String> apiEnv = new LinkedHashMap<>(env);
      apiEnv.put("HTTP_PORT", String.valueOf(httpPort));
      apiEnv.put("ADMIN_PORT", String.valueOf(Ports.freePort()));
      apiEnv.put("DATA_DIR", dataDir.resolve("api").toString());
      ChildProcess api =
          new ChildProcess(
              "api",
              "com.salesagent.api.SalesAgentApplication",
              List.of("server"),
              apiEnv,
              dataDir.resolve("logs"));
      processes.add(api);
      List<ChildProcess> workers = new ArrayList<>();
      for (int i = 1; i <= o.workers(); i++) {
        Map<String, String> workerEnv = new LinkedHashMap<>(env);
        workerEnv.put("WORKER_ADMIN_PORT", String.valueOf(Ports.freePort()));
        workerEnv.put("DATA_DIR", dataDir.resolve("worker-" + i).toString());
        ChildProcess worker =
            new ChildProcess(
                "worker-" + i,
                "com.salesagent.worker.WorkerApplication",
                List.of("server"),
                workerEnv,
                dataDir.resolve("logs"));
        workers.add(worker);
        processes.add(worker);
      }
      for (ChildProcess p : processes) {
        p.start();
      }
      emulator.setWebhookUrl("http://127.0.0.1:" + httpPort + "/webhooks/whatsapp");
      String base = "http://127.0.0.1:" + httpPort;
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      awaitApi(http, base, token, api, Duration.ofSeconds(180));
      out.printf(
          "chaos: infrastructure and %d processes up in %.0f s; logs under %s%n",
          processes.size(), (System.nanoTime() - started) / 1e9, dataDir.resolve("logs"));

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger kills = new AtomicInteger();
      AtomicBoolean outage = new AtomicBoolean();
      TcpProxy cut = proxy;
      Thread chaos = new Thread(() -> chaos(o, workers, cut, running, kills, outage, out), "chaos");
      chaos.setDaemon(true);
      chaos.start();

      int enrolled = enrol(http, base, token, o, running);
      client = MongoClients.create("mongodb://127.0.0.1:" + mongo.port());
      MongoDatabase db = client.getDatabase("chaos");
      long deadline = started + o.duration().toNanos();
      long finished;
      do {
        Thread.sleep(1000);
        finished =
            db.getCollection(Collections.CONTACTS).countDocuments(Filters.in("stage", TERMINAL));
        // The planned faults all land before the run ends, though the leads may settle first (a
        // fast run once ended before its second kill: a fault the report then did not have).
      } while ((finished < enrolled || chaos.isAlive()) && System.nanoTime() < deadline);
      running.set(false);
      chaos.join(60_000);
      Thread.sleep(3000); // late webhooks land before the count
      int stalls = ChaosFindings.explainStuck(temporal.target(), ChaosFindings.stuckLeads(db), out);
      return ChaosFindings.report(
          o, db, emulator, enrolled, kills.get(), outage.get(), started, stalls);
    } finally {
      for (ChildProcess p : processes) {
        p.close();
      }
      if (client != null) {
        client.close();
      }
      if (proxy != null) {
        proxy.close();
      }
      emulator.stop();
      s3.stop();
      mongo.stop();
      temporal.close();
    }
  }

  private static EmulatorBehaviour behaviour(long seed) {
    return new EmulatorBehaviour(
        EmulatorBehaviour.REALISTIC,
        0.98,
        0.7,
        0.35,
        0.4,
        0,
        100,
        300,
        800,
        1500,
        List.of("Sounds interesting, tell me more", "Can you send me pricing?", "Who is this?"),
        List.of("STOP", "please remove me", "no más"),
        seed);
  }

  private static Map<String, String> environment(
      Options o,
      String token,
      EmbeddedTemporalServer temporal,
      TcpProxy proxy,
      EmbeddedS3Server s3,
      WhatsAppEmulator emulator) {
    Map<String, String> env =
        ChildEnvironment.of(
            temporal.target(),
            "mongodb://127.0.0.1:"
                + proxy.port()
                + "/?serverSelectionTimeoutMS=5000&connectTimeoutMS=2000&socketTimeoutMS=10000",
            "chaos",
            s3,
            emulator,
            token);
    // The dev server leaves a killed worker's sticky tasks where they are: no stickiness here.
    env.put("WORKER_WORKFLOW_CACHE", "0");
    env.put("FOLLOW_UP_READ_NO_REPLY", "5s");
    env.put("FOLLOW_UP_UNREAD", "8s");
    env.put("MAX_FOLLOW_UPS", "1");
    env.put("RATE_LIMIT_BACKOFF", "2s");
    env.put("APPROVAL_SLA", "10s");
    // Longer than the emulator's longest webhook delay: a request that reached it is reconciled
    // by its status; only one that never did is sent again.
    env.put("UNKNOWN_SEND_WINDOW", "30s");
    env.put("UNKNOWN_SEND_POLICY", "resend");
    env.put("CONNECT_TIMEOUT_SECONDS", "120");
    env.put("LOG_LEVEL", "WARN");
    env.put("OPT_OUT_TRACKING", "true");
    env.put("DJL_OFFLINE", "true");
    return env;
  }

  private static void awaitApi(
      HttpClient http, String base, String token, ChildProcess api, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!api.alive()) {
        throw new IllegalStateException("the API process exited: see " + api.log());
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/leads?pageSize=1"))
                    .header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the API did not come up: see " + api.log());
  }

  /** Enrols every lead, again and again through outages (enrolment is idempotent by leadId). */
  private static int enrol(
      HttpClient http, String base, String token, Options o, AtomicBoolean running)
      throws InterruptedException {
    int enrolled = 0;
    long gap = (long) (1000 / Math.max(0.1, o.enrolPerSecond()));
    for (int i = 0; i < o.leads(); i++) {
      String body =
          """
          {"leadId":"chaos-%d","name":"Lead %d","phone":"+55119%08d","company":"Acme %d",
           "jobTitle":"Head of Sales","industry":"retail","companySize":"%d",
           "notes":"Met at the retail fair. They are opening new stores this year.",
           "consent":{"whatsappOptIn":true,"source":"chaos run","at":"2026-11-20T10:00:00Z"}}
          """
              .formatted(i, i, 70_000_000 + i, i, 20 + (i % 3) * 400);
      for (int attempt = 0; running.get(); attempt++) {
        try {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(URI.create(base + "/api/leads"))
                      .header("Authorization", "Bearer " + token)
                      .header("Content-Type", "application/json")
                      .timeout(Duration.ofSeconds(30))
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() / 100 == 2) {
            enrolled++;
            break;
          }
        } catch (IOException e) {
          // the API or MongoDB is away: try again
        }
        Thread.sleep(Math.min(5000, 200L << Math.min(5, attempt)));
      }
      Thread.sleep(gap);
    }
    return enrolled;
  }

  /** Kills (and restarts) a random worker every few seconds; cuts MongoDB off once, early. */
  private static void chaos(
      Options o,
      List<ChildProcess> workers,
      TcpProxy proxy,
      AtomicBoolean running,
      AtomicInteger kills,
      AtomicBoolean outage,
      PrintStream out) {
    Random random = new Random(o.seed());
    boolean outageDue = !o.mongoOutage().isZero();
    try {
      for (int round = 0; running.get() && (kills.get() < o.kills() || outageDue); round++) {
        long every = o.killEvery().toMillis();
        Thread.sleep(every / 2 + random.nextInt((int) Math.max(1, every)));
        if (!running.get()) {
          return;
        }
        if (outageDue && (round == 1 || kills.get() >= o.kills())) {
          out.printf("chaos: MongoDB cut off for %d s%n", o.mongoOutage().toSeconds());
          proxy.block();
          Thread.sleep(o.mongoOutage().toMillis());
          proxy.unblock();
          outage.set(true);
          outageDue = false;
          continue;
        }
        if (kills.get() < o.kills()) {
          ChildProcess victim = workers.get(random.nextInt(workers.size()));
          victim.kill();
          kills.incrementAndGet();
          out.printf("chaos: SIGKILL %s (kill %d)%n", victim.name(), kills.get());
          Thread.sleep(1000 + random.nextInt(2000));
          victim.start();
        }
      }
    } catch (Exception e) {
      out.println("chaos: stopped: " + e);
    }
  }
}

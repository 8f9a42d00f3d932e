package com.salesagent.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.variants.VariantStats;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.apache.commons.math3.random.MersenneTwister;
import org.bson.Document;

/**
 * {@code java -jar sales-agent.jar bench-dashboard}: loads the embedded stack with synthetic
 * history (default 1,000,000 interaction events over 20,000 leads, 5 campaigns, 90 days, with the
 * counters that the live paths would have kept) and times one dashboard refresh: the summary, the
 * variant table, a leads page and the approvals, over HTTP, many times.
 */
public class DashboardBenchCommand extends Command {
  public DashboardBenchCommand() {
    super("bench-dashboard", "Times a dashboard refresh over a large synthetic history");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser.addArgument("--events").type(Integer.class).setDefault(1_000_000);
    subparser.addArgument("--leads").type(Integer.class).setDefault(20_000);
    subparser.addArgument("--refreshes").type(Integer.class).setDefault(200);
    subparser
        .addArgument("--stream")
        .type(Integer.class)
        .setDefault(200)
        .help("status changes timed from MongoDB write to the live stream's event (0: none)");
    subparser
        .addArgument("--live-feed")
        .choices("auto", "polling", "change_streams")
        .setDefault("auto")
        .help("LIVE_FEED_SOURCE for the run (auto: polling on the embedded MongoDB-wire server)");
  }

  static final String[] TYPES = {
    "assigned", "message_sent", "sent", "delivered", "read", "replied", "outcome", "researched"
  };
  static final String[] SEGMENTS = {"smb", "mid_market", "enterprise"};
  static final String[] VARIANTS = {"v-cost", "v-scaling", "v-speed"};
  static final String[] STAGES = {"waiting", "replied", "no_response", "opted_out", "sent"};

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
    int events = namespace.getInt("events");
    int leads = namespace.getInt("leads");
    int refreshes = namespace.getInt("refreshes");
    EmbeddedStack stack =
        EmbeddedStack.start("bench", Map.of("LIVE_FEED_SOURCE", namespace.getString("live_feed")));
    MongoDatabase db = stack.app().connections().mongo().database();
    EmbeddedStack.printMachine();
    long loadStart = System.nanoTime();
    load(db, events, leads);
    System.out.printf(
        "Loaded %,d interaction events, %,d contacts and their counters in %.1f s%n",
        db.getCollection(Collections.INTERACTION_HISTORY).countDocuments(),
        db.getCollection(Collections.CONTACTS).countDocuments(),
        (System.nanoTime() - loadStart) / 1e9);

    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    String base = "http://127.0.0.1:" + stack.port();
    List<String> paths =
        List.of(
            "/api/dashboard/summary",
            "/api/analytics/variants?segment=smb",
            "/api/leads?page=0&pageSize=25",
            "/api/approvals");
    Map<String, List<Double>> times = new HashMap<>();
    List<Double> refresh = new ArrayList<>();
    String liveSource = "?";
    List<Double> summaryServer = new ArrayList<>();
    Map<String, List<Double>> server = new HashMap<>();
    for (int i = 0; i < refreshes + 20; i++) {
      double total = 0;
      for (String path : paths) {
        long start = System.nanoTime();
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + stack.token())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - start) / 1e6;
        if (r.statusCode() != 200) {
          throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        if (i >= 20) {
          times.computeIfAbsent(path, k -> new ArrayList<>()).add(ms);
          String timing = r.headers().firstValue("Server-Timing").orElse("app;dur=NaN");
          server
              .computeIfAbsent(path, k -> new ArrayList<>())
              .add(Double.parseDouble(timing.substring(timing.indexOf("dur=") + 4)));
          if (path.startsWith("/api/dashboard/summary")) {
            JsonNode s = json.readTree(r.body());
            summaryServer.add(s.path("serverMillis").asDouble());
            liveSource = s.path("liveSource").asText();
          }
        }
        total += ms;
      }
      if (i >= 20) {
        refresh.add(total);
      }
    }
    System.out.printf(
        "Dashboard refresh over HTTP (%d refreshes after 20 warm-up; times include the HTTP round"
            + " trip on this machine):%n",
        refreshes);
    for (String path : paths) {
      System.out.printf("  %-40s HTTP %s%n", path, describe(times.get(path)));
      System.out.printf("  %-40s server %s%n", "", describe(server.get(path)));
    }
    List<Double> serverRefresh = new ArrayList<>();
    for (int i = 0; i < refreshes; i++) {
      double sum = 0;
      for (String path : paths) {
        sum += server.get(path).get(i);
      }
      serverRefresh.add(sum);
    }
    System.out.printf(
        "  %-40s %s%n", "one full refresh, server-side (sum)", describe(serverRefresh));
    System.out.printf(
        "  %-40s %s%n", "summary, server-side (serverMillis)", describe(summaryServer));
    System.out.printf(
        "  %-40s %s%n%n", "one full refresh (4 requests in a row)", describe(refresh));
    // Asked only when an operator opens the kill-switch's confirmation: scans the leads.
    List<Double> inFlight = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/variants/v-cost/in-flight"))
                  .header("Authorization", "Bearer " + stack.token())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String timing = r.headers().firstValue("Server-Timing").orElse("app;dur=NaN");
      if (i >= 10) {
        inFlight.add(Double.parseDouble(timing.substring(timing.indexOf("dur=") + 4)));
      }
    }
    System.out.printf(
        "  %-40s server %s%n%n", "in-flight count (confirmation dialog)", describe(inFlight));
    int stream = namespace.getInt("stream");
    if (stream > 0) {
      List<Double> pushed = streamLatency(http, base, stack.token(), db, stream);
      System.out.printf(
          "Live stream (/api/dashboard/stream, %s): a message's status stored -> its event read by"
              + " the client, %d changes one at a time:%n  %-40s %s%n%n",
          liveSource, stream, "stored -> pushed", describe(pushed));
    }
    stack.app().server().stop();
    System.exit(0);
  }

  /**
   * Times the live stream: each status change is written to MongoDB as the webhook inbox writes it
   * and timed until the stream's client reads the event (how soon the inbox stores it is {@code
   * bench-webhooks}' figure).
   */
  static List<Double> streamLatency(
      HttpClient http, String base, String token, MongoDatabase db, int changes) throws Exception {
    java.util.concurrent.BlockingQueue<String[]> events =
        new java.util.concurrent.LinkedBlockingQueue<>();
    HttpResponse<java.io.InputStream> sse =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/dashboard/stream"))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    Thread reader =
        new Thread(
            () -> {
              try (java.io.BufferedReader in =
                  new java.io.BufferedReader(
                      new java.io.InputStreamReader(
                          sse.body(), java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  if (line.startsWith("data: ")) {
                    events.add(new String[] {line.substring(6), String.valueOf(System.nanoTime())});
                  }
                }
              } catch (java.io.IOException e) {
                // closed at the end
              }
            },
            "bench-stream-reader");
    reader.setDaemon(true);
    reader.start();
    if (events.poll(10, java.util.concurrent.TimeUnit.SECONDS) == null) {
      throw new IllegalStateException("the stream sent no counters on connect");
    }
    Thread.sleep(500); // the watchers are open before the first change
    List<Double> latency = new ArrayList<>();
    for (int i = 0; i < changes + 10; i++) {
      String leadId = "bench-stream-" + i + "-" + System.nanoTime();
      long start = System.nanoTime();
      db.getCollection(Collections.MESSAGES)
          .insertOne(
              new Document("idempotencyKey", leadId + ":first")
                  .append("leadId", leadId)
                  .append("status", "delivered")
                  .append("purpose", "first")
                  .append("updatedAt", new Date()));
      long seen = 0;
      long deadline = start + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (seen == 0 && System.nanoTime() < deadline) {
        String[] e =
            events.poll(deadline - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS);
        if (e != null && e[0].contains(leadId)) {
          seen = Long.parseLong(e[1]);
        }
      }
      if (seen == 0) {
        throw new IllegalStateException("no event within 10 s for " + leadId);
      }
      if (i >= 10) {
        latency.add((seen - start) / 1e6);
      }
    }
    sse.body().close();
    return latency;
  }

  private static String describe(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    v.sort(Double::compare);
    return String.format(
        "p50 %.1f ms, p95 %.1f ms, max %.1f ms",
        v.get(v.size() / 2), v.get((int) (v.size() * 0.95)), v.get(v.size() - 1));
  }

  /** Synthetic history and the counters the live paths would have kept for it. */
  static void load(MongoDatabase db, int events, int leads) {
    MersenneTwister random = new MersenneTwister(11);
    Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
    List<Document> contacts = new ArrayList<>();
    for (int i = 0; i < leads; i++) {
      Instant enrolled = end.minus(random.nextInt(90), ChronoUnit.DAYS);
      contacts.add(
          new Document("leadId", "bench-" + i)
              .append("name", "Lead " + i)
              .append("phone", String.format("+55119%08d", i))
              .append("campaignId", "campaign-" + (i % 5))
              .append("segment", SEGMENTS[i % 3])
              .append("variantId", VARIANTS[random.nextInt(3)])
              .append("stage", STAGES[random.nextInt(STAGES.length)])
              .append("enrolledAt", Date.from(enrolled)));
      if (contacts.size() == 5_000) {
        db.getCollection(Collections.CONTACTS).insertMany(contacts);
        contacts.clear();
      }
    }
    if (!contacts.isEmpty()) {
      db.getCollection(Collections.CONTACTS).insertMany(contacts);
    }
    Map<String, Map<String, Long>> campaignCounters = new HashMap<>();
    Map<String, Map<String, Long>> variantCounters = new HashMap<>();
    List<Document> batch = new ArrayList<>();
    try (ProgressBar pb = Progress.bar("history", events)) {
      for (int n = 0; n < events; n++) {
        int lead = random.nextInt(leads);
        String type = TYPES[random.nextInt(TYPES.length)];
        Instant at = end.minus(random.nextInt(90 * 24 * 60), ChronoUnit.MINUTES);
        String day = LocalDate.ofInstant(at, ZoneOffset.UTC).toString();
        String variant = VARIANTS[lead % 3];
        batch.add(
            // The shape Interactions.recordInteraction writes: meta is the lead alone.
            new Document("ts", Date.from(at))
                .append("meta", new Document("leadId", "bench-" + lead))
                .append("type", type)
                .append("channel", "whatsapp")
                .append("campaignId", "campaign-" + (lead % 5))
                .append("variantId", variant));
        String counter =
            switch (type) {
              case "message_sent" -> "sent";
              case "assigned", "delivered", "read", "replied" -> type;
              default -> null;
            };
        if (counter != null) {
          variantCounters
              .computeIfAbsent(variant + "|" + SEGMENTS[lead % 3] + "|" + day, k -> new HashMap<>())
              .merge(counter, 1L, Long::sum);
          campaignCounters
              .computeIfAbsent("campaign-" + (lead % 5) + "|" + day, k -> new HashMap<>())
              .merge("assigned".equals(counter) ? "enrolled" : counter, 1L, Long::sum);
        }
        if (batch.size() == 10_000) {
          db.getCollection(Collections.INTERACTION_HISTORY).insertMany(batch);
          batch.clear();
          pb.stepTo(n + 1);
        }
      }
      if (!batch.isEmpty()) {
        db.getCollection(Collections.INTERACTION_HISTORY).insertMany(batch);
      }
      pb.stepTo(events);
    }
    List<Document> docs = new ArrayList<>();
    variantCounters.forEach(
        (k, v) -> {
          String[] p = k.split("\\|");
          Document d = new Document("variantId", p[0]).append("segment", p[1]).append("day", p[2]);
          v.forEach(d::append);
          docs.add(d);
        });
    db.getCollection(VariantStats.COLLECTION).insertMany(docs);
    docs.clear();
    campaignCounters.forEach(
        (k, v) -> {
          String[] p = k.split("\\|");
          Document d = new Document("campaignId", p[0]).append("day", p[1]);
          v.forEach(d::append);
          docs.add(d);
        });
    db.getCollection(FunnelStats.COLLECTION).insertMany(docs);
  }
}

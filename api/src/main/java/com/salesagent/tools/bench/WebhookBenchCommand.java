package com.salesagent.tools.bench;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.salesagent.api.SalesAgentApplication;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.api.webhook.WebhookInbox;
import com.salesagent.api.webhook.WebhookSignature;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.micrometer.core.instrument.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.bson.Document;

/**
 * {@code java -jar sales-agent.jar bench-webhooks}: webhook status ingest end to end on the
 * embedded stack. Enrols real leads (their workflows run and wait for their follow-ups), gives each
 * lead more accepted messages in MongoDB so the status volume does not need thousands of
 * enrolments, then posts Meta-format signed status webhooks ({@code sent}, {@code delivered},
 * {@code read} for every message, as the old {@code bench} did) and measures until each event is
 * processed (message updated, timeline and counters written, the workflow signalled where the inbox
 * does so). Two phases: a burst (everything posted as fast as the posters go: throughput) and a
 * paced phase at {@code --rate} events/s (latency accept -> processed, from the inbox's own {@code
 * receivedAt} and {@code processedAt}). Prints the limit of the same run beside it: the embedded
 * MongoDB's rate of unordered bulk updates.
 */
public class WebhookBenchCommand extends Command {
  public WebhookBenchCommand() {
    super("bench-webhooks", "Measures webhook status ingest end to end on the embedded stack");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser.addArgument("--leads").type(Integer.class).setDefault(200).help("leads to enrol");
    subparser
        .addArgument("--events")
        .type(Integer.class)
        .setDefault(12_000)
        .help("status events of the burst phase");
    subparser
        .addArgument("--paced-events")
        .type(Integer.class)
        .setDefault(6_000)
        .help("status events of the paced phase");
    subparser
        .addArgument("--rate")
        .type(Integer.class)
        .setDefault(1_200)
        .help("events/s offered in the paced phase");
    subparser
        .addArgument("--batch")
        .type(Integer.class)
        .setDefault(50)
        .help("status items per webhook POST");
    subparser
        .addArgument("--posters")
        .type(Integer.class)
        .setDefault(4)
        .help("concurrent webhook posters");
  }

  private record Msg(String wamid, String recipient) {}

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace ns) throws Exception {
    int leads = ns.getInt("leads");
    int batch = ns.getInt("batch");
    int posters = ns.getInt("posters");
    EmbeddedStack stack =
        EmbeddedStack.start("bench-webhooks", Map.of("WHATSAPP_EMULATOR_MODE", "ack_only"));
    SalesAgentApplication app = stack.app();
    WhatsAppEmulator emulator = app.emulator();
    emulator.setBehaviour(EmulatorBehaviour.acknowledgingOnly());
    // The bench posts every status itself: the emulator's own callbacks would be duplicates.
    emulator.setWebhookUrl(null);
    Map<String, String> wamidOf = new ConcurrentHashMap<>();
    emulator.setSendListener((waId, wamid) -> wamidOf.putIfAbsent(waId, wamid));
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + stack.port();
    MongoDatabase db = app.connections().mongo().database();
    EmbeddedStack.printMachine();

    System.out.printf("Enrolling %d leads (8 at a time) until each first message is sent%n", leads);
    ExecutorService enrolPool = Executors.newFixedThreadPool(8);
    List<Future<?>> enrolments = new ArrayList<>();
    List<String> phones = new ArrayList<>();
    for (int i = 0; i < leads; i++) {
      String phone = String.format("55119%08d", i);
      phones.add(phone);
      int n = i;
      enrolments.add(
          enrolPool.submit(
              () -> {
                HttpResponse<String> r =
                    http.send(
                        HttpRequest.newBuilder(URI.create(base + "/api/leads"))
                            .header("Authorization", "Bearer " + stack.token())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(lead(n, phone)))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 202) {
                  throw new IllegalStateException("enrolment failed: " + r.body());
                }
                return null;
              }));
    }
    for (Future<?> f : enrolments) {
      f.get();
    }
    enrolPool.shutdown();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (wamidOf.size() < leads) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + wamidOf.size() + " first sends in 5 min");
      }
      Thread.sleep(100);
    }
    // Every first message accepted in MongoDB too (the send activity stores it after the call).
    MongoCollection<Document> messages = db.getCollection("messages");
    while (messages.countDocuments(Filters.regex("wamid", "^wamid")) < leads) {
      Thread.sleep(100);
    }

    int burstEvents = ns.getInt("events");
    int pacedEvents = ns.getInt("paced_events");
    List<Msg> burst = messagesFor(messages, phones, wamidOf, "b", (burstEvents + 2) / 3);
    List<Msg> paced = messagesFor(messages, phones, wamidOf, "p", (pacedEvents + 2) / 3);
    double bulkLimit = bulkUpdateRate(db);
    System.out.printf(
        "Limit measured in this run: embedded MongoDB unordered bulkWrite of 500 updates:"
            + " %.0f updates/s%n",
        bulkLimit);

    MongoCollection<Document> events = db.getCollection("webhook_events");
    WebhookSignature signature = new WebhookSignature(emulator.appSecret());
    SignedPosts poster =
        new SignedPosts(
            "127.0.0.1", stack.port(), "/webhooks/whatsapp", signature, emulator.phoneNumberId());

    System.out.printf(
        "%nBurst: %d status events (sent, delivered, read per message) in signed POSTs of %d,"
            + " %d posters%n",
        burst.size() * 3, batch, posters);
    long inserts = app.inbox().insertCommands();
    long[] batches = app.inbox().statusBatches();
    Result b = phase(events, poster, batch, statuses(burst), posters, 0);
    b.print();
    printInserts(app, inserts, burst.size() * 3, batch);
    printBatches(app, batches);
    // The burst leaves work behind after the inbox is done (its sweeps, the timeline; before reads
    // were looked up by the workflows, thousands of read signals' workflow tasks). The paced phase
    // measures the steady state, so it starts once this process is quiet again.
    double settled = settle();
    System.out.printf(
        "%nPaced: %d status events offered at %d events/s (after %.1f s for the burst's work to"
            + " finish; starts %s)%n",
        paced.size() * 3, ns.getInt("rate"), settled, Instant.now());
    inserts = app.inbox().insertCommands();
    batches = app.inbox().statusBatches();
    Result p = phase(events, poster, batch, statuses(paced), posters, ns.getInt("rate"));
    p.print();
    printInserts(app, inserts, paced.size() * 3, batch);
    printBatches(app, batches);
    printCounterDocuments(db);
    System.out.printf(
        "%nwebhook ingest: burst %.0f events/s processed end to end (%.0f %% of the bulk-update"
            + " limit), paced at %d/s p50 %.0f ms p99 %.0f ms accept -> processed"
            + " (target >= 1,200 events/s, p99 <= 250 ms: %s)%n",
        b.processedPerSecond,
        100 * b.processedPerSecond / bulkLimit,
        ns.getInt("rate"),
        p.p50,
        p.p99,
        b.processedPerSecond >= 1200 && p.p99 <= 250 ? "met" : "not met");
    poster.close();
    app.server().stop();
    System.exit(0);
  }

  /** How many statuses the inbox's partitions applied together (one status batch's round trips). */
  private static void printBatches(SalesAgentApplication app, long[] before) {
    long[] now = app.inbox().statusBatches();
    long batches = now[0] - before[0];
    System.out.printf(
        "  statuses applied in %d batches (%.1f statuses per batch)%n",
        batches, batches == 0 ? 0.0 : (double) (now[1] - before[1]) / batches);
  }

  /**
   * How many requests each insert of the inbox stored (GroupInsert: requests that came together).
   */
  private static void printInserts(SalesAgentApplication app, long before, int events, int batch) {
    long inserts = app.inbox().insertCommands() - before;
    long requests = (events + batch - 1) / batch;
    System.out.printf(
        "  webhook requests %d stored by %d inserts (%.1f requests per insert)%n",
        requests, inserts, inserts == 0 ? 0.0 : (double) requests / inserts);
  }

  /**
   * The variant counter documents the run wrote and how full their lists of batch ids are (each
   * counter update reads and rewrites its list: CountedOnce), so a short run's figures can be read
   * against a long-running server's, whose lists are full.
   */
  private static void printCounterDocuments(MongoDatabase db) {
    List<Integer> lengths = new ArrayList<>();
    for (Document d :
        db.getCollection(com.salesagent.activities.variants.VariantStats.COLLECTION)
            .find(Filters.exists("batches", true))) {
      lengths.add(d.getList("batches", Object.class).size());
    }
    lengths.sort(Integer::compare);
    System.out.printf(
        "  variant counter documents with batch ids: %d, ids per document %s (a full list holds"
            + " %d)%n",
        lengths.size(), lengths, com.salesagent.activities.variants.CountedOnce.KEEP);
  }

  /**
   * Waits until this process has used under a fifth of the machine for a whole second (at most 60
   * s); answers the seconds waited.
   */
  static double settle() throws InterruptedException {
    var os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long start = System.nanoTime();
    long quietSince = 0;
    os.getProcessCpuLoad(); // the first reading has no interval
    while (System.nanoTime() - start < Duration.ofSeconds(60).toNanos()) {
      Thread.sleep(250);
      if (os.getProcessCpuLoad() < 0.2) {
        if (quietSince == 0) {
          quietSince = System.nanoTime();
        } else if (System.nanoTime() - quietSince >= Duration.ofSeconds(1).toNanos()) {
          break;
        }
      } else {
        quietSince = 0;
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** Accepted messages of the enrolled leads: each lead's first message cloned under new ids. */
  private static List<Msg> messagesFor(
      MongoCollection<Document> messages,
      List<String> phones,
      Map<String, String> wamidOf,
      String tag,
      int count) {
    List<Msg> out = new ArrayList<>();
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String phone = phones.get(i % phones.size());
      Document first = messages.find(Filters.eq("wamid", wamidOf.get(phone))).first();
      Document copy = new Document(first);
      copy.remove("_id");
      String wamid = "wamid.bench-" + tag + "-" + i;
      copy.put("wamid", wamid);
      copy.put("idempotencyKey", "bench-" + tag + "-" + i);
      copy.put("status", "accepted");
      copy.put("statusRank", 1);
      copy.put("statusAt", new Document("accepted", new Date()));
      docs.add(copy);
      out.add(new Msg(wamid, phone));
      if (docs.size() == 500) {
        messages.insertMany(docs);
        docs.clear();
      }
    }
    if (!docs.isEmpty()) {
      messages.insertMany(docs);
    }
    return out;
  }

  /** sent, delivered, read of every message; a group of 100 messages at a time, in that order. */
  private static List<String> statuses(List<Msg> msgs) {
    long ts = Instant.now().getEpochSecond();
    List<String> items = new ArrayList<>();
    for (int g = 0; g < msgs.size(); g += 100) {
      List<Msg> group = msgs.subList(g, Math.min(msgs.size(), g + 100));
      for (String status : List.of("sent", "delivered", "read")) {
        for (Msg m : group) {
          items.add(
              "{\"id\":\"%s\",\"status\":\"%s\",\"timestamp\":\"%d\",\"recipient_id\":\"%s\"}"
                  .formatted(m.wamid(), status, ts, m.recipient()));
        }
      }
    }
    return items;
  }

  private record Result(
      int events,
      double acceptedPerSecond,
      double processedPerSecond,
      double seconds,
      double p50,
      double p99,
      double max) {
    void print() {
      System.out.printf(
          "  accepted (stored, 200 returned): %.0f events/s; processed end to end: %.0f events/s"
              + " (%d events, %.2f s); accept -> processed p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
          acceptedPerSecond, processedPerSecond, events, seconds, p50, p99, max);
    }
  }

  /**
   * Posts the items, {@code batch} per request (paced at {@code rate} events/s, or as fast as
   * possible for 0). The requests are built and signed before the phase starts.
   */
  private static Result phase(
      MongoCollection<Document> events,
      SignedPosts poster,
      int batch,
      List<String> items,
      int posters,
      int rate)
      throws Exception {
    List<byte[]> requests = new ArrayList<>();
    for (int i = 0; i < items.size(); i += batch) {
      requests.add(poster.request(items.subList(i, Math.min(items.size(), i + batch))));
    }
    Date phaseStart = new Date();
    // Progress from the inbox's own counter (same JVM): counting webhook_events every 20 ms was a
    // full scan on the embedded server, 15 % of its CPU in the profile. The final count and the
    // latencies still come from MongoDB.
    long before = processedSoFar();
    long storedBefore = events.countDocuments(Filters.eq("processed", true));
    ExecutorService pool = Executors.newFixedThreadPool(posters);
    List<Future<?>> posts = new ArrayList<>();
    long start = System.nanoTime();
    for (int r = 0; r < requests.size(); r++) {
      byte[] request = requests.get(r);
      if (rate > 0) {
        long due = start + (long) ((long) r * batch * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      posts.add(
          pool.submit(
              () -> {
                poster.post(request);
                return null;
              }));
    }
    for (Future<?> f : posts) {
      f.get();
    }
    double acceptedSeconds = (System.nanoTime() - start) / 1e9;
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    try (var bar = Progress.bar("processed", items.size())) {
      long done;
      while ((done = processedSoFar() - before) < items.size()) {
        bar.stepTo(done);
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("not processed within 10 min: " + done);
        }
        Thread.sleep(20);
      }
      bar.stepTo(items.size());
    }
    long stored = events.countDocuments(Filters.eq("processed", true)) - storedBefore;
    if (stored < items.size()) {
      throw new IllegalStateException("the inbox counted more than MongoDB holds: " + stored);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    List<Long> latencies = new ArrayList<>();
    // Where the slow ones are: the worst latency per 500 ms of arrival (a stall shows as a run of
    // slow slots, a steady backlog as every slot slow).
    java.util.TreeMap<Long, Long> worstBySlot = new java.util.TreeMap<>();
    for (Document e :
        events.find(
            Filters.and(
                Filters.gte("receivedAt", phaseStart),
                Filters.eq("kind", "status"),
                Filters.eq("processed", true)))) {
      long received = e.getDate("receivedAt").getTime();
      long latency = e.getDate("processedAt").getTime() - received;
      latencies.add(latency);
      worstBySlot.merge((received - phaseStart.getTime()) / 500, latency, Math::max);
    }
    latencies.sort(Long::compare);
    StringBuilder slots = new StringBuilder("  worst accept -> processed per 500 ms of arrival:");
    worstBySlot.forEach((slot, worst) -> slots.append(' ').append(worst));
    System.out.println(slots.append(" ms"));
    SlowCommandReport.print(phaseStart.getTime());
    return new Result(
        items.size(),
        items.size() / acceptedSeconds,
        items.size() / seconds,
        seconds,
        pct(latencies, 50),
        pct(latencies, 99),
        latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1));
  }

  /** The embedded MongoDB's rate of unordered bulk updates (batches of 500), on a scratch set. */
  private static double bulkUpdateRate(MongoDatabase db) {
    MongoCollection<Document> scratch = db.getCollection("bench_scratch");
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      docs.add(new Document("_id", i).append("n", 0));
    }
    scratch.insertMany(docs);
    long start = System.nanoTime();
    int updates = 0;
    for (int round = 0; round < 4; round++) {
      for (int from = 0; from < 5_000; from += 500) {
        List<WriteModel<Document>> models = new ArrayList<>();
        for (int i = from; i < from + 500; i++) {
          models.add(new UpdateOneModel<>(Filters.eq("_id", i), Updates.inc("n", 1)));
        }
        scratch.bulkWrite(models, new BulkWriteOptions().ordered(false));
        updates += models.size();
      }
    }
    double rate = updates / ((System.nanoTime() - start) / 1e9);
    scratch.drop();
    return rate;
  }

  private static long processedSoFar() {
    var counter = Metrics.globalRegistry.find(WebhookInbox.PROCESSED_METRIC).counter();
    return counter == null ? 0 : (long) counter.count();
  }

  private static double pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }

  private static String lead(int i, String phone) {
    return ("{\"leadId\":\"wh-%d\",\"name\":\"Lead %d\",\"phone\":\"+%s\",\"company\":\"Company %d\","
            + "\"industry\":\"retail\",\"companySize\":\"40\",\"timezone\":\"UTC\","
            + "\"notes\":\"Met at a fair. Expanding to new cities.\","
            + "\"consent\":{\"whatsappOptIn\":true,\"source\":\"bench\",\"at\":\"2026-11-20T10:00:00Z\"}}")
        .formatted(i, i, phone, i);
  }
}

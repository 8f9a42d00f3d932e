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
import com.salesagent.api.webhook.WebhookSignature;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    List<StatusTraffic.Msg> burst =
        StatusTraffic.messagesFor(messages, phones, wamidOf, "b", (burstEvents + 2) / 3);
    List<StatusTraffic.Msg> paced =
        StatusTraffic.messagesFor(messages, phones, wamidOf, "p", (pacedEvents + 2) / 3);
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
    StatusIngestPhase.Result b =
        StatusIngestPhase.phase(events, poster, batch, StatusTraffic.statuses(burst), posters, 0);
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
    StatusIngestPhase.Result p =
        StatusIngestPhase.phase(
            events, poster, batch, StatusTraffic.statuses(paced), posters, ns.getInt("rate"));
    p.print();
    printInserts(app, inserts, paced.size() * 3, batch);
    printBatches(app, batches);
    printCounterDocuments(db);
    System.out.printf(
        "%nwebhook ingest: burst %.0f events/s processed end to end (%.0f %% of the bulk-update"
            + " limit), paced at %d/s p50 %.0f ms p99 %.0f ms accept -> processed"
            + " (target >= 1,200 events/s, p99 <= 250 ms: %s)%n",
        b.processedPerSecond(),
        100 * b.processedPerSecond() / bulkLimit,
        ns.getInt("rate"),
        p.p50(),
        p.p99(),
        b.processedPerSecond() >= 1200 && p.p99() <= 250 ? "met" : "not met");
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

  private static String lead(int i, String phone) {
    return ("{\"leadId\":\"wh-%d\",\"name\":\"Lead %d\",\"phone\":\"+%s\",\"company\":\"Company %d\","
            + "\"industry\":\"retail\",\"companySize\":\"40\",\"timezone\":\"UTC\","
            + "\"notes\":\"Met at a fair. Expanding to new cities.\","
            + "\"consent\":{\"whatsappOptIn\":true,\"source\":\"bench\",\"at\":\"2026-11-20T10:00:00Z\"}}")
        .formatted(i, i, phone, i);
  }
}

package com.salesagent.tools.bench;

import com.salesagent.activities.lead.ResearchActivitiesImpl;
import com.salesagent.activities.lead.TemplateComposeActivities;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.research.Chunker;
import com.salesagent.activities.research.Embeddings;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.activities.research.Retriever;
import com.salesagent.api.SalesAgentApplication;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.api.webhook.WebhookSignature;
import com.salesagent.workflows.lead.ComposeRequest;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
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
 * {@code java -jar sales-agent.jar bench}: boots the embedded default on free ports in this JVM and
 * measures, through the real HTTP paths, (1) enrol -> first send latency, one lead at a time, and
 * (2) webhook status ingest, end to end: signed POSTs of batched statuses for real messages until
 * every event is processed (MongoDB updated, timeline written, workflow signalled).
 */
public class BenchCommand extends Command {
  public BenchCommand() {
    super("bench", "Measures enrol -> first send latency and webhook ingest on the embedded stack");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser
        .addArgument("mode")
        .nargs("?")
        .choices("all", "burst", "research", "parked", "senders")
        .setDefault("all")
        .help(
            "all: enrol -> first send, research + compose, webhook ingest; burst: follow-up"
                + " lateness while --leads leads enrol at once; research: sustained enrolment"
                + " (1, 2, 6 pages) against the embedding model's ceiling (ResearchBench);"
                + " parked: --leads leads parked on a follow-up timer, worker and dev server"
                + " heaps measured apart; senders: the sender pool's pacing against an emulator"
                + " that refuses beyond a number's tier, and the send path's ceiling"
                + " (SendersBench)");
    subparser.addArgument("--leads").type(Integer.class).setDefault(300).help("leads to enrol");
    subparser
        .addArgument("--follow-up-delay")
        .setDefault("20s")
        .help("burst: the unread follow-up delay (FOLLOW_UP_UNREAD), e.g. 20s");
    subparser
        .addArgument("--enrollers")
        .type(Integer.class)
        .setDefault(16)
        .help("burst: concurrent enrolment requests");
    subparser
        .addArgument("--warmup")
        .type(Integer.class)
        .setDefault(50)
        .help("leads enrolled first and not measured");
    subparser
        .addArgument("--pages")
        .setDefault("1,2,6")
        .help("research: research-text sizes in pages of 2,454 characters, e.g. 1,2,6");
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
    subparser
        .addArgument("--import-rows")
        .type(Integer.class)
        .setDefault(0)
        .help("burst: also import this many CSV rows (POST /api/leads/import) during the burst");
    ParkedBench.configure(subparser);
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
    int leads = namespace.getInt("leads");
    int warmup = namespace.getInt("warmup");
    if ("parked".equals(namespace.getString("mode"))) {
      ParkedBench.run(namespace);
      System.exit(0);
    }
    if ("senders".equals(namespace.getString("mode"))) {
      SendersBench.Options d = SendersBench.Options.defaults();
      SendersBench.run(
          new SendersBench.Options(
              leads, namespace.getInt("enrollers"), d.poolTier(), d.soloTier(), d.share()),
          System.out);
      System.exit(0);
    }
    if ("research".equals(namespace.getString("mode"))) {
      ResearchBench.Options d = ResearchBench.Options.defaults();
      ResearchBench.run(
          new ResearchBench.Options(
              leads,
              warmup,
              d.enrollers(),
              d.sequential(),
              java.util.Arrays.stream(namespace.getString("pages").split(","))
                  .map(p -> Integer.valueOf(p.trim()))
                  .toList()));
      System.exit(0);
    }
    if ("burst".equals(namespace.getString("mode"))) {
      BurstBench.run(
          leads,
          BurstBench.duration(namespace.getString("follow_up_delay")),
          namespace.getInt("enrollers"),
          namespace.getInt("import_rows"));
      System.exit(0);
    }
    EmbeddedStack stack =
        EmbeddedStack.start("bench", Map.of("WHATSAPP_EMULATOR_MODE", "ack_only"));
    SalesAgentApplication app = stack.app();
    WhatsAppEmulator emulator = app.emulator();
    emulator.setBehaviour(EmulatorBehaviour.acknowledgingOnly());
    int port = stack.port();
    // The bench posts every status itself: the emulator's own callbacks would be duplicates.
    emulator.setWebhookUrl(null);
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Map<String, String> wamidOf = new ConcurrentHashMap<>();
    emulator.setSendListener(
        (waId, wamid) -> {
          sentAt.putIfAbsent(waId, System.nanoTime());
          wamidOf.putIfAbsent(waId, wamid);
        });
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;

    EmbeddedStack.printMachine();
    researchAndCompose(app, leads, warmup);
    System.out.printf(
        "Enrol -> first send: %d leads one at a time (after %d warm-up)%n", leads, warmup);
    List<Long> latencies = new ArrayList<>();
    List<String> phones = new ArrayList<>();
    long enrolStart = System.nanoTime();
    for (int i = 0; i < warmup + leads; i++) {
      String phone = String.format("55119%08d", i);
      phones.add(phone);
      long start = System.nanoTime();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/leads"))
                  .header("Authorization", "Bearer " + stack.token())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(lead(i, phone)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 202) {
        throw new IllegalStateException("enrolment failed: " + r.body());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!sentAt.containsKey(phone)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no send within 30 s for lead " + i);
        }
        Thread.onSpinWait();
      }
      if (i >= warmup) {
        latencies.add(sentAt.get(phone) - start);
      }
    }
    double enrolSeconds = (System.nanoTime() - enrolStart) / 1e9;
    latencies.sort(Long::compare);
    System.out.printf(
        "  p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (%.1f leads/s sequential)%n",
        pct(latencies, 50),
        pct(latencies, 95),
        pct(latencies, 99),
        latencies.get(latencies.size() - 1) / 1e6,
        (warmup + leads) / enrolSeconds);

    // Webhook ingest: sent, delivered, read for every message, in signed batches.
    int batch = namespace.getInt("batch");
    int posters = namespace.getInt("posters");
    String secret = emulator.appSecret();
    String phoneNumberId = emulator.phoneNumberId();
    List<String> bodies = new ArrayList<>();
    List<String> items = new ArrayList<>();
    long ts = Instant.now().getEpochSecond();
    for (String status : List.of("sent", "delivered", "read")) {
      for (String phone : phones) {
        items.add(
            "{\"id\":\"%s\",\"status\":\"%s\",\"timestamp\":\"%d\",\"recipient_id\":\"%s\"}"
                .formatted(wamidOf.get(phone), status, ts, phone));
      }
    }
    for (int i = 0; i < items.size(); i += batch) {
      bodies.add(
          ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"bench\",\"changes\":[{"
                  + "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
                  + "\"metadata\":{\"phone_number_id\":\"%s\"},\"statuses\":[%s]}}]}]}")
              .formatted(
                  phoneNumberId,
                  String.join(",", items.subList(i, Math.min(items.size(), i + batch)))));
    }
    var events = app.connections().mongo().database().getCollection("webhook_events");
    long before = events.countDocuments(new Document("kind", "status"));
    System.out.printf(
        "Webhook ingest: %d status events in %d signed POSTs of %d, %d posters%n",
        items.size(), bodies.size(), batch, posters);
    ExecutorService pool = Executors.newFixedThreadPool(posters);
    WebhookSignature signature = new WebhookSignature(secret);
    long ingestStart = System.nanoTime();
    List<Future<?>> posts = new ArrayList<>();
    for (String body : bodies) {
      posts.add(
          pool.submit(
              () -> {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                HttpResponse<String> r =
                    http.send(
                        HttpRequest.newBuilder(URI.create(base + "/webhooks/whatsapp"))
                            .header("Content-Type", "application/json")
                            .header("X-Hub-Signature-256", signature.sign(bytes))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                  throw new IllegalStateException("webhook answered " + r.statusCode());
                }
                return null;
              }));
    }
    for (Future<?> f : posts) {
      f.get();
    }
    double acceptedSeconds = (System.nanoTime() - ingestStart) / 1e9;
    long total = before + items.size();
    while (events.countDocuments(new Document("kind", "status").append("processed", true))
        < total) {
      Thread.sleep(20);
    }
    double processedSeconds = (System.nanoTime() - ingestStart) / 1e9;
    pool.shutdown();
    System.out.printf(
        "  accepted (stored, 200 returned): %.0f events/s; processed end to end: %.0f events/s (%.2f s)%n%n",
        items.size() / acceptedSeconds, items.size() / processedSeconds, processedSeconds);
    app.server().stop();
    System.exit(0);
  }

  /**
   * Research (chunk + embed + store) and compose (retrieve + fill + gate + store) per lead, called
   * directly on the activity implementations (no Temporal), offline path, about a page of research.
   */
  private static void researchAndCompose(SalesAgentApplication app, int leads, int warmup) {
    var db = app.connections().mongo().database();
    var store = new LeadStore(db);
    var embeddings = new Embeddings(Path.of(System.getProperty("java.io.tmpdir")));
    var clock = Clock.systemUTC();
    var research =
        new ResearchActivitiesImpl(store, List.of(new EnrolmentSource()), embeddings, clock);
    var composer = new TemplateComposeActivities(store, new Retriever(db, embeddings), clock);
    String twoPages = TWO_PAGES.repeat(3);
    System.out.printf(
        "Research + compose (offline): %d leads, each with a research text of %d characters%n",
        leads, twoPages.length());
    List<Long> times = new ArrayList<>();
    List<Long> researchTimes = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < warmup + leads; i++) {
      String leadId = "rc-" + i;
      store.insertContact(
          new Document("leadId", leadId)
              .append("name", "Lead " + i)
              .append("phone", "+1555" + i)
              .append("company", "Company " + i)
              .append("industry", "retail")
              .append("companySize", "120")
              .append("locale", "en")
              .append("researchText", twoPages));
      long t0 = System.nanoTime();
      research.research(leadId);
      long t1 = System.nanoTime();
      composer.compose(
          new ComposeRequest(leadId, "c", "v-cost", 0, "first_contact", leadId + "-k", 0, true));
      long t2 = System.nanoTime();
      if (i >= warmup) {
        researchTimes.add(t1 - t0);
        times.add(t2 - t0);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<String> chunks = Chunker.chunks(twoPages);
    List<Long> embedTimes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      long t = System.nanoTime();
      embeddings.embedAll(chunks);
      embedTimes.add(System.nanoTime() - t);
    }
    embedTimes.sort(Long::compare);
    System.out.printf(
        "  of which embedding the %d chunks alone: p50 %.1f ms%n",
        chunks.size(), pct(embedTimes, 50));
    times.sort(Long::compare);
    researchTimes.sort(Long::compare);
    System.out.printf(
        "  research+compose p50 %.1f ms, p99 %.1f ms (research alone p50 %.1f ms); %.1f leads/s%n",
        pct(times, 50), pct(times, 99), pct(researchTimes, 50), (warmup + leads) / seconds);
  }

  static final String TWO_PAGES =
      "Acme Retail runs forty stores across three states and plans to open twelve more next"
          + " year. The company sells household goods and has grown by a third since it launched"
          + " its online shop. Its sales team of four people handles every wholesale inquiry by"
          + " phone and email, and the founders say follow-ups slip when the stores are busy.\n\n"
          + "Last quarter the finance team cut the marketing budget by twenty percent and asked"
          + " every department to justify its software subscriptions. The CFO wants tools that"
          + " lower the cost of acquiring a customer and pay for themselves within a quarter.\n\n"
          + "The head of sales joined from a larger chain where WhatsApp was the main channel"
          + " with wholesale buyers. She wants faster first contact, fewer missed follow-ups, and"
          + " a way to see which messages work, and she reports to the board every month.\n\n";

  static double pct(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index)) / 1e6;
  }

  private static String lead(int i, String phone) {
    return ("{\"leadId\":\"bench-%d\",\"name\":\"Lead %d\",\"phone\":\"+%s\",\"company\":\"Company %d\","
            + "\"industry\":\"retail\",\"companySize\":\"40\",\"timezone\":\"UTC\","
            + "\"notes\":\"Met at a fair. Expanding to new cities.\","
            + "\"consent\":{\"whatsappOptIn\":true,\"source\":\"bench\",\"at\":\"2026-11-20T10:00:00Z\"}}")
        .formatted(i, i, phone, i);
  }
}

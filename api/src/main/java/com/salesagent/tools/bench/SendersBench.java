package com.salesagent.tools.bench;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.lead.MessagingActivitiesImpl;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.whatsapp.SenderClients;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.activities.whatsapp.WhatsAppSettings;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.EmulatorNumbers;
import com.salesagent.api.embedded.EmulatorThroughput;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;

/**
 * {@code bench senders}: the sender pool's pacing and cost on the embedded stack, against an
 * emulator that plays Meta's per-number throughput limit (130429 beyond a number's tier in any one
 * second). The send activity itself ({@link MessagingActivitiesImpl#send}: contact and message
 * read, the number's pause state, the 6 s pair slot and the throughput slot in MongoDB, the claim,
 * the Cloud API call, the acceptance writes) is driven by {@code threads} threads, as the worker's
 * activity slots would drive it, for leads already composed; a send answered "sender busy" waits
 * what the answer says and goes again, as the workflow would (durably). No workflow runs here: this
 * measures the send path and the pool, not the lead lifecycle (the other benches do). Meta's {@code
 * sent} status of every accepted message comes back through the real webhook route, as it would.
 *
 * <p>Two phases: a pool of two numbers at {@code poolTier}, leads alternating between them (the
 * pool's shape: does each number reach its share of its tier, and never more), then one number at
 * {@code soloTier} (1,000 by default: how far the path goes towards a 1,000 msg/s campaign, and
 * what limits it). The limit measured in the same run: the embedded MongoDB's single-document
 * updates per second from the same number of threads.
 */
final class SendersBench {
  /** What to run. */
  record Options(int sends, int threads, int poolTier, int soloTier, double share) {
    static Options defaults() {
      return new Options(2_000, 16, 80, 1_000, MessagingActivitiesImpl.DEFAULT_THROUGHPUT_SHARE);
    }
  }

  /** One phase's figures. */
  record Phase(
      String name,
      int sends,
      int numbers,
      int tier,
      double seconds,
      double perSecond,
      double target,
      long refusedByMeta,
      int maxInOneSecond,
      List<Long> acceptedPerNumber,
      long busyAnswers,
      long otherOutcomes,
      double p50Millis,
      double p99Millis,
      double coreMillisPerSend,
      String cpu,
      String mongo) {}

  /** Everything measured. */
  record Result(double singleUpdatesPerSecond, Phase pool, Phase solo) {}

  private SendersBench() {}

  static Result run(Options o, PrintStream out) throws Exception {
    EmbeddedStack stack =
        EmbeddedStack.start(
            "bench-senders",
            Map.of("WHATSAPP_EMULATOR_MODE", "ack_only", "WHATSAPP_EMULATOR_NUMBERS", "3"));
    try {
      return run(stack, o, out);
    } finally {
      stack.app().server().stop();
    }
  }

  static Result run(EmbeddedStack stack, Options o, PrintStream out) throws Exception {
    WhatsAppEmulator emulator = stack.app().emulator();
    emulator.setBehaviour(EmulatorBehaviour.acknowledgingOnly());
    MongoDatabase db = stack.app().connections().mongo().database();
    LeadStore store = new LeadStore(db);
    Senders senders = new Senders(db);
    List<EmulatorNumbers.Number> numbers = emulator.numbers().all();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (senders.all().size() < numbers.size()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the emulator's numbers were not registered as senders");
      }
      Thread.sleep(100);
    }
    WhatsAppSettings settings =
        new WhatsAppSettings(
            emulator.baseUrl(), "v24.0", emulator.phoneNumberId(), emulator.accessToken());
    EmulatorNumbers emulated = emulator.numbers();
    MessagingActivitiesImpl messaging =
        new MessagingActivitiesImpl(
            store,
            new SenderClients(
                settings,
                new WhatsAppClient(settings, Duration.ofSeconds(15)),
                ref -> emulated.token(ref) != null ? emulated.token(ref) : emulator.accessToken()),
            o.share(),
            Clock.systemUTC(),
            d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000));

    EmbeddedStack.printMachine();
    out.printf(
        "Sender pool: %d sends per phase, %d threads on the send activity, share %.0f %% of the"
            + " tier%n",
        o.sends(), o.threads(), 100 * o.share());
    double limit = singleUpdateRate(db, o.threads());
    out.printf(
        "Limit measured in this run: embedded MongoDB single-document updates from %d threads:"
            + " %.0f updates/s%n",
        o.threads(), limit);

    List<String> poolIds = List.of(numbers.get(0).phoneNumberId(), numbers.get(1).phoneNumberId());
    Phase pool = phase("pool", poolIds, o.poolTier(), o, stack, messaging, store, senders, out);
    String soloId = numbers.get(2).phoneNumberId();
    Phase solo =
        phase("solo", List.of(soloId), o.soloTier(), o, stack, messaging, store, senders, out);
    Result result = new Result(limit, pool, solo);
    print(result, out);
    return result;
  }

  private static Phase phase(
      String name,
      List<String> numberIds,
      int tier,
      Options o,
      EmbeddedStack stack,
      MessagingActivitiesImpl messaging,
      LeadStore store,
      Senders senders,
      PrintStream out)
      throws Exception {
    WhatsAppEmulator emulator = stack.app().emulator();
    EmulatorThroughput meta = emulator.throughput();
    for (String id : numberIds) {
      senders.setTier(id, tier);
      meta.limit(id, tier);
    }
    // Leads composed and pinned to their number (the pool alternates), each its own recipient.
    List<SendRequest> requests = new ArrayList<>();
    List<Document> contacts = new ArrayList<>();
    List<Document> messages = new ArrayList<>();
    for (int i = 0; i < o.sends(); i++) {
      String leadId = "snd-" + name + "-" + i;
      String phone = String.format("+55%d1%08d", name.equals("pool") ? 21 : 31, i);
      contacts.add(
          new Document("leadId", leadId)
              .append("phone", phone)
              .append("campaignId", "bench-senders")
              .append("senderId", numberIds.get(i % numberIds.size()))
              .append("enrolledAt", new Date()));
      String key = leadId + ":0";
      messages.add(
          new Document("idempotencyKey", key)
              .append("leadId", leadId)
              .append(
                  "template",
                  new Document("name", "intro")
                      .append("language", "en")
                      .append("parameters", List.of("Ana")))
              .append("text", "Hello Ana")
              .append("status", "composed"));
      requests.add(new SendRequest(leadId, key, 0, true, false));
    }
    store.contacts().insertMany(contacts);
    store.messages().collection().insertMany(messages);
    meta.resetCounts();

    ConcurrentLinkedQueue<SendRequest> queue = new ConcurrentLinkedQueue<>(requests);
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicLong busy = new AtomicLong();
    AtomicLong other = new AtomicLong();
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    AtomicInteger done = new AtomicInteger();
    var cpu =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = cpu.getProcessCpuTime();
    CpuShares.Snapshot cpuBefore = CpuShares.take();
    CpuShares.Snapshot[] cpuAfter = new CpuShares.Snapshot[1];
    var mongoBefore = com.salesagent.api.embedded.EmbeddedCommandTimes.totals();
    long start = System.nanoTime();
    AtomicInteger named = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            o.threads(), r -> new Thread(r, CpuShares.SEND_CALLERS + named.incrementAndGet()));
    try (var bar = Progress.bar(name + " sends", o.sends())) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < o.threads(); t++) {
        futures.add(
            pool.submit(
                () -> {
                  SendRequest r;
                  while ((r = queue.poll()) != null) {
                    long began = System.nanoTime();
                    while (true) {
                      SendResult result = messaging.send(r);
                      if (SendResult.SENDER_BUSY.equals(result.outcome())) {
                        busy.incrementAndGet();
                        Thread.sleep(
                            Math.max(
                                1,
                                result.retryAfterMillis() == null ? 1 : result.retryAfterMillis()));
                        continue;
                      }
                      if (!result.accepted()) {
                        other.incrementAndGet();
                        outcomes
                            .computeIfAbsent(result.outcome(), k -> new AtomicInteger())
                            .incrementAndGet();
                      }
                      break;
                    }
                    latencies.add(System.nanoTime() - began);
                    done.incrementAndGet();
                    bar.step();
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      // The callers' CPU is read while they are alive.
      cpuAfter[0] = CpuShares.take();
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double coreMillis = (cpu.getProcessCpuTime() - cpuStart) / 1e6 / o.sends();
    String split =
        CpuShares.between(cpuBefore, cpuAfter[0])
            + "; beside the model: "
            + CpuShares.restByPart(cpuBefore, cpuAfter[0]);
    String mongo =
        ResearchBench.perLead(
                mongoBefore, com.salesagent.api.embedded.EmbeddedCommandTimes.totals(), o.sends())
            .replace("ms inside the server:", "ms inside the server per send:");
    long refused = 0;
    int max = 0;
    List<Long> accepted = new ArrayList<>();
    for (String id : numberIds) {
      EmulatorThroughput.Figures f = meta.figures(id);
      accepted.add(f.accepted());
      refused += f.refused();
      max = Math.max(max, f.maxInOneSecond());
    }
    if (!outcomes.isEmpty()) {
      out.println("  outcomes other than accepted: " + outcomes);
    }
    List<Long> sorted = new ArrayList<>(latencies);
    sorted.sort(Long::compare);
    return new Phase(
        name,
        o.sends(),
        numberIds.size(),
        tier,
        seconds,
        o.sends() / seconds,
        numberIds.size() * tier * o.share(),
        refused,
        max,
        accepted,
        busy.get(),
        other.get(),
        BenchCommand.pct(sorted, 50),
        BenchCommand.pct(sorted, 99),
        coreMillis,
        split,
        mongo);
  }

  static void print(Result r, PrintStream out) {
    for (Phase p : List.of(r.pool(), r.solo())) {
      out.printf(
          "%n%s: %d number(s) at tier %d: %.1f sends/s (target %.0f/s = %.0f %% of the tiers;"
              + " %s), %.0f %% of it reached; Meta's 130429: %d; accepted per number %s, most"
              + " in one second on one number: %d (tier %d); busy answers %d; send call p50 %.1f ms, p99 %.1f ms"
              + " (waits included); %.2f core-ms per send%n",
          p.name(),
          p.numbers(),
          p.tier(),
          p.perSecond(),
          p.target(),
          100.0 * p.target() / (p.numbers() * p.tier()),
          p.perSecond() >= 0.9 * p.target() ? "met" : "not met",
          100 * p.perSecond() / p.target(),
          p.refusedByMeta(),
          p.acceptedPerNumber(),
          p.maxInOneSecond(),
          p.tier(),
          p.busyAnswers(),
          p.p50Millis(),
          p.p99Millis(),
          p.coreMillisPerSend());
      out.printf("  meanwhile %s%n  the embedded MongoDB: %s%n", p.cpu(), p.mongo());
    }
    out.printf(
        "solo: %.0f sends/s need %.1f core-ms each (2 cores allow ~%.0f/s at that cost); the"
            + " MongoDB limit of the run, %.0f single updates/s, would allow %.0f writes per send"
            + " at this rate%n",
        r.solo().perSecond(),
        r.solo().coreMillisPerSend(),
        Runtime.getRuntime().availableProcessors() * 1000.0 / r.solo().coreMillisPerSend(),
        r.singleUpdatesPerSecond(),
        r.singleUpdatesPerSecond() / Math.max(1e-9, r.solo().perSecond()));
  }

  /** Single-document {@code $inc} updates per second from {@code threads} threads. */
  static double singleUpdateRate(MongoDatabase db, int threads) throws Exception {
    MongoCollection<Document> scratch = db.getCollection("bench_scratch_senders");
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      docs.add(new Document("_id", i).append("n", 0));
    }
    scratch.insertMany(docs);
    int perThread = 600;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    scratch.updateOne(
                        Filters.eq("_id", (offset * 37 + i) % 1_000), Updates.inc("n", 1));
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double rate = threads * perThread / ((System.nanoTime() - start) / 1e9);
    scratch.drop();
    return rate;
  }
}

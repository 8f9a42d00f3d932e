package com.salesagent.tools.bench;

import com.salesagent.activities.research.Chunker;
import com.salesagent.activities.research.Embeddings;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.api.embedded.EmbeddedCommandTimes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;

/**
 * {@code bench research}: research against the embedding model's ceiling, in one run. (1) The
 * ceiling: chunks/s of the model alone, one embedAll per lead's chunks (as research batches them),
 * from as many threads as the research queue runs activities at once, before and after the phase
 * (the better of the two). (2) Sustained enrolment: leads reaching their first send per second,
 * enrolled concurrently through REST, for research texts of 1, 2 and 6 pages (a page is the bench's
 * 2,454-character text), each made unique per lead so the embedding cache cannot hide the model,
 * read between the 10th and 90th percentile of completions (the steady part), and printed as a
 * ratio to the ceiling. (3) Enrol -> first send, one lead at a time, with a one-page text, p50/p99.
 */
public final class ResearchBench {
  private ResearchBench() {}

  /** The figures of one text size. */
  public record Size(
      int pages,
      int chars,
      int chunksPerLead,
      int leads,
      double ceilingChunksPerSecond,
      double leadsPerSecond) {
    /** Leads/s the model alone would allow with this many chunks per lead. */
    public double ceilingLeadsPerSecond() {
      return ceilingChunksPerSecond / chunksPerLead;
    }

    public double ratio() {
      return leadsPerSecond / ceilingLeadsPerSecond();
    }
  }

  /** Every figure of a run. */
  public record Result(
      int researchConcurrency, List<Size> sizes, int oneAtATimeLeads, double p50Ms, double p99Ms) {}

  /** Options: leads per size (scaled down for longer texts), warm-up leads, enrolment threads. */
  public record Options(int leads, int warmup, int enrollers, int sequential, List<Integer> pages) {
    public static Options defaults() {
      return new Options(150, 30, 16, 100, List.of(1, 2, 6));
    }
  }

  /** Boots its own embedded stack (WORKER_* settings of this process apply), runs, stops. */
  public static Result run(Options options) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("WHATSAPP_EMULATOR_MODE", "ack_only");
    System.getenv().entrySet().stream()
        .filter(e -> e.getKey().startsWith("WORKER_"))
        .forEach(e -> env.put(e.getKey(), e.getValue()));
    EmbeddedStack stack = EmbeddedStack.start("research", env);
    try {
      EmbeddedStack.printMachine();
      return run(stack, options);
    } finally {
      stack.app().server().stop();
    }
  }

  /**
   * Runs on a started stack. It takes the emulator's send listener for its duration (and leaves it
   * set): run it apart from other benches that listen to sends.
   */
  public static Result run(EmbeddedStack stack, Options options) throws Exception {
    Map<String, CompletableFuture<Long>> sentAt = new ConcurrentHashMap<>();
    stack
        .app()
        .emulator()
        .setSendListener(
            (waId, wamid) ->
                sentAt
                    .computeIfAbsent(waId, k -> new CompletableFuture<>())
                    .complete(System.nanoTime()));
    int concurrency =
        Integer.parseInt(System.getenv().getOrDefault("WORKER_RESEARCH_CONCURRENCY", "2"));
    Enroller enroller = new Enroller(stack, sentAt);
    System.out.printf(
        "Research at the embedding ceiling (research concurrency %d, %d enrollers)%n",
        concurrency, options.enrollers());
    warmUp(enroller, options);

    Embeddings model = new Embeddings(Path.of(System.getProperty("java.io.tmpdir")));
    List<Size> sizes = new ArrayList<>();
    for (int pages : options.pages()) {
      int leads = Math.max(30, options.leads() / pages);
      String sample = text(pages, 5_000);
      int chunks = chunksPerLead(sample);
      // The model alone with one caller and with research's callers: the ceiling is the better.
      double one = ceiling(model, pages, 1, SIX_S);
      double many = concurrency == 1 ? one : ceiling(model, pages, concurrency, SIX_S);
      double ceiling = Math.max(one, many);
      System.out.printf(
          "  (the model alone, %d page(s): %.1f chunks/s with one caller, %.1f with %d)%n",
          pages, one, many, concurrency);
      CpuShares.Snapshot before = CpuShares.take();
      var mongoBefore = EmbeddedCommandTimes.totals();
      double rate = enroller.concurrent(leads, pages, options.enrollers());
      CpuShares.Snapshot after = CpuShares.take();
      CpuShares.Shares cpu = CpuShares.between(before, after);
      String mongo = perLead(mongoBefore, EmbeddedCommandTimes.totals(), leads);
      // Measured again after the phase, the better of the two: a ceiling read while something
      // else held the cores for those 6 s would inflate the ratio (one run read 94.6 chunks/s
      // against 212 in the run before it, and "120 %").
      double oneAfter = ceiling(model, pages, 1, SIX_S);
      double manyAfter = concurrency == 1 ? oneAfter : ceiling(model, pages, concurrency, SIX_S);
      System.out.printf(
          "  (the model alone after the phase: %.1f chunks/s with one caller, %.1f with %d)%n",
          oneAfter, manyAfter, concurrency);
      ceiling = Math.max(ceiling, Math.max(oneAfter, manyAfter));
      Size size = new Size(pages, sample.length(), chunks, leads, ceiling, rate);
      sizes.add(size);
      System.out.printf(
          "  %d page(s), %,d chars, %d chunks/lead: ceiling %.1f chunks/s = %.1f leads/s;"
              + " sustained %.1f leads/s (%d leads) = %.0f %% of the ceiling (target >= 80 %%)%n"
              + "    meanwhile %s%n"
              + "    the rest by part of the stack: %s%n"
              + "    the embedded MongoDB per lead: %s%n",
          pages,
          size.chars(),
          chunks,
          ceiling,
          size.ceilingLeadsPerSecond(),
          rate,
          leads,
          100 * size.ratio(),
          cpu,
          CpuShares.restByPart(before, after),
          mongo);
    }

    List<Long> latencies = enroller.oneAtATime(options.sequential(), 10);
    latencies.sort(Long::compare);
    double p50 = BenchCommand.pct(latencies, 50);
    double p99 = BenchCommand.pct(latencies, 99);
    System.out.printf(
        "  enrol -> first send one at a time (1 page): %d leads, p50 %.1f ms, p99 %.1f ms, max"
            + " %.1f ms (target p50 <= 200, p99 <= 400)%n%n",
        latencies.size(), p50, p99, latencies.get(latencies.size() - 1) / 1e6);
    return new Result(concurrency, sizes, latencies.size(), p50, p99);
  }

  /** Warm-up rounds beyond the asked minimum stop when the JIT takes at most this share. */
  static final double JIT_SETTLED = 0.05;

  /** Leads per warm-up round, and the most warm-up leads in all. */
  static final int WARMUP_ROUND = 100;

  static final int WARMUP_MAX = 1_500;

  private static final Duration SIX_S = Duration.ofSeconds(6);

  /**
   * Enrols {@code options.warmup()} leads at once, then rounds of {@value #WARMUP_ROUND} until the
   * JIT compiler's threads used at most {@value #JIT_SETTLED} of the machine in a round (at most
   * {@value #WARMUP_MAX} leads). After 30 leads the compilers still used 19-33 % of 2 cores through
   * the measured phases (JFR's jdk.ThreadCPULoad): the figures were a cold JVM's, not a running
   * worker's.
   */
  private static void warmUp(Enroller enroller, Options options) throws Exception {
    int leads = 0;
    int round = Math.max(10, options.warmup());
    CpuShares.Shares cpu = null;
    while (leads < WARMUP_MAX) {
      CpuShares.Snapshot before = CpuShares.take();
      enroller.concurrent(round, 1, options.enrollers());
      leads += round;
      cpu = CpuShares.between(before, CpuShares.take());
      if (cpu.jit() <= JIT_SETTLED) { // also when unknown (-1): one round
        break;
      }
      round = WARMUP_ROUND;
    }
    System.out.printf("  (warm-up: %d leads; in the last round %s)%n", leads, cpu);
  }

  /**
   * The embedded MongoDB's commands between two {@link EmbeddedCommandTimes#totals()} per lead: the
   * total, then each command sent at least once per ten leads or costing at least 5 % of the time
   * inside the server (locks waited for included).
   */
  static String perLead(
      Map<EmbeddedCommandTimes.What, EmbeddedCommandTimes.Count> before,
      Map<EmbeddedCommandTimes.What, EmbeddedCommandTimes.Count> after,
      int leads) {
    List<Map.Entry<EmbeddedCommandTimes.What, long[]>> delta = new ArrayList<>();
    long commands = 0;
    long nanos = 0;
    for (var e : after.entrySet()) {
      var b = before.getOrDefault(e.getKey(), new EmbeddedCommandTimes.Count(0, 0));
      long n = e.getValue().commands() - b.commands();
      long t = e.getValue().nanos() - b.nanos();
      if (n > 0) {
        delta.add(Map.entry(e.getKey(), new long[] {n, t}));
        commands += n;
        nanos += t;
      }
    }
    if (commands == 0) {
      return "not counted (MongoDB is not the embedded server: its own profiler tells)";
    }
    delta.sort((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]));
    StringBuilder out =
        new StringBuilder(
            String.format(
                "%.1f commands, %.2f ms inside the server:",
                (double) commands / leads, nanos / 1e6 / leads));
    for (var e : delta) {
      // At least one command per ten leads, or a rare one that costs at least 5 % of the server's
      // time (the periodic count of waiting leads: 0.1 per lead, a quarter of the server's time).
      if (e.getValue()[0] * 10 >= leads || e.getValue()[1] * 20 >= nanos) {
        out.append(
            String.format(
                "%n      %-36s %5.1f  %6.2f ms",
                e.getKey(), (double) e.getValue()[0] / leads, e.getValue()[1] / 1e6 / leads));
      }
    }
    return out.toString();
  }

  /** All chunks research embeds for a lead: profile line, notes, research text. */
  static int chunksPerLead(String researchText) {
    Document contact =
        new Document("company", "Company 1")
            .append("industry", "retail")
            .append("companySize", "40")
            .append("notes", NOTES)
            .append("researchText", researchText);
    int n = 0;
    for (var piece : new EnrolmentSource().collect(contact)) {
      n += Chunker.chunks(piece.text()).size();
    }
    return n;
  }

  /** The model alone: embedAll of one lead's chunks per call, from {@code threads} threads. */
  static double ceiling(Embeddings model, int pages, int threads, Duration measure)
      throws Exception {
    AtomicInteger serial = new AtomicInteger(1_000_000);
    AtomicLong chunks = new AtomicLong();
    // Profile line, notes and text, as research sends them in one call.
    java.util.function.Supplier<List<String>> batch =
        () -> {
          int n = serial.incrementAndGet();
          List<String> texts = new ArrayList<>();
          texts.add("Company " + n + " works in retail (40 employees).");
          texts.add(NOTES);
          texts.addAll(Chunker.chunks(text(pages, n)));
          return texts;
        };
    for (int i = 0; i < 3; i++) {
      model.embedAll(batch.get()); // warm-up
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    long end = start + measure.toNanos();
    List<Future<?>> work = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      work.add(
          pool.submit(
              () -> {
                while (System.nanoTime() < end) {
                  List<String> texts = batch.get();
                  model.embedAll(texts);
                  chunks.addAndGet(texts.size());
                }
                return null;
              }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    return chunks.get() / ((System.nanoTime() - start) / 1e9);
  }

  static final String NOTES = "Met at a fair. Expanding to new cities.";

  /**
   * {@code pages} copies of the bench's 2,454-character text, each sentence tagged with the lead's
   * number so no chunk repeats across leads (the cache must not hide the model); lead -1: untagged.
   */
  static String text(int pages, int lead) {
    String page = BenchCommand.TWO_PAGES.repeat(3);
    StringBuilder out = new StringBuilder();
    for (int p = 0; p < pages; p++) {
      if (lead < 0) {
        out.append(page);
        continue;
      }
      String[] sentences = page.split("(?<=\\. )");
      for (int s = 0; s < sentences.length; s++) {
        // A short tag instead of the sentence's first word: unique per lead, page and sentence.
        String tag = "Q" + Integer.toString((lead * 8 + p) * 64 + s, 36);
        out.append(sentences[s].replaceFirst("^(\\s*)(\\S+)", "$1" + tag));
      }
    }
    return out.toString();
  }

  /** Enrols through REST and waits for each lead's first send at the emulator. */
  private static final class Enroller {
    private final EmbeddedStack stack;
    private final Map<String, CompletableFuture<Long>> sentAt;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger next = new AtomicInteger();

    Enroller(EmbeddedStack stack, Map<String, CompletableFuture<Long>> sentAt) {
      this.stack = stack;
      this.sentAt = sentAt;
    }

    private String post(int pages) throws Exception {
      int n = next.getAndIncrement();
      String phone = String.format("55219%08d", n);
      String body =
          ("{\"leadId\":\"research-%d\",\"name\":\"Lead %d\",\"phone\":\"+%s\","
                  + "\"company\":\"Company %d\",\"industry\":\"retail\",\"companySize\":\"40\","
                  + "\"timezone\":\"UTC\",\"notes\":\"%s\",\"researchText\":\"%s\","
                  + "\"consent\":{\"whatsappOptIn\":true,\"source\":\"bench\","
                  + "\"at\":\"2026-11-20T10:00:00Z\"}}")
              .formatted(n, n, phone, n, NOTES, text(pages, n).replace("\n", "\\n"));
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.port() + "/api/leads"))
                  .header("Authorization", "Bearer " + stack.token())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 202) {
        throw new IllegalStateException("enrolment failed: " + r.statusCode() + " " + r.body());
      }
      return phone;
    }

    private CompletableFuture<Long> sent(String phone) {
      return sentAt.computeIfAbsent(phone, k -> new CompletableFuture<>());
    }

    /** Enrols {@code leads} at once; leads/s between the 10th and 90th percentile completion. */
    double concurrent(int leads, int pages, int enrollers) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(enrollers);
      List<Future<String>> posts = new ArrayList<>();
      for (int i = 0; i < leads; i++) {
        posts.add(pool.submit(() -> post(pages)));
      }
      List<String> phones = new ArrayList<>();
      for (Future<String> f : posts) {
        phones.add(f.get());
      }
      pool.shutdown();
      List<Long> done = new ArrayList<>();
      for (String phone : phones) {
        done.add(sent(phone).get(5, TimeUnit.MINUTES));
      }
      done.sort(Long::compare);
      int lo = leads / 10;
      int hi = leads - 1 - leads / 10;
      return (hi - lo) / ((done.get(hi) - done.get(lo)) / 1e9);
    }

    /** Enrol -> first send of {@code leads} one after the other, after {@code warmup}. */
    List<Long> oneAtATime(int leads, int warmup) throws Exception {
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < warmup + leads; i++) {
        long start = System.nanoTime();
        String phone = post(1);
        long sent = sent(phone).get(30, TimeUnit.SECONDS);
        if (i >= warmup) {
          latencies.add(sent - start);
        }
      }
      return latencies;
    }
  }
}

package com.salesagent.tools.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench burst}: follow-up lateness while a burst of leads enrols. N leads are enrolled at
 * once (each with the bench's 2,454-character research text: 6 chunks to embed), recipients only
 * acknowledge (ack_only: never read, never reply), the unread follow-up is due {@code delay} after
 * the first message. Lateness per lead = follow-up accepted by the emulator's Cloud API - (first
 * message accepted + delay). The first follow-ups fall due while later leads are still being
 * researched, which is the point: time-critical work must not wait behind bulk research.
 */
final class BurstBench {
  private BurstBench() {}

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("--follow-up-delay must look like 20s, 500ms, 1m");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** Imported leads' numbers start here, apart from the burst's (55119 + 8 digits, i < leads). */
  static final int IMPORT_OFFSET = 50_000_000;

  static void run(int leads, Duration delay, int enrollers) throws Exception {
    run(leads, delay, enrollers, 0);
  }

  /**
   * {@code importRows} > 0: a CSV import of that many rows (enrolment fields only) is posted to the
   * real import route when the burst begins and runs beside it.
   */
  static void run(int leads, Duration delay, int enrollers, int importRows) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("WHATSAPP_EMULATOR_MODE", "ack_only");
    env.put("FOLLOW_UP_UNREAD", delay.toSeconds() + "s");
    env.put("MAX_FOLLOW_UPS", "1");
    // Worker settings of this process (task queues, research concurrency, pollers) apply.
    System.getenv().entrySet().stream()
        .filter(e -> e.getKey().startsWith("WORKER_"))
        .forEach(e -> env.put(e.getKey(), e.getValue()));
    EmbeddedStack stack = EmbeddedStack.start("burst", env);
    Map<String, List<Long>> accepted = new ConcurrentHashMap<>();
    stack
        .app()
        .emulator()
        .setSendListener(
            (waId, wamid) ->
                accepted
                    .computeIfAbsent(waId, k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(System.nanoTime()));
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + stack.port();

    EmbeddedStack.printMachine();
    System.out.printf(
        "Burst: %d leads enrolled at once (%d concurrent requests, research text %d characters),"
            + " unread follow-up after %s, recipients never read; worker settings %s%n",
        leads,
        enrollers,
        BenchCommand.TWO_PAGES.repeat(3).length(),
        delay,
        env.keySet().stream().filter(k -> k.startsWith("WORKER_")).sorted().toList());
    ExecutorService pool = Executors.newFixedThreadPool(enrollers);
    long start = System.nanoTime();
    BurstImport importer =
        importRows > 0 ? BurstImport.start(http, base, stack.token(), importRows, start) : null;
    List<Future<?>> posts = new ArrayList<>();
    for (int i = 0; i < leads; i++) {
      int n = i;
      posts.add(
          pool.submit(
              () -> {
                HttpResponse<String> r =
                    http.send(
                        HttpRequest.newBuilder(URI.create(base + "/api/leads"))
                            .header("Authorization", "Bearer " + stack.token())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(lead(n)))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 202) {
                  throw new IllegalStateException(
                      "enrolment failed: " + r.statusCode() + " " + r.body());
                }
                return null;
              }));
    }
    for (Future<?> f : posts) {
      f.get();
    }
    pool.shutdown();
    double enrolSeconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("  enrolled in %.1f s%n", enrolSeconds);

    long deadline = System.nanoTime() + delay.toNanos() + Duration.ofMinutes(10).toNanos();
    long nextReport = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (followUps(accepted) < leads && System.nanoTime() < deadline) {
      Thread.sleep(100);
      if (System.nanoTime() > nextReport) {
        nextReport += Duration.ofSeconds(5).toNanos();
        long imported = accepted.keySet().stream().filter(BurstImport::imported).count();
        System.out.printf(
            "  %.0f s: first messages %d, follow-ups %d of %d%s%n",
            (System.nanoTime() - start) / 1e9,
            accepted.size() - imported,
            followUps(accepted),
            leads,
            importer == null ? "" : "; import: " + importer.progress() + ", sent " + imported);
      }
    }

    List<Long> firsts = new ArrayList<>();
    List<Long> lateness = new ArrayList<>();
    Map<String, Long> latenessByLead = new HashMap<>();
    List<Long> importedLateness = new ArrayList<>();
    int importedFirsts = 0;
    for (Map.Entry<String, List<Long>> e : accepted.entrySet()) {
      List<Long> times = e.getValue();
      if (BurstImport.imported(e.getKey())) {
        synchronized (times) {
          importedFirsts++;
          if (times.size() >= 2) {
            importedLateness.add(Math.max(0, times.get(1) - times.get(0) - delay.toNanos()));
          }
        }
        continue;
      }
      List<Long> t;
      synchronized (times) {
        t = new ArrayList<>(times);
      }
      firsts.add(t.get(0) - start);
      if (t.size() >= 2) {
        lateness.add(Math.max(0, t.get(1) - t.get(0) - delay.toNanos()));
        latenessByLead.put(e.getKey(), t.get(1) - t.get(0) - delay.toNanos());
      }
    }
    firsts.sort(Long::compare);
    lateness.sort(Long::compare);
    long lastFirst = firsts.isEmpty() ? 0 : firsts.get(firsts.size() - 1);
    System.out.printf(
        "  first messages: %d of %d, p50 %.1f s, last %.1f s after the burst began (research"
            + " backlog)%n",
        firsts.size(), leads, BenchCommand.pct(firsts, 50) / 1e3, lastFirst / 1e9);
    if (lateness.isEmpty()) {
      System.out.println("  no follow-up was sent");
    } else {
      System.out.printf(
          "  follow-up lateness (accepted - (first accepted + %s)): %d follow-ups, p50 %.0f ms,"
              + " p99 %.0f ms, max %.0f ms%n%n",
          delay,
          lateness.size(),
          BenchCommand.pct(lateness, 50),
          BenchCommand.pct(lateness, 99),
          lateness.get(lateness.size() - 1) / 1e6);
    }
    SlowFollowUps.print(stack.app(), latenessByLead, 3);
    if (importer != null) {
      importedLateness.sort(Long::compare);
      System.out.println("  " + importer.report(importedFirsts));
      if (!importedLateness.isEmpty()) {
        System.out.printf(
            "  imported leads' follow-ups so far: %d, lateness p50 %.0f ms, p99 %.0f ms, max %.0f"
                + " ms%n%n",
            importedLateness.size(),
            BenchCommand.pct(importedLateness, 50),
            BenchCommand.pct(importedLateness, 99),
            importedLateness.get(importedLateness.size() - 1) / 1e6);
      }
    }
    stack.app().server().stop();
  }

  private static int followUps(Map<String, List<Long>> accepted) {
    int n = 0;
    for (Map.Entry<String, List<Long>> e : accepted.entrySet()) {
      if (e.getValue().size() >= 2 && !BurstImport.imported(e.getKey())) {
        n++;
      }
    }
    return n;
  }

  private static String lead(int i) {
    return ("{\"leadId\":\"burst-%d\",\"name\":\"Lead %d\",\"phone\":\"+55119%08d\","
            + "\"company\":\"Company %d\",\"industry\":\"retail\",\"companySize\":\"40\","
            + "\"timezone\":\"UTC\",\"notes\":\"Met at a fair. Expanding to new cities.\","
            + "\"researchText\":\"%s\","
            + "\"consent\":{\"whatsappOptIn\":true,\"source\":\"bench\","
            + "\"at\":\"2026-11-20T10:00:00Z\"}}")
        .formatted(i, i, i, i, BenchCommand.TWO_PAGES.repeat(3).replace("\n", "\\n"));
  }
}

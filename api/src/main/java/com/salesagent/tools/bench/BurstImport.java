package com.salesagent.tools.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bulk work beside {@code bench burst --import-rows N}: one CSV of N rows (enrolment fields
 * only) posted to the real import route, {@code POST /api/leads/import}, its per-row answers read
 * as they stream back. Each imported lead is a real lead: research, compose, send, follow-up.
 */
final class BurstImport {
  private final int rows;
  private final long start;
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicLong finishedAt = new AtomicLong();
  private final AtomicReference<String> summary = new AtomicReference<>();

  private BurstImport(int rows, long start) {
    this.rows = rows;
    this.start = start;
  }

  /** Whether a WhatsApp id (the phone without +) belongs to an imported lead. */
  static boolean imported(String waId) {
    return Long.parseLong(waId.substring(5)) >= BurstBench.IMPORT_OFFSET;
  }

  static BurstImport start(HttpClient http, String base, String token, int rows, long start) {
    BurstImport i = new BurstImport(rows, start);
    StringBuilder csv =
        new StringBuilder(
            "leadId,name,phone,company,industry,companySize,consentOptIn,consentSource,consentAt\n");
    for (int n = 0; n < rows; n++) {
      csv.append(
          "import-%d,Lead %d,+55119%08d,Company %d,retail,40,true,bench,2026-11-20T10:00:00Z\n"
              .formatted(n, n, BurstBench.IMPORT_OFFSET + n, n));
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/api/leads/import"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "text/csv")
            .timeout(Duration.ofMinutes(30))
            .POST(HttpRequest.BodyPublishers.ofString(csv.toString()))
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
        .thenAccept(r -> i.read(r.body()));
    return i;
  }

  private void read(InputStream body) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("{\"summary\"")) {
          summary.set(line);
        } else if (!line.isBlank()) {
          answered.incrementAndGet();
        }
      }
      finishedAt.set(System.nanoTime());
    } catch (java.io.IOException e) {
      summary.set("the import's answer broke off: " + e.getMessage());
    }
  }

  String progress() {
    return answered.get() + " of " + rows + " rows answered";
  }

  String report(int sent) {
    long at = finishedAt.get();
    return String.format(
        "import of %d rows beside the burst: %s%s; imported leads sent their first message: %d",
        rows,
        at == 0
            ? progress() + " (still running)"
            : "answered in %.1f s".formatted((at - start) / 1e9),
        summary.get() == null ? "" : " " + summary.get(),
        sent);
  }
}

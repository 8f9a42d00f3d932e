package com.salesagent.tools.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.workflows.lead.Stage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code bench parked}: real lead workflows parked on a follow-up timer of hours, as many as the
 * run reaches, with the worker's heap and the Temporal dev server's heap measured apart (each in
 * its own JVM, see {@link SplitStack}) after a full collection at each checkpoint. Leads are
 * enrolled through the real import route (CSV chunks), with enrolment fields only (no research
 * text: one small chunk to embed), and run the whole lifecycle (research, profile, policy, variant,
 * compose, send through the emulator's Cloud API) until they wait for the unread follow-up.
 */
final class ParkedBench {
  private ParkedBench() {}

  record Options(
      int leads,
      List<Integer> checkpoints,
      Duration maxRun,
      int cache,
      String workerHeap,
      String serverHeap,
      int chunk,
      int inFlight,
      boolean jfr) {}

  /** The options of {@code bench parked} (added to the bench command's parser). */
  static void configure(Subparser p) {
    p.addArgument("--checkpoints")
        .setDefault("10000,50000,100000")
        .help("parked: parked counts at which heaps are measured");
    p.addArgument("--max-minutes")
        .type(Integer.class)
        .setDefault(20)
        .help("parked: stop enrolling after this long and measure what was reached");
    p.addArgument("--cache")
        .type(Integer.class)
        .setDefault(600)
        .help("parked: the worker's sticky workflow cache (WORKER_WORKFLOW_CACHE)");
    p.addArgument("--worker-heap").setDefault("2g").help("parked: the worker JVM's -Xmx");
    p.addArgument("--server-heap").setDefault("8g").help("parked: the dev server JVM's -Xmx");
    p.addArgument("--chunk").type(Integer.class).setDefault(500).help("parked: rows per import");
    p.addArgument("--in-flight")
        .type(Integer.class)
        .setDefault(1000)
        .help("parked: at most this many leads enrolled and not yet sent");
    p.addArgument("--jfr")
        .action(Arguments.storeTrue())
        .help("parked: record the dev server with JFR, one file per stretch, under /tmp");
  }

  static void run(Namespace n) throws Exception {
    run(
        new Options(
            n.getInt("leads"),
            Arrays.stream(n.getString("checkpoints").split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .filter(c -> c < n.getInt("leads"))
                .toList(),
            Duration.ofMinutes(n.getInt("max_minutes")),
            n.getInt("cache"),
            n.getString("worker_heap"),
            n.getString("server_heap"),
            n.getInt("chunk"),
            n.getInt("in_flight"),
            n.getBoolean("jfr")));
  }

  static void run(Options o) throws Exception {
    Set<String> sent = ConcurrentHashMap.newKeySet();
    try (SplitStack stack = new SplitStack("parked")) {
      Map<String, String> settings =
          Map.of(
              "FOLLOW_UP_UNREAD", "6h",
              "MAX_FOLLOW_UPS", "1",
              "WORKER_WORKFLOW_CACHE", String.valueOf(o.cache()));
      stack.start(settings, o.serverHeap(), o.workerHeap());
      // Statuses are not posted back: the parked count is what is measured, and sent/delivered
      // never wake a workflow (they update MongoDB only).
      stack.emulator().setWebhookUrl(null);
      stack.emulator().setSendListener((waId, wamid) -> sent.add(waId));
      EmbeddedStack.printMachine();
      System.out.printf(
          "Parked: up to %d leads through POST /api/leads/import in chunks of %d (at most %d"
              + " enrolled and not yet sent), unread follow-up after 6 h; worker -Xmx%s, sticky"
              + " cache %d; dev server -Xmx%s; each in its own JVM; logs %s%n",
          o.leads(),
          o.chunk(),
          o.inFlight(),
          o.workerHeap(),
          o.cache(),
          o.serverHeap(),
          stack.logs());
      long devPid = stack.devServer().pid();
      long workerPid = stack.worker().pid();
      if (o.jfr()) {
        Jcmd.run(devPid, "JFR.start", "name=parked");
      }
      long base0 = Jcmd.heapAfterFullGc(devPid);
      long worker0 = Jcmd.heapAfterFullGc(workerPid);
      System.out.printf(
          "  idle: dev server heap %.1f MiB, worker heap %.1f MiB (after full GC)%n",
          base0 / 1048576.0, worker0 / 1048576.0);
      System.out.println(
          "  | parked | run s | leads/s since last | worker heap MiB | dev server heap MiB |"
              + " dev server KiB per parked lead |");

      HttpClient http = HttpClient.newHttpClient();
      long start = System.nanoTime();
      long deadline = start + o.maxRun().toNanos();
      int enrolled = 0;
      int lastCount = 0;
      long lastAt = start;
      List<Integer> marks = new ArrayList<>(o.checkpoints());
      if (!marks.contains(o.leads())) {
        marks.add(o.leads());
      }
      try (MongoClient mongo = MongoClients.create(stack.mongoUri())) {
        var contacts = mongo.getDatabase("bench").getCollection(Collections.CONTACTS);
        int mark = 0;
        while (mark < marks.size()) {
          boolean outOfTime = System.nanoTime() > deadline;
          int target = outOfTime ? enrolled : marks.get(mark);
          while (enrolled < target) {
            while (enrolled - sent.size() > o.inFlight()) {
              Thread.sleep(50);
            }
            int n = Math.min(o.chunk(), target - enrolled);
            importChunk(http, stack, enrolled, n);
            enrolled += n;
            if (System.nanoTime() > deadline) {
              target = enrolled;
              outOfTime = true;
            }
          }
          long waitUntil = System.nanoTime() + Duration.ofMinutes(5).toNanos();
          while (sent.size() < enrolled && System.nanoTime() < waitUntil) {
            Thread.sleep(100);
          }
          Thread.sleep(3000); // the stage records after the send
          long now = System.nanoTime();
          long parked = contacts.countDocuments(Filters.eq("stage", Stage.AWAITING_RESPONSE.key()));
          long devHeap = Jcmd.heapAfterFullGc(devPid);
          long workerHeap = Jcmd.heapAfterFullGc(workerPid);
          System.out.printf(
              "  | %,d (of %,d enrolled, %,d sent) | %.0f | %.1f | %.0f | %.0f | %.1f |%n",
              parked,
              enrolled,
              sent.size(),
              (now - start) / 1e9,
              (sent.size() - lastCount) / ((now - lastAt) / 1e9),
              workerHeap / 1048576.0,
              devHeap / 1048576.0,
              parked == 0 ? 0 : (devHeap - base0) / 1024.0 / parked);
          lastCount = sent.size();
          lastAt = System.nanoTime();
          if (o.jfr()) {
            String file = "/tmp/parked-devserver-" + enrolled + ".jfr";
            Jcmd.run(devPid, "JFR.stop", "name=parked", "filename=" + file);
            Jcmd.run(devPid, "JFR.start", "name=parked");
            System.out.println("  dev server profile of this stretch: " + file);
          }
          if (outOfTime) {
            System.out.printf("  stopped at %,d leads: --max-minutes reached%n", enrolled);
            break;
          }
          mark++;
        }
      }
      System.out.println("\nDev server, live objects after the last checkpoint (top classes):");
      System.out.print(Jcmd.histogram(devPid, 15));
      System.out.println("Worker, live objects (top classes):");
      System.out.print(Jcmd.histogram(workerPid, 10));
    }
  }

  private static void importChunk(HttpClient http, SplitStack stack, int from, int n)
      throws Exception {
    StringBuilder csv =
        new StringBuilder(
            "leadId,name,phone,company,industry,companySize,consentOptIn,consentSource,consentAt\n");
    for (int i = from; i < from + n; i++) {
      csv.append(
          "parked-%d,Lead %d,+55119%08d,Company %d,retail,40,true,bench,2026-11-20T10:00:00Z\n"
              .formatted(i, i, i, i));
    }
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.base() + "/api/leads/import"))
                .header("Authorization", "Bearer " + stack.token())
                .header("Content-Type", "text/csv")
                .timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.ofString(csv.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String body = r.body();
    String summary = body.substring(body.lastIndexOf("{\"summary\""));
    if (r.statusCode() != 200 || !summary.contains("\"enrolled\":" + n + ",")) {
      throw new IllegalStateException(
          "import of rows "
              + from
              + "+"
              + n
              + ": "
              + summary
              + "; first answer "
              + body.lines().findFirst().orElse(""));
    }
  }
}

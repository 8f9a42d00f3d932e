package com.salesagent.tools.bench;

import com.salesagent.api.SalesAgentApplication;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;

/** The agent's drafts of an end-to-end simulation with {@code --questions}, counted and printed. */
final class SimulatedDrafts {
  private SimulatedDrafts() {}

  /**
   * The agent's drafts of the run (each follow-up question answered beside its lead's lifecycle):
   * waited for until none has come for two seconds (at most 30), then counted: grounded or not, and
   * which knowledge entries they cite.
   */
  static void report(SalesAgentApplication app) throws InterruptedException {
    var drafts = app.connections().mongo().database().getCollection("drafts");
    long seen = -1;
    long stable = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (stable < 4 && System.nanoTime() < deadline) {
      Thread.sleep(500);
      long now = drafts.countDocuments();
      stable = now == seen ? stable + 1 : 0;
      seen = now;
    }
    Map<String, Long> cited = new TreeMap<>();
    Map<String, Long> stages = new TreeMap<>();
    long grounded = 0;
    for (Document d : drafts.find()) {
      if (Boolean.TRUE.equals(d.getBoolean("grounded"))) {
        grounded++;
      }
      stages.merge(String.valueOf(d.getString("stage")), 1L, Long::sum);
      for (Document c : d.getList("citations", Document.class, List.of())) {
        if (Boolean.TRUE.equals(d.getBoolean("grounded"))) {
          cited.merge(c.getString("entryId"), 1L, Long::sum);
        }
      }
    }
    System.out.printf(
        "  drafts %d (grounded %d); stages %s; entries cited %s%n", seen, grounded, stages, cited);
  }
}

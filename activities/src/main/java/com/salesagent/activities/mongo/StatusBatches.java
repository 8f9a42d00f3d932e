package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The webhook inbox's batched status writes: a drained partition's status callbacks applied to
 * their messages in one unordered bulk write, with the same rules as {@link Messages#applyStatus}
 * (a status never moves back, each keeps its earliest time).
 */
public final class StatusBatches {
  private final MongoCollection<Document> messages;

  public StatusBatches(MongoCollection<Document> messages) {
    this.messages = messages;
  }

  /** One status callback. */
  public record Update(
      String wamid, String status, Instant at, Integer errorCode, String errorTitle) {}

  /**
   * {@link Messages#applyStatus} for many callbacks, one update per message in one unordered bulk
   * write: each status keeps its earliest time ({@code $min}), and {@code status} moves forward to
   * the furthest status of the batch only when that is beyond {@code known} (the messages as read
   * before, by wamid); {@code statusRank} only grows ({@code $max}). Filtered by wamid alone, so
   * the update uses the wamid index (the embedded MongoDB-wire server scans the whole collection
   * for a filter with a second field). A concurrent writer of the same message (a status posted
   * with another recipient, another API process) is repaired after the write. Unranked statuses
   * change nothing.
   */
  public void apply(List<Update> updates, Map<String, Document> known) {
    Map<String, List<Update>> byWamid = new LinkedHashMap<>();
    for (Update u : updates) {
      if (Messages.RANK.containsKey(u.status())) {
        byWamid.computeIfAbsent(u.wamid(), w -> new ArrayList<>()).add(u);
      }
    }
    List<WriteModel<Document>> models = new ArrayList<>();
    byWamid.forEach(
        (wamid, list) -> {
          Map<String, Instant> earliest = new LinkedHashMap<>();
          Update error = null;
          String best = null;
          for (Update u : list) {
            earliest.merge(u.status(), u.at(), (a, b) -> a.isBefore(b) ? a : b);
            if (u.errorCode() != null) {
              error = u;
            }
            if (best == null || Messages.RANK.get(u.status()) > Messages.RANK.get(best)) {
              best = u.status();
            }
          }
          List<Bson> set = new ArrayList<>();
          earliest.forEach(
              (status, at) -> set.add(Updates.min("statusAt." + status, Date.from(at))));
          if (error != null) {
            set.add(
                Updates.set(
                    "error",
                    new Document("code", error.errorCode()).append("title", error.errorTitle())));
          }
          Document before = known.get(wamid);
          Integer stored = before == null ? null : before.getInteger("statusRank");
          int rank = Messages.RANK.get(best);
          if (stored == null || rank > stored) {
            set.add(Updates.set("status", best));
            set.add(Updates.max("statusRank", rank));
            set.add(Updates.currentDate("updatedAt"));
          }
          models.add(new UpdateOneModel<>(Filters.eq("wamid", wamid), Updates.combine(set)));
        });
    if (models.isEmpty()) {
      return;
    }
    messages.bulkWrite(models, new BulkWriteOptions().ordered(false));
    // Another writer of one of these messages (its status on another partition or process) may
    // have set a lower status after ours: status follows the highest rank, set only while the
    // rank is still that one. Each writer checks after its own write, so the last one repairs.
    // The same read after the write brings a workflow's read mark set since the messages were
    // read ({@code known} gets it): then either the workflow's look saw our read or we signal it.
    for (Document d :
        messages
            .find(Filters.in("wamid", byWamid.keySet()))
            .projection(
                Projections.include("wamid", "status", "statusRank", Messages.READ_SIGNAL))) {
      Document before = known.get(d.getString("wamid"));
      if (before != null && d.getBoolean(Messages.READ_SIGNAL, false)) {
        before.put(Messages.READ_SIGNAL, true);
      }
      Integer rank = d.getInteger("statusRank");
      Integer named = Messages.RANK.get(d.getString("status"));
      if (rank != null && named != null && named < rank) {
        String status =
            Messages.RANK.entrySet().stream()
                .filter(e -> e.getValue().equals(rank))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
        messages.updateOne(
            Filters.and(Filters.eq("wamid", d.getString("wamid")), Filters.eq("statusRank", rank)),
            Updates.set("status", status));
      }
    }
  }
}

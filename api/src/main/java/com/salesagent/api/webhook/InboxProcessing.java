package com.salesagent.api.webhook;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.salesagent.activities.logging.LogContext;
import com.salesagent.activities.mongo.LeadStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.bson.Document;

/**
 * The processing of {@link WebhookInbox}'s stored events, as its partitions hand them over: one
 * event by its kind's processor, a partition's statuses together; each marked processed, or its
 * failure recorded ({@link InboxRecords#failed}) and the poll told when it is due again. Every
 * event handed over is told finished to the partitions, whatever happened.
 */
final class InboxProcessing {
  private final LeadStore store;
  private final Clock clock;
  private final StatusProcessor statuses;
  private final MessageProcessor messages;
  private final PreferenceProcessor preferences;
  private final InboxRecords records;
  private final PartitionLeases leases;
  private final InboxPoll poll;
  private final Consumer<String> finished;

  private final Counter processedCount = Metrics.counter(WebhookInbox.PROCESSED_METRIC);

  InboxProcessing(
      LeadStore store,
      Clock clock,
      StatusProcessor statuses,
      MessageProcessor messages,
      PreferenceProcessor preferences,
      InboxRecords records,
      PartitionLeases leases,
      InboxPoll poll,
      Consumer<String> finished) {
    this.store = store;
    this.clock = clock;
    this.statuses = statuses;
    this.messages = messages;
    this.preferences = preferences;
    this.records = records;
    this.leases = leases;
    this.poll = poll;
    this.finished = finished;
  }

  private InboxEvent inboxEvent(Document event, AtomicBoolean applied) {
    Date received = event.getDate("receivedAt");
    return new InboxEvent(
        event.getString("eventKey"),
        event.get("item", Document.class),
        received == null ? clock.instant() : received.toInstant(),
        applied.get(),
        () -> applied.set(true));
  }

  /**
   * Statuses applied together ({@link StatusProcessor#processBatch}) and marked processed in one
   * unordered bulk write; those whose message is not stored yet go one at a time.
   */
  void processStatuses(List<Document> docs) {
    List<AtomicBoolean> applied = new ArrayList<>();
    List<InboxEvent> events = new ArrayList<>();
    for (Document d : docs) {
      AtomicBoolean a = new AtomicBoolean(d.getBoolean("effectsApplied", false));
      applied.add(a);
      events.add(inboxEvent(d, a));
    }
    List<StatusProcessor.Done> done;
    try {
      // One partition's run (InboxPartitions): its counts go to that partition's shard.
      done =
          statuses.processBatch(events, leases.partitionOf(docs.get(0).getString("partitionKey")));
    } catch (RuntimeException e) {
      for (int i = 0; i < docs.size(); i++) {
        String key = docs.get(i).getString("eventKey");
        failed(key, e, applied.get(i).get());
        finished.accept(key);
      }
      LogContext.clear();
      return;
    }
    LogContext.clear();
    List<WriteModel<Document>> marks = new ArrayList<>();
    List<String> marked = new ArrayList<>();
    Date now = Date.from(clock.instant());
    for (int i = 0; i < docs.size(); i++) {
      StatusProcessor.Done d = done.get(i);
      String key = docs.get(i).getString("eventKey");
      if (d == null) {
        processSafely(docs.get(i));
      } else if (d.failure() != null) {
        LogContext.event(key);
        failed(key, d.failure(), applied.get(i).get());
        finished.accept(key);
        LogContext.clear();
      } else {
        marks.add(
            new UpdateOneModel<>(
                Filters.eq("eventKey", key),
                Updates.combine(
                    Updates.set("processed", true),
                    Updates.set("effectsApplied", true),
                    Updates.set("outcome", d.outcome()),
                    Updates.set("processedAt", now))));
        marked.add(key);
      }
    }
    if (marks.isEmpty()) {
      return;
    }
    try {
      store.webhookEvents().bulkWrite(marks, new BulkWriteOptions().ordered(false));
      processedCount.increment(marked.size());
    } catch (RuntimeException e) {
      for (String key : marked) {
        failed(key, e, true);
      }
    } finally {
      marked.forEach(finished);
    }
  }

  private void failed(String key, RuntimeException e, boolean effectsApplied) {
    records.failed(key, e, effectsApplied);
    // Not before the guard lets the poll queue it again (InboxPartitions.FINISHED_GUARD).
    poll.retryAt(clock.instant().plus(InboxPartitions.FINISHED_GUARD).plusSeconds(1));
  }

  void processSafely(Document event) {
    String key = event.getString("eventKey");
    LogContext.event(key);
    AtomicBoolean applied = new AtomicBoolean(event.getBoolean("effectsApplied", false));
    try {
      InboxEvent inboxEvent = inboxEvent(event, applied);
      String outcome = process(event.getString("kind"), inboxEvent);
      if (outcome == null) {
        // Waiting (a status for a message not stored yet): look again in a while.
        Instant next = clock.instant().plusSeconds(10);
        store
            .webhookEvents()
            .updateOne(Filters.eq("eventKey", key), Updates.set("nextAttemptAt", Date.from(next)));
        poll.retryAt(next);
        return;
      }
      store
          .webhookEvents()
          .updateOne(
              Filters.eq("eventKey", key),
              Updates.combine(
                  Updates.set("processed", true),
                  Updates.set("effectsApplied", true),
                  Updates.set("outcome", outcome),
                  Updates.set("processedAt", Date.from(clock.instant()))));
      processedCount.increment();
    } catch (RuntimeException e) {
      failed(key, e, applied.get());
    } finally {
      finished.accept(key);
      LogContext.clear();
    }
  }

  private String process(String kind, InboxEvent event) {
    return switch (kind) {
      case MetaNotification.STATUS -> statuses.process(event);
      case MetaNotification.MESSAGE -> messages.process(event);
      case MetaNotification.PREFERENCE -> preferences.process(event);
      default -> "unknown_kind";
    };
  }
}

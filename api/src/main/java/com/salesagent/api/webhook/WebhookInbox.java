package com.salesagent.api.webhook;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.persona.PersonaBuilder;
import com.salesagent.activities.triage.ReplyClassifier;
import io.dropwizard.lifecycle.Managed;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's inbox. {@link #accept} stores every item of a verified notification once in
 * webhook_events (unique event key: duplicates change nothing) before the HTTP answer; processing
 * happens after, on partitions keyed by the lead's number so one lead's events stay in order, by
 * one processor per kind. Whatever is not processed yet, because Temporal or MongoDB was down, the
 * process stopped, or a status waits for its message, is relayed by a periodic sweep: nothing
 * accepted is lost. An event whose processing fails for any other reason {@link #MAX_ATTEMPTS}
 * times is a dead letter: kept, listed for operators, retried only when one asks. Raw payloads
 * (numbers, names, texts) are dropped after the retention period; the dedup key stays.
 */
public class WebhookInbox implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookInbox.class);

  /** Failures other than an unreachable Temporal or MongoDB before an event is a dead letter. */
  public static final int MAX_ATTEMPTS = 5;

  /** How long a status may wait for its message (the send's answer not yet stored, or lost). */
  public static final Duration STATUS_GRACE = Duration.ofMinutes(10);

  /** What a POST did: items stored now, duplicates, other numbers' items, dead on arrival. */
  public record Accepted(int stored, int duplicates, int ignored, int invalid) {}

  private final LeadStore store;
  private final StopFence stops;
  private final String phoneNumberId;
  private final Clock clock;
  private final Duration retention;
  private final MessageProcessor messages;
  private final InboxProcessing processing;

  /** How often the poll runs while other API processes share the partitions. */
  static final Duration SHARED_POLL = Duration.ofMillis(250);

  static final int RELAY_LIMIT = 1000;

  private final InboxPoll poll = new InboxPoll();

  private final InboxRecords records;
  private final PartitionLeases leases;
  private final InboxPartitions partitions;
  private ScheduledExecutorService sweeper;

  /** Events this process marked processed (sales_agent_webhook_inbox_processed_total). */
  public static final String PROCESSED_METRIC = "sales_agent.webhook.inbox.processed";

  {
    // sales_agent_webhook_inbox_queued: stored events this process has queued and not finished.
  }

  public WebhookInbox(
      LeadStore store,
      LeadSignaller signaller,
      String phoneNumberId,
      Clock clock,
      int partitions,
      ReplyClassifier classifier,
      Duration retention) {
    this(
        store,
        signaller,
        phoneNumberId,
        clock,
        partitions,
        classifier,
        retention,
        new PersonaBuilder(store.database(), null, clock),
        0);
  }

  /**
   * Voice notes are transcribed (a transcribing provider is configured): a voice note's lead waits
   * for the transcript's triage (at most ten minutes), so a spoken "not now" snoozes it.
   */
  /** How long a "not now" that names no date snoozes its lead (NOT_NOW_SNOOZE; zero: not). */
  public WebhookInbox snoozingUndatedNotNow(Duration snooze) {
    messages.snoozingUndatedNotNow(snooze);
    return this;
  }

  public WebhookInbox transcribingVoiceNotes(boolean transcribed) {
    messages.transcribingVoiceNotes(transcribed);
    return this;
  }

  /**
   * {@code personas}: builds each replying lead's persona (with topics if it has a model). {@code
   * concurrency}: how many partitions process at once in this process (a partition that waits for
   * its turn takes what came meanwhile as one batch; 0: one more than the cores); see {@link
   * InboxPartitions}.
   */
  public WebhookInbox(
      LeadStore store,
      LeadSignaller signaller,
      String phoneNumberId,
      Clock clock,
      int partitions,
      ReplyClassifier classifier,
      Duration retention,
      PersonaBuilder personas,
      int concurrency) {
    this.store = store;
    this.stops = new StopFence(store);
    this.phoneNumberId = phoneNumberId;
    this.clock = clock;
    this.retention = retention;
    OptOuts optOuts = new OptOuts(store, signaller, clock);
    StatusProcessor statuses = new StatusProcessor(store, signaller, optOuts, clock, STATUS_GRACE);
    this.messages =
        new MessageProcessor(store, signaller, optOuts, classifier, clock, personas, phoneNumberId);
    this.records = new InboxRecords(store.webhookEvents(), store.database(), clock);
    this.leases = new PartitionLeases(store.database(), partitions, clock);
    this.processing =
        new InboxProcessing(
            store,
            clock,
            statuses,
            messages,
            new PreferenceProcessor(optOuts),
            records,
            leases,
            poll,
            this::finished);
    this.partitions =
        new InboxPartitions(
            leases,
            partitions,
            concurrency > 0 ? concurrency : InboxPartitions.defaultConcurrency(),
            clock,
            new InboxPartitions.Handler() {
              @Override
              public void statuses(List<Document> events) {
                processing.processStatuses(events);
              }

              @Override
              public void one(Document event) {
                processing.processSafely(event);
              }
            });
    Gauge.builder("sales_agent.webhook.inbox.queued", this.partitions.inFlight(), Set::size)
        .strongReference(false)
        .register(Metrics.globalRegistry);
  }

  PartitionLeases leases() {
    return leases;
  }

  public String phoneNumberId() {
    return phoneNumberId;
  }

  @Override
  public void start() {
    // Claim this process's share now: a lone process holds every partition before it accepts.
    leases.tickIfNeverTicked();
    sweeper = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "webhook-sweeper"));
    long renew = PartitionLeases.RENEW_EVERY.toMillis();
    sweeper.scheduleWithFixedDelay(leases::tick, renew, renew, TimeUnit.MILLISECONDS);
    long every = SHARED_POLL.toMillis();
    sweeper.scheduleWithFixedDelay(this::pollIfDue, every, every, TimeUnit.MILLISECONDS);
    sweeper.scheduleWithFixedDelay(this::dropExpiredPayloads, 1, 60, TimeUnit.MINUTES);
  }

  @Override
  public void stop() throws InterruptedException {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    // Queued events stay unprocessed in webhook_events: the partitions' next owners poll them.
    partitions.stop(5_000);
    leases.releaseAll();
  }

  /** A crash, as far as the other processes can tell: threads gone, leases left to run out. */
  void halt() throws InterruptedException {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    partitions.stop(5_000);
  }

  /** Tests: a shorter wait for calls that never end. */
  WebhookInbox stopFence(Duration fence) {
    stops.fence(fence);
    return this;
  }

  /**
   * The inserts that stored webhook items so far: fewer than the requests when requests come
   * together ({@link GroupInsert}).
   */
  public long insertCommands() {
    return records.insertCommands();
  }

  /** Status batches processed so far and the statuses in them (the bench reads their ratio). */
  public long[] statusBatches() {
    return partitions.statusBatches();
  }

  /** Stores a parsed notification's items (once each) and queues them for processing. */
  public Accepted accept(MetaNotification.Parsed parsed) {
    leases.tickIfNeverTicked();
    Instant now = clock.instant();
    stops.suppressThenFence(parsed, now);
    List<Document> docs = new ArrayList<>();
    for (MetaNotification.Item item : parsed.items()) {
      Metrics.counter("sales_agent.webhook.events", "kind", item.kind(), "valid", "true")
          .increment();
      docs.add(
          new Document("eventKey", item.eventKey())
              .append("kind", item.kind())
              .append("partitionKey", item.partitionKey())
              .append("item", item.payload())
              .append("processed", false)
              .append("attempts", 0)
              .append("receivedAt", Date.from(now)));
    }
    for (MetaNotification.Invalid bad : parsed.invalid()) {
      Metrics.counter("sales_agent.webhook.events", "kind", bad.kind(), "valid", "false")
          .increment();
      LOG.warn("webhook {} item refused: {}", bad.kind(), bad.reason());
      docs.add(
          new Document("eventKey", bad.eventKey())
              .append("kind", bad.kind())
              .append("item", bad.payload())
              .append("processed", false)
              .append("deadLetter", true)
              .append("lastError", "invalid: " + bad.reason())
              .append("attempts", 0)
              .append("receivedAt", Date.from(now)));
    }
    if (parsed.otherNumbers() > 0) {
      LOG.info(
          "ignored {} webhook changes for phone number ids we do not serve", parsed.otherNumbers());
    }
    List<Document> stored = records.insertOnce(docs);
    int fresh = 0;
    for (Document d : stored) {
      if (!d.getBoolean("deadLetter", false)) {
        fresh++;
        submit(d);
      } else {
        InboxRecords.deadLetterCounted(InboxRecords.DEAD_LETTER_INVALID);
      }
    }
    return new Accepted(
        fresh, docs.size() - stored.size(), parsed.otherNumbers(), parsed.invalid().size());
  }

  private void submit(Document event) {
    partitions.submit(event);
  }

  private void finished(String key) {
    partitions.finished(key);
  }

  private void pollIfDue() {
    if (poll.due(leases.shared(), leases.claims(), clock.millis(), System.nanoTime())) {
      relay();
    }
  }

  /** An event left unprocessed here is due again at this time: the lone process's poll looks. */
  private void retryAt(Instant at) {
    poll.retryAt(at);
  }

  /**
   * Queues what is unprocessed and due in the partitions this process holds (dead letters
   * excepted): events another process accepted, events left by a process that stopped or crashed,
   * events whose processing failed or waits. In flight or just finished here: skipped.
   */
  /** Events queued or being processed in this process (tests wait for none before a clock jump). */
  int inFlight() {
    return partitions.inFlight().size();
  }

  /** Polls of webhook_events so far (tests: a lone process polls only with a reason). */
  long relays() {
    return relays.get();
  }

  private final java.util.concurrent.atomic.AtomicLong relays =
      new java.util.concurrent.atomic.AtomicLong();

  void relay() {
    relays.incrementAndGet();
    try {
      partitions.prune();
      Date now = Date.from(clock.instant());
      Bson due =
          Filters.and(
              Filters.eq("processed", false),
              com.salesagent.activities.mongo.Collections.NOT_DEAD_LETTER,
              Filters.or(
                  Filters.exists("nextAttemptAt", false), Filters.lte("nextAttemptAt", now)));
      int read = 0;
      for (Document event :
          store.webhookEvents().find(due).sort(Sorts.ascending("receivedAt")).limit(RELAY_LIMIT)) {
        submit(event);
        read++;
      }
      if (read == RELAY_LIMIT) {
        retryAt(clock.instant()); // more may be due: the next poll reads on
      }
    } catch (RuntimeException e) {
      LOG.warn("webhook relay sweep failed: {}", e.getMessage());
    }
  }

  // ---- dead letters (operators) and retention

  public List<Document> deadLetters(int skip, int limit) {
    return records.deadLetters(skip, limit);
  }

  public long countDeadLetters() {
    return records.countDeadLetters();
  }

  /** An operator's retry: the event is processed again at once; false for no such dead letter. */
  public boolean retryDeadLetter(String eventKey) {
    Document event = records.reopenDeadLetter(eventKey);
    if (event == null) {
      return false;
    }
    submit(event);
    return true;
  }

  /** Drops raw payloads (numbers, names, texts) past the retention period; keys stay for dedup. */
  long dropExpiredPayloads() {
    return records.dropExpiredPayloads(retention);
  }
}

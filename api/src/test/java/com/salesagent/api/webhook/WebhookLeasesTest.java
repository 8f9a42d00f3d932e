package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.MessageStatusSignal;
import com.salesagent.workflows.lead.OptOutSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two inboxes (two API processes) on one MongoDB: each partition is processed by the one process
 * that holds its lease, every event once, and a process that stops without giving its leases back
 * has its partitions taken over once they run out.
 */
class WebhookLeasesTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final int PARTITIONS = 4;
  private static final int LEADS = 24;

  private final Instant t0 = Instant.parse("2026-11-25T12:00:00Z");
  private final AtomicReference<Instant> now = new AtomicReference<>(t0);
  private final Clock clock =
      new Clock() {
        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };

  /** Statuses signalled, per wamid, over both processes. */
  private final Map<String, AtomicInteger> signalled = new ConcurrentHashMap<>();

  private final LeadSignaller signaller =
      new LeadSignaller() {
        @Override
        public String status(String leadId, MessageStatusSignal signal) {
          signalled.computeIfAbsent(signal.wamid(), w -> new AtomicInteger()).incrementAndGet();
          return SIGNALLED;
        }

        @Override
        public String inbound(String leadId, InboundMessageSignal signal) {
          return SIGNALLED;
        }

        @Override
        public String optOut(String leadId, OptOutSignal signal) {
          return SIGNALLED;
        }
      };

  private LeadStore store;
  private WebhookInbox a;
  private WebhookInbox b;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    for (int i = 0; i < LEADS; i++) {
      store.insertContact(
          new Document("leadId", "L-" + i)
              .append("phone", phone(i))
              .append("variantId", "v-1")
              .append("segment", "smb"));
      for (int m = 0; m < 2; m++) {
        String key = "k-" + i + "-" + m;
        store
            .messages()
            .upsertComposed(
                key,
                new Document("leadId", "L-" + i)
                    .append("variantId", "v-1")
                    .append("status", "composed"));
        store.messages().markAccepted(key, wamid(i, m), null, "text", t0);
      }
    }
    a = inbox();
    b = inbox();
  }

  @AfterEach
  void tearDown() throws Exception {
    a.halt();
    b.halt();
  }

  @Test
  void anAcceptNeverWaitsForTheHeartbeatOnceTheFirstClaimIsMade() throws Exception {
    PartitionLeases leases = new PartitionLeases(MONGO.database(), 8, java.time.Clock.systemUTC());
    leases.tickIfNeverTicked(); // the first claim
    // A heartbeat in progress holds the leases' lock (tick is synchronized on them).
    synchronized (leases) {
      java.util.concurrent.CompletableFuture<Void> accept =
          java.util.concurrent.CompletableFuture.runAsync(leases::tickIfNeverTicked);
      assertThat(accept).succeedsWithin(java.time.Duration.ofSeconds(2));
    }
  }

  @Test
  void buildingAnInboxClaimsNothingUntilItStartsOrAccepts() throws Exception {
    a.stop(); // gives its partitions back: free for the next process to claim
    b.stop();
    WebhookInbox late =
        new WebhookInbox(
            store,
            signaller,
            "123",
            clock,
            PARTITIONS,
            ReplyClassifier.LEXICON,
            Duration.ofDays(30));
    try {
      // Built before its MongoDB is up (the embedded default wires the API first): no claim yet.
      assertThat(held(late)).isEmpty();
      late.accept(statuses(List.of(status(0, 0, "sent"))));
      assertThat(held(late)).isNotEmpty();
    } finally {
      late.halt();
    }
  }

  /** An API process that has started: it made its first claim (WebhookInbox.start does). */
  private WebhookInbox inbox() {
    WebhookInbox inbox =
        new WebhookInbox(
            store,
            signaller,
            "123",
            clock,
            PARTITIONS,
            ReplyClassifier.LEXICON,
            Duration.ofDays(30));
    inbox.leases().tickIfNeverTicked();
    return inbox;
  }

  private static String phone(int i) {
    return "+55119876" + String.format("%05d", i);
  }

  private static String wamid(int lead, int m) {
    return "wamid.L" + lead + "-" + m;
  }

  private static MetaNotification.Parsed statuses(List<String> items) throws Exception {
    String body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"w\",\"changes\":[{"
            + "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
            + "\"metadata\":{\"phone_number_id\":\"123\"},\"statuses\":["
            + String.join(",", items)
            + "]}}]}]}";
    return MetaNotification.parse(new ObjectMapper().readTree(body), "123");
  }

  private static String status(int lead, int m, String status) {
    return "{\"id\":\"%s\",\"status\":\"%s\",\"timestamp\":\"1764072000\",\"recipient_id\":\"%s\"}"
        .formatted(wamid(lead, m), status, phone(lead).substring(1));
  }

  private List<Integer> held(WebhookInbox inbox) {
    return IntStream.range(0, PARTITIONS).filter(inbox.leases()::holds).boxed().toList();
  }

  private long processed() {
    return store.webhookEvents().countDocuments(Filters.eq("processed", true));
  }

  /** Each inbox's poll, as its sweeper runs it, until every event is processed. */
  private void pollUntilProcessed(long total, WebhookInbox... inboxes) {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              for (WebhookInbox inbox : inboxes) {
                inbox.relay();
              }
              return processed() == total;
            });
  }

  private void assertEachEventOnce(int messagesPerLead, List<String> statuses) {
    for (int i = 0; i < LEADS; i++) {
      for (int m = 0; m < messagesPerLead; m++) {
        String w = wamid(i, m);
        for (String s : statuses) {
          assertThat(
                  store.interactions().timeline("L-" + i).stream()
                      .filter(d -> s.equals(d.getString("type")) && w.equals(d.getString("wamid")))
                      .count())
              .as("%s %s in the timeline", w, s)
              .isEqualTo(1);
        }
        if (statuses.contains("read")) {
          assertThat(signalled.get(w)).as("read of %s signalled", w).hasValue(1);
        }
      }
    }
  }

  @Test
  void twoProcessesShareThePartitionsAndProcessEveryEventOnce() throws Exception {
    // b joined after a had claimed everything: a gives half back at its next tick, b takes it.
    a.leases().tick();
    b.leases().tick();
    assertThat(held(a)).hasSize(PARTITIONS / 2);
    assertThat(held(b)).hasSize(PARTITIONS / 2).doesNotContainAnyElementsOf(held(a));
    assertThat(a.leases().shared()).isTrue();

    // Every lead's statuses, half posted to each process (whatever partition they belong to).
    List<String> toA = new ArrayList<>();
    List<String> toB = new ArrayList<>();
    for (int i = 0; i < LEADS; i++) {
      for (String s : List.of("delivered", "read")) {
        (i % 2 == 0 ? toA : toB).add(status(i, 0, s));
      }
    }
    assertThat(a.accept(statuses(toA)).stored()).isEqualTo(LEADS);
    assertThat(b.accept(statuses(toB)).stored()).isEqualTo(LEADS);
    // The same POST delivered again to the other process changes nothing.
    assertThat(b.accept(statuses(toA)).duplicates()).isEqualTo(LEADS);

    pollUntilProcessed(2L * LEADS, a, b);
    assertEachEventOnce(1, List.of("delivered", "read"));
    // Each partition counts into its own counter documents (CountedOnce's shards): they add up.
    assertThat(counted("read")).isEqualTo(LEADS);
    assertThat(counted("delivered")).isEqualTo(LEADS);
    assertThat(store.database().getCollection("variant_stats").countDocuments())
        .as("one counter document per partition that had events")
        .isGreaterThan(1);
  }

  private long counted(String counter) {
    long sum = 0;
    for (Document d : store.database().getCollection("variant_stats").find()) {
      Number n = d.get(counter, Number.class);
      sum += n == null ? 0 : n.longValue();
    }
    return sum;
  }

  @Test
  void aProcessThatStopsWithoutGivingBackItsLeasesIsTakenOverWhenTheyRunOut() throws Exception {
    a.leases().tick();
    b.leases().tick();
    List<Integer> ofA = held(a);
    assertThat(ofA).hasSize(PARTITIONS / 2);

    a.halt(); // a crash: no release, no member removal
    List<String> items = new ArrayList<>();
    for (int i = 0; i < LEADS; i++) {
      items.add(status(i, 1, "read"));
    }
    assertThat(b.accept(statuses(items)).stored()).isEqualTo(LEADS);
    // b processes its own partitions; a's wait while a's leases are valid.
    await().atMost(Duration.ofSeconds(10)).until(() -> processed() > 0);
    b.relay();
    Thread.sleep(300);
    long beforeTakeover = processed();
    assertThat(beforeTakeover).isLessThan(LEADS);
    assertThat(held(b)).doesNotContainAnyElementsOf(ofA);

    now.set(now.get().plus(PartitionLeases.TTL).plusSeconds(1));
    b.leases().tick();
    assertThat(held(b)).hasSize(PARTITIONS);
    pollUntilProcessed(LEADS, b);
    for (int i = 0; i < LEADS; i++) {
      assertThat(signalled.get(wamid(i, 1))).as("read of lead %d", i).hasValue(1);
    }
  }

  @Test
  void aProcessThatStopsCleanlyGivesItsPartitionsBackAtOnce() throws Exception {
    List<String> said = leaseLog();
    a.leases().tick();
    b.leases().tick();
    // a held everything: b's arrival makes a give half back, and the log says why.
    a.leases().tick();
    assertThat(said)
        .filteredOn(l -> l.contains("another API process joined"))
        .hasSize(PARTITIONS / 2);
    said.clear();
    a.stop();
    b.leases().tick();
    assertThat(held(b)).hasSize(PARTITIONS);
    // A stop is not a newcomer: one line with the stop's own reason (then b's claims).
    assertThat(said)
        .filteredOn(l -> l.contains("given back"))
        .containsExactly("webhook inbox partitions [2, 3] given back (this process stops)");
  }

  /** What PartitionLeases logs from now on (until the JVM ends; each test reads its own list). */
  private static List<String> leaseLog() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(PartitionLeases.class);
    List<String> said = java.util.Collections.synchronizedList(new ArrayList<>());
    ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.AppenderBase<>() {
          @Override
          protected void append(ch.qos.logback.classic.spi.ILoggingEvent e) {
            said.add(e.getFormattedMessage());
          }
        };
    appender.start();
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    logger.addAppender(appender);
    return said;
  }
}

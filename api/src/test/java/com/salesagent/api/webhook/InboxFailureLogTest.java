package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Date;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A webhook event whose processing fails is logged with its exception's message, which may quote
 * what it failed on: the number is masked there as in every log line (and in the stored lastError),
 * and the event that becomes a dead letter is counted for an alert
 * (sales_agent_webhook_dead_letters_total), since nothing else measured them.
 */
class InboxFailureLogTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(InboxRecords.class);

  @BeforeEach
  void setUp() {
    Metrics.addRegistry(registry);
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void tearDown() {
    logger.detachAppender(logged);
    Metrics.removeRegistry(registry);
  }

  @Test
  void aFailuresMessageIsLoggedWithItsNumberMaskedAndADeadLetterIsCounted() {
    var events = MONGO.database().getCollection("webhook_events_failure_log");
    InboxRecords records = new InboxRecords(events, MONGO.database(), Clock.systemUTC());
    String key = "message:wamid.failure-log-1";
    pending(events, key);

    for (int i = 0; i < WebhookInbox.MAX_ATTEMPTS; i++) {
      records.failed(
          key,
          new IllegalStateException(
              "no contact for +55 11 99876-5432 (wa_id 5511998765432) in campaign c-1"),
          false);
    }

    assertThat(logged.list).isNotEmpty();
    for (ILoggingEvent e : logged.list) {
      assertThat(e.getFormattedMessage())
          .doesNotContain("99876-5432")
          .doesNotContain("5511998765432")
          .doesNotContain("998765432");
    }
    assertThat(logged.list.get(0).getFormattedMessage()).contains("5432").contains("campaign c-1");
    assertThat(events.find(new Document("eventKey", key)).first().getString("lastError"))
        .doesNotContain("5511998765432");
    var deadLetters =
        registry.find("sales_agent.webhook.dead_letters").tag("reason", "failed").counter();
    assertThat(deadLetters).isNotNull();
    assertThat(deadLetters.count()).isEqualTo(1);
  }

  /**
   * The stored lastError keeps at most 500 characters, counted in code points: an error quoting a
   * text whose 500th character is an emoji keeps the whole emoji, never the first half of its
   * surrogate pair.
   */
  @Test
  void aLongErrorIsCutNeverInsideAnEmoji() {
    var events = MONGO.database().getCollection("webhook_events_failure_cut");
    InboxRecords records = new InboxRecords(events, MONGO.database(), Clock.systemUTC());
    String key = "message:wamid.failure-cut-1";
    pending(events, key);
    String prefix = "IllegalStateException: ";
    String emoji = "\uD83D\uDE00";
    String quoted = "x".repeat(InboxRecords.MAX_LAST_ERROR - 1 - prefix.length());

    records.failed(key, new IllegalStateException(quoted + emoji + "more text"), false);

    String stored = events.find(new Document("eventKey", key)).first().getString("lastError");
    assertThat(stored).isEqualTo(prefix + quoted + emoji);
    assertThat(stored.codePointCount(0, stored.length())).isEqualTo(InboxRecords.MAX_LAST_ERROR);
  }

  /** A message event stored by the inbox and not processed yet. */
  private static void pending(com.mongodb.client.MongoCollection<Document> events, String key) {
    events.insertOne(
        new Document("eventKey", key)
            .append("kind", "message")
            .append("processed", false)
            .append("attempts", 0)
            .append("receivedAt", new Date()));
  }
}

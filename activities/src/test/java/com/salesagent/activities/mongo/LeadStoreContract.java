package com.salesagent.activities.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lead store's dedup and ordering rules, written once and run against the embedded server and
 * (where Docker exists) a real replica set: they live in regular collections, never in the
 * time-series one.
 */
abstract class LeadStoreContract {
  abstract MongoDatabaseExtension mongo();

  private LeadStore store;
  private final Instant t = Instant.parse("2026-11-25T12:00:00Z");

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(mongo().database());
    store = new LeadStore(mongo().database());
    store.insertContact(
        new Document("leadId", "L-1").append("phone", "+5511998765432").append("campaignId", "c"));
    store.insertContact(
        new Document("leadId", "L-2").append("phone", "+5511998765432").append("campaignId", "d"));
    store.upsertComposed("k-1", new Document("leadId", "L-1").append("status", "composed"));
    store.markAccepted("k-1", "wamid.1", "template", t);
  }

  @Test
  void statusesInAnyOrderAndTwiceEndTheSame() {
    store.applyStatus("wamid.1", "read", t.plusSeconds(30), null, null);
    store.applyStatus("wamid.1", "delivered", t.plusSeconds(10), null, null);
    store.applyStatus("wamid.1", "read", t.plusSeconds(40), null, null);
    store.applyStatus("wamid.1", "sent", t.plusSeconds(5), null, null);

    Document m = store.messageByWamid("wamid.1");
    assertThat(m.getString("status")).isEqualTo("read");
    Document at = m.get("statusAt", Document.class);
    assertThat(at.getDate("read")).isEqualTo(Date.from(t.plusSeconds(30)));
    assertThat(at.getDate("delivered")).isEqualTo(Date.from(t.plusSeconds(10)));
    assertThat(at.getDate("sent")).isEqualTo(Date.from(t.plusSeconds(5)));
  }

  @Test
  void anUnknownWamidChangesNothing() {
    assertThat(store.applyStatus("wamid.unknown", "read", t, null, null)).isNull();
    assertThat(store.messages().countDocuments()).isEqualTo(1);
  }

  @Test
  void aComposedMessageIsWrittenOnceAndASendIsClaimedOnce() {
    store.upsertComposed("k-2", new Document("leadId", "L-1").append("text", "first"));
    store.upsertComposed("k-2", new Document("leadId", "L-1").append("text", "second"));

    assertThat(store.messageByKey("k-2").getString("text")).isEqualTo("first");
    assertThat(store.claimSend("k-2", t, t.plusSeconds(45))).isTrue();
    assertThat(store.claimSend("k-2", t.plusSeconds(1), t.plusSeconds(46))).isFalse();
    assertThat(store.claimSend("k-2", t.plusSeconds(50), t.plusSeconds(95))).as("expired").isTrue();
    assertThat(store.claimSend("k-1", t, t.plusSeconds(45))).as("already has a wamid").isFalse();
  }

  @Test
  void anOptOutMarksEveryContactWithThatPhone() {
    assertThat(store.markDoNotContact("+5511998765432", "keyword", t))
        .containsExactlyInAnyOrder("L-1", "L-2");
    assertThat(store.contact("L-2").getBoolean("doNotContact")).isTrue();
  }

  @Test
  void theTimelineIsReadBackInTimeOrder() {
    store.recordInteraction("L-1", "c", "v", "read", "wamid.1", null, t.plusSeconds(20));
    store.recordInteraction("L-1", "c", "v", "delivered", "wamid.1", null, t.plusSeconds(10));

    assertThat(store.interactions("L-1"))
        .extracting(d -> d.getString("type"))
        .containsExactly("delivered", "read");
  }
}

package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.AfterEndReplies;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.afterend.AfterEndRecord;
import com.salesagent.workflows.lead.LeadEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "wrote after the end" list and the timeline of a person's message to an ended lead: a lead
 * that wrote after its run ended is on the list until a person's message queued after its latest
 * message went, or a new run takes it up; a retried record writes the timeline once; a lead erased
 * meanwhile gets nothing written.
 */
class AfterEndActivitiesTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");

  private LeadStore store;
  private AfterEndReplies list;
  private AfterEndActivitiesImpl activities;
  private String leadId;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    list = new AfterEndReplies(store);
    activities = new AfterEndActivitiesImpl(store, Clock.systemUTC());
    leadId = "L-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+5511987650002")
            .append("stage", "converted")
            .append("variantId", "v-1"));
  }

  private boolean listed() {
    return store.contact(leadId).get(AfterEndReplies.FIELD) != null;
  }

  private AfterEndRecord sent(String wamid, Instant queuedAt) {
    return new AfterEndRecord(leadId, "c-1", AfterEndRecord.SENT, wamid, "by Ana (ana)", queuedAt);
  }

  private long onTimeline(String type) {
    return store.interactions().countInteractions(leadId, type);
  }

  /**
   * One person's message is on the timeline once, whoever records it: its own workflow's {@code
   * owner_replied} (sent while the lead's run had ended), then a new run of the lead's workflow
   * that sent it again as replayed, or a retried record. Another message is recorded as before.
   */
  @Test
  void aPersonsMessageIsOnTheTimelineOnceWhoeverRecordsIt() {
    activities.recorded(sent("wamid.out-9", T0));
    LeadEventRecords events = new LeadEventRecords(store, Clock.systemUTC());
    events.record(replied("wamid.out-9"));
    events.record(replied("wamid.out-9"));
    assertThat(onTimeline("owner_replied")).isEqualTo(1);

    events.record(replied("wamid.out-10"));
    assertThat(onTimeline("owner_replied")).isEqualTo(2);
  }

  private LeadEvent replied(String wamid) {
    return new LeadEvent(
        leadId,
        "c-1",
        "owner_replied",
        "interested",
        "smb",
        "v-1",
        wamid,
        null,
        null,
        "by Ana (ana)");
  }

  /**
   * Meta stamps a message with its whole second: one written at 09:00:00.2 that reached us at
   * 09:00:00.9 reads 09:00:00, so an answer queued at 09:00:00.5, before anyone could see it, took
   * the lead off the list. What a person could have seen is what was stored before the answer was
   * queued; a second message in the same second is the latest too.
   */
  @Test
  void aMessageStoredAfterTheAnswerWasQueuedKeepsTheLeadListedThoughStampedTheSameSecond() {
    list.wrote(leadId, T0, "wamid.in-1", T0.plusMillis(900));
    activities.recorded(sent("wamid.out-1", T0.plusMillis(500)));
    assertThat(listed()).as("stored after the answer was queued").isTrue();

    activities.recorded(sent("wamid.out-2", T0.plusMillis(950)));
    assertThat(listed()).as("answered by a message queued after it was stored").isFalse();

    list.wrote(leadId, T0.plusSeconds(5), "wamid.in-2", T0.plusMillis(5_100));
    list.wrote(leadId, T0.plusSeconds(5), "wamid.in-3", T0.plusMillis(5_800));
    activities.recorded(sent("wamid.out-3", T0.plusMillis(5_500)));
    assertThat(listed()).as("the second message of that second came after the answer").isTrue();
    assertThat(
            store.contact(leadId).get(AfterEndReplies.FIELD, Document.class).getString("messageId"))
        .isEqualTo("wamid.in-3");
  }

  @Test
  void anAnswerQueuedAfterTheLatestMessageTakesTheLeadOffTheListOnce() {
    list.wrote(leadId, T0, "wamid.in-1", T0);
    assertThat(listed()).isTrue();

    activities.recorded(sent("wamid.out-1", T0.plusSeconds(60)));
    activities.recorded(sent("wamid.out-1", T0.plusSeconds(60))); // a retried attempt

    assertThat(listed()).isFalse();
    assertThat(onTimeline("owner_replied")).isEqualTo(1);
    Document event = store.interactions().timeline(leadId).get(0);
    assertThat(event.getString("wamid")).isEqualTo("wamid.out-1");
    assertThat(event.getString("detail")).isEqualTo("by Ana (ana)");
    assertThat(store.contact(leadId).getString("stage"))
        .as("the stage stays")
        .isEqualTo("converted");
  }

  @Test
  void aLeadThatWroteAgainAfterTheAnswerWasQueuedStaysOnTheList() {
    list.wrote(leadId, T0, "wamid.in-1", T0);
    list.wrote(leadId, T0.plusSeconds(120), "wamid.in-2", T0.plusSeconds(120));
    // an older message, delivered late
    list.wrote(leadId, T0.plusSeconds(30), "wamid.in-late", T0.plusSeconds(130));

    activities.recorded(sent("wamid.out-1", T0.plusSeconds(60)));

    assertThat(listed()).isTrue();
    Document marked = store.contact(leadId).get(AfterEndReplies.FIELD, Document.class);
    assertThat(marked.getString("messageId")).isEqualTo("wamid.in-2");
  }

  @Test
  void aFailedMessageLeavesTheLeadOnTheListAndIsRecordedOnce() {
    list.wrote(leadId, T0, "wamid.in-1", T0);
    AfterEndRecord failed =
        new AfterEndRecord(
            leadId, "c-1", AfterEndRecord.FAILED, null, "k: WhatsApp error 131047", T0);

    activities.recorded(failed);
    activities.recorded(failed);

    assertThat(listed()).isTrue();
    assertThat(onTimeline("owner_reply_failed")).isEqualTo(1);
  }

  @Test
  void aNewRunTakesTheLeadOffTheList() {
    list.wrote(leadId, T0, "wamid.in-1", T0);
    new LeadActivitiesImpl(store, Clock.systemUTC())
        .record(
            new LeadEvent(
                leadId, "c-1", "reopened", "interested", "smb", "v-1", null, null, null, null));
    assertThat(listed()).isFalse();
  }

  @Test
  void aMessageTakenInWhileTheRunEndedPutsTheLeadOnTheList() {
    new LeadActivitiesImpl(store, Clock.systemUTC())
        .record(
            new LeadEvent(
                leadId,
                "c-1",
                "replied_again",
                "converted",
                "smb",
                "v-1",
                "wamid.in-1",
                null,
                null,
                "wrote while the run ended"));
    assertThat(listed()).isTrue();
  }

  @Test
  void nothingIsWrittenForALeadErasedMeanwhile() {
    store.contacts().deleteOne(new Document("leadId", leadId));

    activities.recorded(sent("wamid.out-1", T0));

    assertThat(onTimeline("owner_replied")).isZero();
  }

  /** A person's answer to the lead, as the send leaves it: its key, wamid and status. */
  private void answer(String key, String wamid, Instant queuedAt) {
    store
        .messages()
        .collection()
        .insertOne(
            new Document("idempotencyKey", key)
                .append("leadId", leadId)
                .append("composer", "person")
                .append("by", "Ana (ana)")
                .append("wamid", wamid)
                .append("status", "accepted")
                .append("statusRank", 1)
                .append("createdAt", java.util.Date.from(queuedAt)));
  }

  /** Meta's failed status for the message, as the status webhook applies it. */
  private void metaSaysFailed(String wamid) {
    store
        .messages()
        .applyStatus(wamid, "failed", T0.plusSeconds(30), 131026, "Message undeliverable");
  }

  private Document mark() {
    return store.contact(leadId).get(AfterEndReplies.FIELD, Document.class);
  }

  /**
   * An answer that went took the lead off the list; Meta then reports it failed: the lead is back
   * on it, for the same message, saying whose answer failed and why (once). Before, it stayed off.
   */
  @Test
  void anAnswerMetaReportsFailedAfterItWentPutsTheLeadBackSayingSo() {
    list.wrote(leadId, T0, "wamid.in-1", T0.plusMillis(900));
    answer("k-1", "wamid.out-1", T0.plusSeconds(1));
    activities.recorded(sent("wamid.out-1", T0.plusSeconds(1)));
    assertThat(listed()).isFalse();

    metaSaysFailed("wamid.out-1");
    assertThat(list.failed("wamid.out-1")).isTrue();
    assertThat(mark().getString("messageId")).isEqualTo("wamid.in-1");
    assertThat(mark().getBoolean(AfterEndReplies.WAITING)).isTrue();
    Document failed = mark().get(AfterEndReplies.ANSWER_FAILED, Document.class);
    assertThat(failed.getString("key")).isEqualTo("k-1");
    assertThat(failed.getString("by")).isEqualTo("Ana (ana)");
    assertThat(failed.getString("reason")).contains("131026");
    assertThat(list.failed("wamid.out-1")).as("put back once").isFalse();
  }

  /** Meta's failure arrived before the send was recorded: the lead stays on the list. */
  @Test
  void aFailureReportedBeforeTheAnswerWasRecordedKeepsTheLeadListed() {
    list.wrote(leadId, T0, "wamid.in-1", T0.plusMillis(900));
    answer("k-1", "wamid.out-1", T0.plusSeconds(1));
    metaSaysFailed("wamid.out-1");
    assertThat(list.failed("wamid.out-1")).as("it had taken nothing off yet").isFalse();

    activities.recorded(sent("wamid.out-1", T0.plusSeconds(1)));
    assertThat(listed()).isTrue();
    assertThat(mark().get(AfterEndReplies.ANSWER_FAILED, Document.class).getString("key"))
        .isEqualTo("k-1");
  }

  /**
   * A failed answer does not put back a lead another person's message answered since, nor one a new
   * run took up.
   */
  @Test
  void aFailedAnswerLeavesALeadAnsweredSinceOrLiveAgainOffTheList() {
    list.wrote(leadId, T0, "wamid.in-1", T0.plusMillis(900));
    answer("k-1", "wamid.out-1", T0.plusSeconds(1));
    activities.recorded(sent("wamid.out-1", T0.plusSeconds(1)));
    answer("k-2", "wamid.out-2", T0.plusSeconds(2));
    activities.recorded(sent("wamid.out-2", T0.plusSeconds(2)));
    metaSaysFailed("wamid.out-1");
    assertThat(list.failed("wamid.out-1")).as("answered by k-2").isFalse();
    assertThat(listed()).isFalse();

    list.wrote(leadId, T0.plusSeconds(10), "wamid.in-2", T0.plusSeconds(11));
    answer("k-3", "wamid.out-3", T0.plusSeconds(12));
    activities.recorded(sent("wamid.out-3", T0.plusSeconds(12)));
    assertThat(listed()).isFalse();
    store
        .contacts()
        .updateOne(
            new Document("leadId", leadId),
            new Document("$set", new Document("stage", "interested")));
    metaSaysFailed("wamid.out-3");
    assertThat(list.failed("wamid.out-3")).as("a new run has the lead").isFalse();
    assertThat(listed()).isFalse();
  }
}

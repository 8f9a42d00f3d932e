package com.salesagent.activities.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.media.InboundMedia;
import com.salesagent.workflows.media.LeadReply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A voice note's transcript triaged as a closing ("ok, thanks") is told to the lead's run, which
 * waits for it, as other; from a snoozed lead it carries the snooze's own date, so the run takes it
 * and sleeps on (told other alone, it ended the snooze).
 */
class SpokenClosingTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private LeadStore store;
  private InboundMediaActivitiesImpl activities;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    activities =
        new InboundMediaActivitiesImpl(store, null, null, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** A lead at {@code stage} whose next action is due at {@code due}, and its voice note. */
  private String voiceNote(String stage, Instant due, String intent) {
    String leadId = "L-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+55119" + Math.abs(leadId.hashCode() % 100000000))
            .append("stage", stage)
            .append("nextAction", "resume_sequence")
            .append("nextActionAt", Date.from(due)));
    store
        .feedback()
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", "wamid.voice-" + leadId)
                .append("type", "audio")
                .append("intent", intent)
                .append("awaitsTranscript", true)
                .append("receivedAt", Date.from(NOW)));
    return leadId;
  }

  private InboundMessageSignal told(String leadId) {
    List<LeadReply> replies =
        activities.replies(
            new InboundMedia("wamid.voice-" + leadId, "media-1", "audio", "audio/ogg", null, null));
    assertThat(replies).hasSize(1);
    return replies.get(0).signal();
  }

  @Test
  void aSpokenClosingFromASnoozedLeadKeepsItsSnooze() {
    Instant until = NOW.plus(Duration.ofDays(30));
    InboundMessageSignal signal = told(voiceNote("snoozed", until, "closing"));

    assertThat(signal.intent()).isEqualTo("other");
    assertThat(signal.snoozeUntil()).as("the snooze's own date").isEqualTo(until);
  }

  @Test
  void aSpokenClosingFromAnyOtherLeadSnoozesNothing() {
    InboundMessageSignal signal =
        told(voiceNote("awaiting_response", NOW.plus(Duration.ofDays(2)), "closing"));

    assertThat(signal.intent()).isEqualTo("other");
    assertThat(signal.snoozeUntil()).isNull();
    assertThat(signal.closing()).as("a run that is ending does not reopen for it").isTrue();
  }
}

package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A person's template request is watched until the run takes it: taken (a re-engagement message
 * composed since) it is settled without a word; untaken when the lead's run has ended, the timeline
 * says it did not go, once, whichever sweep gets there; untaken while the lead is live, it is told
 * to the run again at most every ten minutes.
 */
class PendingTemplateRequestsTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private LeadStore store;
  private final List<String> resignalled = new CopyOnWriteArrayList<>();
  private PendingTemplateRequests templates;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    templates =
        new PendingTemplateRequests(
            store,
            (leadId, reply) ->
                resignalled.add(leadId + " " + reply.idempotencyKey() + " " + reply.purpose()));
  }

  private String lead(String stage) {
    String leadId = "L-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("variantId", "v-1")
            .append("phone", "+55119" + Math.abs(leadId.hashCode() % 100000000))
            .append("stage", stage));
    return leadId;
  }

  private String requested(String leadId, Duration ago) {
    String key = "lead-" + leadId + "-owner-" + UUID.randomUUID();
    PendingTemplateRequests.requested(store, leadId, key, "Ana (ana)", "ana", NOW.minus(ago));
    return key;
  }

  private long failures(String leadId) {
    return store.interactions().timeline(leadId).stream()
        .filter(e -> "owner_reply_failed".equals(e.getString("type")))
        .count();
  }

  @Test
  void aRequestTheEndedRunNeverTookIsSaidNotToHaveGoneOnceAcrossSweeps() {
    String leadId = lead("converted");
    String key = requested(leadId, Duration.ofMinutes(2));
    PendingTemplateRequests other =
        new PendingTemplateRequests(store, (l, r) -> resignalled.add(l));

    assertThat(templates.sweep(NOW)).containsExactly(key);
    assertThat(other.sweep(NOW)).as("another API process's sweep").isEmpty();
    assertThat(templates.sweep(NOW.plus(Duration.ofHours(1)))).isEmpty();

    assertThat(failures(leadId)).isEqualTo(1);
    assertThat(store.interactions().timeline(leadId).get(0).getString("detail"))
        .startsWith(key)
        .contains("converted")
        .contains("template");
    assertThat(store.contact(leadId).get(PendingTemplateRequests.FIELD)).isNull();
    assertThat(resignalled).isEmpty();
  }

  @Test
  void aRequestTheRunTookIsSettledWithoutAWord() {
    String leadId = lead("converted");
    String key = requested(leadId, Duration.ofMinutes(2));
    store
        .messages()
        .upsertComposed(
            "lead-" + leadId + "-step-3",
            new Document("leadId", leadId)
                .append("purpose", "re_engagement")
                .append("status", "sent")
                .append("composedAt", Date.from(NOW.minus(Duration.ofMinutes(1)))));

    assertThat(templates.sweep(NOW)).containsExactly(key);
    assertThat(failures(leadId)).isZero();
    assertThat(store.contact(leadId).get(PendingTemplateRequests.FIELD)).isNull();
  }

  @Test
  void aReEngagementComposedBeforeTheRequestDoesNotAnswerIt() {
    String leadId = lead("lost");
    String key = requested(leadId, Duration.ofMinutes(2));
    store
        .messages()
        .upsertComposed(
            "lead-" + leadId + "-step-2",
            new Document("leadId", leadId)
                .append("purpose", "re_engagement")
                .append("composedAt", Date.from(NOW.minus(Duration.ofHours(3)))));

    assertThat(templates.sweep(NOW)).containsExactly(key);
    assertThat(failures(leadId)).isEqualTo(1);
  }

  @Test
  void aLiveLeadsRequestIsToldToItsRunAgainEveryTenMinutesUntilTheLeadEnds() {
    String leadId = lead("interested");
    String key = requested(leadId, Duration.ofMinutes(2));

    assertThat(templates.sweep(NOW)).isEmpty();
    assertThat(resignalled).containsExactly(leadId + " " + key + " re_engagement");
    assertThat(templates.sweep(NOW.plus(Duration.ofMinutes(5)))).isEmpty();
    assertThat(resignalled).as("not again at once").hasSize(1);
    assertThat(templates.sweep(NOW.plus(Duration.ofMinutes(11)))).isEmpty();
    assertThat(resignalled).as("again ten minutes later").hasSize(2);

    store.contacts().updateOne(new Document("leadId", leadId), Updates.set("stage", "stopped"));
    assertThat(templates.sweep(NOW.plus(Duration.ofMinutes(22)))).containsExactly(key);
    assertThat(failures(leadId)).isEqualTo(1);
  }

  @Test
  void aLeadBeingErasedIsLeftToItsErasure() {
    String leadId = lead("converted");
    String key = requested(leadId, Duration.ofMinutes(2));
    store.erasures().markErasing(leadId, NOW);

    assertThat(templates.sweep(NOW)).containsExactly(key);
    assertThat(store.interactions().timeline(leadId)).as("nothing written on it").isEmpty();
  }

  @Test
  void aRequestWithinTheGraceIsLeftAloneAndARetryKeepsItsFirstTime() {
    String fresh = lead("converted");
    requested(fresh, Duration.ofSeconds(10));
    assertThat(templates.sweep(NOW)).isEmpty();
    assertThat(failures(fresh)).isZero();

    String retried = lead("converted");
    String key = requested(retried, Duration.ofMinutes(2));
    PendingTemplateRequests.requested(store, retried, key, "Ana (ana)", "ana", NOW);
    assertThat(templates.sweep(NOW)).containsExactly(key);
  }
}

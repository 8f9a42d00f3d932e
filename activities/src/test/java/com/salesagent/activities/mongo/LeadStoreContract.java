package com.salesagent.activities.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
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
    store
        .messages()
        .upsertComposed("k-1", new Document("leadId", "L-1").append("status", "composed"));
    store.messages().markAccepted("k-1", "wamid.1", null, "template", t);
  }

  @Test
  void statusesInAnyOrderAndTwiceEndTheSame() {
    store.messages().applyStatus("wamid.1", "read", t.plusSeconds(30), null, null);
    store.messages().applyStatus("wamid.1", "delivered", t.plusSeconds(10), null, null);
    store.messages().applyStatus("wamid.1", "read", t.plusSeconds(40), null, null);
    store.messages().applyStatus("wamid.1", "sent", t.plusSeconds(5), null, null);

    Document m = store.messages().messageByWamid("wamid.1");
    assertThat(m.getString("status")).isEqualTo("read");
    Document at = m.get("statusAt", Document.class);
    assertThat(at.getDate("read")).isEqualTo(Date.from(t.plusSeconds(30)));
    assertThat(at.getDate("delivered")).isEqualTo(Date.from(t.plusSeconds(10)));
    assertThat(at.getDate("sent")).isEqualTo(Date.from(t.plusSeconds(5)));
  }

  /**
   * A status webhook that came before the send's answer (bound by the echoed idempotency key) moved
   * the message on; the late answer adds its fields but does not move it back to "accepted" (the
   * scale-out test saw leads stuck "accepted" with their delivered status applied).
   */
  @Test
  void theSendsLateAnswerNeverMovesAStatusBack() {
    store
        .messages()
        .upsertComposed("k-5", new Document("leadId", "L-2").append("status", "composed"));
    assertThat(store.messages().bindWamid("k-5", "wamid.5", "5511998765432", t.plusSeconds(1)))
        .isTrue();
    store.messages().applyStatus("wamid.5", "delivered", t.plusSeconds(2), null, null);

    store.messages().markAccepted("k-5", "wamid.5", "5511998765432", "text", t);

    Document m = store.messages().messageByKey("k-5");
    assertThat(m.getString("status")).isEqualTo("delivered");
    assertThat(m.getString("kind")).isEqualTo("text");
    assertThat(m.get("statusAt", Document.class).getDate("accepted")).isEqualTo(Date.from(t));
    assertThat(m.get("statusAt", Document.class).getDate("delivered"))
        .isEqualTo(Date.from(t.plusSeconds(2)));
  }

  /**
   * Session 46: a send whose outcome was unknown, left by its lead's ended run as {@code
   * delivery.status: abandoned}, then bound by a late status webhook: the message said {@code
   * delivered} beside {@code unknown} (its old reason) and {@code delivery.status: abandoned}. Now
   * it reads what is known (confirmed by the status webhook), with a note of when and why it was
   * unknown and abandoned; a hold a live run still has is that run's to release.
   */
  @Test
  void aLateStatusBindingAnAbandonedUnknownSendLeavesItsDeliveryConsistent() {
    for (String key : List.of("k-ab", "k-held")) {
      // k-held's lead (L-1) still runs.
      String lead = key.equals("k-ab") ? "L-2" : "L-1";
      store
          .messages()
          .upsertComposed(key, new Document("leadId", lead).append("status", "composed"));
      store.messages().markUnknown(key, "no_answer", t);
    }
    store
        .messages()
        .collection()
        .updateOne(
            Filters.eq("idempotencyKey", "k-held"),
            new Document("$set", new Document("delivery", new Document("status", "unknown"))));
    store.messages().abandonUnknown("L-2", "no_response", t.plusSeconds(60));

    assertThat(store.messages().bindWamid("k-ab", "wamid.ab", "5511998765432", t.plusSeconds(90)))
        .isTrue();
    store.messages().applyStatus("wamid.ab", "delivered", t.plusSeconds(91), null, null);
    assertThat(
            store.messages().bindWamid("k-held", "wamid.held", "5511998765432", t.plusSeconds(90)))
        .isTrue();

    Document m = store.messages().messageByKey("k-ab");
    assertThat(m.getString("status")).isEqualTo("delivered");
    assertThat(m).doesNotContainKey("unknown");
    assertThat(m.get(Messages.WAS_UNKNOWN, Document.class))
        .containsEntry("reason", "no_answer")
        .containsEntry("at", Date.from(t))
        .containsEntry("boundAt", Date.from(t.plusSeconds(90)));
    Document delivery = m.get("delivery", Document.class);
    assertThat(delivery.getString("status")).isEqualTo("confirmed");
    assertThat(delivery.getString("by")).isEqualTo("status webhook");
    assertThat(delivery.get("abandoned", Document.class).getString("why"))
        .isEqualTo("the lead's run ended: no_response");
    // Bound twice (a replayed status): nothing more changes.
    assertThat(store.messages().bindWamid("k-ab", "wamid.ab", "5511998765432", t.plusSeconds(99)))
        .isFalse();
    assertThat(store.messages().messageByKey("k-ab").get("delivery", Document.class))
        .isEqualTo(delivery);

    Document held = store.messages().messageByKey("k-held");
    assertThat(held).doesNotContainKey("unknown").containsKey(Messages.WAS_UNKNOWN);
    assertThat(held.get("delivery", Document.class).getString("status")).isEqualTo("unknown");
  }

  @Test
  void batchReadsReturnOnlyTheFieldsAskedFor() {
    store
        .messages()
        .upsertComposed(
            "k-9",
            new Document("leadId", "L-2")
                .append("text", "a long message")
                .append("variantId", "v"));
    store.messages().markAccepted("k-9", "wamid.9", null, "text", t);
    var messages =
        store
            .messages()
            .messagesByWamid(
                List.of("wamid.1", "wamid.9", "wamid.none"),
                List.of("wamid", "leadId", "variantId"));
    assertThat(messages).containsOnlyKeys("wamid.1", "wamid.9");
    assertThat(messages.get("wamid.9").getString("variantId")).isEqualTo("v");
    assertThat(messages.get("wamid.9")).doesNotContainKeys("text", "status", "idempotencyKey");
    assertThat(
            store.messages().messagesByWamid(List.of("wamid.9")).get("wamid.9").getString("text"))
        .isEqualTo("a long message");
    var contacts = store.contactsByLeadId(List.of("L-1", "L-2"), List.of("leadId", "campaignId"));
    assertThat(contacts.get("L-2").getString("campaignId")).isEqualTo("d");
    assertThat(contacts.get("L-2")).doesNotContainKey("phone");
  }

  /**
   * Issue 12: the steps' read of a contact is the contact without its free texts (research text,
   * notes); a composition's upsert answers the message as stored, the first composition's.
   */
  @Test
  void aStepsContactLeavesOutItsFreeTextsAndAnUpsertAnswersWhatIsStored() {
    store.insertContact(
        new Document("leadId", "L-T")
            .append("phone", "+5511900000077")
            .append("company", "Acme")
            .append("notes", "Met at the fair.")
            .append("researchText", "Acme grows. ".repeat(500)));
    Document expected = store.contact("L-T");
    expected.remove("researchText");
    expected.remove("notes");

    assertThat(store.contactForSteps("L-T")).isEqualTo(expected).containsKey("company");
    assertThat(store.contactForSteps("L-none")).isNull();

    Document first =
        store.messages().upsertComposed("k-u", new Document("leadId", "L-T").append("text", "a"));
    Document second =
        store.messages().upsertComposed("k-u", new Document("leadId", "L-T").append("text", "b"));
    assertThat(first.getString("text")).isEqualTo("a");
    assertThat(second.getString("text")).isEqualTo("a");
    assertThat(second).isEqualTo(store.messages().messageByKey("k-u"));
  }

  @Test
  void anUnknownWamidChangesNothing() {
    assertThat(store.messages().applyStatus("wamid.unknown", "read", t, null, null)).isNull();
    assertThat(store.messages().collection().countDocuments()).isEqualTo(1);
  }

  @Test
  void aComposedMessageIsWrittenOnceAndASendIsClaimedOnce() {
    store.messages().upsertComposed("k-2", new Document("leadId", "L-1").append("text", "first"));
    store.messages().upsertComposed("k-2", new Document("leadId", "L-1").append("text", "second"));

    assertThat(store.messages().messageByKey("k-2").getString("text")).isEqualTo("first");
    assertThat(store.messages().claimSend("k-2", "a-1", t, false)).isTrue();
    assertThat(store.messages().claimSend("k-2", "a-2", t.plusSeconds(60), false))
        .as("held: no expiry")
        .isFalse();
    store.messages().releaseClaim("k-2", "a-2");
    assertThat(store.messages().claimSend("k-2", "a-3", t, false))
        .as("only its holder releases")
        .isFalse();
    store.messages().releaseClaim("k-2", "a-1");
    assertThat(store.messages().claimSend("k-2", "a-4", t, false)).as("released").isTrue();
    store.messages().markUnknown("k-2", "timeout", t);
    assertThat(store.messages().claimSend("k-2", "a-5", t, false)).isFalse();
    assertThat(store.messages().claimSend("k-2", "a-6", t, true)).as("a decided resend").isTrue();
    assertThat(store.messages().claimSend("k-1", "a-7", t, true))
        .as("already has a wamid")
        .isFalse();
  }

  @Test
  void anOptOutMarksEveryContactWithThatPhone() {
    assertThat(store.byWhatsAppId().optOutContacts("5511998765432"))
        .extracting(d -> d.getString("leadId"))
        .containsExactlyInAnyOrder("L-1", "L-2");
    store.markDoNotContact(java.util.List.of("L-1", "L-2"), "keyword", t);
    assertThat(store.contact("L-2").getBoolean("doNotContact")).isTrue();
  }

  /**
   * A lead whose erasure was requested is marked at once (contact and messages): a message from its
   * number is no longer for it, while an opt-out still finds it for its numbers; a mark whose
   * erasure did not start is taken back, and only that one.
   */
  @Test
  void aLeadBeingErasedIsNoLongerFoundByItsNumberButAnOptOutStillSeesItsNumbers() {
    store.addWhatsAppId("L-1", "551198765432");

    assertThat(store.erasures().markErasing("L-1", t)).isTrue();
    assertThat(store.erasures().markErasing("L-1", t.plusSeconds(1)))
        .as("marked already")
        .isFalse();

    assertThat(LeadStore.erasing(store.contact("L-1"))).isTrue();
    assertThat(LeadStore.erasing(store.messages().messageByWamid("wamid.1"))).isTrue();
    assertThat(LeadStore.erasing(store.contact("L-2"))).isFalse();
    assertThat(store.byWhatsAppId().leadIdsByWhatsAppId("5511998765432")).containsExactly("L-2");
    assertThat(store.byWhatsAppId().leadIdsByWhatsAppId("551198765432")).isEmpty();
    assertThat(store.byWhatsAppId().optOutContacts("5511998765432"))
        .extracting(d -> d.getString("leadId"))
        .containsExactlyInAnyOrder("L-1", "L-2");

    store.erasures().unmarkErasing("L-1", t.plusSeconds(1));
    assertThat(LeadStore.erasing(store.contact("L-1"))).as("another request's mark").isTrue();
    store.erasures().unmarkErasing("L-1", t);
    assertThat(LeadStore.erasing(store.contact("L-1"))).isFalse();
    assertThat(LeadStore.erasing(store.messages().messageByWamid("wamid.1"))).isFalse();
    assertThat(store.byWhatsAppId().leadIdsByWhatsAppId("5511998765432"))
        .containsExactlyInAnyOrder("L-1", "L-2");
  }

  @Test
  void aContactIsFoundByTheWaIdWhatsAppAnsweredWithAsWellAsByItsNumber() {
    // Enrolled without Brazil's ninth digit; WhatsApp answered the send with the nine-digit id.
    store.insertContact(
        new Document("leadId", "L-3").append("phone", "+551187654321").append("campaignId", "c"));
    store.addWhatsAppId("L-3", "5511987654321");
    store.addWhatsAppId("L-3", "5511987654321");

    assertThat(store.byWhatsAppId().leadIdsByWhatsAppId("5511987654321")).containsExactly("L-3");
    assertThat(store.byWhatsAppId().leadIdsByWhatsAppId("551187654321")).containsExactly("L-3");
    assertThat(LeadStore.numbersOf(store.contact("L-3")))
        .containsExactly("+551187654321", "+5511987654321");
    assertThat(store.byWhatsAppId().optOutContacts("5511987654321"))
        .extracting(d -> d.getString("leadId"))
        .containsExactly("L-3");
    // A second lead enrolled with the nine-digit number is reached through the first one's wa_id.
    store.insertContact(
        new Document("leadId", "L-4").append("phone", "+5511987654321").append("campaignId", "d"));
    assertThat(store.byWhatsAppId().optOutContacts("551187654321"))
        .extracting(d -> d.getString("leadId"))
        .containsExactlyInAnyOrder("L-3", "L-4");
  }

  @Test
  void oneActiveLeadPerPhonePerCampaign() {
    Document first =
        new Document("leadId", "A-1")
            .append("phone", "+14155550199")
            .append("campaignId", "spring")
            .append("activeKey", LeadStore.activeKey("spring", "+14155550199"));
    Document second =
        new Document("leadId", "A-2")
            .append("phone", "+14155550199")
            .append("campaignId", "spring")
            .append("activeKey", LeadStore.activeKey("spring", "+14155550199"));
    Document otherCampaign =
        new Document("leadId", "A-3")
            .append("phone", "+14155550199")
            .append("campaignId", "autumn")
            .append("activeKey", LeadStore.activeKey("autumn", "+14155550199"));

    assertThat(store.insertContact(first)).isEqualTo(LeadStore.Inserted.INSERTED);
    assertThat(store.insertContact(new Document(first))).isEqualTo(LeadStore.Inserted.LEAD_EXISTS);
    assertThat(store.insertContact(second)).isEqualTo(LeadStore.Inserted.PHONE_ACTIVE);
    assertThat(store.activeContact("spring", "+14155550199").getString("leadId")).isEqualTo("A-1");
    assertThat(store.insertContact(otherCampaign)).isEqualTo(LeadStore.Inserted.INSERTED);
    store.endActive("A-1");
    assertThat(store.insertContact(second)).isEqualTo(LeadStore.Inserted.INSERTED);
  }

  @Test
  void aSuppressionIsKeyedByNumberKeepsItsFirstReasonAndIsLiftedOnlyWithConsent() {
    Suppressions suppressions = new Suppressions(mongo().database());
    suppressions.suppress(java.util.List.of("+14155550199"), Suppressions.KEYWORD, t, "STOP");
    suppressions.suppress(
        java.util.List.of("+14155550199"), Suppressions.OPERATOR, t.plusSeconds(5), "again");

    Suppressions.Entry entry =
        suppressions.active(java.util.List.of("+15550000000", "+14155550199")).orElseThrow();
    assertThat(entry.source()).isEqualTo(Suppressions.KEYWORD);
    assertThat(entry.at()).isEqualTo(t);
    assertThat(suppressions.active(java.util.List.of("+15550000000"))).isEmpty();

    assertThat(suppressions.lift("+14155550199", "ops", "paper form", t, t.plusSeconds(60)))
        .isTrue();
    assertThat(suppressions.lift("+14155550199", "ops", "paper form", t, t.plusSeconds(61)))
        .isFalse();
    assertThat(suppressions.active(java.util.List.of("+14155550199"))).isEmpty();
    Document lifted = suppressions.find("+14155550199");
    assertThat(lifted.get("lifted", Document.class).getString("by")).isEqualTo("ops");

    suppressions.suppress(
        java.util.List.of("+14155550199"), Suppressions.USER_PREFERENCES, t.plusSeconds(90), null);
    assertThat(suppressions.active(java.util.List.of("+14155550199")).orElseThrow().source())
        .isEqualTo(Suppressions.USER_PREFERENCES);
    assertThat(mongo().database().getCollection(Suppressions.COLLECTION).countDocuments())
        .isEqualTo(1);
  }

  @Test
  void theTimelineIsReadBackInTimeOrder() {
    store
        .interactions()
        .recordInteraction("L-1", "c", "v", "read", "wamid.1", null, t.plusSeconds(20));
    store
        .interactions()
        .recordInteraction("L-1", "c", "v", "delivered", "wamid.1", null, t.plusSeconds(10));

    assertThat(store.interactions().timeline("L-1"))
        .extracting(d -> d.getString("type"))
        .containsExactly("delivered", "read");
  }

  /**
   * What an exploratory test found on a lead's page: Meta's second-precision "sent" before the send
   * itself, and "delivery_unknown" written after the message's statuses had told its fate.
   */
  @Test
  void theTimelineIsReadBackInTheOrderThingsHappened() {
    store
        .messages()
        .upsertComposed("k-1", new Document("leadId", "L-1").append("status", "composed"));
    store.messages().markUnknown("k-1", "timeout after the request was written", t);
    store.messages().bindWamid("k-1", "wamid.1", "14155550100", t.plusSeconds(1));
    store
        .interactions()
        .recordInteraction(
            "L-1", "c", "v", "message_sent", "wamid.1", "reconciled", t.plusMillis(1800));
    store
        .interactions()
        .recordInteraction("L-1", "c", "v", "sent", "wamid.1", null, t.plusSeconds(1));
    store
        .interactions()
        .recordInteraction("L-1", "c", "v", "delivered", "wamid.1", null, t.plusSeconds(1));
    store
        .interactions()
        .recordInteraction("L-1", "c", "v", "delivery_unknown", null, "k-1", t.plusSeconds(5));
    store
        .interactions()
        .recordInteraction(
            "L-1", "c", "v", "delivery_reconciled", "wamid.1", "k-1", t.plusSeconds(6));

    assertThat(store.interactions().timeline("L-1"))
        .extracting(d -> d.getString("type"))
        .containsExactly("message_sent", "sent", "delivered", "delivery_reconciled");
  }

  @Test
  void anEventsMetaIsTheLeadAloneCampaignAndVariantAreMeasurements() {
    store.interactions().recordInteraction("L-1", "c", "v", "read", "wamid.1", null, t);
    store
        .interactions()
        .recordInteraction("L-1", null, null, "approved", null, null, t.plusSeconds(5));

    List<Document> raw =
        mongo()
            .database()
            .getCollection(Collections.INTERACTION_HISTORY)
            .find(Filters.eq("meta.leadId", "L-1"))
            .sort(Sorts.ascending("ts"))
            .into(new ArrayList<>());

    // One meta value per lead, whatever the event: the lead's events share time-series buckets.
    assertThat(raw).extracting(d -> d.get("meta")).containsOnly(new Document("leadId", "L-1"));
    assertThat(raw.get(0))
        .containsEntry("campaignId", "c")
        .containsEntry("variantId", "v")
        .containsEntry("type", "read");
    assertThat(raw.get(1)).doesNotContainKeys("campaignId", "variantId");
  }
}

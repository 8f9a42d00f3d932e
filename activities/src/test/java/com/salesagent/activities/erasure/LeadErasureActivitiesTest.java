package com.salesagent.activities.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.Interactions;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.activities.variants.Assisted;
import com.salesagent.activities.variants.ErasedCounts;
import com.salesagent.activities.variants.Interest;
import com.salesagent.activities.variants.Switched;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.workflows.erasure.ErasureRequest;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The erasure's passes on the embedded MongoDB-wire server (no media, so no S3; no workflows): the
 * tombstone the first pass leaves keeps the request's mark, and the variant counters, which keep
 * the erased lead's counts, still agree with their recount from the history the erasure deleted.
 */
class LeadErasureActivitiesTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final LocalDate DAY1 = LocalDate.of(2026, 11, 24);
  private static final LocalDate DAY2 = LocalDate.of(2026, 11, 25);
  private static final Instant T1 = Instant.parse("2026-11-24T09:00:00Z");
  private static final Instant T2 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Instant REQUESTED = Instant.parse("2026-11-25T12:00:00Z");

  private MongoDatabase db;
  private LeadStore store;
  private VariantStats stats;
  private LeadErasureActivitiesImpl erasure;

  @BeforeEach
  void setUp() {
    db = MONGO.database();
    MongoSchema.ensure(db);
    store = new LeadStore(db);
    stats = new VariantStats(db);
    erasure =
        new LeadErasureActivitiesImpl(
            store,
            new ObjectStorage(null, null, "media", "us-east-1"),
            null,
            Clock.fixed(REQUESTED.plusSeconds(5), ZoneOffset.UTC));
    for (String lead : List.of("erased", "kept")) {
      store.insertContact(
          new Document("leadId", lead)
              .append("name", "Zoë Ñúñez")
              .append("phone", lead.equals("erased") ? "+5511998765432" : "+5511998765433")
              .append("segment", "retail")
              .append("variantId", "v1"));
      counted(lead, "assigned", "assigned", T1);
      counted(lead, "message_sent", "sent", T1.plusSeconds(1));
      store
          .interactions()
          .recordInteraction(lead, "c1", "v1", "sent", null, null, T1.plusSeconds(2));
      counted(lead, "delivered", "delivered", T1.plusSeconds(3));
    }
    counted("erased", "read", "read", T1.plusSeconds(4));
    counted("erased", "replied", "replied", T2);
    // A second reply is history only: the counters count a lead's first.
    store
        .interactions()
        .recordInteraction("erased", "c1", "v1", "replied", null, null, T2.plusSeconds(60));
    counted("kept", "opted_out", "opted_out", T2);
  }

  /** What the activities and the webhook inbox do: one history event, one increment. */
  private void counted(String lead, String type, String counter, Instant at) {
    store.interactions().recordInteraction(lead, "c1", "v1", type, null, null, at);
    stats.increment("v1", "retail", counter, at);
  }

  private ErasureRequest request() {
    return new ErasureRequest("erased", "ops", "asked by email", false, 0);
  }

  @Test
  void theFirstPassLeavesATombstoneThatKeepsTheRequestsMark() {
    store.erasures().markErasing("erased", REQUESTED);

    erasure.erase(request(), false);

    Document tombstone = store.contact("erased");
    assertThat(tombstone.get("name")).isNull();
    assertThat(tombstone.getString("phone")).isEqualTo("+5511998765432");
    assertThat(LeadStore.erasing(tombstone)).isTrue();
    assertThat(tombstone.get(LeadStore.ERASURE, Document.class).getDate("requestedAt"))
        .isEqualTo(java.util.Date.from(REQUESTED));
    assertThat(store.byWhatsAppId().leadIdsByWhatsAppId("5511998765432")).isEmpty();
    assertThat(store.interactions().timeline("erased")).isEmpty();

    erasure.erase(request(), true);

    assertThat(store.contact("erased")).isNull();
  }

  /**
   * An erased lead its rep held frees their place (the tombstone holds nobody): the rep is told
   * once, at the pass that writes the tombstone, so the next lead waiting for them is taken at
   * once; a lead nobody held frees nobody.
   */
  @Test
  void anErasedLeadItsRepHeldFreesTheirPlaceOnce() {
    store.setContactFields("erased", new Document("stage", "handed_off").append("ownerId", "ana"));
    store.setContactFields("kept", new Document("stage", "interested"));
    List<String> freed = new java.util.concurrent.CopyOnWriteArrayList<>();
    erasure.whenOwnerFreed(freed::add);
    store.erasures().markErasing("erased", REQUESTED);

    erasure.erase(request(), false);
    assertThat(freed).containsExactly("ana");
    erasure.erase(request(), false); // a retried pass
    erasure.erase(request(), true);
    assertThat(freed).containsExactly("ana");

    erasure.erase(new ErasureRequest("kept", "ops", "asked by email", false, 0), false);
    assertThat(freed).containsExactly("ana");
  }

  /**
   * An erased lead's id leaves the claims on its rep's capacity at the first pass (before, it
   * stayed in their {@code holding} until their next claim), and a claim another rep had in flight
   * for it too; each list written with its {@code holdingVersion} moved, so a claim that read the
   * list before writes nothing back.
   */
  @Test
  void anErasedLeadLeavesTheClaimsOnItsRepsCapacity() {
    store.setContactFields("erased", new Document("stage", "handed_off").append("ownerId", "ana"));
    store.setContactFields("kept", new Document("stage", "handed_off").append("ownerId", "ana"));
    var owners = db.getCollection(com.salesagent.activities.handoff.Owners.COLLECTION);
    owners.insertOne(
        new Document("_id", "ana")
            .append("active", true)
            .append("capacity", 2)
            .append(
                com.salesagent.activities.handoff.OwnerClaims.HOLDING,
                List.of(
                    new Document("lead", "erased")
                        .append("at", java.util.Date.from(T2))
                        .append("held", true),
                    new Document("lead", "kept")
                        .append("at", java.util.Date.from(T2))
                        .append("held", true)))
            .append(com.salesagent.activities.handoff.OwnerClaims.HOLDING_VERSION, 7));
    owners.insertOne(
        new Document("_id", "bia")
            .append("active", true)
            .append("capacity", 1)
            .append(
                com.salesagent.activities.handoff.OwnerClaims.HOLDING,
                List.of(
                    new Document("lead", "erased").append("at", java.util.Date.from(REQUESTED))))
            .append(com.salesagent.activities.handoff.OwnerClaims.HOLDING_VERSION, 3));
    store.erasures().markErasing("erased", REQUESTED);

    erasure.erase(request(), false);

    assertThat(claimedLeads("ana")).containsExactly("kept");
    assertThat(claimedLeads("bia")).isEmpty();
    assertThat(
            owners
                .find(Filters.eq("_id", "ana"))
                .first()
                .get(com.salesagent.activities.handoff.OwnerClaims.HOLDING_VERSION, Number.class)
                .intValue())
        .isEqualTo(8);
    assertThat(
            owners
                .find(Filters.eq("_id", "bia"))
                .first()
                .get(com.salesagent.activities.handoff.OwnerClaims.HOLDING_VERSION, Number.class)
                .intValue())
        .isEqualTo(4);
  }

  private List<String> claimedLeads(String ownerId) {
    return db
        .getCollection(com.salesagent.activities.handoff.Owners.COLLECTION)
        .find(Filters.eq("_id", ownerId))
        .first()
        .getList(com.salesagent.activities.handoff.OwnerClaims.HOLDING, Document.class, List.of())
        .stream()
        .map(h -> h.getString("lead"))
        .toList();
  }

  @Test
  void theCountersAgreeWithTheirRecountAfterAnErasureAndStillKeepItsCounts() {
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(stats.stored(DAY1, DAY2));
    Map<VariantStats.Key, Map<String, Long>> before = stats.stored(DAY1, DAY2);
    store.erasures().markErasing("erased", REQUESTED);

    erasure.erase(request(), false);
    erasure.erase(request(), false); // a retried step counts nothing twice
    // A send already under way when the lead was stopped writes after the first pass.
    counted("erased", "message_sent", "sent", T2.plusSeconds(120));
    erasure.erase(request(), true);

    assertThat(store.interactions().timeline("erased")).isEmpty();
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(stats.stored(DAY1, DAY2));
    // The counters themselves are untouched: the erased lead's counts stay, the late send too.
    Map<VariantStats.Key, Map<String, Long>> expected = new HashMap<>();
    before.forEach((k, v) -> expected.put(k, new TreeMap<>(v)));
    expected.get(new VariantStats.Key("v1", "retail", "2026-11-25")).merge("sent", 1L, Long::sum);
    assertThat(stats.stored(DAY1, DAY2)).isEqualTo(expected);
    // Nothing of the person in what is kept: a variant, a segment, a day and counters.
    for (Document d : db.getCollection(ErasedCounts.COLLECTION).find()) {
      assertThat(d.keySet()).isEqualTo(Set.of("_id", "variantId", "segment", "day", "counts"));
    }
    // A rebuild of those closed days keeps the erased lead's counts.
    assertThat(stats.rebuild(DAY1, DAY2)).isZero();
    assertThat(stats.totals("retail").get("v1"))
        .containsEntry("assigned", 2L)
        .containsEntry("replied", 1L)
        .containsEntry("read", 1L);
  }

  /**
   * The erased lead's interest (its first interested reply, after a polite no) stays in the
   * counters, and the recount, which no longer has its history, still agrees: the first pass keeps
   * it once; an interested reply the history got again after it (a replay) is not a first one for
   * the sweep.
   */
  @Test
  void anErasedLeadsInterestStaysCountedOnceAndTheRecountStillAgrees() {
    Interest interest = new Interest(db);
    stats.increment("v1", "retail", "replied", T2.plusSeconds(90)); // "kept"'s first reply
    for (String lead : List.of("erased", "kept")) {
      interest.count(lead, "v1", "retail", "interested", T2.plusSeconds(90));
      store
          .interactions()
          .recordInteractions(
              List.of(
                  Interest.tagged(
                      Interactions.interaction(
                          lead, "c1", "v1", "replied", null, null, T2.plusSeconds(90)),
                      "interested")));
    }
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(stats.stored(DAY1, DAY2));
    Map<VariantStats.Key, Map<String, Long>> before = stats.stored(DAY1, DAY2);
    assertThat(before.get(new VariantStats.Key("v1", "retail", "2026-11-25")))
        .containsEntry("interested", 2L);
    store.erasures().markErasing("erased", REQUESTED);

    erasure.erase(request(), false);
    erasure.erase(request(), false); // a retried step counts nothing twice
    store
        .interactions()
        .recordInteractions(
            List.of(
                Interest.tagged(
                    Interactions.interaction(
                        "erased", "c1", "v1", "replied", null, null, T2.plusSeconds(150)),
                    "interested")));
    erasure.erase(request(), true);

    assertThat(stats.stored(DAY1, DAY2)).isEqualTo(before);
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(before);
    long kept = 0;
    for (Document d : db.getCollection(ErasedCounts.COLLECTION).find()) {
      Number n = d.get("counts", Document.class).get("interested", Number.class);
      kept += n == null ? 0 : n.longValue();
    }
    assertThat(kept).as("the erased lead's interest, kept once").isEqualTo(1);
    assertThat(stats.rebuild(DAY1, DAY2)).isZero();
    assertThat(stats.totals("retail").get("v1")).containsEntry("interested", 2L);
  }

  /**
   * An erased lead a rep wrote to before its first reply (Assisted): the counters keep it as
   * assisted and without its reply, interest or conversion, and the recount agrees before and after
   * the erasure; a reply the history got after the first pass (a replay) is not kept by the sweep.
   */
  @Test
  void anErasedAssistedLeadStaysAssistedWithoutItsReplyAndTheRecountStillAgrees() {
    store.insertContact(
        new Document("leadId", "helped")
            .append("phone", "+5511998765434")
            .append("segment", "retail")
            .append("variantId", "v1"));
    counted("helped", "assigned", "assigned", T1);
    counted("helped", "message_sent", "sent", T1.plusSeconds(1));
    assertThat(new Assisted(db).mark("helped", T1.plusSeconds(60))).isTrue();
    new Interest(db).countReply("helped", "v1", "retail", "interested", T2);
    store
        .interactions()
        .recordInteractions(
            List.of(
                Interest.tagged(
                    Interactions.interaction("helped", "c1", "v1", "replied", null, null, T2),
                    "interested")));
    // Its conversion is history only: LeadOutcomes does not count an assisted lead's.
    store
        .interactions()
        .recordInteraction("helped", "c1", "v1", "converted", null, null, T2.plusSeconds(30));
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(stats.stored(DAY1, DAY2));
    Map<VariantStats.Key, Map<String, Long>> before = stats.stored(DAY1, DAY2);
    assertThat(before.get(new VariantStats.Key("v1", "retail", "2026-11-24")))
        .containsEntry(Assisted.COUNTER, 1L);
    ErasureRequest helped = new ErasureRequest("helped", "ops", "asked by email", false, 0);
    store.erasures().markErasing("helped", REQUESTED);

    erasure.erase(helped, false);
    erasure.erase(helped, false); // a retried step counts nothing twice
    store
        .interactions()
        .recordInteractions(
            List.of(
                Interest.tagged(
                    Interactions.interaction(
                        "helped", "c1", "v1", "replied", null, null, T2.plusSeconds(90)),
                    "interested")));
    erasure.erase(helped, true);

    assertThat(store.interactions().timeline("helped")).isEmpty();
    assertThat(stats.stored(DAY1, DAY2)).isEqualTo(before);
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(before);
    Map<String, Long> kept = new TreeMap<>();
    for (Document d : db.getCollection(ErasedCounts.COLLECTION).find()) {
      d.get("counts", Document.class)
          .forEach((c, n) -> kept.merge(c, ((Number) n).longValue(), Long::sum));
    }
    assertThat(kept)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("assigned", 1L, "sent", 1L, Assisted.COUNTER, 1L));
    assertThat(stats.rebuild(DAY1, DAY2)).isZero();
    assertThat(stats.totals("retail").get("v1"))
        .containsEntry(Assisted.COUNTER, 1L)
        .containsEntry("replied", 1L) // "erased"'s, which answered the variant
        .containsEntry("interested", 0L)
        .containsEntry("converted", 0L);
  }

  /**
   * An erased lead the kill switch of an earlier version moved off a variant it had been sent
   * (Switched: {@code switchedAt} and a {@code switched} event {@code afterSend}; the kill switch
   * now keeps such a lead the old variant's trial, but the data stays): no variant's evidence, as
   * an assisted lead is. The first pass deletes its switched event with the history, so the sweep
   * must be told: a reply the history got between the passes (a replay) is not kept as the old
   * variant's, and the recount agrees before and after the erasure.
   */
  @Test
  void anErasedLeadSwitchedAfterASendStaysOutOfTheEvidenceBetweenThePasses() {
    store.insertContact(
        new Document("leadId", "moved")
            .append("phone", "+5511998765435")
            .append("segment", "retail")
            .append("variantId", "v1"));
    counted("moved", "assigned", "assigned", T1);
    counted("moved", "message_sent", "sent", T1.plusSeconds(1));
    new FunnelStats(db).reach("moved", "sent", T1.plusSeconds(1));
    // What the earlier kill switch wrote.
    Instant switchedAt = T1.plusSeconds(60);
    store
        .contacts()
        .updateOne(
            Filters.eq("leadId", "moved"),
            Updates.combine(
                Updates.set("variantId", "v2"),
                Updates.set(Switched.FIELD, java.util.Date.from(switchedAt))));
    store
        .interactions()
        .recordInteractions(
            List.of(
                Interactions.interaction(
                        "moved", "c1", "v1", Switched.EVENT, null, null, switchedAt)
                    .append(Switched.AFTER_SEND, true)));
    stats.increment("v1", "retail", Switched.COUNTER, switchedAt);
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(stats.stored(DAY1, DAY2));
    Map<VariantStats.Key, Map<String, Long>> before = stats.stored(DAY1, DAY2);
    ErasureRequest moved = new ErasureRequest("moved", "ops", "asked by email", false, 0);
    store.erasures().markErasing("moved", REQUESTED);

    erasure.erase(moved, false);
    store
        .interactions()
        .recordInteractions(
            List.of(
                Interest.tagged(
                    Interactions.interaction("moved", "c1", "v1", "replied", null, null, T2),
                    "interested")));
    erasure.erase(moved, true);

    assertThat(store.interactions().timeline("moved")).isEmpty();
    assertThat(stats.recompute(DAY1, DAY2))
        .as("nothing of the reply between the passes kept")
        .isEqualTo(before);
    assertThat(stats.rebuild(DAY1, DAY2)).isZero();
  }

  /**
   * An erased lead whose assisted mark a reply written before the rep's message undid ({@link
   * Assisted#UNDONE}): its evidence for the variant after all; the erasure keeps its reply and no
   * assisted count, and the recount agrees before and after.
   */
  @Test
  void anErasedLeadWhoseAssistedMarkWasUndoneKeepsItsReply() {
    store.insertContact(
        new Document("leadId", "late")
            .append("phone", "+5511998765436")
            .append("segment", "retail")
            .append("variantId", "v1"));
    counted("late", "assigned", "assigned", T1);
    counted("late", "message_sent", "sent", T1.plusSeconds(1));
    assertThat(new Assisted(db).mark("late", T1.plusSeconds(120))).isTrue();
    new Interest(db).countReply("late", "v1", "retail", "interested", T1.plusSeconds(60));
    store
        .interactions()
        .recordInteractions(
            List.of(
                Interest.tagged(
                    Interactions.interaction(
                        "late", "c1", "v1", "replied", null, null, T1.plusSeconds(60)),
                    "interested")));
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(stats.stored(DAY1, DAY2));
    Map<VariantStats.Key, Map<String, Long>> before = stats.stored(DAY1, DAY2);
    ErasureRequest late = new ErasureRequest("late", "ops", "asked by email", false, 0);
    store.erasures().markErasing("late", REQUESTED);

    erasure.erase(late, false);
    erasure.erase(late, true);

    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(before);
    assertThat(stats.totals("retail").get("v1"))
        .containsEntry(Assisted.COUNTER, 0L)
        .containsEntry("interested", 1L)
        .containsEntry("replied", 2L);
  }

  /**
   * The erased lead's number enrolled again in the same campaign before the erasure's first pass:
   * the lead being erased no longer holds the number's place in the campaign, so the new lead is
   * stored; the passes then erase only the old lead: the new one's contact, messages, history and
   * the webhook payloads that arrived for it after the request stay whole. A stop the person sent
   * before keeps the number suppressed though the erasure was asked not to suppress it.
   */
  @Test
  void aNewLeadOnTheNumberInTheSameCampaignIsStoredAndLeftWhole() {
    String phone = "+5511998765432";
    String digits = phone.substring(1);
    store.setContactFields(
        "erased",
        new Document("campaignId", "c1").append("activeKey", LeadStore.activeKey("c1", phone)));
    Suppressions suppressions = new Suppressions(db);
    suppressions.suppress(List.of(phone), Suppressions.KEYWORD, T2, "STOP");
    webhookEvent("status:before", digits, REQUESTED.minusSeconds(60));
    store.erasures().markErasing("erased", REQUESTED);
    store
        .erasures()
        .erasureAccepted("erased", REQUESTED); // its workflow started, as the request does

    assertThat(
            store.insertContact(
                new Document("leadId", "again")
                    .append("name", "Zoë Ñúñez")
                    .append("phone", phone)
                    .append("campaignId", "c1")
                    .append("activeKey", LeadStore.activeKey("c1", phone))))
        .isEqualTo(LeadStore.Inserted.INSERTED);
    assertThat(store.activeContact("c1", phone).getString("leadId")).isEqualTo("again");
    store
        .messages()
        .collection()
        .insertOne(
            new Document("idempotencyKey", "k-again")
                .append("leadId", "again")
                .append("text", "Hello again")
                .append("status", "composed"));
    store
        .interactions()
        .recordInteraction("again", "c1", "v1", "enrolled", null, null, REQUESTED.plusSeconds(1));
    webhookEvent("status:after", digits, REQUESTED.plusSeconds(2));

    erasure.erase(request(), false);
    webhookEvent("status:later", digits, REQUESTED.plusSeconds(30));
    erasure.erase(request(), true);

    assertThat(store.contact("erased")).isNull();
    Document again = store.contact("again");
    assertThat(again.getString("name")).isEqualTo("Zoë Ñúñez");
    assertThat(again.getString("activeKey")).isEqualTo(LeadStore.activeKey("c1", phone));
    assertThat(LeadStore.erasing(again)).isFalse();
    assertThat(store.messages().messagesOf("again")).hasSize(1);
    assertThat(store.interactions().timeline("again")).hasSize(1);
    assertThat(store.byWhatsAppId().leadIdsByWhatsAppId(digits)).containsExactly("again");
    assertThat(event("status:before").get("item")).as("the erased lead's payload").isNull();
    assertThat(event("status:after").get("item")).as("the new lead's payload").isNotNull();
    assertThat(event("status:after").getString("partitionKey")).isEqualTo(digits);
    assertThat(event("status:after").getBoolean("processed")).isFalse();
    assertThat(event("status:later").get("item")).isNotNull();
    // Not kept suppressed by the erasure, but the person's stop still holds.
    Document stop = suppressions.find(phone);
    assertThat(stop.getBoolean("active")).isTrue();
    assertThat(stop.getString("source")).isEqualTo(Suppressions.KEYWORD);
  }

  private void webhookEvent(String key, String partitionKey, Instant receivedAt) {
    db.getCollection(Collections.WEBHOOK_EVENTS)
        .insertOne(
            new Document("eventKey", key)
                .append("kind", "status")
                .append("partitionKey", partitionKey)
                .append("item", new Document("recipient_id", partitionKey))
                .append("processed", false)
                .append("attempts", 0)
                .append("receivedAt", java.util.Date.from(receivedAt)));
  }

  private Document event(String key) {
    return db.getCollection(Collections.WEBHOOK_EVENTS).find(Filters.eq("eventKey", key)).first();
  }

  @Test
  void aRealDriftIsStillFoundAfterAnErasure() {
    store.erasures().markErasing("erased", REQUESTED);
    erasure.erase(request(), false);
    erasure.erase(request(), true);

    db.getCollection(VariantStats.COLLECTION)
        .updateOne(Filters.eq("day", "2026-11-24"), Updates.inc("delivered", 1L));

    Map<VariantStats.Key, Map<String, Long>> stored = stats.stored(DAY1, DAY2);
    Map<VariantStats.Key, Map<String, Long>> recomputed = stats.recompute(DAY1, DAY2);
    VariantStats.Key day1 = new VariantStats.Key("v1", "retail", "2026-11-24");
    assertThat(stored.get(day1)).containsEntry("delivered", 3L);
    assertThat(recomputed.get(day1)).containsEntry("delivered", 2L);
    assertThat(stored.get(new VariantStats.Key("v1", "retail", "2026-11-25")))
        .isEqualTo(recomputed.get(new VariantStats.Key("v1", "retail", "2026-11-25")));
  }

  /**
   * The agent's draft answer to a message the lead wrote after its run ended runs in a workflow of
   * its own: one whose draft failed (or is still drafting) left no draft behind, and the erasure
   * stops it and lists it for deletion all the same, found by the lead's messages.
   */
  @Test
  void theDraftWorkflowOfAMessageAfterTheEndIsStoppedWithoutItsDraft() {
    store
        .feedback()
        .insertOne(
            new Document("leadId", "erased")
                .append("messageId", "wamid.after-end-1")
                .append("text", "Can you send me the invoice again?")
                .append("receivedAt", java.util.Date.from(T2)));
    String draft = "after-end-draft-wamid.after-end-1";
    Set<String> running = Set.of(draft);
    List<String> terminated = new java.util.ArrayList<>();
    WorkflowClient temporal =
        (WorkflowClient)
            Proxy.newProxyInstance(
                WorkflowClient.class.getClassLoader(),
                new Class<?>[] {WorkflowClient.class},
                (proxy, method, args) -> {
                  if (!method.getName().equals("newUntypedWorkflowStub")) {
                    throw new UnsupportedOperationException(method.getName());
                  }
                  String id = (String) args[0];
                  return Proxy.newProxyInstance(
                      WorkflowStub.class.getClassLoader(),
                      new Class<?>[] {WorkflowStub.class},
                      (stub, call, callArgs) -> {
                        if (!running.contains(id)) {
                          throw new WorkflowNotFoundException(
                              WorkflowExecution.newBuilder().setWorkflowId(id).build(), null, null);
                        }
                        if (call.getName().equals("terminate")) {
                          terminated.add(id);
                          return null;
                        }
                        throw new UnsupportedOperationException(call.getName());
                      });
                });
    LeadErasureActivitiesImpl withWorkflows =
        new LeadErasureActivitiesImpl(
            store,
            new ObjectStorage(null, null, "media", "us-east-1"),
            temporal,
            Clock.fixed(REQUESTED.plusSeconds(5), ZoneOffset.UTC));

    assertThat(withWorkflows.stopWorkflows("erased")).contains(draft);
    assertThat(terminated).containsExactly(draft);
  }

  /**
   * An import's row answers hold the rows it echoed (name, number, company, notes) for 30 days:
   * those naming the erased lead, those echoing a row with its number (a duplicate row, one refused
   * for its consent) and one recorded before rows kept their keys are rewritten to their line and
   * status (a row stored before the key, with the number's plain SHA-256, too); another lead's row
   * is left whole. Its outbox events and HubSpot ids go too.
   */
  @Test
  void theLeadsImportRowsOutboxEventsAndCrmIdsKeepNothingOfThePerson() {
    com.mongodb.client.MongoCollection<Document> rows = db.getCollection(Collections.IMPORT_ROWS);
    String greta = ",\"columns\":{\"name\":\"Greta Erasmussen\",\"phone\":\"+55 11 99876-5432\"}}";
    rows.insertMany(
        List.of(
            row(1, "enrolled", "{\"line\":2,\"status\":\"enrolled\",\"leadId\":\"erased\"}")
                .append(Collections.IMPORT_ROW_LEAD_IDS, List.of("erased")),
            row(2, "phone_active", "{\"line\":3,\"activeLeadId\":\"erased\"" + greta)
                .append(Collections.IMPORT_ROW_LEAD_IDS, List.of("dup", "erased"))
                .append(
                    Collections.IMPORT_ROW_NUMBER_HASHES,
                    List.of(com.salesagent.activities.privacy.PiiHash.of("+5511998765432"))),
            row(3, "rejected", "{\"line\":4,\"status\":\"rejected\"" + greta)
                .append(Collections.IMPORT_ROW_LEAD_IDS, List.of())
                .append(
                    Collections.IMPORT_ROW_NUMBER_HASHES,
                    List.of(com.salesagent.activities.privacy.PiiHash.of("+5511998765432"))),
            // Stored before the number's hash was keyed (its plain SHA-256): still found.
            row(6, "rejected", "{\"line\":7,\"status\":\"rejected\"" + greta)
                .append(Collections.IMPORT_ROW_LEAD_IDS, List.of())
                .append(
                    Collections.IMPORT_ROW_NUMBER_HASHES,
                    List.of(com.salesagent.activities.compose.LlmWriter.sha256("+5511998765432"))),
            // Recorded before rows kept their keys: found by the lead's id in the answer.
            row(4, "suppressed", "{\"line\":5,\"leadId\":\"erased\"" + greta),
            row(5, "enrolled", "{\"line\":6,\"status\":\"enrolled\",\"leadId\":\"kept\"}")
                .append(Collections.IMPORT_ROW_LEAD_IDS, List.of("kept"))));
    db.getCollection(com.salesagent.activities.notify.Notifications.COLLECTION)
        .insertMany(
            List.of(
                new Document("_id", "erased:lead.interested")
                    .append("leadId", "erased")
                    .append("crm", new Document("lastError", "contact Greta Erasmussen exists")),
                new Document("_id", "kept:lead.interested").append("leadId", "kept")));
    db.getCollection(Collections.CRM_LINKS)
        .insertMany(
            List.of(
                new Document("_id", "erased").append("contactId", "901"),
                new Document("_id", "kept").append("contactId", "902")));
    store.erasures().markErasing("erased", REQUESTED);

    var first = erasure.erase(request(), false);

    for (Document row : rows.find(Filters.ne("seq", 5))) {
      Document result = Document.parse(row.getString("result"));
      assertThat(result.keySet())
          .as("row " + row.get("seq"))
          .containsExactly("line", "status", "erased");
      assertThat(((Number) result.get("line")).longValue())
          .isEqualTo(((Number) row.get("line")).longValue());
      assertThat(result.getString("status")).isEqualTo(row.getString("status"));
      assertThat(row.getList(Collections.IMPORT_ROW_LEAD_IDS, String.class)).isEmpty();
      assertThat(row.get(Collections.IMPORT_ROW_NUMBER_HASHES)).isNull();
    }
    assertThat(rows.find(Filters.eq("seq", 5)).first().getString("result")).contains("kept");
    assertThat(first.documents()).containsEntry(Collections.IMPORT_ROWS, 5L);
    assertThat(
            db.getCollection(com.salesagent.activities.notify.Notifications.COLLECTION)
                .find()
                .map(d -> d.getString("_id"))
                .into(new java.util.ArrayList<>()))
        .containsExactlyInAnyOrder("kept:lead.interested", "erased:lead.erased");
    // Those the lead's events reached are told it was erased: its id and, for the CRM, the CRM's
    // ids of it; nothing of the person.
    Document told =
        db.getCollection(com.salesagent.activities.notify.Notifications.COLLECTION)
            .find(Filters.eq("_id", "erased:lead.erased"))
            .first();
    assertThat(told.getString("type")).isEqualTo("lead.erased");
    assertThat(told.getString("stage")).isEqualTo("erased");
    assertThat(told.getString("reason")).isEqualTo("on request");
    assertThat(told.get("erasedCrmIds", Document.class))
        .isEqualTo(new Document("contactId", "901"));
    assertThat(told.toJson()).doesNotContain("Greta").doesNotContain("99876");
    assertThat(
            db.getCollection(Collections.CRM_LINKS)
                .find()
                .map(d -> d.getString("_id"))
                .into(new java.util.ArrayList<>()))
        .containsExactly("kept");

    // The sweep finds nothing more (a rewritten row is not rewritten again), and leaves the
    // erasure's own event to be told.
    assertThat(erasure.erase(request(), true).documents())
        .containsEntry(Collections.IMPORT_ROWS, 0L);
    assertThat(
            db.getCollection(com.salesagent.activities.notify.Notifications.COLLECTION)
                .countDocuments(Filters.eq("_id", "erased:lead.erased")))
        .isEqualTo(1);
  }

  /**
   * A lead erased because its retention period ended: its recipients are told so, and the CRM is
   * given no ids (its records are the customer's, kept by its own retention).
   */
  @Test
  void aLeadErasedByItsRetentionPeriodSaysSoAndAsksTheCrmForNothing() {
    db.getCollection(Collections.CRM_LINKS)
        .insertOne(new Document("_id", "erased").append("contactId", "901"));
    store.erasures().markErasing("erased", REQUESTED);
    erasure.erase(
        new ErasureRequest("erased", LeadErasureActivitiesImpl.BY_RETENTION, "retention", false, 0),
        false);
    Document told =
        db.getCollection(com.salesagent.activities.notify.Notifications.COLLECTION)
            .find(Filters.eq("_id", "erased:lead.erased"))
            .first();
    assertThat(told.getString("reason")).isEqualTo("retention period");
    assertThat(told.get("erasedCrmIds")).isNull();
  }

  /** A lead no event of which went anywhere (never interested, no CRM): nobody is told. */
  @Test
  void aLeadWhoseEventsReachedNobodyTellsNobodyOfItsErasure() {
    store.erasures().markErasing("erased", REQUESTED);
    erasure.erase(request(), false);
    assertThat(
            db.getCollection(com.salesagent.activities.notify.Notifications.COLLECTION)
                .countDocuments(Filters.eq("leadId", "erased")))
        .isZero();
  }

  private static Document row(long seq, String status, String result) {
    return new Document("importId", "imp_000000000000000000000001")
        .append("seq", seq)
        .append("line", seq + 1)
        .append("status", status)
        .append("result", result);
  }
}

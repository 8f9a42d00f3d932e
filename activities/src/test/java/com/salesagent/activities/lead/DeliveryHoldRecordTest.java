package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoSocketReadException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.HeldMessages;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.lead.ApprovalRecord;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The workflow's records of a send held for an operator and of the decision it took on it. Before,
 * the hold's {@code delivery.at} was the activity's clock (the workflow could not name the hold a
 * decision is for), and the decision's record left the hold's {@code deliveryReview} as the API
 * wrote it: pending when the answer was lost, or another operator's refused decision.
 */
class DeliveryHoldRecordTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  @Test
  void theHoldIsRecordedAtTheWorkflowsTimeAndTheDecisionTakenEndsItsRecord() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    String leadId = "D-" + UUID.randomUUID();
    String key = leadId + ":1";
    var messages = MONGO.database().getCollection("messages");
    messages.insertOne(
        new Document("idempotencyKey", key).append("leadId", leadId).append("text", "a"));
    LeadActivitiesImpl activities = new LeadActivitiesImpl(store, Clock.systemUTC());
    Instant heldAt = Instant.parse("2026-12-07T05:00:00.123Z");

    activities.recordApproval(
        new ApprovalRecord(leadId, key, "delivery_unknown", null, null, heldAt));
    Document delivery = messages.find(Filters.eq("idempotencyKey", key)).first();
    assertThat(delivery.get("delivery", Document.class).getDate("at"))
        .as("the hold's time is the workflow's")
        .isEqualTo(Date.from(heldAt));

    // Another operator's decision, refused by the workflow, left its pending record on the hold.
    new HeldMessages(MONGO.database())
        .deliveries()
        .deliveryDeciding(key, Date.from(heldAt), "stop", "bob", Instant.now());
    activities.recordApproval(
        new ApprovalRecord(leadId, key, "delivery_resend", "ops", null, heldAt));

    Document message = messages.find(Filters.eq("idempotencyKey", key)).first();
    assertThat(message.get("delivery", Document.class).getString("status")).isEqualTo("resend");
    Document review = message.get(HeldMessages.DELIVERY_REVIEW, Document.class);
    assertThat(review.getDate("heldAt")).isEqualTo(Date.from(heldAt));
    assertThat(review.getString("decision")).isEqualTo("resend");
    assertThat(review.getString("by")).isEqualTo("ops");
    assertThat(review.get(HeldMessages.PENDING)).isNull();
    assertThat(review.getDate(HeldMessages.DECIDED_AT)).isNotNull();

    // A decision taken with no record of its hold (an old run's, naming none): the hold is the
    // delivery.at it replaces, and its record is written whole.
    String other = leadId + ":2";
    Date oldHold = new Date(System.currentTimeMillis() - 60_000);
    messages.insertOne(
        new Document("idempotencyKey", other)
            .append("leadId", leadId)
            .append("delivery", new Document("status", "unknown").append("at", oldHold)));
    activities.recordApproval(
        new ApprovalRecord(leadId, other, "delivery_assume_sent", "ana", null, null));
    Document otherReview =
        messages
            .find(Filters.eq("idempotencyKey", other))
            .first()
            .get(HeldMessages.DELIVERY_REVIEW, Document.class);
    assertThat(otherReview.getDate("heldAt")).isEqualTo(oldHold);
    assertThat(otherReview.getString("decision")).isEqualTo("assume_sent");
    assertThat(otherReview.getString("by")).isEqualTo("ana");
  }

  @Test
  void aLateAttemptOfADecisionsRecordLeavesTheSendsNextHoldListedAndDecidable() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    HeldMessages held = new HeldMessages(MONGO.database());
    String leadId = "D-" + UUID.randomUUID();
    String key = leadId + ":1";
    var messages = MONGO.database().getCollection("messages");
    messages.insertOne(
        new Document("idempotencyKey", key).append("leadId", leadId).append("text", "a"));
    LeadActivitiesImpl activities = new LeadActivitiesImpl(store, Clock.systemUTC());
    Instant first = Instant.parse("2026-12-07T05:00:00.123Z");
    Instant second = Instant.parse("2026-12-07T05:10:00.456Z");

    activities.recordApproval(
        new ApprovalRecord(leadId, key, "delivery_unknown", null, null, first));
    held.deliveries().deliveryDeciding(key, Date.from(first), "resend", "ops", Instant.now());
    ApprovalRecord resend = new ApprovalRecord(leadId, key, "delivery_resend", "ops", null, first);
    // Its first attempt timed out, still running; the second records it.
    activities.recordApproval(resend);
    held.deliveries().deliveryDecided(key, Date.from(first), "resend", "ops");
    // The resend's fate unknown in turn: the send is held again.
    resendsFateUnknown(store, key, second.minusSeconds(60));
    activities.recordApproval(
        new ApprovalRecord(leadId, key, "delivery_unknown", null, null, second));
    // The first attempt lands now.
    activities.recordApproval(resend);

    assertThat(held.deliveryUnknown(1000))
        .as("the send's next hold, listed (GET /api/approvals) at its time")
        .filteredOn(m -> key.equals(m.getString("idempotencyKey")))
        .singleElement()
        .satisfies(
            m ->
                assertThat(m.get("delivery", Document.class).getDate("at"))
                    .isEqualTo(Date.from(second)));
    Document review =
        messages
            .find(Filters.eq("idempotencyKey", key))
            .first()
            .get(HeldMessages.DELIVERY_REVIEW, Document.class);
    assertThat(review.getDate("heldAt"))
        .as("still the first hold's record")
        .isEqualTo(Date.from(first));
    // Decidable: an operator's decision on it is recorded, and so is the workflow's.
    assertThat(
            held.deliveries()
                .deliveryDeciding(key, Date.from(second), "assume_sent", "ana", Instant.now()))
        .isNotNull();
    activities.recordApproval(
        new ApprovalRecord(leadId, key, "delivery_assume_sent", "ana", null, second));
    Document decided = messages.find(Filters.eq("idempotencyKey", key)).first();
    assertThat(decided.get("delivery", Document.class).getString("status"))
        .isEqualTo("assume_sent");
    Document secondReview = decided.get(HeldMessages.DELIVERY_REVIEW, Document.class);
    assertThat(secondReview.getDate("heldAt")).isEqualTo(Date.from(second));
    assertThat(secondReview.getString("decision")).isEqualTo("assume_sent");
    assertThat(secondReview.get(HeldMessages.PENDING)).isNull();
  }

  @Test
  void aLateAttemptOfTheHoldsRecordNeverListsADecidedSendAgain() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    HeldMessages held = new HeldMessages(MONGO.database());
    String leadId = "D-" + UUID.randomUUID();
    String key = leadId + ":1";
    var messages = MONGO.database().getCollection("messages");
    messages.insertOne(
        new Document("idempotencyKey", key).append("leadId", leadId).append("text", "a"));
    LeadActivitiesImpl activities = new LeadActivitiesImpl(store, Clock.systemUTC());
    Instant heldAt = Instant.parse("2026-12-07T05:00:00.123Z");
    ApprovalRecord hold = new ApprovalRecord(leadId, key, "delivery_unknown", null, null, heldAt);

    // The hold's first attempt timed out, still running; the second records it, twice (a retry
    // of a record that landed is the same record).
    activities.recordApproval(hold);
    activities.recordApproval(hold);
    assertThat(listed(held, key)).as("held, listed").isTrue();
    // The operator decides; the API hears the answer and the workflow records it.
    held.deliveries().deliveryDeciding(key, Date.from(heldAt), "resend", "ops", Instant.now());
    held.deliveries().deliveryDecided(key, Date.from(heldAt), "resend", "ops");
    activities.recordApproval(
        new ApprovalRecord(leadId, key, "delivery_resend", "ops", null, heldAt));
    // The first attempt of the hold's record lands now.
    activities.recordApproval(hold);

    assertThat(listed(held, key)).as("a decided send, not listed again").isFalse();
    assertThat(
            messages
                .find(Filters.eq("idempotencyKey", key))
                .first()
                .get("delivery", Document.class)
                .getString("status"))
        .isEqualTo("resend");

    // Even with no delivery written by the decision (its record came before the hold's, which
    // its hold's record made the workflow's own record skip): the review says it was taken.
    String other = leadId + ":2";
    messages.insertOne(
        new Document("idempotencyKey", other).append("leadId", leadId).append("text", "b"));
    activities.recordApproval(
        new ApprovalRecord(leadId, other, "delivery_assume_sent", "ana", null, heldAt));
    activities.recordApproval(
        new ApprovalRecord(leadId, other, "delivery_unknown", null, null, heldAt));
    assertThat(listed(held, other)).as("taken before its late hold record").isFalse();
  }

  @Test
  void aLateAttemptOfTheHoldsRecordNeverReopensASendReleasedByItsStatusNorEndsALaterHold() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    HeldMessages held = new HeldMessages(MONGO.database());
    String leadId = "D-" + UUID.randomUUID();
    String key = leadId + ":1";
    var messages = MONGO.database().getCollection("messages");
    messages.insertOne(
        new Document("idempotencyKey", key).append("leadId", leadId).append("text", "a"));
    LeadActivitiesImpl activities = new LeadActivitiesImpl(store, Clock.systemUTC());
    Instant first = Instant.now().minusSeconds(600);
    ApprovalRecord hold = new ApprovalRecord(leadId, key, "delivery_unknown", null, null, first);
    activities.recordApproval(hold);
    // A status proved it accepted: the run released the hold (no operator).
    activities.recordApproval(
        new ApprovalRecord(leadId, key, "delivery_confirmed", "status webhook", null, null));
    activities.recordApproval(hold); // the late first attempt
    assertThat(listed(held, key)).as("released, not listed again").isFalse();

    // Another send: resent by an operator and held again; the first hold's record lands late.
    String other = leadId + ":2";
    messages.insertOne(
        new Document("idempotencyKey", other).append("leadId", leadId).append("text", "b"));
    Instant second = first.plusSeconds(300);
    ApprovalRecord firstHold =
        new ApprovalRecord(leadId, other, "delivery_unknown", null, null, first);
    activities.recordApproval(firstHold);
    held.deliveries().deliveryDeciding(other, Date.from(first), "resend", "ops", Instant.now());
    activities.recordApproval(
        new ApprovalRecord(leadId, other, "delivery_resend", "ops", null, first));
    resendsFateUnknown(store, other, second.minusSeconds(60));
    activities.recordApproval(
        new ApprovalRecord(leadId, other, "delivery_unknown", null, null, second));
    activities.recordApproval(firstHold);
    assertThat(held.deliveryUnknown(1000))
        .as("the later hold, listed at its time")
        .filteredOn(m -> other.equals(m.getString("idempotencyKey")))
        .singleElement()
        .satisfies(
            m ->
                assertThat(m.get("delivery", Document.class).getDate("at"))
                    .isEqualTo(Date.from(second)));
  }

  @Test
  void aRetriedRecordOfAHoldOrOfItsDecisionIsOneTimelineEvent() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    String leadId = "D-" + UUID.randomUUID();
    String key = leadId + ":1";
    MONGO
        .database()
        .getCollection("messages")
        .insertOne(
            new Document("idempotencyKey", key).append("leadId", leadId).append("text", "a"));
    LeadActivitiesImpl activities = new LeadActivitiesImpl(store, Clock.systemUTC());
    Instant first = Instant.parse("2026-12-07T05:00:00.123Z");
    Instant second = Instant.parse("2026-12-07T05:10:00.456Z");
    ApprovalRecord hold = new ApprovalRecord(leadId, key, "delivery_unknown", null, null, first);
    ApprovalRecord resend = new ApprovalRecord(leadId, key, "delivery_resend", "ops", null, first);

    activities.recordApproval(hold);
    activities.recordApproval(hold); // a retry
    new HeldMessages(MONGO.database())
        .deliveries()
        .deliveryDeciding(key, Date.from(first), "resend", "ops", Instant.now());
    activities.recordApproval(resend);
    activities.recordApproval(resend); // a retry
    activities.recordApproval(hold); // a late attempt
    // The next hold of the send, and its decision: events of their own.
    resendsFateUnknown(store, key, second.minusSeconds(60));
    activities.recordApproval(
        new ApprovalRecord(leadId, key, "delivery_unknown", null, null, second));
    activities.recordApproval(
        new ApprovalRecord(leadId, key, "delivery_resend", "ops", null, second));

    assertThat(store.interactions().countInteractions(leadId, "delivery_unknown")).isEqualTo(2);
    assertThat(store.interactions().countInteractions(leadId, "delivery_resend")).isEqualTo(2);
    assertThat(store.interactions().timeline(leadId))
        .extracting(e -> e.getString("type"))
        .containsExactly(
            "delivery_unknown", "delivery_resend", "delivery_unknown", "delivery_resend");
  }

  /**
   * The decided resend's attempt claims the send and its call ends with no answer: the send is
   * unknown again, undecided (only the resend's own attempt marks a decided send).
   */
  private static void resendsFateUnknown(LeadStore store, String key, Instant at) {
    assertThat(store.messages().claimSend(key, "resend-1", at, true)).isTrue();
    assertThat(store.messages().markUnknownAfterCall(key, "resend-1", "no answer", at)).isTrue();
  }

  private static boolean listed(HeldMessages held, String key) {
    return held.deliveryUnknown(1000).stream()
        .anyMatch(m -> key.equals(m.getString("idempotencyKey")));
  }

  @Test
  void aRetriedRecordOfADecisionOnAHoldOfBeforeItsTimeWasKeptEndsTheHoldsRecord() {
    MongoSchema.ensure(MONGO.database());
    String leadId = "D-" + UUID.randomUUID();
    String key = leadId + ":1";
    var messages = MONGO.database().getCollection("messages");
    Date oldHold = new Date(System.currentTimeMillis() - 60_000);
    messages.insertOne(
        new Document("idempotencyKey", key)
            .append("leadId", leadId)
            .append("delivery", new Document("status", "unknown").append("at", oldHold)));
    // The API's record of the decision, pending: its answer was lost.
    new HeldMessages(MONGO.database())
        .deliveries()
        .deliveryDeciding(key, oldHold, "resend", "ops", Instant.now());
    LeadActivitiesImpl activities =
        new LeadActivitiesImpl(
            new LeadStore(losingTheFirstReviewWrite(MONGO.database())), Clock.systemUTC());
    ApprovalRecord resend = new ApprovalRecord(leadId, key, "delivery_resend", "ops", null, null);

    assertThatThrownBy(() -> activities.recordApproval(resend))
        .isInstanceOf(MongoSocketReadException.class);
    activities.recordApproval(resend); // the activity's retry

    Document message = messages.find(Filters.eq("idempotencyKey", key)).first();
    assertThat(message.get("delivery", Document.class).getString("status")).isEqualTo("resend");
    Document review = message.get(HeldMessages.DELIVERY_REVIEW, Document.class);
    assertThat(review.getDate("heldAt")).isEqualTo(oldHold);
    assertThat(review.getString("decision")).isEqualTo("resend");
    assertThat(review.getString("by")).isEqualTo("ops");
    assertThat(review.get(HeldMessages.PENDING)).as("the hold's record, ended as taken").isNull();
    assertThat(review.getDate(HeldMessages.DECIDED_AT)).isNotNull();
  }

  /**
   * The database, whose first update of a send's {@code deliveryReview} is lost on the network
   * before it is applied (the activity's attempt fails there).
   */
  private static MongoDatabase losingTheFirstReviewWrite(MongoDatabase real) {
    AtomicBoolean lost = new AtomicBoolean();
    InvocationHandler messages =
        (proxy, method, args) -> {
          if (method.getName().equals("updateOne")
              && args.length >= 2
              && args[1] instanceof Bson update
              && update
                  .toBsonDocument(Document.class, MongoClientSettings.getDefaultCodecRegistry())
                  .toJson()
                  .contains(HeldMessages.DELIVERY_REVIEW)
              && lost.compareAndSet(false, true)) {
            throw new MongoSocketReadException("connection lost", new ServerAddress("embedded"));
          }
          return invoke(method, real.getCollection("messages"), args);
        };
    return (MongoDatabase)
        Proxy.newProxyInstance(
            DeliveryHoldRecordTest.class.getClassLoader(),
            new Class<?>[] {MongoDatabase.class},
            (proxy, method, args) ->
                method.getName().equals("getCollection") && "messages".equals(args[0])
                    ? Proxy.newProxyInstance(
                        DeliveryHoldRecordTest.class.getClassLoader(),
                        new Class<?>[] {MongoCollection.class},
                        messages)
                    : invoke(method, real, args));
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}

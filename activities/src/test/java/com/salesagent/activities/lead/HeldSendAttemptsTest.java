package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Messages;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.workflows.lead.ApprovalRecord;
import com.salesagent.workflows.lead.SendResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attempts of a send held unknown, against the embedded MongoDB-wire server and a stub Cloud API: a
 * decided resend calls Meta once however its attempts end (a retry of one whose worker died after
 * the call finds its claim and holds the send again), and an attempt that runs late never hides the
 * hold its run waits on from the approvals card.
 */
class HeldSendAttemptsTest extends HeldSendFixture {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private MessagingActivitiesImpl messaging;

  @BeforeEach
  void aWorker() {
    messaging =
        new MessagingActivitiesImpl(
            store, new WhatsAppClient(settings, Duration.ofSeconds(5)), settings, clock);
  }

  @Override
  protected MongoDatabase database() {
    return MONGO.database();
  }

  @Override
  protected String prefix() {
    return "H-";
  }

  /**
   * An operator pressed resend on a send held unknown. The resend's first attempt claims it, its
   * call reaches Meta, and its worker dies before anything is recorded; Temporal retries it. The
   * retry finds that claim and holds the send unknown again (for an operator): one press, one call.
   * A later decided resend (the operator's next press on the new hold) may call again.
   */
  @Test
  void aResendWhoseAttemptDiedAfterItsCallIsNotSentAgainByItsRetry() {
    String key = composedAndHeld();
    operatorResends(key, Instant.now().minusSeconds(120));
    MessagingActivitiesImpl dyingWorker = dyingWorker("lead/run/5");

    assertThatThrownBy(() -> dyingWorker.send(resend(key))).hasMessageContaining("worker died");
    assertThat(api.requests).as("the first attempt's call reached Meta").hasSize(1);

    SendResult retry = messaging.asActivity("lead/run/5").send(resend(key));

    assertThat(retry.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).as("Meta called once for one press").hasSize(1);
    assertThat(store.messages().messageByKey(key).getString("status")).isEqualTo("unknown");
    // Held again: the run records the new hold, and the approvals card lists it.
    Instant heldAgain = Instant.now().minusSeconds(30);
    leads.recordApproval(
        new ApprovalRecord(leadId, key, "delivery_unknown", null, null, heldAgain));
    assertThat(listed(key)).as("the new hold listed").isTrue();
    // The operator presses resend on the new hold: that resend calls.
    operatorResends(key, heldAgain);
    SendResult resentAgain = messaging.asActivity("lead/run/9").send(resend(key));
    assertThat(resentAgain.outcome()).isEqualTo(SendResult.SENT);
    assertThat(api.requests).hasSize(2);
  }

  /** The policy's resend (no operator) alike: its retry after a dead worker does not call again. */
  @Test
  void aPolicyResendWhoseAttemptDiedAfterItsCallIsNotSentAgainByItsRetry() {
    String key = composed("p");
    assertThat(store.messages().claimSend(key, "attempt-1", Instant.now(), false)).isTrue();
    assertThat(messaging.send(send(key)).outcome()).isEqualTo(SendResult.UNKNOWN);
    MessagingActivitiesImpl dyingWorker = dyingWorker("lead/run/5");
    assertThatThrownBy(() -> dyingWorker.send(resend(key))).hasMessageContaining("worker died");

    SendResult retry = messaging.asActivity("lead/run/5").send(resend(key));

    assertThat(retry.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).hasSize(1);
  }

  /**
   * Two resends of one send, an operator's (each press held again first) or the policy's. The first
   * resend's attempt claims and its worker dies after the call; a retry of it (r1b) finds that
   * claim and stalls before it holds the send; another retry (r1c) holds it. The next resend's
   * attempt claims, its call reaches Meta and its worker dies. r1b's mark lands only now: it leaves
   * the next resend's claim and decision (before, it matched any resend's claim and freed it, and
   * the next resend's retry took the claim over and called Meta a third time for two resends).
   */
  @ParameterizedTest(name = "{0}''s resends")
  @CsvSource({"operator", "policy"})
  void aStaleAttemptOfAnEarlierResendNeverFreesTheNextResendsClaim(String who) {
    boolean operator = "operator".equals(who);
    String key = composedAndHeld();
    if (operator) {
      operatorResends(key, Instant.now().minusSeconds(300));
    }
    MessagingActivitiesImpl roundOne = dyingWorker("lead/run/5");
    assertThatThrownBy(() -> roundOne.send(resend(key))).hasMessageContaining("worker died");
    MessagingActivitiesImpl roundOneRetries =
        new MessagingActivitiesImpl(
                store, new WhatsAppClient(settings, Duration.ofSeconds(5)), settings, clock)
            .asActivity("lead/run/5");
    assertThat(roundOneRetries.send(resend(key)).outcome()).isEqualTo(SendResult.UNKNOWN);
    if (operator) {
      operatorResends(key, Instant.now().minusSeconds(100));
    }
    MessagingActivitiesImpl roundTwo = dyingWorker("lead/run/9");
    assertThatThrownBy(() -> roundTwo.send(resend(key))).hasMessageContaining("worker died");
    assertThat(api.requests).as("one call per resend").hasSize(2);

    SendResult stale = roundOneRetries.send(resend(key));

    assertThat(stale.outcome()).isEqualTo(SendResult.UNKNOWN);
    if (operator) {
      assertDecided(key, "resend");
    }
    assertThat(store.messages().messageByKey(key).getString(Messages.RESENT_BY_ACTIVITY))
        .as("the next resend's claim")
        .isEqualTo("lead/run/9");
    SendResult retry = messaging.asActivity("lead/run/9").send(resend(key));
    assertThat(retry.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).as("Meta called once per resend").hasSize(2);
    Document heldAgain = store.messages().messageByKey(key);
    assertThat(heldAgain.get("delivery")).as("held again by its own retry, undecided").isNull();
    assertThat(heldAgain.get(Messages.RESENT_BY_ACTIVITY)).isNull();
  }

  /**
   * Two resends of one send, an operator's (each press held again first) or the policy's. The first
   * resend's attempt claims, its call reaches Meta and its worker dies; a retry of it holds the
   * send again. Another attempt of that first resend (one Temporal gave up on, stalled before its
   * claim) claims only once the next resend is due: it is refused (before, it took the claim over
   * and called Meta for the next resend, and, its worker dying, left a claim the next resend never
   * held again: every resend after answered unknown without a call), and the next resend calls
   * once.
   */
  @ParameterizedTest(name = "{0}''s resends")
  @CsvSource({"operator", "policy"})
  void aStaleAttemptOfAnEarlierResendClaimingAfterTheNextIsDecidedIsRefused(String who) {
    boolean operator = "operator".equals(who);
    String key = composedAndHeld();
    if (operator) {
      operatorResends(key, Instant.now().minusSeconds(300));
    }
    MessagingActivitiesImpl roundOne = dyingWorker("lead/run/5");
    assertThatThrownBy(() -> roundOne.send(resend(key))).hasMessageContaining("worker died");
    assertThat(messaging.asActivity("lead/run/5").send(resend(key)).outcome())
        .isEqualTo(SendResult.UNKNOWN);
    if (operator) {
      operatorResends(key, Instant.now().minusSeconds(100));
    }
    assertThat(api.requests).hasSize(1);

    SendResult stale = dyingWorker("lead/run/5").send(resend(key));

    assertThat(stale.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).as("the stale attempt never calls").hasSize(1);
    if (operator) {
      assertDecided(key, "resend");
    }
    SendResult next =
        new MessagingActivitiesImpl(
                store, new WhatsAppClient(settings, Duration.ofSeconds(5)), settings, clock)
            .asActivity("lead/run/9")
            .send(resend(key));
    assertThat(next.outcome()).as("the next resend calls").isEqualTo(SendResult.SENT);
    assertThat(api.requests).as("one call per resend").hasSize(2);
  }

  /**
   * A resend's attempt calls and its answer is lost (the send held unknown again by its own
   * attempt); another attempt of the same resend (Temporal retried the first one, which it had
   * given up on mid-call) comes to claim only now: one press, one call (before, it claimed the send
   * held again and called Meta a second time).
   */
  @Test
  void anotherAttemptOfAResendWhoseCallWasLostNeverCallsAgain() {
    String key = composedAndHeld();
    operatorResends(key, Instant.now().minusSeconds(120));
    assertThat(store.messages().claimSendReading(key, "r1a", Instant.now(), true, "lead/run/5"))
        .isNotNull();
    assertThat(store.messages().markUnknownAfterCall(key, "r1a", "read timed out", Instant.now()))
        .isTrue();

    SendResult retry = messaging.asActivity("lead/run/5").send(resend(key));

    assertThat(retry.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).as("no second call for one press").isEmpty();
    assertThat(store.messages().messageByKey(key).getString("status")).isEqualTo("unknown");
  }

  /**
   * A resend's claim written before {@code resentByActivity} existed (an earlier worker's): the
   * retry of that resend cannot show the claim is its own (nor could a stale attempt of an earlier
   * resend that an old worker never listed), so it leaves the claim and calls nothing; the send
   * stays unknown for an operator (LeftResendClaimsTest: with its reason once its holder is over).
   * Before, any attempt not listed held it again, and the claim's own activity's retry, not listed
   * either, could then claim and call a second time.
   */
  @Test
  void aClaimWrittenBeforeTheActivityWasRecordedIsLeftByARetry() {
    String key = composedAndHeld();
    operatorResends(key, Instant.now().minusSeconds(120));
    assertThatThrownBy(() -> dyingWorker("lead/run/5").send(resend(key)))
        .hasMessageContaining("worker died");
    writtenByAnEarlierWorker(key, "lead/run/5");

    SendResult retry = messaging.asActivity("lead/run/5").send(resend(key));

    assertThat(retry.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).as("one call for one press").hasSize(1);
    Document left = store.messages().messageByKey(key);
    assertThat(left.get(Messages.RESENT_BY)).as("the claim stays").isNotNull();
    assertDecided(key, "resend");
    assertThat(messaging.asActivity("lead/run/5").send(resend(key)).outcome())
        .as("another attempt of it: no call")
        .isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).hasSize(1);
  }

  /**
   * The next resend's claim was written by an earlier worker (no {@code resentByActivity}) after
   * the first resend's claim was held again: a stale attempt of that first resend, whose claim this
   * worker recorded, leaves it (before, it held the send again over it, and the next resend's retry
   * took the claim over and called Meta a third time for two presses). So does the next resend's
   * retry: no attempt can show a claim naming no activity is its own.
   */
  @Test
  void aStaleAttemptOfAnEarlierResendLeavesAClaimWrittenBeforeTheActivityWasRecorded() {
    String key = composedAndHeld();
    operatorResends(key, Instant.now().minusSeconds(300));
    assertThatThrownBy(() -> dyingWorker("lead/run/5").send(resend(key)))
        .hasMessageContaining("worker died");
    assertThat(messaging.asActivity("lead/run/5").send(resend(key)).outcome())
        .isEqualTo(SendResult.UNKNOWN);
    operatorResends(key, Instant.now().minusSeconds(100));
    assertThatThrownBy(() -> dyingWorker("lead/run/9").send(resend(key)))
        .hasMessageContaining("worker died");
    writtenByAnEarlierWorker(key, "lead/run/9");
    assertThat(api.requests).hasSize(2);

    SendResult stale = messaging.asActivity("lead/run/5").send(resend(key));

    assertThat(stale.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertDecided(key, "resend");
    assertThat(store.messages().messageByKey(key).getString(Messages.RESENT_BY))
        .as("the next resend's claim")
        .isNotNull();
    SendResult retry = messaging.asActivity("lead/run/9").send(resend(key));
    assertThat(retry.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).as("Meta called once per resend").hasSize(2);
    // Its own retry cannot show the claim is its own either: left, decided, for the operator.
    assertDecided(key, "resend");
  }

  /** The resend {@code activity}'s claim as a worker before {@code resentByActivity} wrote it. */
  private void writtenByAnEarlierWorker(String key, String activity) {
    MONGO
        .database()
        .getCollection("messages")
        .updateOne(
            com.mongodb.client.model.Filters.eq("idempotencyKey", key),
            com.mongodb.client.model.Updates.combine(
                com.mongodb.client.model.Updates.unset(Messages.RESENT_BY_ACTIVITY),
                com.mongodb.client.model.Updates.pull("resendActivities", activity)));
  }

  /**
   * The send's first attempt stalled in its call (its worker paused); its retry found the claim and
   * held the send unknown, and the run recorded the hold. The first attempt's call then ends with
   * no answer it could read: the hold stays listed, as the run recorded it, so an operator can
   * decide it (before, its mark unset the hold's record and the run waited for good).
   */
  @Test
  void aLateAttemptsUnknownCallNeverHidesTheHoldItsRunWaitsOn() {
    String key = composed("late");
    assertThat(store.messages().claimSend(key, "attempt-1", Instant.now(), false)).isTrue();
    assertThat(messaging.send(send(key)).outcome()).isEqualTo(SendResult.UNKNOWN);
    Instant heldAt = Instant.now().minusSeconds(60);
    leads.recordApproval(new ApprovalRecord(leadId, key, "delivery_unknown", null, null, heldAt));
    assertThat(listed(key)).isTrue();

    boolean marked =
        store.messages().markUnknownAfterCall(key, "attempt-1", "read timed out", heldAt);

    assertThat(listed(key)).as("the open hold still listed").isTrue();
    assertThat(marked).as("nothing marked: the send is held already").isFalse();
    Document delivery = store.messages().messageByKey(key).get("delivery", Document.class);
    assertThat(delivery.getString("status")).isEqualTo("unknown");
    assertThat(delivery.getDate("at")).isEqualTo(Date.from(heldAt));
    assertThat(store.messages().messageByKey(key).get("sendingSince"))
        .as("no call of it under way any more")
        .isNull();
  }

  /**
   * The late attempt's call ends after the operator's resend took the claim over: the resend's
   * attempt decides the send; the late one marks nothing and leaves the operator's decision.
   */
  @Test
  void aLateAttemptsUnknownCallLeavesASendAResendTookOver() {
    String key = composedAndHeld();
    operatorResends(key, Instant.now().minusSeconds(120));
    Document claimed = store.messages().claimSendReading(key, "resend-1", Instant.now(), true);
    assertThat(claimed).isNotNull();

    boolean marked =
        store.messages().markUnknownAfterCall(key, "attempt-1", "read timed out", Instant.now());

    Document message = store.messages().messageByKey(key);
    assertThat(message.get("delivery", Document.class)).as("the operator's decision").isNotNull();
    assertThat(message.get("delivery", Document.class).getString("status")).isEqualTo("resend");
    assertThat(marked).isFalse();
    assertThat(message.getString("sendingBy")).isEqualTo("resend-1");
    // The resend's own call ending without an answer holds the send again, undecided.
    assertThat(
            store.messages().markUnknownAfterCall(key, "resend-1", "read timed out", Instant.now()))
        .isTrue();
    assertThat(store.messages().messageByKey(key).get("delivery")).isNull();
  }

  /**
   * The send's first attempt stalled in its call; its retry found the claim and held the send, the
   * run recorded the hold and an operator decided it. The stalled attempt's mark lands only now:
   * its call ended with no answer ({@code after the call}), or it read the send before the hold and
   * found the claim left ({@code claim left}). The decision stays recorded as the run took it (its
   * mark unset it: the send read undecided, listed nowhere), and a decided resend still calls once.
   */
  @ParameterizedTest(name = "{0}, then the first attempt''s mark ({1})")
  @CsvSource({
    "resend, after the call",
    "resend, claim left",
    "assume_sent, after the call",
    "assume_sent, claim left",
    "stop, after the call",
    "stop, claim left"
  })
  void aStaleFirstAttemptsMarkNeverUndoesADecision(String decision, String mark) {
    String key = composedAndHeld();
    Instant heldAt = Instant.now().minusSeconds(120);
    operatorDecides(key, heldAt, decision);

    boolean marked =
        "claim left".equals(mark)
            ? store.messages().markUnknown(key, "an earlier attempt stopped", Instant.now())
            : store
                .messages()
                .markUnknownAfterCall(key, "attempt-1", "read timed out", Instant.now());

    assertDecided(key, decision);
    assertThat(marked).as("nothing marked: the send is decided").isFalse();
    assertThat(held.deliveryHeldOrDecided(leadId).getString("idempotencyKey"))
        .as("the dashboard's decided send")
        .isEqualTo(key);
    assertThat(listed(key)).as("decided, not listed again").isFalse();
    if ("resend".equals(decision)) {
      assertThat(messaging.send(resend(key)).outcome()).isEqualTo(SendResult.SENT);
      assertThat(api.requests).as("one call for one press").hasSize(1);
      assertDecided(key, decision);
    }
  }

  /** The send's delivery is the operator's decision, as the run recorded it. */
  private void assertDecided(String key, String decision) {
    Document delivery = store.messages().messageByKey(key).get("delivery", Document.class);
    assertThat(delivery).as("the decision's record").isNotNull();
    assertThat(delivery.getString("status")).isEqualTo(decision);
    assertThat(delivery.getString("by")).isEqualTo("ops");
  }

  /** Composed; its first attempt died mid-call (claim left); its retry held it unknown. */
  private String composedAndHeld() {
    String key = composed("1");
    assertThat(store.messages().claimSend(key, "attempt-1", Instant.now(), false)).isTrue();
    assertThat(messaging.send(send(key)).outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).isEmpty();
    return key;
  }
}

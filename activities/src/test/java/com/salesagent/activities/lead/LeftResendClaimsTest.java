package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Messages;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.workflows.lead.ApprovalRecord;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Resend claims left behind: a claim written by a worker from before {@code resendActivities}
 * (during a rolling deploy, old and new workers at once) is never freed by an attempt that cannot
 * show it made it, and a resend claim whose holder is provably over (its attempt died mid-call, its
 * activity ran out) is held unknown again by the next resend instead of blocking every resend after
 * it. Against the embedded MongoDB-wire server and a stub Cloud API, counting Meta's calls.
 */
class LeftResendClaimsTest extends HeldSendFixture {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  @Override
  protected MongoDatabase database() {
    return MONGO.database();
  }

  @Override
  protected String prefix() {
    return "L-";
  }

  /**
   * A rolling deploy: resend round 1 ran on an old worker (its claim and its retry's hold list
   * nothing), round 2's claim was written by an old worker too (no {@code resentByActivity}) and
   * its call reached Meta before its worker died. A stale attempt of round 1 on a new worker finds
   * that claim: it cannot show the claim is its own, so it leaves it (before, not being listed it
   * held the send again, and round 2's retry took the claim over and called Meta a third time for
   * two presses).
   */
  @Test
  void aStaleAttemptNotListedNeverFreesAClaimWrittenBeforeTheList() {
    String key = composedAndHeld();
    operatorResends(key, Instant.now().minusSeconds(300));
    assertThatThrownBy(() -> dyingWorker("lead/run/5").send(resend(key)))
        .hasMessageContaining("worker died");
    writtenByAnOldWorker(key);
    // The old worker's retry of round 1 holds the send again as old code did, listing nothing.
    assertThat(store.messages().markUnknown(key, "old worker", Instant.now(), true, null)).isTrue();
    operatorResends(key, Instant.now().minusSeconds(100));
    assertThatThrownBy(() -> dyingWorker("lead/run/9").send(resend(key)))
        .hasMessageContaining("worker died");
    writtenByAnOldWorker(key);
    assertThat(api.requests).as("one call per press").hasSize(2);

    SendResult stale = worker("lead/run/5").send(resend(key));

    assertThat(stale.outcome()).isEqualTo(SendResult.UNKNOWN);
    Document message = store.messages().messageByKey(key);
    assertThat(message.getString(Messages.RESENT_BY)).as("round 2's claim stays").isNotNull();
    assertThat(message.get("delivery", Document.class).getString("status"))
        .as("round 2's decision stays")
        .isEqualTo("resend");
    SendResult retry = worker("lead/run/9").send(resend(key));
    assertThat(retry.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).as("Meta called once per press").hasSize(2);
  }

  /**
   * A claim written before the list, whose holder is provably over (older than the claim's lease):
   * no attempt can show it is the one that made it, so none frees it nor calls; the send stays
   * unknown with a reason an operator reads on GET /api/approvals (assume_sent or stop settles it)
   * instead of the last attempt's reason.
   */
  @Test
  void anOldStyleClaimLeftByADeadAttemptIsLeftForTheOperatorWithItsReason() {
    String key = composedAndHeld();
    operatorResends(key, Instant.now().minusSeconds(300));
    assertThatThrownBy(() -> dyingWorker("lead/run/5").send(resend(key)))
        .hasMessageContaining("worker died");
    writtenByAnOldWorker(key);
    claimedLongAgo(key);

    SendResult next = worker("lead/run/9").send(resend(key));

    assertThat(next.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).as("never a second call").hasSize(1);
    Document message = store.messages().messageByKey(key);
    assertThat(message.getString(Messages.RESENT_BY)).as("the claim stays").isNotNull();
    assertThat(message.get("unknown", Document.class).getString("reason"))
        .contains("worker from before this release");
  }

  /**
   * The same left claim, reconciled by the run: no status came, and the reconcile says an operator
   * decides it ({@link SendResult#NEEDS_OPERATOR}), so a run under the resend policy holds it for
   * one instead of resending every window, each resend answering unknown without a call, nobody
   * asked. A send merely unknown (no claim left) is reconciled as before.
   */
  @Test
  void theReconcileOfAnOldStyleClaimLeftSaysAnOperatorDecides() {
    String key = composedAndHeld();
    assertThat(worker("lead/run/1").reconcile(leadId, key).detail())
        .as("unknown, not yet for an operator only")
        .isNotEqualTo(SendResult.NEEDS_OPERATOR);
    operatorResends(key, Instant.now().minusSeconds(300));
    assertThatThrownBy(() -> dyingWorker("lead/run/5").send(resend(key)))
        .hasMessageContaining("worker died");
    writtenByAnOldWorker(key);
    claimedLongAgo(key);
    worker("lead/run/9").send(resend(key));

    SendResult known = worker("lead/run/9").reconcile(leadId, key);

    assertThat(known.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(known.detail()).isEqualTo(SendResult.NEEDS_OPERATOR);
  }

  /**
   * A resend's attempt claimed, its call may have reached Meta, and its worker died; that resend's
   * activity is over (its attempts ran out, or its run was reset) and no attempt of it holds the
   * send again. The next resend (the policy's, or an operator's next press) finds the claim: its
   * holder is provably over (the claim is older than its lease), so it holds the send unknown again
   * on the holder's behalf, listing the holder (no attempt of it ever claims again), and answers
   * unknown without calling: the run reconciles it, then the next resend calls once. Before, every
   * later resend answered unknown without a call and the claim stayed for good: the policy's
   * resends looped, an operator's presses did nothing, until assume_sent or stop.
   */
  @ParameterizedTest(name = "{0}''s resends")
  @CsvSource({"operator", "policy"})
  void aResendClaimLeftByAnActivityThatIsOverIsHeldAgainByTheNextResend(String who) {
    boolean operator = "operator".equals(who);
    String key = composedAndHeld();
    if (operator) {
      operatorResends(key, Instant.now().minusSeconds(600));
    }
    assertThatThrownBy(() -> dyingWorker("lead/run/5").send(resend(key)))
        .hasMessageContaining("worker died");
    claimedLongAgo(key);
    if (operator) {
      operatorResends(key, Instant.now().minusSeconds(300));
    }

    SendResult next = worker("lead/run/9").send(resend(key));

    assertThat(next.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).as("no call over a claim whose call may have gone").hasSize(1);
    Document heldAgain = store.messages().messageByKey(key);
    assertThat(heldAgain.get(Messages.RESENT_BY)).as("held again").isNull();
    assertThat(heldAgain.get("delivery")).as("undecided: the run holds it again").isNull();
    assertThat(heldAgain.getList(Messages.RESEND_ACTIVITIES, String.class))
        .contains("lead/run/5", "lead/run/9");
    assertThat(heldAgain.get("unknown", Document.class).getString("reason"))
        .contains("stopped mid-call");
    // A late attempt of the dead resend, or of the one that held it again: no call.
    assertThat(worker("lead/run/5").send(resend(key)).outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(worker("lead/run/9").send(resend(key)).outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).hasSize(1);
    if (operator) {
      Instant heldAt = Instant.now().minusSeconds(60);
      leads.recordApproval(new ApprovalRecord(leadId, key, "delivery_unknown", null, null, heldAt));
      assertThat(listed(key)).as("on the approvals card, for the operator").isTrue();
      operatorResends(key, heldAt);
    }
    SendResult after = worker("lead/run/12").send(resend(key));
    assertThat(after.outcome()).as("the next resend calls").isEqualTo(SendResult.SENT);
    assertThat(api.requests).as("once").hasSize(2);
  }

  /**
   * The holder of the claim may still be in its call (its claim is younger than the lease): the
   * next resend leaves it, as before, and calls nothing.
   */
  @Test
  void aResendClaimWhoseHolderMayStillBeCallingIsLeft() {
    String key = composedAndHeld();
    assertThatThrownBy(() -> dyingWorker("lead/run/5").send(resend(key)))
        .hasMessageContaining("worker died");

    SendResult next = worker("lead/run/9").send(resend(key));

    assertThat(next.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(store.messages().messageByKey(key).getString(Messages.RESENT_BY_ACTIVITY))
        .isEqualTo("lead/run/5");
    assertThat(api.requests).hasSize(1);
  }

  /** The claim as a worker from before {@code resentByActivity} and the list wrote it. */
  private void writtenByAnOldWorker(String key) {
    MONGO
        .database()
        .getCollection("messages")
        .updateOne(
            Filters.eq("idempotencyKey", key),
            Updates.combine(
                Updates.unset(Messages.RESENT_BY_ACTIVITY),
                Updates.unset(Messages.RESEND_ACTIVITIES)));
  }

  /** The claim made long enough ago that its attempt is provably out of its call. */
  private void claimedLongAgo(String key) {
    store
        .messages()
        .setMessageFields(
            key, new Document("sendingSince", Date.from(Instant.now().minusSeconds(600))));
  }

  private String composedAndHeld() {
    String key = composed("1");
    assertThat(store.messages().claimSend(key, "attempt-1", Instant.now(), false)).isTrue();
    assertThat(worker("lead/run/1").send(new SendRequest(leadId, key, 0, true, false)).outcome())
        .isEqualTo(SendResult.UNKNOWN);
    return key;
  }
}

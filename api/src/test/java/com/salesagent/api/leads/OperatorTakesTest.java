package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.salesagent.activities.handoff.Owners;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Date;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * An operator's take of a lead nobody holds, naming no rep ({@link HandOffAcceptance}: the hand-off
 * accepted, naming nobody, then the run told, then the audit). Known defect (session 51): such a
 * take was not covered by the untold check ({@link TakeStates#untold} looked only at takes naming a
 * rep), so one whose request died after its hand-off write, before it told the run, left the
 * hand-off accepted and the run waiting for a person for good: the retry and every later take
 * answered "taken before". Now the lead's next take tells the run and audits it, once.
 */
class OperatorTakesTest extends AcceptanceFixture {
  @Test
  void anOperatorsTakeThatDiedBeforeTellingTheRunIsToldByItsRetry() {
    String leadId = diedBeforeTellingTheRun();

    HandOffAcceptance.Taken retried = acceptance(MONGO.database()).take("ops", leadId, null);

    assertThat(retried.before()).as("answered as its first run would have").isFalse();
    assertThat(retried.ownerId()).isNull();
    assertToldOnce(leadId);
  }

  @Test
  void anOperatorsTakeThatDiedBeforeTellingTheRunIsToldByARepsTake() {
    String leadId = diedBeforeTellingTheRun();

    HandOffAcceptance.Taken bobs = acceptance(MONGO.database()).take("ops", leadId, "bob");

    assertThat(bobs.before()).as("the operator's take stands").isTrue();
    assertToldOnce(leadId);
    assertThat(store.contact(leadId).getString("ownerId")).isNull();
  }

  @Test
  void anOperatorsTakeThatToldTheRunIsNotToldAgain() {
    String leadId = queuedLead();
    assertThat(acceptance(MONGO.database()).take("ops", leadId, null).before()).isFalse();

    HandOffAcceptance.Taken again = acceptance(MONGO.database()).take("ops", leadId, null);

    assertThat(again.before()).isTrue();
    assertThat(told).containsExactly("ownerAction:" + leadId);
    assertThat(audits(leadId)).isEqualTo(1);
  }

  /** An operator's take of a queued lead, naming no rep, dead as it was about to tell the run. */
  private String diedBeforeTellingTheRun() {
    String leadId = queuedLead();
    HandOffAcceptance dying =
        new HandOffAcceptance(
            store,
            new Owners(MONGO.database()),
            id -> {
              throw new IllegalStateException("the request died here");
            },
            Clock.fixed(NOW.plusSeconds(1), ZoneOffset.UTC));
    assertThatThrownBy(() -> dying.take("ops", leadId, null)).hasMessageContaining("died");
    assertThat(handoff(leadId).getString("status")).isEqualTo("accepted");
    assertThat(told).isEmpty();
    return leadId;
  }

  private void assertToldOnce(String leadId) {
    assertThat(told).as("the run told once").containsExactly("ownerAction:" + leadId);
    assertThat(signals).containsExactly("ownerAction:null");
    assertThat(audits(leadId)).as("audited once").isEqualTo(1);
    Document h = handoff(leadId);
    assertThat(h.getString("status")).isEqualTo("accepted");
    assertThat(h.getString("ownerId")).isNull();
    assertThat(h.getDate(UnfinishedAcceptances.STANDS)).isEqualTo(Date.from(NOW.plusSeconds(1)));
  }
}

package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.api.http.ApiException;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A take that died ({@link UnfinishedAcceptances}) finished by the lead's next take: not over a
 * take-back that undid it meanwhile, and told to the run when it died before telling it (its own
 * retry answered as its first run would have been: AcceptanceConvergenceTest). Each interleaving is
 * placed by {@link RacingDatabase}, not by timing.
 */
class DeadTakeFinishersTest extends AcceptanceFixture {
  /**
   * Known defect (session 51, 1): ana's take died between its hand-off and contact writes; bob's
   * take read it unfinished and, before its finisher's contact write, ana's retry finished it (the
   * run told), ana gave the lead back to the agent and the run's next hand-off found nobody free
   * (the contact nobody's, no release mark). The finisher's contact write (only while the contact
   * names nobody) then went through: the lead ana released was hers again and the run was told
   * again that she accepted it, while the hand-off said released. Now the finisher makes the take
   * stand only while the hand-off is still that take: its contact write is undone, nothing told,
   * and bob's take goes on with the lead as the take-back left it.
   */
  @Test
  void aFinisherDoesNotWriteBackATakeThatWasTakenBackMeanwhile() {
    String leadId = queuedLead();
    store
        .contacts()
        .updateOne(
            Filters.eq("leadId", leadId),
            Updates.set("funnel", new Document("interested", Date.from(NOW.minusSeconds(3600)))));
    assertThatThrownBy(() -> dyingAtSecondWrite().take("ops", leadId, "ana"))
        .hasMessageContaining("died");
    AtomicBoolean once = new AtomicBoolean();
    HandOffAcceptance bobs =
        acceptance(
            RacingDatabase.before(
                MONGO.database(),
                Set.of(Collections.CONTACTS),
                (c, m, a) ->
                    "updateOne".equals(m)
                        && RacingDatabase.json(a[0]).contains("\"ownerId\": null")
                        && once.compareAndSet(false, true),
                () -> takeBack(leadId)));

    HandOffAcceptance.Taken taken = bobs.take("ops", leadId, "bob");

    assertThat(once).as("the interleaving was placed").isTrue();
    assertThat(signals)
        .as("ana's acceptance told once, before her release; not again after it")
        .containsExactly("ownerAction:ana", "ownerReleased:ana", "ownerAction:bob");
    assertThat(taken.ownerId()).isEqualTo("bob");
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("bob");
    Document h = handoff(leadId);
    assertThat(h.getString("ownerId")).isEqualTo("bob");
    assertThat(h.getString("status")).isEqualTo("accepted");
    assertThat(holding("ana")).as("ana's hold released").doesNotContain(leadId);
  }

  /**
   * Known defect (session 51, 2): ana's take of a lead nobody held died after its contact write,
   * before its audit entry and before it told the run. Her retry found the lead hers and the
   * hand-off accepted and answered taken before: the run was never told (the lead waited for a rep
   * in its eyes). Now the retry finishes it: told once, audited once, answered as the first run.
   */
  @Test
  void aTakeThatDiedBeforeTellingTheRunIsToldByItsRetry() {
    String leadId = queuedLead();

    assertThatThrownBy(() -> dyingAfterItsContactWrite().take("ops", leadId, "ana"))
        .hasMessageContaining("died");
    assertThat(told).as("the run was not told").isEmpty();
    HandOffAcceptance.Taken retried = acceptance(MONGO.database()).take("ops", leadId, "ana");

    assertThat(retried.ownerId()).isEqualTo("ana");
    assertThat(retried.before()).as("answered as its first run would have").isFalse();
    assertTakenBy(leadId, "ana");
  }

  /**
   * Known defect (session 51, 2): as above, the next request bob's take: refused (the lead is
   * ana's), and the run was never told ana took it. Now bob's take tells it first, then refuses.
   */
  @Test
  void aTakeThatDiedBeforeTellingTheRunIsToldByAnotherRepsTake() {
    String leadId = queuedLead();

    assertThatThrownBy(() -> dyingAfterItsContactWrite().take("ops", leadId, "ana"))
        .hasMessageContaining("died");
    assertThatThrownBy(() -> acceptance(MONGO.database()).take("ops", leadId, "bob"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));

    assertTakenBy(leadId, "ana");
    assertThat(holding("bob")).doesNotContain(leadId);
  }

  /**
   * Known defect (session 51, 2): a held lead's acceptance died after its hand-off write, before
   * its audit entry and the signal; the retry answered taken before and the run was never told. Now
   * the retry tells it and audits the take once.
   */
  @Test
  void aHeldLeadsAcceptanceThatDiedBeforeTellingTheRunIsToldByItsRetry() {
    String leadId = heldLead("ana");

    assertThatThrownBy(
            () ->
                dyingAtWrite(
                        3,
                        Set.of(
                            Collections.CONTACTS,
                            HandOffActivitiesImpl.HANDOFFS,
                            Collections.AUDIT_LOG))
                    .take("ops", leadId, "ana"))
        .hasMessageContaining("died");
    HandOffAcceptance.Taken retried = acceptance(MONGO.database()).take("ops", leadId, "ana");

    assertThat(retried.before()).isFalse();
    assertThat(told).as("the run told").contains("ownerAction:" + leadId);
    assertThat(audits(leadId)).as("audited once").isEqualTo(1);
    assertThat(handoff(leadId).getString("status")).isEqualTo("accepted");
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("ana");
  }

  /**
   * A take of a lead nobody held whose request dies at its first write after the contact's (the
   * contact names the rep; nothing is audited nor told).
   */
  private HandOffAcceptance dyingAfterItsContactWrite() {
    AtomicBoolean contactWritten = new AtomicBoolean();
    AtomicInteger after = new AtomicInteger();
    return acceptance(
        RacingDatabase.before(
            MONGO.database(),
            Set.of(
                Collections.CONTACTS,
                HandOffActivitiesImpl.HANDOFFS,
                Owners.COLLECTION,
                Collections.AUDIT_LOG),
            (c, m, a) -> {
              if (!RacingDatabase.WRITES.contains(m)) {
                return false;
              }
              if (contactWritten.get()) {
                return after.incrementAndGet() == 1;
              }
              if (Collections.CONTACTS.equals(c)
                  && a.length >= 2
                  && RacingDatabase.json(a[1]).contains("ownerAssignedAt")) {
                contactWritten.set(true);
              }
              return false;
            },
            () -> {
              throw new IllegalStateException("the request died here");
            }));
  }
}

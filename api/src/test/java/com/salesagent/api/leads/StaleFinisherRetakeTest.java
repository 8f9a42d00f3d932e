package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.MutableClock;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.api.http.ApiException;
import com.salesagent.workflows.lead.HandOffRequest;
import com.salesagent.workflows.lead.OwnerAssignment;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Known defect (session 51): a stale finisher of a rep's dead take (the lead's next take read it
 * unfinished, then the take was finished, released and the lead queued again) undid the same rep's
 * second take of the lead. Both takes' contact writes carry the rep's one claim time, so the
 * finisher's undo of "its" contact write (by owner and {@code ownerAssignedAt}) matched the second
 * take's: the hand-off said accepted by the rep, the run was told, and the contact named nobody.
 * Now a finisher undoes a contact write only while it carries its own take's mark ({@link
 * UnfinishedAcceptances#TAKE}), which the second take moves to itself. Each interleaving is placed
 * by {@link RacingDatabase} hooks (and, where the finisher must wait in the middle of the second
 * take's writes, by latches between two threads), never by timing.
 */
class StaleFinisherRetakeTest extends AcceptanceFixture {
  private final ExecutorService finisher = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopFinisher() {
    finisher.shutdownNow();
  }

  /**
   * The stale finisher (bob's take) writes the contact for ana's first take between her second
   * take's hand-off and contact writes; her second take finds the contact naming her and goes on;
   * the finisher's stand then misses (the hand-off is the second take) and its undo must not touch
   * the contact.
   */
  @Test
  void aStaleFinisherDoesNotUndoTheSameRepsSecondTakeOfALeadNobodyHeld() throws Exception {
    String leadId = diedBetweenItsWrites();
    CountDownLatch atContactWrite = new CountDownLatch(1);
    CountDownLatch goContactWrite = new CountDownLatch(1);
    CountDownLatch contactWritten = new CountDownLatch(1);
    CountDownLatch goStand = new CountDownLatch(1);
    AtomicInteger finisherSteps = new AtomicInteger();
    HandOffAcceptance bobs =
        bobsTake(
            finisherSteps,
            (c, m, a) -> "find".equals(m) && HandOffActivitiesImpl.HANDOFFS.equals(c),
            pause(atContactWrite, goContactWrite),
            pause(contactWritten, goStand));
    Future<HandOffAcceptance.Taken> stale = finisher.submit(() -> bobs.take("ops", leadId, "bob"));
    await(atContactWrite);
    takeBack(leadId);
    AtomicInteger secondSteps = new AtomicInteger();
    HandOffAcceptance second =
        acceptance(
            RacingDatabase.before(
                MONGO.database(),
                Set.of(Collections.CONTACTS),
                (c, m, a) -> contactWriteForNobody(c, m, a) && secondSteps.incrementAndGet() == 1,
                pause(goContactWrite, contactWritten)),
            NOW.plusSeconds(20));

    HandOffAcceptance.Taken taken = second.take("ops", leadId, "ana");
    goStand.countDown();

    Throwable bobs409 = catchThrowable(stale::get);

    assertThat(finisherSteps).as("the interleaving was placed").hasValue(2);
    assertThat(taken.ownerId()).isEqualTo("ana");
    assertThat(taken.before()).isFalse();
    assertSecondTakeStands(leadId);
    assertThat(bobs409)
        .as("bob's take finds the lead ana's")
        .isInstanceOf(ExecutionException.class)
        .cause()
        .satisfies(StaleFinisherRetakeTest::refused);
  }

  /**
   * As above, the stale finisher's contact write landing before ana's second take read the lead:
   * she takes it as the lead she holds (the contact marked, then the hand-off written with the
   * acceptance standing), and the finisher's stand, which misses, must not undo it.
   */
  @Test
  void aStaleFinisherDoesNotUndoTheSameRepsSecondTakeOfTheLeadItGaveHer() {
    String leadId = diedBetweenItsWrites();
    AtomicInteger steps = new AtomicInteger();
    HandOffAcceptance.Taken[] second = new HandOffAcceptance.Taken[1];
    HandOffAcceptance bobs =
        bobsTake(
            steps,
            (c, m, a) -> standWrite(m, a),
            () -> takeBack(leadId),
            () ->
                second[0] =
                    acceptance(MONGO.database(), NOW.plusSeconds(20)).take("ops", leadId, "ana"));

    Throwable bobs409 = catchThrowable(() -> bobs.take("ops", leadId, "bob"));

    assertThat(steps).as("the interleaving was placed").hasValue(2);
    assertThat(second[0].ownerId()).isEqualTo("ana");
    assertThat(second[0].before()).isFalse();
    assertThat(store.contact(leadId).getString("ownerId")).as("the contact").isEqualTo("ana");
    Document h = handoff(leadId);
    assertThat(h.getString("status")).isEqualTo("accepted");
    assertThat(h.getDate(UnfinishedAcceptances.STANDS)).isEqualTo(Date.from(NOW.plusSeconds(20)));
    assertThat(signals).containsExactly("ownerAction:ana", "ownerReleased:ana", "ownerAction:ana");
    assertThat(holding("ana")).contains(leadId);
    assertThat(holding("bob")).doesNotContain(leadId);
    assertThat(bobs409)
        .as("bob's take finds the lead ana's")
        .satisfies(StaleFinisherRetakeTest::refused);
  }

  /**
   * Known defect (session 53, 1): the stale finisher (bob's take) writes the contact for ana's dead
   * take while the run's next attempt assigns the lead to ana: the run read the contact naming
   * nobody, wrote its hand-off (attempt 2, ana's), then found the contact naming ana already (the
   * finisher's write) and left it (HandOffAttempts#takenMeanwhile: theirs as the attempt decided).
   * The finisher's stand then missed (the hand-off is the run's attempt) and its undo of "its"
   * contact write matched (ana, her one claim time, its take's mark): the contact named nobody
   * while the run and the hand-off named ana. Now a finisher whose stand misses reads the hand-off
   * again and leaves a contact naming the rep the hand-off names.
   */
  @Test
  void aStaleFinisherDoesNotUndoTheRunsAssignmentOfTheLeadToTheSameRep() throws Exception {
    String leadId = diedBetweenItsWrites();
    MONGO
        .database()
        .getCollection(Owners.COLLECTION)
        .updateOne(Filters.eq("_id", "bob"), Updates.set("capacity", 0));
    CountDownLatch atContactWrite = new CountDownLatch(1);
    CountDownLatch goContactWrite = new CountDownLatch(1);
    CountDownLatch atStand = new CountDownLatch(1);
    CountDownLatch goStand = new CountDownLatch(1);
    AtomicInteger finisherSteps = new AtomicInteger();
    HandOffAcceptance bobs =
        bobsTake(
            finisherSteps,
            (c, m, a) -> standWrite(m, a),
            pause(atContactWrite, goContactWrite),
            pause(atStand, goStand));
    Future<HandOffAcceptance.Taken> stale = finisher.submit(() -> bobs.take("ops", leadId, "bob"));
    await(atContactWrite);
    AtomicBoolean once = new AtomicBoolean();
    MongoDatabase run =
        RacingDatabase.before(
            MONGO.database(),
            Set.of(Collections.CONTACTS),
            // HandOffAttempts#takenMeanwhile's write, not the release mark's clearing before it.
            (c, m, a) ->
                contactWriteForNobody(c, m, a)
                    && !RacingDatabase.json(a[0]).contains(HandOffActivitiesImpl.RELEASED_TO_AGENT)
                    && once.compareAndSet(false, true),
            pause(goContactWrite, atStand));

    OwnerAssignment next =
        new HandOffActivitiesImpl(run, new MutableClock(NOW.plusSeconds(5)))
            .handOff(new HandOffRequest(leadId, "c-1", "smb", 2, SLA));
    goStand.countDown();
    Throwable bobs409 = catchThrowable(stale::get);

    assertThat(once).as("the run's contact write was placed").isTrue();
    assertThat(finisherSteps).as("the finisher's steps were placed").hasValue(2);
    assertThat(next.ownerId()).as("the run's attempt").isEqualTo("ana");
    Document h = handoff(leadId);
    assertThat(h.getString("ownerId")).as("the hand-off").isEqualTo("ana");
    assertThat(h.getInteger("attempt")).isEqualTo(2);
    assertThat(store.contact(leadId).getString("ownerId")).as("the contact").isEqualTo("ana");
    assertThat(holding("ana")).contains(leadId);
    assertThat(holding("bob")).doesNotContain(leadId);
    assertThat(bobs409)
        .as("bob's take finds the lead ana's")
        .isInstanceOf(ExecutionException.class)
        .cause()
        .satisfies(StaleFinisherRetakeTest::refused);
  }

  /** ana's first take of a queued lead, dead between its hand-off and contact writes. */
  private String diedBetweenItsWrites() {
    String leadId = queuedLead();
    store
        .contacts()
        .updateOne(
            Filters.eq("leadId", leadId),
            Updates.set("funnel", new Document("interested", Date.from(NOW.minusSeconds(3600)))));
    assertThatThrownBy(() -> dyingAtSecondWrite().take("ops", leadId, "ana"))
        .hasMessageContaining("died");
    return leadId;
  }

  /** ana's second take (at NOW + 20 s) stands: the contact, the hand-off and the run agree. */
  private void assertSecondTakeStands(String leadId) {
    Date second = Date.from(NOW.plusSeconds(20));
    assertThat(store.contact(leadId).getString("ownerId")).as("the contact").isEqualTo("ana");
    Document h = handoff(leadId);
    assertThat(h.getString("ownerId")).as("the hand-off").isEqualTo("ana");
    assertThat(h.getString("status")).isEqualTo("accepted");
    assertThat(h.getDate("acceptedAt")).isEqualTo(second);
    assertThat(h.getDate(UnfinishedAcceptances.STANDS)).isEqualTo(second);
    assertThat(signals)
        .as("her first take told before its release, her second after it; bob's none")
        .containsExactly("ownerAction:ana", "ownerReleased:ana", "ownerAction:ana");
    assertThat(audits(leadId)).as("each take audited once").isEqualTo(2);
    assertThat(holding("ana")).contains(leadId);
    assertThat(holding("bob")).doesNotContain(leadId);
  }

  /**
   * bob's take, the stale finisher of ana's dead take: {@code atContactWrite} runs before its
   * contact write for her, then {@code atSecond} before its next call {@code second} matches;
   * {@code steps} counts the two.
   */
  private HandOffAcceptance bobsTake(
      AtomicInteger steps, RacingDatabase.Call second, Runnable atContactWrite, Runnable atSecond) {
    return acceptance(
        RacingDatabase.before(
            MONGO.database(),
            BOTH,
            (c, m, a) ->
                steps.get() == 0
                    ? contactWriteForNobody(c, m, a)
                    : steps.get() == 1 && second.test(c, m, a),
            () -> {
              if (steps.incrementAndGet() == 1) {
                atContactWrite.run();
              } else {
                atSecond.run();
              }
            }));
  }

  /** A step that says it was reached ({@code reached}), then waits to be let go ({@code go}). */
  private static Runnable pause(CountDownLatch reached, CountDownLatch go) {
    return () -> {
      reached.countDown();
      await(go);
    };
  }

  /** bob's take refused: 409, the lead is ana's. */
  private static void refused(Throwable t) {
    assertThat(t)
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
  }

  /** A finisher's write that makes its take stand ({@link UnfinishedAcceptances#STANDS}). */
  private static boolean standWrite(String method, Object[] args) {
    return "updateOne".equals(method)
        && args.length >= 2
        && RacingDatabase.json(args[1]).contains(UnfinishedAcceptances.STANDS);
  }

  /** A take's contact write for a lead nobody holds (only while its contact names nobody). */
  private static boolean contactWriteForNobody(String collection, String method, Object[] args) {
    return Collections.CONTACTS.equals(collection)
        && "updateOne".equals(method)
        && RacingDatabase.json(args[0]).contains("\"ownerId\": null");
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the other request never reached its step");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.owners.OwnersResource;
import com.salesagent.workflows.lead.OwnerAction;
import com.salesagent.workflows.lead.OwnerRelease;
import io.dropwizard.jackson.Jackson;
import io.temporal.client.WorkflowClient;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.junit.jupiter.api.Test;

/**
 * A take tells the run its time as its hand-off records it ({@code acceptedAt}, to the
 * millisecond), and the release that gives it back names that time (kept on the release mark, so
 * the same release again names it again): the run drops that take's acceptance told late or again
 * (workflows' LateAcceptances). A release of a lead its rep had not taken names none.
 */
class ReleasedTakeTimesTest extends AcceptanceFixture {
  /** Sub-millisecond on purpose: MongoDB keeps milliseconds, and so must the signal. */
  private static final Instant TAKEN = NOW.plusNanos(123_456_789);

  private static final Instant RELEASED = NOW.plusSeconds(300);

  /** An interested lead handed to ana on its first attempt, not taken yet. */
  private String handedToAna() {
    String leadId = heldLead("ana");
    store
        .contacts()
        .updateOne(
            Filters.eq("leadId", leadId),
            Updates.set("funnel", new org.bson.Document("interested", Date.from(NOW))));
    return leadId;
  }

  private void take(String leadId) {
    acceptance(MONGO.database(), TAKEN).take("ops", leadId, "ana");
  }

  private int release(String leadId) {
    return new LeadHandOffs(
            store,
            this::recording,
            Jackson.newObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES),
            Clock.fixed(RELEASED, ZoneOffset.UTC))
        .release("ops", leadId, "{\"byOwnerId\":\"ana\"}".getBytes(StandardCharsets.UTF_8))
        .getStatus();
  }

  @Test
  void theTakeAndItsReleaseNameTheTimeTheHandOffHolds() {
    String leadId = handedToAna();
    take(leadId);
    Instant held = handoff(leadId).getDate("acceptedAt").toInstant();
    assertThat(held).isEqualTo(NOW.plusMillis(123));

    assertThat(release(leadId)).isEqualTo(202);

    assertThat(arguments).hasSize(2);
    assertThat(((OwnerAction) arguments.get(0)).takenAt()).isEqualTo(held);
    assertThat(((OwnerRelease) arguments.get(1)).takenAt()).isEqualTo(held);
  }

  @Test
  void theSameReleaseAgainNamesTheSameTake() {
    String leadId = handedToAna();
    take(leadId);
    release(leadId);

    assertThat(release(leadId)).isEqualTo(200);

    assertThat(arguments).hasSize(3);
    assertThat(arguments.get(2)).isEqualTo(arguments.get(1));
    assertThat(((OwnerRelease) arguments.get(2)).takenAt()).isNotNull();
  }

  @Test
  void aReleaseOfALeadItsRepHadNotTakenNamesNoTake() {
    String leadId = handedToAna();

    assertThat(release(leadId)).isEqualTo(202);

    assertThat(arguments).singleElement().extracting(s -> ((OwnerRelease) s).takenAt()).isNull();
  }

  private int moveToBob(String leadId) {
    return new LeadHandOffs(
            store,
            this::recording,
            Jackson.newObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES),
            Clock.fixed(RELEASED, ZoneOffset.UTC))
        .reassign("ops", leadId, "{\"ownerId\":\"bob\"}".getBytes(StandardCharsets.UTF_8))
        .getStatus();
  }

  /**
   * A move by hand away from the rep who took the lead tells the run her take's time ({@code
   * ownerGone}): told late or again, that take is not applied (workflows' "gone-take").
   */
  @Test
  void aMoveByHandNamesTheTakeOfTheRepItMovedTheLeadFrom() {
    String leadId = handedToAna();
    take(leadId);
    Instant held = handoff(leadId).getDate("acceptedAt").toInstant();

    assertThat(moveToBob(leadId)).isEqualTo(202);

    assertThat(goneTakes).containsExactly(held);
  }

  @Test
  void aMoveByHandOfALeadItsRepHadNotTakenNamesNoTake() {
    String leadId = handedToAna();

    assertThat(moveToBob(leadId)).isEqualTo(202);

    assertThat(goneTakes).containsExactly((Instant) null);
  }

  /** The API's Temporal client, its lead stubs recording each signal. */
  private WorkflowClient recordingClient() {
    return (WorkflowClient)
        Proxy.newProxyInstance(
            WorkflowClient.class.getClassLoader(),
            new Class<?>[] {WorkflowClient.class},
            (proxy, method, args) -> {
              if ("newWorkflowStub".equals(method.getName())
                  && args.length == 2
                  && args[1] instanceof String workflowId) {
                return recording(workflowId.substring(workflowId.indexOf('-') + 1));
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  private void deactivateAna() {
    new OwnersResource(MONGO.database(), recordingClient(), Clock.fixed(RELEASED, ZoneOffset.UTC))
        .deactivate(new Operator("ops"), "ana");
  }

  /** Deactivating a rep tells the run of each lead she took the take's time, as a move does. */
  @Test
  void aRepMadeInactiveNamesHerTakeOfEachLeadSheHeld() {
    String taken = handedToAna();
    take(taken);
    Instant held = handoff(taken).getDate("acceptedAt").toInstant();

    deactivateAna();

    assertThat(told).contains("ownerGone:" + taken);
    assertThat(goneTakes).containsExactly(held);
  }

  /** A lead ana took from the queue (nobody held it) is named by her take as well (review 53). */
  private Instant queueTakeByAna(String leadId) {
    assertThat(acceptance(MONGO.database(), TAKEN).take("ops", leadId, "ana").ownerId())
        .isEqualTo("ana");
    return handoff(leadId).getDate("acceptedAt").toInstant();
  }

  @Test
  void aMoveByHandOfALeadTakenFromTheQueueNamesItsTake() {
    String leadId = queuedLead();
    Instant held = queueTakeByAna(leadId);

    assertThat(moveToBob(leadId)).isEqualTo(202);

    assertThat(goneTakes).containsExactly(held);
  }

  /** An older take's mark left on the contact is not named instead of the take from the queue. */
  @Test
  void aRepMadeInactiveNamesHerQueueTakeNotAnOlderMark() {
    String leadId = queuedLead();
    store
        .contacts()
        .updateOne(
            Filters.eq("leadId", leadId),
            Updates.set("ownerAcceptedAt", Date.from(NOW.minusSeconds(900))));
    Instant held = queueTakeByAna(leadId);

    deactivateAna();

    assertThat(goneTakes).containsExactly(held);
  }
}

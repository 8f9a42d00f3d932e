package com.salesagent.activities.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.lead.LeadActivitiesImpl;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.lead.HandOffRequest;
import com.salesagent.workflows.lead.LeadEvent;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An owner added later takes the waiting unassigned leads: longest waiting first, within their
 * capacity and the call's bound; each lead's workflow told before its attempt is claimed; a lead
 * whose workflow ended is skipped, a Temporal outage stops the call and claims nothing more.
 */
class WaitingHandOffsTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant NOW = Instant.parse("2026-12-01T13:00:00Z");

  private final Clock clock = Clock.fixed(NOW, java.time.ZoneOffset.UTC);
  private final List<String> told = new CopyOnWriteArrayList<>();
  private LeadStore store;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    HandOffActivitiesImpl handOffs = new HandOffActivitiesImpl(MONGO.database(), clock);
    for (int i = 0; i < 5; i++) {
      String leadId = "w-" + i;
      store.insertContact(
          new Document("leadId", leadId)
              .append("campaignId", "c-1")
              .append("segment", "smb")
              .append("stage", "interested")
              .append(
                  "funnel",
                  new Document("replied", Date.from(NOW.minus(Duration.ofHours(10 - i))))));
      // Nobody could take it: it waits.
      assertThat(
              handOffs
                  .handOff(new HandOffRequest(leadId, "c-1", "smb", 1, Duration.ofHours(2)))
                  .ownerId())
          .isNull();
    }
  }

  private void owner(String id, int capacity) {
    new Owners(MONGO.database())
        .collection()
        .insertOne(
            new Document("_id", id)
                .append("name", id)
                .append("timezone", "UTC")
                .append("capacity", capacity)
                .append("segments", List.of())
                .append("active", true));
  }

  private WaitingHandOffs waiting(WaitingHandOffs.Signal signal, int batch) {
    return new WaitingHandOffs(MONGO.database(), signal, clock, batch);
  }

  private WaitingHandOffs waiting(WaitingHandOffs.Signal signal, int batch, int batches) {
    return new WaitingHandOffs(MONGO.database(), signal, clock, batch, batches);
  }

  /** Records the signal, checking the lead was not claimed yet (told first). */
  private void tell(String leadId, String ownerId) {
    assertThat(store.contact(leadId).getString("ownerId")).isNull();
    told.add(leadId + ":" + ownerId);
  }

  @Test
  void theOwnerTakesTheLongestWaitingLeadsUpToTheirCapacity() {
    owner("ana", 3);

    WaitingHandOffs.Taken taken = waiting(this::tell, 100).takeFor("ana");

    assertThat(taken).isEqualTo(new WaitingHandOffs.Taken(List.of("w-0", "w-1", "w-2"), false));
    assertThat(told).containsExactly("w-0:ana", "w-1:ana", "w-2:ana");
    assertThat(store.contact("w-2").getString("ownerId")).isEqualTo("ana");
    assertThat(store.contact("w-3").getString("ownerId")).isNull();
    assertThat(waiting(this::tell, 100).takeFor("ana").leadIds()).as("full").isEmpty();
  }

  @Test
  void aCallTakesAtMostItsBoundAndSaysMoreAreWaiting() {
    owner("bruno", 100);

    // Batches of 2, at most 2 of them a call.
    assertThat(waiting(this::tell, 2, 2).takeFor("bruno"))
        .isEqualTo(new WaitingHandOffs.Taken(List.of("w-0", "w-1", "w-2", "w-3"), true));
    assertThat(waiting(this::tell, 2, 2).takeFor("bruno"))
        .isEqualTo(new WaitingHandOffs.Taken(List.of("w-4"), false));
  }

  /**
   * More leads wait than one batch holds and the owner has room: the call goes on to the next
   * batches (a lead whose workflow ended is passed over, not read again), not stopping at the
   * first.
   */
  @Test
  void aCallGoesOnPastABatchWhileTheOwnerHasRoom() {
    owner("eva", 100);

    assertThat(waiting(this::tell, 2).takeFor("eva"))
        .isEqualTo(new WaitingHandOffs.Taken(List.of("w-0", "w-1", "w-2", "w-3", "w-4"), false));
    assertThat(told).hasSize(5);
  }

  @Test
  void anEndedLeadInABatchIsPassedOverAndTheNextBatchesAreTaken() {
    owner("flor", 100);

    WaitingHandOffs.Taken taken =
        waiting(
                (leadId, ownerId) -> {
                  if (leadId.equals("w-1")) {
                    throw new WorkflowNotFoundException(
                        WorkflowExecution.getDefaultInstance(), "LeadWorkflow", null);
                  }
                  tell(leadId, ownerId);
                },
                2)
            .takeFor("flor");

    assertThat(taken)
        .isEqualTo(new WaitingHandOffs.Taken(List.of("w-0", "w-2", "w-3", "w-4"), false));
    assertThat(told).containsExactly("w-0:flor", "w-2:flor", "w-3:flor", "w-4:flor");
  }

  /**
   * An owner at capacity: the leads still waiting stay unassigned. A lead they held ends (its
   * outcome recorded: converted): the place it frees goes to the next lead waiting, the same way a
   * PUT takes one (its workflow told, then its attempt claimed), without another PUT.
   */
  @Test
  void aLeadItsOwnerFinishesFreesAPlaceTheNextWaitingLeadTakes() {
    owner("gil", 1);
    assertThat(waiting(this::tell, 100).takeFor("gil").leadIds()).containsExactly("w-0");
    store.setContactFields("w-0", new Document("stage", "in_conversation"));
    LeadActivitiesImpl activities =
        new LeadActivitiesImpl(store, clock)
            .whenOwnerFreed(waiting(this::tell, 100).inBackground(Runnable::run));

    // Still held: a change within the interested stages frees nothing.
    activities.record(event("w-0", "meeting_booked"));
    assertThat(store.contact("w-1").getString("ownerId")).isNull();

    activities.record(event("w-0", "converted"));

    assertThat(told).containsExactly("w-0:gil", "w-1:gil");
    assertThat(store.contact("w-1").getString("ownerId")).isEqualTo("gil");
    assertThat(store.contact("w-2").getString("ownerId")).isNull();
    // A lead nobody held ending frees nobody's place.
    activities.record(event("w-4", "lost"));
    assertThat(told).hasSize(2);
  }

  /**
   * A lead its rep had not acted on goes to another rep at its SLA's deadline (the workflow's next
   * hand-off attempt): the place it frees in the first rep's capacity goes at once to the lead that
   * waited longest, as a lead ending frees one, not at that lead's own retry 15 minutes later.
   */
  @Test
  void aLeadReassignedAtItsSlaFreesThePlaceOfTheRepItLeft() {
    owner("gil", 1);
    assertThat(waiting(this::tell, 100).takeFor("gil").leadIds()).containsExactly("w-0");
    store.setContactFields("w-0", new Document("stage", "handed_off"));
    owner("hal", 1); // added without a PUT: takes nothing waiting until a hand-off asks
    HandOffActivitiesImpl handOffs =
        new HandOffActivitiesImpl(MONGO.database(), clock)
            .whenOwnerFreed(waiting(this::tell, 100).inBackground(Runnable::run));

    // Gil's SLA passed: the run's next attempt goes to the rep who has not had it.
    assertThat(
            handOffs
                .handOff(new HandOffRequest("w-0", "c-1", "smb", 3, Duration.ofHours(2)))
                .ownerId())
        .isEqualTo("hal");

    assertThat(store.contact("w-0").getString("ownerId")).isEqualTo("hal");
    assertThat(told).containsExactly("w-0:gil", "w-1:gil");
    assertThat(store.contact("w-1").getString("ownerId")).isEqualTo("gil");
    assertThat(store.contact("w-2").getString("ownerId")).isNull();
    // A retry of the same attempt (the activity's answer lost) frees nobody again.
    handOffs.handOff(new HandOffRequest("w-0", "c-1", "smb", 3, Duration.ofHours(2)));
    assertThat(told).hasSize(2);
  }

  /**
   * Two reps freed at the same moment (a release in the API and a lead ending in the worker) both
   * look at the one lead that waits: its attempt is claimed once, so exactly one of them takes it,
   * and the other keeps their place.
   */
  @Test
  void twoRepsFreedAtOnceNeverTakeTheSameWaitingLead() throws Exception {
    for (int i = 1; i < 5; i++) {
      store.setContactFields("w-" + i, new Document("stage", "lost"));
    }
    owner("ivo", 1);
    owner("joy", 1);
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
    WaitingHandOffs.Signal atOnce =
        (leadId, ownerId) -> {
          told.add(leadId + ":" + ownerId);
          try {
            together.await(10, java.util.concurrent.TimeUnit.SECONDS); // both read it waiting
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var ivo = two.submit(() -> waiting(atOnce, 100).takeFor("ivo"));
      var joy = two.submit(() -> waiting(atOnce, 100).takeFor("joy"));
      List<String> taken =
          new java.util.ArrayList<>(ivo.get(20, java.util.concurrent.TimeUnit.SECONDS).leadIds());
      taken.addAll(joy.get(20, java.util.concurrent.TimeUnit.SECONDS).leadIds());

      assertThat(told).containsExactlyInAnyOrder("w-0:ivo", "w-0:joy");
      assertThat(taken).containsExactly("w-0");
      String holder = store.contact("w-0").getString("ownerId");
      assertThat(holder).isIn("ivo", "joy");
      Document handoff =
          MONGO
              .database()
              .getCollection(HandOffActivitiesImpl.HANDOFFS)
              .find(new Document("_id", "w-0"))
              .first();
      assertThat(handoff.getString("ownerId")).isEqualTo(holder);
      assertThat(handoff.getList("history", Document.class)).hasSize(1);
    } finally {
      two.shutdownNow();
    }
  }

  private static LeadEvent event(String leadId, String stage) {
    return new LeadEvent(
        leadId, "c-1", "outcome", stage, null, null, null, null, null, "by an operator");
  }

  @Test
  void anInactiveOrUnknownOwnerTakesNothing() {
    owner("carla", 10);
    new Owners(MONGO.database())
        .collection()
        .updateOne(
            new Document("_id", "carla"), new Document("$set", new Document("active", false)));

    assertThat(waiting(this::tell, 100).takeFor("carla").leadIds()).isEmpty();
    assertThat(waiting(this::tell, 100).takeFor("nobody").leadIds()).isEmpty();
    assertThat(told).isEmpty();
  }

  @Test
  void anEndedLeadIsSkippedAndATemporalOutageStopsTheCallWithoutClaimingTheLead() {
    owner("dora", 10);

    WaitingHandOffs.Taken taken =
        waiting(
                (leadId, ownerId) -> {
                  if (leadId.equals("w-1")) {
                    throw new WorkflowNotFoundException(
                        WorkflowExecution.getDefaultInstance(), "LeadWorkflow", null);
                  }
                  if (leadId.equals("w-3")) {
                    throw new WorkflowServiceException(
                        WorkflowExecution.getDefaultInstance(), "LeadWorkflow", null);
                  }
                  tell(leadId, ownerId);
                },
                100)
            .takeFor("dora");

    assertThat(taken).isEqualTo(new WaitingHandOffs.Taken(List.of("w-0", "w-2"), true));
    assertThat(store.contact("w-1").getString("ownerId")).isNull();
    assertThat(store.contact("w-3").getString("ownerId")).as("its workflow was not told").isNull();
  }
}

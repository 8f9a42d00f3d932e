package com.salesagent.activities.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.lead.HandOffRequest;
import com.salesagent.workflows.lead.OwnerAssignment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two processes (two MongoClients, two threads) assigning leads to one rep at once never put the
 * rep over their capacity. The interleaving is forced, not left to luck: each client's first {@link
 * #LOCKSTEP} writes to the owners or hand-offs collections wait until the other client reached the
 * same write, so both have read the rep's load before either wrote an assignment. On the code that
 * counted the load and then assigned, both got the rep (load 2, capacity 1).
 */
class CapacityRaceTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant NOW = Instant.parse("2026-12-01T13:00:00Z");

  /** Writes per client done in lockstep with the other client. */
  private static final int LOCKSTEP = 2;

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final Phaser lockstep = new Phaser(2);
  private final List<MongoClient> clients = new ArrayList<>();
  private LeadStore store;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
  }

  @AfterEach
  void tearDown() {
    clients.forEach(MongoClient::close);
  }

  /**
   * A client of the same server standing for one process: its first {@link #LOCKSTEP} updates of
   * {@code owners} or {@code handoffs} wait (up to 10 s) for the other process's same write.
   */
  private MongoDatabase process() {
    AtomicInteger writes = new AtomicInteger();
    Set<String> watched = Set.of(Owners.COLLECTION, HandOffActivitiesImpl.HANDOFFS);
    CommandListener inStep =
        new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent e) {
            var target = e.getCommand().get(e.getCommandName());
            boolean write =
                Set.of("update", "findAndModify").contains(e.getCommandName())
                    && target != null
                    && target.isString()
                    && watched.contains(target.asString().getValue());
            if (write && writes.incrementAndGet() <= LOCKSTEP) {
              int phase = lockstep.arrive();
              try {
                lockstep.awaitAdvanceInterruptibly(phase, 10, TimeUnit.SECONDS);
              } catch (InterruptedException | TimeoutException ex) {
                // The other process wrote less: go on alone.
              }
            }
          }
        };
    MongoClient client =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(MONGO.connectionString()))
                .addCommandListener(inStep)
                .build());
    clients.add(client);
    return MONGO.database(client);
  }

  private Document owner(String id, int capacity) {
    Document owner =
        new Document("_id", id)
            .append("name", id)
            .append("timezone", "UTC")
            .append("capacity", capacity)
            .append("segments", List.of())
            .append("active", true);
    new Owners(MONGO.database()).collection().insertOne(owner);
    return owner;
  }

  private void interested(String leadId, Instant repliedAt) {
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("segment", "smb")
            .append("stage", "interested")
            .append("funnel", new Document("replied", Date.from(repliedAt))));
  }

  private long held(String ownerId) {
    return MONGO
        .database()
        .getCollection(Collections.CONTACTS)
        .countDocuments(Filters.and(Filters.eq("ownerId", ownerId), Owners.heldFilter()));
  }

  private static <T> List<T> together(List<Callable<T>> calls) throws Exception {
    ExecutorService two = Executors.newFixedThreadPool(calls.size());
    try {
      List<Future<T>> running = new ArrayList<>();
      for (Callable<T> c : calls) {
        running.add(two.submit(c));
      }
      List<T> done = new ArrayList<>();
      for (Future<T> f : running) {
        done.add(f.get(60, TimeUnit.SECONDS));
      }
      return done;
    } finally {
      two.shutdownNow();
    }
  }

  /**
   * Two workers hand off two leads asking for a person, one rep with room for one. The rep's last
   * turn was taken in this same millisecond, so both round-robin turns succeed (as two turns in one
   * millisecond do) and both assigners go on to their next write having read the same load (and,
   * with the claims, the same claims list).
   */
  @Test
  void twoHandOffsAtOnceGiveARepWithOnePlaceOneLead() throws Exception {
    new Owners(MONGO.database())
        .collection()
        .replaceOne(
            Filters.eq("_id", "ana"), owner("ana", 1).append("lastAssignedAt", Date.from(NOW)));
    interested("r-1", NOW.minusSeconds(60));
    interested("r-2", NOW.minusSeconds(30));
    HandOffActivitiesImpl first = new HandOffActivitiesImpl(process(), clock);
    HandOffActivitiesImpl second = new HandOffActivitiesImpl(process(), clock);

    List<OwnerAssignment> answers =
        together(
            List.of(
                () ->
                    first.handOff(new HandOffRequest("r-1", "c-1", "smb", 1, Duration.ofHours(2))),
                () ->
                    second.handOff(
                        new HandOffRequest("r-2", "c-1", "smb", 1, Duration.ofHours(2)))));

    assertThat(answers.stream().filter(a -> "ana".equals(a.ownerId())).count())
        .as("assignments to ana")
        .isEqualTo(1);
    assertThat(held("ana")).as("ana's load").isEqualTo(1);
    OwnerAssignment other =
        answers.stream().filter(a -> a.ownerId() == null).findFirst().orElseThrow();
    assertThat(other.retryAt()).as("the other lead waits and is tried again").isNotNull();
    assertThat(other.note()).contains("at capacity");
  }

  /**
   * A rep freed (the API's PUT, or the worker told a lead ended) takes the waiting leads while a
   * worker hands another lead to them: one place, one lead.
   */
  @Test
  void aFreedRepTakingWaitingLeadsWhileAWorkerHandsThemOneStaysWithinCapacity() throws Exception {
    interested("w-1", NOW.minusSeconds(60));
    HandOffActivitiesImpl quiet = new HandOffActivitiesImpl(MONGO.database(), clock);
    // Nobody to take it yet: it waits unassigned.
    assertThat(
            quiet
                .handOff(new HandOffRequest("w-1", "c-1", "smb", 1, Duration.ofHours(2)))
                .ownerId())
        .isNull();
    owner("bia", 1);
    interested("r-3", NOW.minusSeconds(10));
    WaitingHandOffs freed =
        new WaitingHandOffs(process(), (leadId, ownerId) -> {}, clock, WaitingHandOffs.MAX);
    HandOffActivitiesImpl worker = new HandOffActivitiesImpl(process(), clock);

    List<Object> answers =
        together(
            List.of(
                () -> freed.takeFor("bia"),
                () ->
                    worker.handOff(
                        new HandOffRequest("r-3", "c-1", "smb", 1, Duration.ofHours(2)))));

    assertThat(held("bia")).as("bia's load").isEqualTo(1);
    WaitingHandOffs.Taken taken = (WaitingHandOffs.Taken) answers.get(0);
    OwnerAssignment handed = (OwnerAssignment) answers.get(1);
    // Both may report the same lead: the freed rep's pass also finds r-3 waiting and, its claim
    // already made by the worker, answers it as theirs. One place, one lead.
    Set<String> given = new java.util.HashSet<>(taken.leadIds());
    if ("bia".equals(handed.ownerId())) {
      given.add("r-3");
    }
    assertThat(given).as("leads given to bia").hasSize(1);
  }

  /**
   * Leads a rep held before the claims existed (no list on the owner document) still count: a rep
   * at capacity by the contacts alone is given nothing more; and a claim whose lead left them
   * (outcome recorded) frees its place without anything releasing it.
   */
  @Test
  void leadsHeldBeforeTheClaimsCountAndALeadThatLeftFreesItsPlace() {
    owner("caio", 1);
    store.insertContact(
        new Document("leadId", "old-1")
            .append("campaignId", "c-1")
            .append("segment", "smb")
            .append("stage", "in_conversation")
            .append("ownerId", "caio"));
    OwnerClaims owners = new OwnerClaims(MONGO.database());

    assertThat(owners.claim("caio", "new-1", NOW)).as("full by the contacts").isFalse();
    assertThat(owners.claim("caio", "old-1", NOW)).as("its own lead").isTrue();

    store.setContactFields("old-1", new Document("stage", "converted"));
    interested("new-1", NOW);
    assertThat(owners.claim("caio", "new-1", NOW)).as("the place freed by the outcome").isTrue();
    assertThat(owners.claim("caio", "new-2", NOW))
        .as("the claim in flight counts before its contact is written")
        .isFalse();
    // Its writer died before writing the contact: the claim lapses after the grace, on the
    // server's clock (the claim aged here as if written that long ago).
    ageClaims("caio", OwnerClaims.CLAIM_GRACE.plusSeconds(1));
    assertThat(owners.claim("caio", "new-2", NOW)).isTrue();
  }

  /** Moves the owner's claims back by {@code by}, as if they were written that long ago. */
  private void ageClaims(String ownerId, Duration by) {
    var owners = new Owners(MONGO.database()).collection();
    Document owner = owners.find(Filters.eq("_id", ownerId)).first();
    List<Document> holding = owner.getList(OwnerClaims.HOLDING, Document.class, List.of());
    for (Document h : holding) {
      h.put("at", Date.from(h.getDate("at").toInstant().minus(by)));
    }
    owners.updateOne(Filters.eq("_id", ownerId), Updates.set(OwnerClaims.HOLDING, holding));
  }

  /**
   * Two processes whose clocks differ by five minutes claim a rep's last place (capacity 1) one
   * after the other, for two leads. The first process's clock is behind: its claim, stamped with
   * it, looked seven minutes old to the second and was dropped as a dead writer's (older than the
   * two minutes' grace), so the rep got both leads. Now claims are stamped and aged on MongoDB's
   * clock: the second is full. The other way round (the first ahead), its claim outlived its grace
   * by the skew: written as the server sees it, it lapses after the grace alone.
   */
  @Test
  void aClaimFromAProcessWhoseClockIsBehindStillHoldsThePlace() {
    owner("kai", 1);
    interested("skew-1", NOW);
    interested("skew-2", NOW);
    Instant real = Instant.now();
    OwnerClaims behind = new OwnerClaims(MONGO.database());
    OwnerClaims right = new OwnerClaims(MONGO.database());

    assertThat(behind.claim("kai", "skew-1", real.minus(Duration.ofMinutes(5)))).isTrue();
    assertThat(right.claim("kai", "skew-2", real))
        .as("the place claimed a moment ago by the process whose clock is behind")
        .isFalse();

    owner("lia", 1);
    interested("skew-3", NOW);
    interested("skew-4", NOW);
    OwnerClaims ahead = new OwnerClaims(MONGO.database());
    assertThat(ahead.claim("lia", "skew-3", real.plus(Duration.ofMinutes(5)))).isTrue();
    // Its writer died: past the grace on the server's clock, the place is free, whatever the
    // clock of the process that wrote it said.
    ageClaims("lia", OwnerClaims.CLAIM_GRACE.plusSeconds(1));
    assertThat(right.claim("lia", "skew-4", real)).isTrue();
  }

  /**
   * A lead's assignment time ({@code ownerAssignedAt}) is set on MongoDB's clock, as the claims it
   * is compared with are. A process whose clock was five minutes ahead handed a lead to one rep; an
   * assignment of that lead to another rep (its SLA passed, or an operator's choice) has claimed
   * that rep's last place and is writing the lead's contact. Another claim on that rep meanwhile
   * must count it. Before, the contact carried the ahead clock's time, later than the claim's on
   * MongoDB's clock: "assigned since the claim", the claim was dropped, and the rep was given a
   * second lead past their capacity of one.
   */
  @Test
  void anAssignmentWrittenByAProcessWhoseClockIsAheadDoesNotDropALaterClaim() {
    owner("ned", 1);
    interested("moving", NOW);
    interested("other", NOW);
    Clock ahead = Clock.fixed(Instant.now().plus(Duration.ofMinutes(5)), ZoneOffset.UTC);
    assertThat(
            new HandOffActivitiesImpl(MONGO.database(), ahead)
                .handOff(new HandOffRequest("moving", "c-1", "smb", 1, Duration.ofHours(2)))
                .ownerId())
        .isEqualTo("ned");
    owner("mia", 1);
    OwnerClaims claims = new OwnerClaims(MONGO.database());
    Instant real = Instant.now();

    // The lead's next assignment, to mia: her place is claimed, the contact not written yet.
    assertThat(claims.claim("mia", "moving", real)).isTrue();

    assertThat(claims.claim("mia", "other", real))
        .as("mia's only place, claimed a moment ago for the lead moving to her")
        .isFalse();
  }

  /**
   * Found by the review: an assignment that claimed a rep's only place and died before writing the
   * lead's contact is retried (Temporal) while its claim is still pending; the retry's claim finds
   * the lead theirs already and answered the server's time now, not the claim's. The retry wrote
   * that later time as the contact's {@code ownerAssignedAt}, and until the contact was seen held
   * (its stage not a held one yet, or before the retry confirmed the claim) every other claim on
   * the rep read it as "assigned since the claim", dropped the claim and was given the rep's only
   * place: two leads at capacity one. Now the retry gets the stored claim's time.
   */
  @Test
  void aRetriedAssignmentWritesItsClaimsOwnTimeAndKeepsThePlace() {
    owner("rui", 1);
    store.insertContact(
        new Document("leadId", "retried")
            .append("campaignId", "c-1")
            .append("segment", "smb")
            .append("stage", "enrolled"));
    interested("other", NOW);
    OwnerClaims claims = new OwnerClaims(MONGO.database());
    Instant real = Instant.now();

    assertThat(claims.claimTimed("rui", "retried", real).place())
        .isEqualTo(OwnerClaims.Place.CLAIMED);
    // Its run died there; the retry comes 30 s later on the server's clock (the claim aged as if
    // written that long ago), within the claims' grace.
    ageClaims("rui", Duration.ofSeconds(30));
    Date claimedAt =
        new Owners(MONGO.database())
            .collection()
            .find(Filters.eq("_id", "rui"))
            .first()
            .getList(OwnerClaims.HOLDING, Document.class)
            .get(0)
            .getDate("at");
    OwnerClaims.Claimed retry = claims.claimTimed("rui", "retried", real);
    assertThat(retry.place()).isEqualTo(OwnerClaims.Place.CLAIMED);
    // The retry writes the contact as HandOffAttempts#assigned does; it has not confirmed yet.
    MONGO
        .database()
        .getCollection(Collections.CONTACTS)
        .updateOne(
            Filters.eq("leadId", "retried"),
            Updates.combine(
                Updates.set("ownerId", "rui"),
                Updates.set("ownerAssignedAt", Date.from(retry.at()))));

    assertThat(claims.claim("rui", "other", real))
        .as("rui's only place, claimed for the lead whose assignment is being retried")
        .isFalse();
    assertThat(retry.at()).as("the claim's own time").isEqualTo(claimedAt.toInstant());
  }

  /**
   * Found by the review: a rep with room whose claims stayed contended (other hand-offs wrote their
   * list on every round, as in a burst to one rep) was answered "at capacity" and the lead waited
   * the full 15 minutes. Now contended is not full: "owners busy", tried again in a minute.
   */
  @Test
  void aRepWithRoomWhoseClaimsStayContendedIsBusyNotFull() {
    owner("gil", 100);
    interested("burst-1", NOW);
    CommandListener anotherClaimEachTime =
        new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent e) {
            var target = e.getCommand().get("update");
            if (target != null
                && target.isString()
                && Owners.COLLECTION.equals(target.asString().getValue())) {
              new Owners(MONGO.database())
                  .collection()
                  .updateOne(Filters.eq("_id", "gil"), Updates.inc(OwnerClaims.HOLDING_VERSION, 1));
            }
          }
        };
    MongoClient client =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(MONGO.connectionString()))
                .addCommandListener(anotherClaimEachTime)
                .build());
    clients.add(client);

    OwnerAssignment answer =
        new HandOffActivitiesImpl(MONGO.database(client), clock)
            .handOff(new HandOffRequest("burst-1", "c-1", "smb", 1, Duration.ofHours(2)));

    assertThat(answer.ownerId()).isNull();
    assertThat(answer.note()).doesNotContain("at capacity").contains("busy");
    assertThat(answer.retryAt()).isEqualTo(NOW.plus(Duration.ofMinutes(1)));
  }

  /**
   * A claim whose assignment writes the lead's contact between the two reads that settle the claims
   * (the contacts the rep holds, then the contacts of the claims not seen held) still counts: the
   * contact is written with the claim's own time, so "assigned since the claim" does not hold and
   * the claim is this assignment's. Before, it was dropped between the two reads and the rep got a
   * second lead past capacity (CapacityRaceTest's freed-rep test, one run in four).
   */
  @Test
  void aClaimWhoseContactIsWrittenBetweenTheTwoReadsStillCounts() {
    owner("fay", 1);
    interested("mine", NOW);
    interested("late", NOW);
    OwnerClaims owners = new OwnerClaims(MONGO.database());
    assertThat(owners.claim("fay", "mine", NOW)).isTrue();
    AtomicInteger contactReads = new AtomicInteger();
    CommandListener assignmentLandsBetween =
        new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent e) {
            var target = e.getCommand().get("find");
            if (target != null
                && target.isString()
                && Collections.CONTACTS.equals(target.asString().getValue())
                && contactReads.incrementAndGet() == 2) {
              store.setContactFields(
                  "mine", new Document("ownerId", "fay").append("ownerAssignedAt", Date.from(NOW)));
            }
          }
        };
    MongoClient client =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(MONGO.connectionString()))
                .addCommandListener(assignmentLandsBetween)
                .build());
    clients.add(client);

    assertThat(new OwnerClaims(MONGO.database(client)).claim("fay", "late", NOW))
        .as("fay holds 'mine' already")
        .isFalse();
    assertThat(contactReads.get()).as("the assignment landed between the reads").isEqualTo(2);
  }

  /**
   * A lead given by hand (an operator's reassignment, a rep taking a waiting lead) is held whatever
   * the rep's room, and is claimed before its contact is written, so an automatic assignment
   * running meanwhile counts it; one that did not become theirs is released.
   */
  @Test
  void aLeadGivenByHandCountsAgainstAnAssignmentRunningMeanwhile() {
    owner("dora", 1);
    interested("hand-1", NOW);
    interested("hand-2", NOW);
    interested("auto-1", NOW);
    OwnerClaims owners = new OwnerClaims(MONGO.database());

    assertThat(owners.hold("dora", "hand-1", NOW)).isTrue();
    assertThat(owners.claim("dora", "auto-1", NOW)).as("the hand's claim counts").isFalse();
    assertThat(owners.hold("dora", "hand-2", NOW)).as("by hand: over capacity").isTrue();

    owners.release("dora", "hand-1");
    owners.release("dora", "hand-2");
    assertThat(owners.claim("dora", "auto-1", NOW)).as("released: room again").isTrue();
  }

  /**
   * A lead handed to a rep and given back at once (the release unsets its owner and assignment
   * time) frees its place at once, not after the claims' grace: the assignment confirmed its claim
   * when it wrote the contact.
   */
  @Test
  void aLeadGivenBackRightAfterItsAssignmentFreesItsPlaceAtOnce() {
    owner("eli", 1);
    interested("given-back", NOW);
    interested("next", NOW);
    HandOffActivitiesImpl handOffs = new HandOffActivitiesImpl(MONGO.database(), clock);
    assertThat(
            handOffs
                .handOff(new HandOffRequest("given-back", "c-1", "smb", 1, Duration.ofHours(2)))
                .ownerId())
        .isEqualTo("eli");

    MONGO
        .database()
        .getCollection(Collections.CONTACTS)
        .updateOne(
            Filters.eq("leadId", "given-back"),
            new Document("$unset", new Document("ownerId", "").append("ownerAssignedAt", "")));

    assertThat(new OwnerClaims(MONGO.database()).claim("eli", "next", NOW)).isTrue();
  }

  /**
   * A rep made inactive (DELETE, or a PUT with active false) while an automatic assignment to them
   * is under way. The deactivation is another process: it sets {@code active: false}, then hands on
   * the leads the contacts say the rep holds (OwnersResource#handOn), here at the assigner's {@code
   * nth} write to {@code collection}, the assigner held until it is done. Before, the assigner,
   * having read the rep active, claimed the place and gave them the lead after the hand-on's read:
   * the lead sat with an inactive rep until its SLA's deadline.
   */
  private void deactivatedDuringAnAssignment(String collection, int nth) throws Exception {
    owner("ivo", 5);
    new Owners(MONGO.database())
        .collection()
        .replaceOne(
            Filters.eq("_id", "jon"),
            owner("jon", 5).append("lastAssignedAt", Date.from(NOW.minusSeconds(60))));
    interested("left-1", NOW);
    java.util.concurrent.CountDownLatch atWrite = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch deactivated = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger writes = new AtomicInteger();
    CommandListener heldAtTheWrite =
        new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent e) {
            var target = e.getCommand().get(e.getCommandName());
            if (Set.of("update", "findAndModify").contains(e.getCommandName())
                && target != null
                && target.isString()
                && collection.equals(target.asString().getValue())
                && writes.incrementAndGet() == nth) {
              atWrite.countDown();
              try {
                deactivated.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    MongoClient client =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(MONGO.connectionString()))
                .addCommandListener(heldAtTheWrite)
                .build());
    clients.add(client);
    HandOffActivitiesImpl assigner = new HandOffActivitiesImpl(MONGO.database(client), clock);
    MongoDatabase api = MONGO.database();
    List<String> handedOn = new java.util.concurrent.CopyOnWriteArrayList<>();

    List<Object> answers =
        together(
            List.of(
                () ->
                    assigner.handOff(
                        new HandOffRequest("left-1", "c-1", "smb", 1, Duration.ofHours(2))),
                () -> {
                  assertThat(atWrite.await(10, TimeUnit.SECONDS)).isTrue();
                  new Owners(api)
                      .collection()
                      .updateOne(Filters.eq("_id", "ivo"), Updates.set("active", false));
                  for (Document held :
                      api.getCollection(Collections.CONTACTS)
                          .find(Filters.and(Filters.eq("ownerId", "ivo"), Owners.heldFilter()))) {
                    handedOn.add(held.getString("leadId"));
                  }
                  deactivated.countDown();
                  return null;
                }));

    OwnerAssignment answer = (OwnerAssignment) answers.get(0);
    assertThat(writes.get()).as("the assigner reached the write").isGreaterThanOrEqualTo(nth);
    assertThat(handedOn).as("the hand-on found nothing of ivo's yet").isEmpty();
    assertThat(answer.ownerId()).as("the lead goes to the active rep").isEqualTo("jon");
    assertThat(store.contact("left-1").getString("ownerId")).isEqualTo("jon");
    Document handOff =
        MONGO
            .database()
            .getCollection(HandOffActivitiesImpl.HANDOFFS)
            .find(Filters.eq("_id", "left-1"))
            .first();
    assertThat(handOff.getString("ownerId")).isEqualTo("jon");
    assertThat(handOff.getInteger("attempt")).isEqualTo(1);
    assertThat(
            new Owners(MONGO.database())
                .get("ivo").getList(OwnerClaims.HOLDING, Document.class, List.of()).stream()
                    .map(h -> h.getString("lead")))
        .as("ivo's claims")
        .doesNotContain("left-1");
  }

  /** Made inactive after the rep's turn was taken, before the claim's write. */
  @Test
  void aRepMadeInactiveBeforeTheClaimIsNotGivenTheLead() throws Exception {
    deactivatedDuringAnAssignment(Owners.COLLECTION, 2);
  }

  /**
   * Made inactive after the claim, as the attempt is written: the assigner finds the rep inactive
   * once the contact names them, takes the attempt back and gives the lead to another rep.
   */
  @Test
  void aRepMadeInactiveAfterTheClaimIsNotLeftHoldingTheLead() throws Exception {
    deactivatedDuringAnAssignment(HandOffActivitiesImpl.HANDOFFS, 1);
  }
}

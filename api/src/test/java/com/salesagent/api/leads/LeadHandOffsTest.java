package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.notify.Notifications;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.owners.HandOffsResource;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.dropwizard.jackson.Jackson;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A held lead moved by hand: reassigned to another rep (one lead, not every lead of a rep who
 * left), or snoozed by its rep until a time, taken off the Hand-offs queue until then or until the
 * lead writes.
 */
class LeadHandOffsTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private LeadStore store;
  private final List<String> gone = new CopyOnWriteArrayList<>();
  private final List<com.salesagent.workflows.lead.OwnerRelease> released =
      new CopyOnWriteArrayList<>();
  private LeadHandOffs handOffs;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    var owners = MONGO.database().getCollection(Owners.COLLECTION);
    owners.deleteMany(new Document());
    owners.insertMany(
        List.of(
            new Document("_id", "ana").append("name", "Ana Lima").append("active", true),
            new Document("_id", "bob").append("name", "Bob Reis").append("active", true),
            new Document("_id", "zed").append("name", "Zed Old").append("active", false)));
    handOffs = at(NOW);
  }

  private LeadHandOffs at(Instant now) {
    return at(now, store);
  }

  private LeadHandOffs at(Instant now, LeadStore store) {
    return new LeadHandOffs(
        store,
        leadId ->
            (LeadWorkflow)
                Proxy.newProxyInstance(
                    LeadWorkflow.class.getClassLoader(),
                    new Class<?>[] {LeadWorkflow.class},
                    (proxy, method, args) -> {
                      if (method.getName().equals("ownerGone")) {
                        gone.add(leadId + ":" + args[0]);
                        return null;
                      }
                      if (method.getName().equals("ownerReleased")) {
                        released.add((com.salesagent.workflows.lead.OwnerRelease) args[0]);
                        return null;
                      }
                      throw new UnsupportedOperationException(method.getName());
                    }),
        Jackson.newObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES),
        Clock.fixed(now, ZoneOffset.UTC));
  }

  /** A lead at {@code stage} held by {@code ownerId} on its first hand-off attempt. */
  private String lead(String stage, String ownerId) {
    String leadId = "H-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+55119" + Math.abs(leadId.hashCode() % 100000000))
            .append("segment", "smb")
            .append("stage", stage)
            .append("ownerId", ownerId)
            .append("updatedAt", Date.from(NOW)));
    if (ownerId != null) {
      MONGO
          .database()
          .getCollection(HandOffActivitiesImpl.HANDOFFS)
          .insertOne(
              new Document("_id", leadId)
                  .append("ownerId", ownerId)
                  .append("attempt", 1)
                  .append("status", "open")
                  .append("assignedAt", Date.from(NOW.minusSeconds(600)))
                  .append("dueAt", Date.from(NOW.plusSeconds(3600))));
    }
    return leadId;
  }

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A release tells the run when the rep pressed it (interest it records from then on goes to a
   * person again), and a release or a reassignment frees the rep's place at once (the oldest lead
   * waiting for them is taken, off the request's thread); the same release again frees nothing.
   */
  @Test
  void aReleaseOrAReassignmentFreesTheRepsPlaceAndTheReleaseSaysWhenItWasPressed() {
    List<String> freed = new CopyOnWriteArrayList<>();
    handOffs.whenOwnerFreed(freed::add);
    String leadId = lead("handed_off", "ana");
    store.setContactFields(
        leadId, new Document("funnel", new Document("interested", Date.from(NOW))));

    Response first =
        handOffs.release(
            "ops", leadId, json("{\"byOwnerId\":\"ana\",\"reason\":\"not before Q2\"}"));

    assertThat(first.getStatus()).isEqualTo(202);
    assertThat(released)
        .containsExactly(
            new com.salesagent.workflows.lead.OwnerRelease(
                "ana", "Ana Lima (ana)", "not before Q2", NOW));
    assertThat(freed).containsExactly("ana");
    Response again = handOffs.release("ops", leadId, json("{\"byOwnerId\":\"ana\"}"));
    assertThat(again.getStatus()).isEqualTo(200);
    assertThat(released).hasSize(2).last().extracting(r -> r.at()).isEqualTo(NOW);
    assertThat(freed).as("freed once").containsExactly("ana");

    String moved = lead("in_conversation", "ana");
    assertThat(handOffs.reassign("ops", moved, json("{\"ownerId\":\"bob\"}")).getStatus())
        .isEqualTo(202);
    assertThat(freed).containsExactly("ana", "ana");
  }

  /**
   * A release's reason is capped at 200 characters counted as a person sees them (code points): 200
   * letters of CJK extension B (non-BMP, 400 UTF-16 chars) are taken and reach the run whole; 201
   * are 422 naming reason, nothing released.
   */
  @Test
  void aReleasesReasonCapCountsCodePoints() {
    String letter = new String(Character.toChars(0x20000));
    String atCap = lead("handed_off", "ana");
    store.setContactFields(
        atCap, new Document("funnel", new Document("interested", Date.from(NOW))));
    Response taken =
        handOffs.release(
            "ops",
            atCap,
            json("{\"byOwnerId\":\"ana\",\"reason\":\"" + letter.repeat(200) + "\"}"));
    assertThat(taken.getStatus()).isEqualTo(202);
    assertThat(released).singleElement().extracting(r -> r.reason()).isEqualTo(letter.repeat(200));

    String past = lead("handed_off", "ana");
    store.setContactFields(
        past, new Document("funnel", new Document("interested", Date.from(NOW))));
    refused(
        () ->
            handOffs.release(
                "ops",
                past,
                json(
                    "{\"byOwnerId\":\"ana\",\"reason\":\""
                        + letter.repeat(200)
                        + "\uD840\uDC00\"}")),
        422,
        "reason");
    assertThat(released).hasSize(1);
  }

  /**
   * A client of the same server standing for one process: its first write ({@code update} or {@code
   * findAndModify}) to {@code collection} first lets {@code arrived} go, then waits (up to 10 s)
   * for {@code go}.
   */
  private com.mongodb.client.MongoDatabase process(
      List<com.mongodb.client.MongoClient> clients,
      String collection,
      java.util.concurrent.CountDownLatch arrived,
      java.util.concurrent.CountDownLatch go) {
    java.util.concurrent.atomic.AtomicBoolean first =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    com.mongodb.event.CommandListener held =
        new com.mongodb.event.CommandListener() {
          @Override
          public void commandStarted(com.mongodb.event.CommandStartedEvent e) {
            var target = e.getCommand().get(e.getCommandName());
            if (List.of("update", "findAndModify").contains(e.getCommandName())
                && target != null
                && target.isString()
                && collection.equals(target.asString().getValue())
                && first.compareAndSet(true, false)) {
              arrived.countDown();
              try {
                go.await(10, java.util.concurrent.TimeUnit.SECONDS);
              } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    com.mongodb.client.MongoClient client =
        com.mongodb.client.MongoClients.create(
            com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(MONGO.connectionString()))
                .addCommandListener(held)
                .build());
    clients.add(client);
    return MONGO.database(client);
  }

  /**
   * A lead reassigned by hand to a rep with one free place while the worker hands another lead to
   * that rep, at once (two processes). The interleaving is forced: the worker has read the rep's
   * load (none) and waits at its first write until the reassignment has claimed the lead on the
   * rep's capacity (OwnerClaims#hold), and the reassignment waits at its hand-off write, before the
   * contact names the rep, until the worker is done. As README says: the person's choice is not
   * refused (202, the rep holds the lead), and the automatic assignment counts it (the rep is at
   * capacity; its lead waits and is tried again).
   */
  @Test
  void aReassignmentByHandAndAnAutomaticAssignmentToARepWithOnePlaceAtOnce() throws Exception {
    var owners = MONGO.database().getCollection(Owners.COLLECTION);
    owners.updateOne(Filters.eq("_id", "bob"), new Document("$set", new Document("capacity", 1)));
    owners.updateOne(Filters.eq("_id", "ana"), new Document("$set", new Document("capacity", 0)));
    String byHand = lead("in_conversation", "ana");
    String automatic = "W-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", automatic)
            .append("campaignId", "c-1")
            .append("segment", "smb")
            .append("stage", "interested")
            .append("updatedAt", Date.from(NOW)));
    List<com.mongodb.client.MongoClient> clients = new CopyOnWriteArrayList<>();
    var heldClaimed = new java.util.concurrent.CountDownLatch(1);
    var workerDone = new java.util.concurrent.CountDownLatch(1);
    var workerAtWrite = new java.util.concurrent.CountDownLatch(1);
    LeadHandOffs api =
        at(
            NOW,
            new LeadStore(
                process(clients, HandOffActivitiesImpl.HANDOFFS, heldClaimed, workerDone)));
    HandOffActivitiesImpl worker =
        new HandOffActivitiesImpl(
            process(clients, Owners.COLLECTION, workerAtWrite, heldClaimed),
            Clock.fixed(NOW, ZoneOffset.UTC));
    var two = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var handed =
          two.submit(
              () -> {
                try {
                  return worker.handOff(
                      new com.salesagent.workflows.lead.HandOffRequest(
                          automatic, "c-1", "smb", 1, Duration.ofHours(2)));
                } finally {
                  workerDone.countDown();
                }
              });
      var reassigned =
          two.submit(
              () -> {
                assertThat(workerAtWrite.await(10, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the worker read the rep's load first")
                    .isTrue();
                return handOffs_reassign(api, byHand);
              });

      assertThat(reassigned.get(60, java.util.concurrent.TimeUnit.SECONDS))
          .as("the reassignment by hand")
          .isEqualTo(202);
      var answer = handed.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(answer.ownerId()).as("the automatic assignment").isNull();
      assertThat(answer.note()).contains("at capacity");
      assertThat(answer.retryAt()).isNotNull();
    } finally {
      two.shutdownNow();
      clients.forEach(com.mongodb.client.MongoClient::close);
    }
    assertThat(heldClaimed.getCount()).as("the interleaving was forced").isZero();
    assertThat(store.contact(byHand).getString("ownerId")).isEqualTo("bob");
    assertThat(store.contact(automatic).getString("ownerId")).isNull();
    assertThat(
            MONGO
                .database()
                .getCollection(Collections.CONTACTS)
                .countDocuments(Filters.and(Filters.eq("ownerId", "bob"), Owners.heldFilter())))
        .as("bob's load")
        .isEqualTo(1);
  }

  private static int handOffs_reassign(LeadHandOffs api, String leadId) {
    return api.reassign("ops", leadId, json("{\"ownerId\":\"bob\"}")).getStatus();
  }

  private static void refused(Runnable call, int status, String field) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.errors()).extracting(f -> f.field()).contains(field);
            });
  }

  private long audits(String leadId, String action) {
    return MONGO
        .database()
        .getCollection(Collections.AUDIT_LOG)
        .countDocuments(Filters.and(Filters.eq("leadId", leadId), Filters.eq("action", action)));
  }

  private long handedOffNotices(String leadId) {
    return MONGO
        .database()
        .getCollection(Notifications.COLLECTION)
        .countDocuments(Filters.eq("leadId", leadId));
  }

  @Test
  void aLeadIsReassignedToAnotherActiveRepOnceWithAFreshSla() {
    String leadId = lead("in_conversation", "ana");

    refused(() -> handOffs.reassign("ops", leadId, json("{}")), 422, "ownerId");
    refused(
        () -> handOffs.reassign("ops", leadId, json("{\"ownerId\":\"nobody\"}")), 422, "ownerId");
    refused(() -> handOffs.reassign("ops", leadId, json("{\"ownerId\":\"zed\"}")), 422, "ownerId");
    refused(
        () -> handOffs.reassign("ops", leadId, json("{\"ownerId\":\"bob\",\"byOwnerId\":\"bob\"}")),
        409,
        "byOwnerId");
    assertThat(gone).isEmpty();

    Response first = handOffs.reassign("ops", leadId, json("{\"ownerId\":\"bob\"}"));
    assertThat(first.getStatus()).isEqualTo(202);
    assertThat(((LeadHandOffs.Reassigned) first.getEntity()).status()).isEqualTo("reassigned");
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("bob");
    Document h =
        MONGO
            .database()
            .getCollection(HandOffActivitiesImpl.HANDOFFS)
            .find(Filters.eq("_id", leadId))
            .first();
    assertThat(h.getString("ownerId")).isEqualTo("bob");
    assertThat(h.getInteger("attempt")).as("the run's next attempt, claimed").isEqualTo(2);
    assertThat(h.getString(HandOffActivitiesImpl.BY_HAND_NOTE)).isEqualTo("reassigned by ops");
    assertThat(h.getDate("dueAt").toInstant())
        .as("bob's own SLA (the default 2 h, always working)")
        .isEqualTo(NOW.plus(Duration.ofHours(2)));
    assertThat(gone).containsExactly(leadId + ":ana");
    assertThat(audits(leadId, "handoff_reassigned_by_hand")).isEqualTo(1);
    assertThat(handedOffNotices(leadId)).isEqualTo(1);

    // The same request again (a retry, a double click): 200 already, nothing written.
    Response again = handOffs.reassign("ops", leadId, json("{\"ownerId\":\"bob\"}"));
    assertThat(again.getStatus()).isEqualTo(200);
    assertThat(((LeadHandOffs.Reassigned) again.getEntity()).status()).isEqualTo("already_owner");
    Document after =
        MONGO
            .database()
            .getCollection(HandOffActivitiesImpl.HANDOFFS)
            .find(Filters.eq("_id", leadId))
            .first();
    assertThat(after).isEqualTo(h);
    assertThat(audits(leadId, "handoff_reassigned_by_hand")).isEqualTo(1);
    assertThat(handedOffNotices(leadId)).isEqualTo(1);

    // Ana no longer holds it: she cannot move it on; bob, its owner now, can hand it back.
    refused(
        () -> handOffs.reassign("ops", leadId, json("{\"ownerId\":\"ana\",\"byOwnerId\":\"ana\"}")),
        409,
        "byOwnerId");
    assertThat(
            handOffs
                .reassign("ops", leadId, json("{\"ownerId\":\"ana\",\"byOwnerId\":\"bob\"}"))
                .getStatus())
        .isEqualTo(202);
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("ana");
  }

  /**
   * Known defect (note of session 47): a reassignment by hand writes the hand-off, then the
   * contact; a crash between the two left the hand-off naming the new rep and the contact the old
   * one, and every later move of the lead (its retry included) was refused 409 ("its hand-off names
   * another owner than the lead"). Written here as that half state: the retry now finishes it (the
   * contact, the audit, the new rep told, the run's ownerGone) and the next move finishes it, then
   * moves it.
   */
  @Test
  void aReassignmentByHandThatDiedBetweenItsWritesIsFinishedByItsRetryOrTheNextMove() {
    MONGO
        .database()
        .getCollection(Owners.COLLECTION)
        .insertOne(new Document("_id", "cy").append("name", "Cy Neto").append("active", true));
    String retried = lead("in_conversation", "ana");
    String next = lead("in_conversation", "ana");
    for (String leadId : List.of(retried, next)) {
      // The first request's claim of the hand-off, written; its contact write never made.
      MONGO
          .database()
          .getCollection(HandOffActivitiesImpl.HANDOFFS)
          .updateOne(
              Filters.eq("_id", leadId),
              new Document(
                  "$set",
                  new Document("ownerId", "bob")
                      .append("attempt", 2)
                      .append("assignedAt", Date.from(NOW.minusSeconds(60)))
                      .append("status", "open")
                      .append(HandOffActivitiesImpl.BY_HAND_FROM, "ana")
                      .append(HandOffActivitiesImpl.BY_HAND_NOTE, "reassigned by ops")));
    }

    Response again = handOffs.reassign("ops", retried, json("{\"ownerId\":\"bob\"}"));
    assertThat(again.getStatus()).isEqualTo(202);
    assertThat(store.contact(retried).getString("ownerId")).isEqualTo("bob");
    assertThat(gone).containsExactly(retried + ":ana");
    assertThat(audits(retried, "handoff_reassigned_by_hand")).isEqualTo(1);
    assertThat(handedOffNotices(retried)).isEqualTo(1);
    assertThat(handOffs.reassign("ops", retried, json("{\"ownerId\":\"bob\"}")).getStatus())
        .as("once finished, the same request is the plain retry")
        .isEqualTo(200);
    assertThat(handedOffNotices(retried)).isEqualTo(1);

    Response moved = handOffs.reassign("ops", next, json("{\"ownerId\":\"cy\"}"));
    assertThat(moved.getStatus()).isEqualTo(202);
    assertThat(store.contact(next).getString("ownerId")).isEqualTo("cy");
    Document h =
        MONGO
            .database()
            .getCollection(HandOffActivitiesImpl.HANDOFFS)
            .find(Filters.eq("_id", next))
            .first();
    assertThat(h.getString("ownerId")).isEqualTo("cy");
    assertThat(h.getInteger("attempt")).isEqualTo(3);
    assertThat(gone).contains(next + ":ana", next + ":bob");
    assertThat(audits(next, "handoff_reassigned_by_hand")).isEqualTo(2);
  }

  /** The hand-off of a lead ana holds, as a move by hand to bob that died before its contact. */
  private void movedByHandHalfway(String leadId) {
    MONGO
        .database()
        .getCollection(HandOffActivitiesImpl.HANDOFFS)
        .updateOne(
            Filters.eq("_id", leadId),
            new Document(
                "$set",
                new Document("ownerId", "bob")
                    .append("attempt", 2)
                    .append("assignedAt", Date.from(NOW.minusSeconds(60)))
                    .append("remindAt", Date.from(NOW.plus(Duration.ofHours(1))))
                    .append("dueAt", Date.from(NOW.plus(Duration.ofHours(2))))
                    .append("status", "open")
                    .append(HandOffActivitiesImpl.BY_HAND_FROM, "ana")
                    .append(HandOffActivitiesImpl.BY_HAND_NOTE, "reassigned by ops")));
  }

  /**
   * Known defect (session 47's hand-off note, 2): a retried reassignment whose decided rep (zed)
   * left, nobody else free, takes its attempt back and the lead's rep keeps it; the run's deadline
   * is then its retry time, but the lead's hand-off kept the taken-back attempt's remindAt/dueAt,
   * so the Hand-offs queue showed a due time the run did not have. Now the queue shows the run's.
   */
  @Test
  void aLeadKeptByItsRepAfterATakeBackShowsTheRunsDueTimeOnTheQueue() {
    String leadId = lead("handed_off", "ana");
    Instant zedsDue = NOW.plus(Duration.ofHours(2));
    // The retry's first run decided zed (inactive since) and died before the contact's write.
    MONGO
        .database()
        .getCollection(HandOffActivitiesImpl.HANDOFFS)
        .updateOne(
            Filters.eq("_id", leadId),
            new Document(
                "$set",
                new Document("ownerId", "zed")
                    .append("attempt", 2)
                    .append("assignedAt", Date.from(NOW))
                    .append("remindAt", Date.from(NOW.plus(Duration.ofHours(1))))
                    .append("dueAt", Date.from(zedsDue))
                    .append("status", "open")
                    .append(
                        "history",
                        List.of(
                            new Document("ownerId", "ana")
                                .append("attempt", 1)
                                .append("at", Date.from(NOW.minusSeconds(600))),
                            new Document("ownerId", "zed")
                                .append("attempt", 2)
                                .append("at", Date.from(NOW))))));

    var kept =
        new HandOffActivitiesImpl(MONGO.database(), new com.salesagent.activities.MutableClock(NOW))
            .handOff(
                new com.salesagent.workflows.lead.HandOffRequest(
                    leadId, "c-1", "smb", 2, Duration.ofHours(2)));

    assertThat(kept.ownerId()).as("nobody else: ana keeps it").isNull();
    assertThat(kept.retryAt()).as("the run's deadline (HandOffClock: its retry time)").isNotNull();
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("ana");
    HandOffsResource.HandOffRow row =
        new HandOffsResource(MONGO.database(), Clock.fixed(NOW, ZoneOffset.UTC))
            .queue("ana", null).handoffs().stream()
                .filter(r -> r.leadId().equals(leadId))
                .findFirst()
                .orElseThrow();
    assertThat(row.attempt()).isEqualTo(1);
    assertThat(row.dueAt())
        .as("the run's deadline, not the taken-back attempt's")
        .isEqualTo(kept.retryAt().toString());
    assertThat(row.overdue()).isFalse();
  }

  /**
   * Known defect (session 47's hand-off note, 5): a move by hand that died between its writes, its
   * new rep (zed) made inactive since, could not be finished, and every later move of the lead was
   * 409. Nobody chose another rep, so the move is undone (the lead its holder's again, audited) and
   * the request goes on: here ana's lead moves to bob.
   */
  @Test
  void aMoveByHandToARepMadeInactiveSinceIsUndoneAndTheNextMoveGoesOn() {
    String leadId = lead("in_conversation", "ana");
    MONGO
        .database()
        .getCollection(HandOffActivitiesImpl.HANDOFFS)
        .updateOne(
            Filters.eq("_id", leadId),
            new Document(
                "$set",
                new Document("ownerId", "zed")
                    .append("attempt", 2)
                    .append("assignedAt", Date.from(NOW.minusSeconds(60)))
                    .append("status", "open")
                    .append(HandOffActivitiesImpl.BY_HAND_FROM, "ana")
                    .append(HandOffActivitiesImpl.BY_HAND_NOTE, "reassigned by ops")
                    .append(
                        "history",
                        List.of(
                            new Document("ownerId", "ana")
                                .append("attempt", 1)
                                .append("at", Date.from(NOW.minusSeconds(600))),
                            new Document("ownerId", "zed")
                                .append("attempt", 2)
                                .append("at", Date.from(NOW.minusSeconds(60)))
                                .append("by", "ops")))));

    Response moved = handOffs.reassign("ops", leadId, json("{\"ownerId\":\"bob\"}"));

    assertThat(moved.getStatus()).isEqualTo(202);
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("bob");
    Document h =
        MONGO
            .database()
            .getCollection(HandOffActivitiesImpl.HANDOFFS)
            .find(Filters.eq("_id", leadId))
            .first();
    assertThat(h.getString("ownerId")).isEqualTo("bob");
    assertThat(h.getInteger("attempt")).isEqualTo(2);
    assertThat(h.getString(HandOffActivitiesImpl.BY_HAND_FROM)).isEqualTo("ana");
    assertThat(gone).containsExactly(leadId + ":ana");
    assertThat(audits(leadId, "handoff_reassign_undone")).isEqualTo(1);
    assertThat(audits(leadId, "handoff_reassigned_by_hand")).isEqualTo(1);
    assertThat(
            MONGO
                .database()
                .getCollection(Collections.CONTACTS)
                .countDocuments(Filters.and(Filters.eq("ownerId", "zed"), Owners.heldFilter())))
        .isZero();
  }

  /**
   * Known defect (session 47's hand-off note, 3): a move by hand that died between its writes,
   * finished by the lead's run (its hand-off's retry) rather than by the API, was never audited.
   * Now whichever finishes it writes the move's audit entry (by the operator who asked), once: the
   * run's retry again, or the API's retry of the request after it, adds none.
   */
  @Test
  void aMoveByHandFinishedByTheRunsRetryIsAuditedOnce() {
    String leadId = lead("in_conversation", "ana");
    movedByHandHalfway(leadId);
    MONGO
        .database()
        .getCollection(HandOffActivitiesImpl.HANDOFFS)
        .updateOne(
            Filters.eq("_id", leadId),
            new Document(
                "$push",
                new Document(
                    "history",
                    new Document("ownerId", "bob")
                        .append("attempt", 2)
                        .append("at", Date.from(NOW.minusSeconds(60)))
                        .append("by", "maria"))));
    var clock = new com.salesagent.activities.MutableClock(NOW);
    var request =
        new com.salesagent.workflows.lead.HandOffRequest(
            leadId, "c-1", "smb", 2, Duration.ofHours(2));

    var retried = new HandOffActivitiesImpl(MONGO.database(), clock).handOff(request);

    assertThat(retried.ownerId()).isEqualTo("bob");
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("bob");
    assertThat(audits(leadId, "handoff_reassigned_by_hand")).isEqualTo(1);
    Document entry =
        MONGO
            .database()
            .getCollection(Collections.AUDIT_LOG)
            .find(
                Filters.and(
                    Filters.eq("leadId", leadId),
                    Filters.eq("action", "handoff_reassigned_by_hand")))
            .first();
    assertThat(entry.getString("by")).isEqualTo("maria");
    assertThat(entry.getString("detail")).isEqualTo("ana -> bob");

    new HandOffActivitiesImpl(MONGO.database(), clock).handOff(request);
    assertThat(handOffs.reassign("ops", leadId, json("{\"ownerId\":\"bob\"}")).getStatus())
        .isEqualTo(200);
    assertThat(audits(leadId, "handoff_reassigned_by_hand")).isEqualTo(1);
    assertThat(handedOffNotices(leadId)).isEqualTo(1);
  }

  /**
   * Known defect (session 47's hand-off note, 4): a snooze did not finish a move by hand that died
   * between its writes, as a reassignment or a release does: ana, no longer the lead's rep, snoozed
   * it (for herself) and the move stayed half done. Now the snooze finishes it first: the lead is
   * bob's (audited, the run told), ana's snooze is 409 naming byOwnerId, and an operator's is 409
   * naming leadId (bob has not taken it yet).
   */
  @Test
  void aSnoozeFinishesAMoveByHandThatDiedBetweenItsWritesFirst() {
    String leadId = lead("in_conversation", "ana");
    movedByHandHalfway(leadId);
    String until = NOW.plus(Duration.ofDays(1)).toString();

    refused(
        () ->
            handOffs.snooze(
                "ops", leadId, json("{\"until\":\"" + until + "\",\"byOwnerId\":\"ana\"}")),
        409,
        "byOwnerId");

    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("bob");
    assertThat(store.contact(leadId).get(com.salesagent.api.owners.SnoozedLeads.FIELD)).isNull();
    assertThat(gone).containsExactly(leadId + ":ana");
    assertThat(audits(leadId, "handoff_reassigned_by_hand")).isEqualTo(1);
    assertThat(audits(leadId, "handoff_snoozed")).isZero();

    String other = lead("in_conversation", "ana");
    movedByHandHalfway(other);
    refused(
        () -> handOffs.snooze("ops", other, json("{\"until\":\"" + until + "\"}")), 409, "leadId");
    assertThat(store.contact(other).getString("ownerId")).isEqualTo("bob");
    assertThat(store.contact(other).get(com.salesagent.api.owners.SnoozedLeads.FIELD)).isNull();
    assertThat(audits(other, "handoff_reassigned_by_hand")).isEqualTo(1);
  }

  /**
   * Known defect (note of session 47): a rep accepting their lead while a retried reassignment (its
   * first run died after deciding another rep) was between its read of the contact and its write
   * lost the lead: the write matched the contact as read, which an acceptance did not change. Now
   * the acceptance marks the contact first and the retry's write is conditional on that mark: the
   * rep who accepted keeps the lead, the hand-off names them again, and the run is told that nobody
   * new took it.
   */
  @Test
  void aRepWhoAcceptsWhileARetriedReassignmentWritesTheContactKeepsTheLead() {
    var db = MONGO.database();
    for (String id : List.of("ana", "bob")) {
      db.getCollection(Owners.COLLECTION)
          .updateOne(
              Filters.eq("_id", id),
              new Document(
                  "$set",
                  new Document("capacity", 10)
                      .append("segments", List.of())
                      .append("timezone", "UTC")
                      .append(
                          "workingHours",
                          new Document("start", "00:00")
                              .append("end", "23:59")
                              .append("days", List.of(1, 2, 3, 4, 5, 6, 7)))));
    }
    String leadId = lead("interested", null);
    var clock = new com.salesagent.activities.MutableClock(NOW);
    var sla = Duration.ofHours(2);
    String first =
        new HandOffActivitiesImpl(db, clock)
            .handOff(new com.salesagent.workflows.lead.HandOffRequest(leadId, "c-1", "smb", 1, sla))
            .ownerId();
    store.setContactFields(leadId, new Document("stage", "handed_off"));
    clock.advance(sla);
    var second = new com.salesagent.workflows.lead.HandOffRequest(leadId, "c-1", "smb", 2, sla);
    assertThatThrownBy(
            () ->
                new HandOffActivitiesImpl(
                        beforeTheContactsOwner(
                            db,
                            () -> {
                              throw new IllegalStateException("the worker died");
                            }),
                        clock)
                    .handOff(second))
        .hasMessageContaining("the worker died");
    var handoffs = db.getCollection(HandOffActivitiesImpl.HANDOFFS);
    String decided = handoffs.find(Filters.eq("_id", leadId)).first().getString("ownerId");
    assertThat(decided).isNotEqualTo(first);
    List<String> actions = new CopyOnWriteArrayList<>();
    HandOffAcceptance acceptance =
        new HandOffAcceptance(
            store,
            new Owners(db),
            id ->
                (LeadWorkflow)
                    Proxy.newProxyInstance(
                        LeadWorkflow.class.getClassLoader(),
                        new Class<?>[] {LeadWorkflow.class},
                        (proxy, method, args) -> {
                          actions.add(method.getName() + ":" + args[0]);
                          return null;
                        }),
            Clock.fixed(NOW.plus(sla), ZoneOffset.UTC));
    java.util.concurrent.atomic.AtomicBoolean once =
        new java.util.concurrent.atomic.AtomicBoolean();

    var retried =
        new HandOffActivitiesImpl(
                beforeTheContactsOwner(
                    db,
                    () -> {
                      if (once.compareAndSet(false, true)) {
                        acceptance.take("ops", leadId, first); // the rep accepts, right now
                      }
                    }),
                clock)
            .handOff(second);

    assertThat(once).as("the acceptance came between the retry's read and its write").isTrue();
    assertThat(actions).hasSize(1);
    assertThat(store.contact(leadId).getString("ownerId"))
        .as("the rep who accepted keeps the lead")
        .isEqualTo(first);
    assertThat(retried.ownerId()).as("the run is told nobody new took it").isNull();
    Document h = handoffs.find(Filters.eq("_id", leadId)).first();
    assertThat(h.getString("ownerId")).isEqualTo(first);
    assertThat(h.getString("status")).isEqualTo("accepted");
    assertThat(handedOffNotices(leadId)).as("only the first hand-off was told").isEqualTo(1);
  }

  /** The real acceptance, its run's signals recorded in {@code actions}. */
  private HandOffAcceptance acceptance(List<String> actions, Instant at) {
    return new HandOffAcceptance(
        store,
        new Owners(MONGO.database()),
        id ->
            (LeadWorkflow)
                Proxy.newProxyInstance(
                    LeadWorkflow.class.getClassLoader(),
                    new Class<?>[] {LeadWorkflow.class},
                    (proxy, method, args) -> {
                      actions.add(method.getName() + ":" + args[0]);
                      return null;
                    }),
        Clock.fixed(at, ZoneOffset.UTC));
  }

  /**
   * Known defect (session 47's hand-off note, 1): the FIRST run of a reassignment at the SLA wrote
   * the contact unconditionally, so a rep accepting right before that write lost the lead they had
   * just accepted (only the retry's write required the acceptance mark as read). Now the first
   * run's write requires it too: the rep who accepted keeps the lead, the attempt is taken back
   * with the acceptance, and the run is told nobody new took it.
   */
  @Test
  void aRepWhoAcceptsWhileAFirstRunReassignmentWritesTheContactKeepsTheLead() {
    var db = MONGO.database();
    for (String id : List.of("ana", "bob")) {
      db.getCollection(Owners.COLLECTION)
          .updateOne(
              Filters.eq("_id", id),
              new Document(
                  "$set",
                  new Document("capacity", 10)
                      .append("segments", List.of())
                      .append("timezone", "UTC")
                      .append(
                          "workingHours",
                          new Document("start", "00:00")
                              .append("end", "23:59")
                              .append("days", List.of(1, 2, 3, 4, 5, 6, 7)))));
    }
    String leadId = lead("interested", null);
    var clock = new com.salesagent.activities.MutableClock(NOW);
    var sla = Duration.ofHours(2);
    String first =
        new HandOffActivitiesImpl(db, clock)
            .handOff(new com.salesagent.workflows.lead.HandOffRequest(leadId, "c-1", "smb", 1, sla))
            .ownerId();
    store.setContactFields(leadId, new Document("stage", "handed_off"));
    clock.advance(sla);
    List<String> actions = new CopyOnWriteArrayList<>();
    HandOffAcceptance acceptance = acceptance(actions, NOW.plus(sla));
    java.util.concurrent.atomic.AtomicBoolean once =
        new java.util.concurrent.atomic.AtomicBoolean();

    var second =
        new HandOffActivitiesImpl(
                beforeTheContactsOwner(
                    db,
                    () -> {
                      if (once.compareAndSet(false, true)) {
                        acceptance.take("ops", leadId, first); // the rep accepts, right now
                      }
                    }),
                clock)
            .handOff(
                new com.salesagent.workflows.lead.HandOffRequest(leadId, "c-1", "smb", 2, sla));

    assertThat(once).as("the acceptance came right before the contact's write").isTrue();
    assertThat(actions).hasSize(1);
    assertThat(store.contact(leadId).getString("ownerId"))
        .as("the rep who accepted keeps the lead")
        .isEqualTo(first);
    assertThat(second.ownerId()).as("the run is told nobody new took it").isNull();
    Document h =
        db.getCollection(HandOffActivitiesImpl.HANDOFFS).find(Filters.eq("_id", leadId)).first();
    assertThat(h.getString("ownerId")).isEqualTo(first);
    assertThat(h.getInteger("attempt")).isEqualTo(1);
    assertThat(h.getString("status")).isEqualTo("accepted");
    assertThat(handedOffNotices(leadId)).as("only the first hand-off was told").isEqualTo(1);
  }

  /**
   * Known defect (session 47's hand-off note, 1): a reassignment by hand wrote the contact
   * conditional only on its owner, so the holder accepting right before that write lost the lead
   * they had just accepted (hand-off accepted by them, contact the new rep's). Now the move's
   * contact write requires the acceptance mark as read: the acceptance wins, the move's claim is
   * taken back and the request answers 409 naming leadId; nothing is audited or signalled.
   */
  @Test
  void aRepWhoAcceptsWhileAReassignmentByHandWritesTheContactKeepsTheLead() {
    String leadId = lead("handed_off", "ana");
    List<String> actions = new CopyOnWriteArrayList<>();
    HandOffAcceptance acceptance = acceptance(actions, NOW);
    java.util.concurrent.atomic.AtomicBoolean once =
        new java.util.concurrent.atomic.AtomicBoolean();
    LeadHandOffs api =
        at(
            NOW,
            new LeadStore(
                beforeTheContactsOwner(
                    MONGO.database(),
                    () -> {
                      if (once.compareAndSet(false, true)) {
                        acceptance.take("ops", leadId, "ana"); // ana accepts, right now
                      }
                    })));

    refused(() -> api.reassign("ops", leadId, json("{\"ownerId\":\"bob\"}")), 409, "leadId");

    assertThat(once).as("the acceptance came right before the contact's write").isTrue();
    assertThat(actions).hasSize(1);
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("ana");
    Document h =
        MONGO
            .database()
            .getCollection(HandOffActivitiesImpl.HANDOFFS)
            .find(Filters.eq("_id", leadId))
            .first();
    assertThat(h.getString("ownerId")).isEqualTo("ana");
    assertThat(h.getInteger("attempt")).isEqualTo(1);
    assertThat(h.getString("status")).isEqualTo("accepted");
    assertThat(h.get(HandOffActivitiesImpl.BY_HAND_FROM)).isNull();
    assertThat(gone).as("the run is not told ana is gone").isEmpty();
    assertThat(audits(leadId, "handoff_reassigned_by_hand")).isZero();
    assertThat(handedOffNotices(leadId)).isZero();
    assertThat(
            MONGO
                .database()
                .getCollection(Collections.CONTACTS)
                .countDocuments(Filters.and(Filters.eq("ownerId", "bob"), Owners.heldFilter())))
        .as("bob holds nothing")
        .isZero();
  }

  /**
   * Known defect (session 49, 1): a move by hand whose contact write missed because the holder's
   * acceptance had marked the contact, the acceptance then losing its own hand-off write (the move
   * had claimed it) and putting the mark back before the move read the contact again: the move saw
   * the holder and the mark as it first read them, went on, and answered 202 with the hand-off
   * naming bob, the contact still ana and the run told ana left. Two threads, the real acceptance:
   * it reads the lead before the move's claim and marks it; the move claims and misses the contact;
   * the acceptance is then refused and puts its mark back; the move reads the contact last. Now the
   * move goes on only when the contact names its target: else it is taken back and refused.
   */
  @Test
  void aMoveByHandThatMissedTheContactIsTakenBackThoughTheMarkWasPutBack() throws Exception {
    String leadId = lead("handed_off", "ana");
    List<String> actions = new CopyOnWriteArrayList<>();
    var marked = new java.util.concurrent.CountDownLatch(1);
    var moveMissed = new java.util.concurrent.CountDownLatch(1);
    HandOffAcceptance acceptance =
        new HandOffAcceptance(
            new LeadStore(
                beforeAnUpdateOf(
                    MONGO.database(),
                    HandOffActivitiesImpl.HANDOFFS,
                    "acceptedBy",
                    () -> {
                      marked.countDown(); // the contact is marked; its hand-off write waits
                      await(moveMissed);
                    })),
            new Owners(MONGO.database()),
            id ->
                (LeadWorkflow)
                    Proxy.newProxyInstance(
                        LeadWorkflow.class.getClassLoader(),
                        new Class<?>[] {LeadWorkflow.class},
                        (proxy, method, args) -> {
                          actions.add(method.getName() + ":" + args[0]);
                          return null;
                        }),
            Clock.fixed(NOW, ZoneOffset.UTC));
    var one = java.util.concurrent.Executors.newSingleThreadExecutor();
    List<java.util.concurrent.Future<?>> taking = new CopyOnWriteArrayList<>();
    try {
      LeadHandOffs api =
          at(
              NOW,
              new LeadStore(
                  afterTheContactsOwner(
                      beforeAnUpdateOf(
                          MONGO.database(),
                          HandOffActivitiesImpl.HANDOFFS,
                          HandOffActivitiesImpl.BY_HAND_PRIOR,
                          () -> {
                            if (taking.isEmpty()) { // ana accepts, right before the claim
                              taking.add(one.submit(() -> acceptance.take("ops", leadId, "ana")));
                              await(marked);
                            }
                          }),
                      () -> {
                        moveMissed.countDown(); // the acceptance goes on, refused: mark put back
                        assertThatThrownBy(() -> taking.get(0).get(10, TimeUnit.SECONDS))
                            .hasCauseInstanceOf(ApiException.class);
                      })));

      refused(() -> api.reassign("ops", leadId, json("{\"ownerId\":\"bob\"}")), 409, "leadId");
    } finally {
      one.shutdownNow();
    }

    assertThat(taking).as("the acceptance came as the move claimed").hasSize(1);
    Document contact = store.contact(leadId);
    assertThat(contact.getString("ownerId")).isEqualTo("ana");
    assertThat(contact.get(HandOffActivitiesImpl.OWNER_ACCEPTED_AT))
        .as("the acceptance's mark put back")
        .isNull();
    Document h =
        MONGO
            .database()
            .getCollection(HandOffActivitiesImpl.HANDOFFS)
            .find(Filters.eq("_id", leadId))
            .first();
    assertThat(h.getString("ownerId")).as("the move taken back").isEqualTo("ana");
    assertThat(h.getInteger("attempt")).isEqualTo(1);
    assertThat(h.getString("status")).isEqualTo("open");
    assertThat(h.get(HandOffActivitiesImpl.BY_HAND_FROM)).isNull();
    assertThat(gone).as("the run is not told ana left").isEmpty();
    assertThat(actions).isEmpty();
    assertThat(audits(leadId, "handoff_reassigned_by_hand")).isZero();
    assertThat(handedOffNotices(leadId)).isZero();
    assertThat(
            MONGO
                .database()
                .getCollection(Owners.COLLECTION)
                .find(Filters.eq("_id", "bob"))
                .first()
                .getList(
                    com.salesagent.activities.handoff.OwnerClaims.HOLDING,
                    Document.class,
                    List.of())
                .stream()
                .map(c -> c.getString("lead")))
        .as("bob's claim released")
        .doesNotContain(leadId);
    assertThat(api_reassignAgain(leadId)).as("the next move goes on").isEqualTo(202);
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("bob");
  }

  private int api_reassignAgain(String leadId) {
    return handOffs.reassign("ops", leadId, json("{\"ownerId\":\"bob\"}")).getStatus();
  }

  private static void await(java.util.concurrent.CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the other side never came");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Known defect (session 49, 4): the acceptance of a lead nobody held wrote its hand-off by {@code
   * _id} alone: an attempt the run decided meanwhile for another rep (its hand-off written, its
   * contact not yet) was marked accepted and made the acceptor's behind its back. Now that write is
   * conditional on the hand-off as read, as for a held lead: refused, the contact's owner it wrote
   * taken back with its claim, nothing audited or signalled.
   */
  @Test
  void anAcceptanceOfALeadNobodyHeldIsNotWrittenOnAnAttemptDecidedMeanwhile() {
    String leadId = lead("interested", null);
    var handoffs = MONGO.database().getCollection(HandOffActivitiesImpl.HANDOFFS);
    handoffs.insertOne(
        new Document("_id", leadId)
            .append("attempt", 1)
            .append("status", "unassigned")
            .append("owners", List.of())
            .append("history", List.of()));
    List<String> actions = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean once =
        new java.util.concurrent.atomic.AtomicBoolean();
    HandOffAcceptance acceptance =
        new HandOffAcceptance(
            new LeadStore(
                beforeAnUpdateOf(
                    MONGO.database(),
                    HandOffActivitiesImpl.HANDOFFS,
                    "acceptedBy",
                    () -> {
                      if (once.compareAndSet(false, true)) { // the run decides bob, right now
                        handoffs.updateOne(
                            Filters.eq("_id", leadId),
                            new Document(
                                "$set",
                                new Document("ownerId", "bob")
                                    .append("attempt", 2)
                                    .append("status", "open")
                                    .append("assignedAt", Date.from(NOW))));
                      }
                    })),
            new Owners(MONGO.database()),
            id ->
                (LeadWorkflow)
                    Proxy.newProxyInstance(
                        LeadWorkflow.class.getClassLoader(),
                        new Class<?>[] {LeadWorkflow.class},
                        (proxy, method, args) -> {
                          actions.add(method.getName() + ":" + args[0]);
                          return null;
                        }),
            Clock.fixed(NOW, ZoneOffset.UTC));

    refused(() -> acceptance.take("ops", leadId, "ana"), 409, "leadId");

    assertThat(once).as("the run decided between the acceptance's read and its write").isTrue();
    Document h = handoffs.find(Filters.eq("_id", leadId)).first();
    assertThat(h.getString("ownerId")).as("the run's attempt stands").isEqualTo("bob");
    assertThat(h.getInteger("attempt")).isEqualTo(2);
    assertThat(h.getString("status")).isEqualTo("open");
    assertThat(h.get("acceptedBy")).isNull();
    assertThat(store.contact(leadId).getString("ownerId"))
        .as("the acceptance's owner taken back")
        .isNull();
    assertThat(holding("ana")).as("ana's claim released").doesNotContain(leadId);
    assertThat(actions).isEmpty();
    assertThat(audits(leadId, "handoff_accepted")).isZero();
  }

  /**
   * Known defect (session 49, 5): a rep made inactive after the lead was offered to them who
   * accepted late still won it: the acceptance's contact mark beat the run's reassignment, or a
   * lead nobody held became theirs. Now refused (409 naming ownerId), nothing written: the lead
   * goes on as for any rep who left.
   */
  @Test
  void aRepMadeInactiveWhoAcceptsLateIsRefusedAndNothingIsWritten() {
    String held = lead("handed_off", "ana");
    String nobodys = lead("interested", null);
    MONGO
        .database()
        .getCollection(Owners.COLLECTION)
        .updateOne(Filters.eq("_id", "ana"), new Document("$set", new Document("active", false)));
    List<String> actions = new CopyOnWriteArrayList<>();
    HandOffAcceptance acceptance = acceptance(actions, NOW);

    refused(() -> acceptance.take("ops", held, "ana"), 409, "ownerId");
    refused(() -> acceptance.take("ops", held, null), 409, "ownerId"); // for its holder
    refused(() -> acceptance.take("ops", nobodys, "zed"), 409, "ownerId");

    Document contact = store.contact(held);
    assertThat(contact.get(HandOffActivitiesImpl.OWNER_ACCEPTED_AT)).isNull();
    Document h =
        MONGO
            .database()
            .getCollection(HandOffActivitiesImpl.HANDOFFS)
            .find(Filters.eq("_id", held))
            .first();
    assertThat(h.getString("status")).isEqualTo("open");
    assertThat(h.get("acceptedBy")).isNull();
    assertThat(store.contact(nobodys).getString("ownerId")).isNull();
    assertThat(holding("zed")).doesNotContain(nobodys);
    assertThat(actions).isEmpty();
    assertThat(audits(held, "handoff_accepted") + audits(nobodys, "handoff_accepted")).isZero();
    assertThat(acceptance.take("ops", nobodys, "bob").ownerId())
        .as("an active rep takes it")
        .isEqualTo("bob");
  }

  private List<String> holding(String ownerId) {
    Document owner =
        MONGO.database().getCollection(Owners.COLLECTION).find(Filters.eq("_id", ownerId)).first();
    return owner
        .getList(com.salesagent.activities.handoff.OwnerClaims.HOLDING, Document.class, List.of())
        .stream()
        .map(c -> c.getString("lead"))
        .toList();
  }

  /**
   * Known defect (review of session 48, 1): a rep accepting while a reassignment at the SLA was
   * deciding (reading the owners) lost the lead: the attempt read the contact with the acceptance
   * mark already set, overwrote the accepted hand-off with the new rep's (its write matched any
   * earlier attempt, accepted or not), and its contact write matched the mark as read. Now an
   * attempt that overwrote a hand-off its holder accepted takes it back (accepted, theirs), the new
   * rep's claim is released and the run is told nobody new took it.
   */
  @Test
  void aRepWhoAcceptsWhileAReassignmentDecidesKeepsTheLead() {
    var db = MONGO.database();
    for (String id : List.of("ana", "bob")) {
      db.getCollection(Owners.COLLECTION)
          .updateOne(
              Filters.eq("_id", id),
              new Document(
                  "$set",
                  new Document("capacity", 10)
                      .append("segments", List.of())
                      .append("timezone", "UTC")
                      .append(
                          "workingHours",
                          new Document("start", "00:00")
                              .append("end", "23:59")
                              .append("days", List.of(1, 2, 3, 4, 5, 6, 7)))));
    }
    String leadId = lead("interested", null);
    var clock = new com.salesagent.activities.MutableClock(NOW);
    var sla = Duration.ofHours(2);
    String first =
        new HandOffActivitiesImpl(db, clock)
            .handOff(new com.salesagent.workflows.lead.HandOffRequest(leadId, "c-1", "smb", 1, sla))
            .ownerId();
    String other = "ana".equals(first) ? "bob" : "ana";
    store.setContactFields(leadId, new Document("stage", "handed_off"));
    clock.advance(sla);
    List<String> actions = new CopyOnWriteArrayList<>();
    HandOffAcceptance acceptance = acceptance(actions, NOW.plus(sla));
    java.util.concurrent.atomic.AtomicBoolean once =
        new java.util.concurrent.atomic.AtomicBoolean();

    var second =
        new HandOffActivitiesImpl(
                beforeTheOwnersRead(
                    db,
                    () -> {
                      if (once.compareAndSet(false, true)) {
                        acceptance.take("ops", leadId, first); // the rep accepts, right now
                      }
                    }),
                clock)
            .handOff(
                new com.salesagent.workflows.lead.HandOffRequest(leadId, "c-1", "smb", 2, sla));

    assertThat(once).as("the acceptance came as the reassignment read the owners").isTrue();
    assertThat(actions).hasSize(1);
    assertThat(store.contact(leadId).getString("ownerId"))
        .as("the rep who accepted keeps the lead")
        .isEqualTo(first);
    assertThat(second.ownerId()).as("the run is told nobody new took it").isNull();
    assertThat(second.note()).isEqualTo("accepted by its owner meanwhile");
    Document h =
        db.getCollection(HandOffActivitiesImpl.HANDOFFS).find(Filters.eq("_id", leadId)).first();
    assertThat(h.getString("ownerId")).isEqualTo(first);
    assertThat(h.getInteger("attempt")).isEqualTo(1);
    assertThat(h.getString("status")).isEqualTo("accepted");
    assertThat(h.get("acceptedAt")).isNotNull();
    assertThat(handedOffNotices(leadId)).as("only the first hand-off was told").isEqualTo(1);
    Document otherOwner =
        db.getCollection(Owners.COLLECTION).find(Filters.eq("_id", other)).first();
    assertThat(
            otherOwner
                .getList(
                    com.salesagent.activities.handoff.OwnerClaims.HOLDING,
                    Document.class,
                    List.of())
                .stream()
                .map(c -> c.getString("lead")))
        .as("the new rep's claim is released")
        .doesNotContain(leadId);
  }

  /**
   * Known defect (review of session 48, 2): a move by hand that died between its writes, undone
   * because its new rep left, gave the hand-off back its holder, attempt and assignment time only:
   * the move had written its own reminder and deadline, status open and no acceptance, so the
   * Hand-offs queue showed the dead move's deadline, and a lead its holder had accepted read open
   * with no acceptance while the contact kept it. Now the move saves what it overwrote and the undo
   * restores it.
   */
  @Test
  void aMoveByHandUndoneRestoresTheHandOffAsItsHolderHadIt() {
    String leadId = lead("in_conversation", "ana");
    Instant acceptedAt = NOW.minusSeconds(500);
    Instant remindAt = NOW.plusSeconds(1800);
    Instant dueAt = NOW.plusSeconds(3600);
    Instant remindedAt = NOW.minusSeconds(550);
    MONGO
        .database()
        .getCollection(HandOffActivitiesImpl.HANDOFFS)
        .updateOne(
            Filters.eq("_id", leadId),
            new Document(
                "$set",
                new Document("status", "accepted")
                    .append("acceptedAt", Date.from(acceptedAt))
                    .append("acceptedBy", "Ana Lima")
                    .append("remindAt", Date.from(remindAt))
                    .append("dueAt", Date.from(dueAt))
                    .append("remindedAt", Date.from(remindedAt))
                    .append(
                        "history",
                        List.of(
                            new Document("ownerId", "ana")
                                .append("attempt", 1)
                                .append("at", Date.from(NOW.minusSeconds(600)))))));
    store.setContactFields(
        leadId, new Document(HandOffActivitiesImpl.OWNER_ACCEPTED_AT, Date.from(acceptedAt)));
    // A real move to bob that dies between its hand-off's write and its contact's.
    LeadHandOffs dying =
        at(
            NOW.minusSeconds(60),
            new LeadStore(
                beforeTheContactsOwner(
                    MONGO.database(),
                    () -> {
                      throw new IllegalStateException("the request died here");
                    })));
    assertThatThrownBy(() -> dying.reassign("ops", leadId, json("{\"ownerId\":\"bob\"}")))
        .hasMessageContaining("died");
    Document moved =
        MONGO
            .database()
            .getCollection(HandOffActivitiesImpl.HANDOFFS)
            .find(Filters.eq("_id", leadId))
            .first();
    assertThat(moved.getString("ownerId")).as("the move's hand-off was written").isEqualTo("bob");
    assertThat(moved.getString("status")).isEqualTo("open");
    MONGO
        .database()
        .getCollection(Owners.COLLECTION)
        .updateOne(Filters.eq("_id", "bob"), new Document("$set", new Document("active", false)));

    // The next request finds the half move, cannot finish it (bob left): undone; ana keeps it.
    Response again = handOffs.reassign("ops", leadId, json("{\"ownerId\":\"ana\"}"));

    assertThat(again.getStatus()).isLessThan(300);
    assertThat(audits(leadId, "handoff_reassign_undone")).isEqualTo(1);
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("ana");
    Document h =
        MONGO
            .database()
            .getCollection(HandOffActivitiesImpl.HANDOFFS)
            .find(Filters.eq("_id", leadId))
            .first();
    assertThat(h.getString("ownerId")).isEqualTo("ana");
    assertThat(h.getInteger("attempt")).isEqualTo(1);
    assertThat(h.getString("status")).as("ana had accepted it").isEqualTo("accepted");
    assertThat(h.getDate("acceptedAt")).isEqualTo(Date.from(acceptedAt));
    assertThat(h.getString("acceptedBy")).isEqualTo("Ana Lima");
    assertThat(h.getDate("remindAt")).isEqualTo(Date.from(remindAt));
    assertThat(h.getDate("dueAt")).isEqualTo(Date.from(dueAt));
    assertThat(h.getDate("remindedAt")).isEqualTo(Date.from(remindedAt));
    assertThat(h.get(HandOffActivitiesImpl.BY_HAND_FROM)).isNull();
    HandOffsResource.HandOffRow row =
        new HandOffsResource(MONGO.database(), Clock.fixed(NOW, ZoneOffset.UTC))
            .queue("ana", null).handoffs().stream()
                .filter(r -> r.leadId().equals(leadId))
                .findFirst()
                .orElseThrow();
    assertThat(row.attempt()).isEqualTo(1);
    assertThat(row.dueAt()).as("ana's deadline, not the dead move's").isEqualTo(dueAt.toString());
    assertThat(row.remindAt()).isEqualTo(remindAt.toString());
    assertThat(row.acceptedAt()).as("ana's acceptance").isEqualTo(acceptedAt.toString());
    assertThat(row.remindedAt()).isEqualTo(remindedAt.toString());
  }

  /**
   * Known defect (session 49, 3): as above, but the half move taken back by the lead's run (its
   * hand-off's retry at the move's attempt, bob made inactive, nobody else free): the run's
   * take-back gave the hand-off back its holder, attempt and assignment time only, so the lead ana
   * had accepted read open, with no acceptance and the dead move's reminder state, while the
   * contact kept it. Now the run restores what the move overwrote, as the API's undo does (its
   * reminder and deadline are then the run's retry time: the run's own, as a kept lead shows).
   */
  @Test
  void aMoveByHandTakenBackByTheRunRestoresTheHandOffAsItsHolderHadIt() {
    String leadId = lead("in_conversation", "ana");
    Instant acceptedAt = NOW.minusSeconds(500);
    Instant remindedAt = NOW.minusSeconds(550);
    var handoffs = MONGO.database().getCollection(HandOffActivitiesImpl.HANDOFFS);
    handoffs.updateOne(
        Filters.eq("_id", leadId),
        new Document(
            "$set",
            new Document("status", "accepted")
                .append("acceptedAt", Date.from(acceptedAt))
                .append("acceptedBy", "Ana Lima")
                .append("remindAt", Date.from(NOW.plusSeconds(1800)))
                .append("remindedAt", Date.from(remindedAt))
                .append(
                    "history",
                    List.of(
                        new Document("ownerId", "ana")
                            .append("attempt", 1)
                            .append("at", Date.from(NOW.minusSeconds(600)))))));
    store.setContactFields(
        leadId, new Document(HandOffActivitiesImpl.OWNER_ACCEPTED_AT, Date.from(acceptedAt)));
    LeadHandOffs dying =
        at(
            NOW.minusSeconds(60),
            new LeadStore(
                beforeTheContactsOwner(
                    MONGO.database(),
                    () -> {
                      throw new IllegalStateException("the request died here");
                    })));
    assertThatThrownBy(() -> dying.reassign("ops", leadId, json("{\"ownerId\":\"bob\"}")))
        .hasMessageContaining("died");
    assertThat(handoffs.find(Filters.eq("_id", leadId)).first().getString("ownerId"))
        .as("the move's hand-off was written")
        .isEqualTo("bob");
    var owners = MONGO.database().getCollection(Owners.COLLECTION);
    owners.updateOne(Filters.eq("_id", "bob"), new Document("$set", new Document("active", false)));
    owners.updateOne(Filters.eq("_id", "ana"), new Document("$set", new Document("capacity", 0)));

    var answer =
        new HandOffActivitiesImpl(MONGO.database(), new com.salesagent.activities.MutableClock(NOW))
            .handOff(
                new com.salesagent.workflows.lead.HandOffRequest(
                    leadId, "c-1", "smb", 2, Duration.ofHours(2)));

    assertThat(answer.ownerId()).as("nobody new took it").isNull();
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("ana");
    Document h = handoffs.find(Filters.eq("_id", leadId)).first();
    assertThat(h.getString("ownerId")).isEqualTo("ana");
    assertThat(h.getInteger("attempt")).isEqualTo(1);
    assertThat(h.getString("status")).as("ana had accepted it").isEqualTo("accepted");
    assertThat(h.getDate("acceptedAt")).isEqualTo(Date.from(acceptedAt));
    assertThat(h.getString("acceptedBy")).isEqualTo("Ana Lima");
    assertThat(h.getDate("remindedAt")).isEqualTo(Date.from(remindedAt));
    assertThat(h.get(HandOffActivitiesImpl.BY_HAND_FROM)).isNull();
    assertThat(h.get(HandOffActivitiesImpl.BY_HAND_PRIOR)).isNull();
  }

  /**
   * The database, its owners' reads ({@code find}, {@code aggregate}, {@code count*}) preceded by
   * {@code before}: something that happens while a hand-off decides its owner.
   */
  private static com.mongodb.client.MongoDatabase beforeTheOwnersRead(
      com.mongodb.client.MongoDatabase db, Runnable before) {
    return (com.mongodb.client.MongoDatabase)
        Proxy.newProxyInstance(
            LeadHandOffsTest.class.getClassLoader(),
            new Class<?>[] {com.mongodb.client.MongoDatabase.class},
            (proxy, method, args) -> {
              Object real = invoke(method, db, args);
              if (!"getCollection".equals(method.getName()) || !Owners.COLLECTION.equals(args[0])) {
                return real;
              }
              return Proxy.newProxyInstance(
                  LeadHandOffsTest.class.getClassLoader(),
                  new Class<?>[] {com.mongodb.client.MongoCollection.class},
                  (p, m, a) -> {
                    if (m.getName().startsWith("find")
                        || m.getName().startsWith("aggregate")
                        || m.getName().startsWith("count")) {
                      before.run();
                    }
                    return invoke(m, real, a);
                  });
            });
  }

  /**
   * Known defect (reviewer, session 48, 1): a move by hand whose request died after its hand-off
   * write (bob's attempt, by hand from ana) and before the contact's, then ana accepting: the
   * acceptance marked the contact (still ana's) and wrote {@code accepted} on bob's attempt; no
   * later move finished it (not open) nor got past it (the hand-off named bob, the lead ana), so
   * every reassignment and release was 409 for good. Now ana's acceptance wins as it does over a
   * move still under way: the move is undone with it (ana's attempt again, audited), and the next
   * move goes on.
   */
  @Test
  void anAcceptanceUndoesAMoveByHandThatDiedBetweenItsWritesAndTheNextMoveGoesOn() {
    String leadId = lead("handed_off", "ana");
    movedByHandHalfway(leadId);
    var handoffs = MONGO.database().getCollection(HandOffActivitiesImpl.HANDOFFS);
    handoffs.updateOne(
        Filters.eq("_id", leadId),
        new Document(
            "$set",
            new Document(
                "history",
                List.of(
                    new Document("ownerId", "ana")
                        .append("attempt", 1)
                        .append("at", Date.from(NOW.minusSeconds(600))),
                    new Document("ownerId", "bob")
                        .append("attempt", 2)
                        .append("at", Date.from(NOW.minusSeconds(60)))
                        .append("by", "ops")))));
    List<String> actions = new CopyOnWriteArrayList<>();

    HandOffAcceptance.Taken taken = acceptance(actions, NOW).take("ops", leadId, "ana");

    assertThat(taken.ownerId()).isEqualTo("ana");
    assertThat(actions).hasSize(1);
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("ana");
    Document h = handoffs.find(Filters.eq("_id", leadId)).first();
    assertThat(h.getString("ownerId")).as("the hand-off names ana again").isEqualTo("ana");
    assertThat(h.getInteger("attempt")).isEqualTo(1);
    assertThat(h.getString("status")).isEqualTo("accepted");
    assertThat(h.getString("acceptedBy")).contains("ana");
    assertThat(h.get(HandOffActivitiesImpl.BY_HAND_FROM)).isNull();
    assertThat(h.getDate("assignedAt")).isEqualTo(Date.from(NOW.minusSeconds(600)));
    assertThat(audits(leadId, "handoff_reassign_undone")).isEqualTo(1);
    assertThat(audits(leadId, "handoff_accepted")).isEqualTo(1);

    Response moved = handOffs.reassign("ops", leadId, json("{\"ownerId\":\"bob\"}"));
    assertThat(moved.getStatus()).as("the next move is not stuck").isEqualTo(202);
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("bob");
    h = handoffs.find(Filters.eq("_id", leadId)).first();
    assertThat(h.getString("ownerId")).isEqualTo("bob");
    assertThat(h.getInteger("attempt")).isEqualTo(2);
    assertThat(h.getString("status")).isEqualTo("open");
    assertThat(gone).containsExactly(leadId + ":ana");
  }

  /**
   * Merge defect (session 48: the acceptance's undo and the undo's restore written apart): a real
   * move by hand saves the hand-off it overwrites ({@code byHandPrior}: open, no acceptance); its
   * request dies before the contact's write; the holder then accepts. The acceptance's write both
   * undoes the move and sets the acceptance: the restored prior status (open) and the unset
   * acceptance fields must not overwrite or conflict with it.
   */
  @Test
  void anAcceptanceUndoingARealMoveByHandKeepsItsAcceptance() {
    String leadId = lead("handed_off", "ana");
    var handoffs = MONGO.database().getCollection(HandOffActivitiesImpl.HANDOFFS);
    Instant remindAt = NOW.plusSeconds(1800);
    Instant dueAt = NOW.plusSeconds(3600);
    handoffs.updateOne(
        Filters.eq("_id", leadId),
        new Document(
            "$set",
            new Document("remindAt", Date.from(remindAt))
                .append("dueAt", Date.from(dueAt))
                .append(
                    "history",
                    List.of(
                        new Document("ownerId", "ana")
                            .append("attempt", 1)
                            .append("at", Date.from(NOW.minusSeconds(600)))))));
    LeadHandOffs dying =
        at(
            NOW.minusSeconds(60),
            new LeadStore(
                beforeTheContactsOwner(
                    MONGO.database(),
                    () -> {
                      throw new IllegalStateException("the request died here");
                    })));
    assertThatThrownBy(() -> dying.reassign("ops", leadId, json("{\"ownerId\":\"bob\"}")))
        .hasMessageContaining("died");
    assertThat(
            handoffs
                .find(Filters.eq("_id", leadId))
                .first()
                .get(HandOffActivitiesImpl.BY_HAND_PRIOR))
        .as("the move saved the hand-off it overwrote")
        .isNotNull();
    List<String> actions = new CopyOnWriteArrayList<>();

    HandOffAcceptance.Taken taken = acceptance(actions, NOW).take("ops", leadId, "ana");

    assertThat(taken.ownerId()).isEqualTo("ana");
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("ana");
    Document h = handoffs.find(Filters.eq("_id", leadId)).first();
    assertThat(h.getString("ownerId")).isEqualTo("ana");
    assertThat(h.getInteger("attempt")).isEqualTo(1);
    assertThat(h.getString("status")).as("accepted, not the saved open").isEqualTo("accepted");
    assertThat(h.getDate("acceptedAt")).isEqualTo(Date.from(NOW));
    assertThat(h.getString("acceptedBy")).contains("ana");
    assertThat(h.getDate("dueAt")).as("the holder's deadline restored").isEqualTo(Date.from(dueAt));
    assertThat(h.get(HandOffActivitiesImpl.BY_HAND_FROM)).isNull();
    assertThat(h.get(HandOffActivitiesImpl.BY_HAND_PRIOR)).isNull();
    assertThat(audits(leadId, "handoff_reassign_undone")).isEqualTo(1);
  }

  /**
   * Known defect (reviewer, session 48, 1): an acceptance that marked the contact before a move by
   * hand read it, but whose hand-off write came after the move's attempt write, wrote {@code
   * accepted} (by ana) on bob's new attempt while the move (its contact write matched the mark it
   * read) gave the lead to bob: bob's lead showed as accepted by ana. Now the acceptance's hand-off
   * write is conditional on the hand-off as read: it is 409 naming leadId, its mark taken back,
   * nothing audited or signalled; the move stands.
   */
  @Test
  void anAcceptanceWhoseHandOffAMoveWroteMeanwhileIsRefusedAndTheMoveStands() {
    String leadId = lead("handed_off", "ana");
    List<String> actions = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean once =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<Integer> move = new CopyOnWriteArrayList<>();
    HandOffAcceptance acceptance =
        new HandOffAcceptance(
            new LeadStore(
                beforeAnUpdateOf(
                    MONGO.database(),
                    HandOffActivitiesImpl.HANDOFFS,
                    "acceptedBy",
                    () -> {
                      if (once.compareAndSet(false, true)) { // the move, right now
                        move.add(
                            handOffs
                                .reassign("ops", leadId, json("{\"ownerId\":\"bob\"}"))
                                .getStatus());
                      }
                    })),
            new Owners(MONGO.database()),
            id ->
                (LeadWorkflow)
                    Proxy.newProxyInstance(
                        LeadWorkflow.class.getClassLoader(),
                        new Class<?>[] {LeadWorkflow.class},
                        (proxy, method, args) -> {
                          actions.add(method.getName() + ":" + args[0]);
                          return null;
                        }),
            Clock.fixed(NOW, ZoneOffset.UTC));

    refused(() -> acceptance.take("ops", leadId, "ana"), 409, "leadId");

    assertThat(move).as("the move came between the acceptance's two writes").containsExactly(202);
    Document contact = store.contact(leadId);
    assertThat(contact.getString("ownerId")).isEqualTo("bob");
    assertThat(contact.get(HandOffActivitiesImpl.OWNER_ACCEPTED_AT))
        .as("the acceptance's mark taken back")
        .isNull();
    Document h =
        MONGO
            .database()
            .getCollection(HandOffActivitiesImpl.HANDOFFS)
            .find(Filters.eq("_id", leadId))
            .first();
    assertThat(h.getString("ownerId")).isEqualTo("bob");
    assertThat(h.getInteger("attempt")).isEqualTo(2);
    assertThat(h.getString("status")).as("bob has not taken it").isEqualTo("open");
    assertThat(h.get("acceptedBy")).isNull();
    assertThat(actions).as("the run is not told of an acceptance").isEmpty();
    assertThat(audits(leadId, "handoff_accepted")).isZero();
    assertThat(gone).containsExactly(leadId + ":ana");
    assertThat(acceptance(actions, NOW).take("ops", leadId, "bob").ownerId())
        .as("bob takes it")
        .isEqualTo("bob");
  }

  /**
   * Known defect (reviewer, session 48, 3): a release that first finished a move by hand that died
   * between its writes (ana's lead to bob) freed only bob, whom it released the lead from; ana's
   * place, which the finished move freed, was not, so the lead waiting for her waited for its own
   * retry (a reassignment frees both). Now whichever move finishes it frees her: she takes the
   * waiting lead at once.
   */
  @Test
  void aReleaseThatFinishesAMoveByHandFreesTheRepItTookTheLeadFrom() {
    var db = MONGO.database();
    db.getCollection(Owners.COLLECTION)
        .updateOne(
            Filters.eq("_id", "ana"),
            new Document(
                "$set",
                new Document("capacity", 1)
                    .append("segments", List.of())
                    .append("timezone", "UTC")
                    .append(
                        "workingHours",
                        new Document("start", "00:00")
                            .append("end", "23:59")
                            .append("days", List.of(1, 2, 3, 4, 5, 6, 7)))));
    String leadId = lead("in_conversation", "ana");
    store.setContactFields(
        leadId, new Document("funnel", new Document("interested", Date.from(NOW))));
    String waiting = lead("interested", null);
    store.setContactFields(
        waiting, new Document("funnel", new Document("replied", Date.from(NOW.minusSeconds(60)))));
    var clock = Clock.fixed(NOW, ZoneOffset.UTC);
    assertThat(
            new HandOffActivitiesImpl(db, clock)
                .handOff(
                    new com.salesagent.workflows.lead.HandOffRequest(
                        waiting, "c-1", "smb", 1, Duration.ofHours(2)))
                .ownerId())
        .as("ana is full: the lead waits")
        .isNull();
    movedByHandHalfway(leadId);
    List<String> told = new CopyOnWriteArrayList<>();
    var waitingHandOffs =
        new com.salesagent.activities.handoff.WaitingHandOffs(
            db, (lead, owner) -> told.add(lead + ":" + owner), clock, 10);
    List<String> freed = new CopyOnWriteArrayList<>();
    handOffs.whenOwnerFreed(
        id -> {
          freed.add(id);
          waitingHandOffs.takeFor(id);
        });

    Response released = handOffs.release("ops", leadId, json("{}"));

    assertThat(released.getStatus()).isEqualTo(202);
    assertThat(store.contact(leadId).getString("ownerId")).isNull();
    assertThat(gone).containsExactly(leadId + ":ana");
    assertThat(freed).containsExactlyInAnyOrder("ana", "bob");
    assertThat(told).containsExactly(waiting + ":ana");
    assertThat(store.contact(waiting).getString("ownerId")).as("ana took it").isEqualTo("ana");
  }

  /**
   * The database, its {@code collection}'s {@code updateOne}s whose update names {@code field}
   * preceded by {@code before}: a request that comes right then.
   */
  private static com.mongodb.client.MongoDatabase beforeAnUpdateOf(
      com.mongodb.client.MongoDatabase db, String collection, String field, Runnable before) {
    return (com.mongodb.client.MongoDatabase)
        Proxy.newProxyInstance(
            LeadHandOffsTest.class.getClassLoader(),
            new Class<?>[] {com.mongodb.client.MongoDatabase.class},
            (proxy, method, args) -> {
              Object real = invoke(method, db, args);
              if (!"getCollection".equals(method.getName()) || !collection.equals(args[0])) {
                return real;
              }
              return Proxy.newProxyInstance(
                  LeadHandOffsTest.class.getClassLoader(),
                  new Class<?>[] {com.mongodb.client.MongoCollection.class},
                  (p, m, a) -> {
                    if ("updateOne".equals(m.getName())
                        && a.length >= 2
                        && a[1] instanceof org.bson.conversions.Bson update
                        && update
                            .toBsonDocument(
                                Document.class,
                                com.mongodb.MongoClientSettings.getDefaultCodecRegistry())
                            .toJson()
                            .contains("\"" + field + "\"")) {
                      before.run();
                    }
                    return invoke(m, real, a);
                  });
            });
  }

  /**
   * The database, its contacts' owner writes ({@code updateOne} setting {@code ownerAssignedAt})
   * preceded by {@code before}: a hand-off that dies there, or a request that comes right then.
   */
  private static com.mongodb.client.MongoDatabase beforeTheContactsOwner(
      com.mongodb.client.MongoDatabase db, Runnable before) {
    return (com.mongodb.client.MongoDatabase)
        Proxy.newProxyInstance(
            LeadHandOffsTest.class.getClassLoader(),
            new Class<?>[] {com.mongodb.client.MongoDatabase.class},
            (proxy, method, args) -> {
              Object real = invoke(method, db, args);
              if (!"getCollection".equals(method.getName())
                  || !Collections.CONTACTS.equals(args[0])) {
                return real;
              }
              return Proxy.newProxyInstance(
                  LeadHandOffsTest.class.getClassLoader(),
                  new Class<?>[] {com.mongodb.client.MongoCollection.class},
                  (p, m, a) -> {
                    if ("updateOne".equals(m.getName())
                        && a.length >= 2
                        && a[1] instanceof org.bson.conversions.Bson update
                        && update
                            .toBsonDocument(
                                Document.class,
                                com.mongodb.MongoClientSettings.getDefaultCodecRegistry())
                            .toJson()
                            .contains("ownerAssignedAt")) {
                      before.run();
                    }
                    return invoke(m, real, a);
                  });
            });
  }

  /**
   * The database, its contacts' owner writes ({@code updateOne} setting {@code ownerAssignedAt})
   * followed by {@code after}: something that happens right after such a write.
   */
  private static com.mongodb.client.MongoDatabase afterTheContactsOwner(
      com.mongodb.client.MongoDatabase db, Runnable after) {
    return (com.mongodb.client.MongoDatabase)
        Proxy.newProxyInstance(
            LeadHandOffsTest.class.getClassLoader(),
            new Class<?>[] {com.mongodb.client.MongoDatabase.class},
            (proxy, method, args) -> {
              Object real = invoke(method, db, args);
              if (!"getCollection".equals(method.getName())
                  || !Collections.CONTACTS.equals(args[0])) {
                return real;
              }
              return Proxy.newProxyInstance(
                  LeadHandOffsTest.class.getClassLoader(),
                  new Class<?>[] {com.mongodb.client.MongoCollection.class},
                  (p, m, a) -> {
                    Object result = invoke(m, real, a);
                    if ("updateOne".equals(m.getName())
                        && a.length >= 2
                        && a[1] instanceof org.bson.conversions.Bson update
                        && update
                            .toBsonDocument(
                                Document.class,
                                com.mongodb.MongoClientSettings.getDefaultCodecRegistry())
                            .toJson()
                            .contains("ownerAssignedAt")) {
                      after.run();
                    }
                    return result;
                  });
            });
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void aLeadWithoutAHandOffOrThatEndedIsNotReassigned() {
    String awaiting = lead("awaiting_response", null);
    String converted = lead("converted", "ana");
    String erasing = lead("handed_off", "ana");
    store
        .contacts()
        .updateOne(
            Filters.eq("leadId", erasing),
            new Document(
                "$set", new Document(LeadStore.ERASURE, new Document("requestedAt", new Date()))));
    for (String leadId : List.of(awaiting, converted, erasing)) {
      refused(() -> handOffs.reassign("ops", leadId, json("{\"ownerId\":\"bob\"}")), 409, "leadId");
    }
    refused(() -> handOffs.reassign("ops", "H-none", json("{\"ownerId\":\"bob\"}")), 404, "leadId");
    assertThat(gone).isEmpty();
    assertThat(store.contact(converted).getString("ownerId")).isEqualTo("ana");
  }

  @Test
  void aSnoozedLeadLeavesTheQueueUntilItsTimeOrUntilTheLeadWrites() {
    String snoozed = lead("in_conversation", "ana");
    String other = lead("in_conversation", "ana");
    String waiting = lead("handed_off", "ana");
    Instant tuesday = NOW.plus(Duration.ofDays(3));

    refused(
        () -> handOffs.snooze("ops", snoozed, json("{\"until\":\"" + NOW.minusSeconds(60) + "\"}")),
        422,
        "until");
    refused(
        () ->
            handOffs.snooze(
                "ops", snoozed, json("{\"until\":\"" + NOW.plus(Duration.ofDays(31)) + "\"}")),
        422,
        "until");
    refused(() -> handOffs.snooze("ops", snoozed, json("{\"until\":\"tuesday\"}")), 422, "until");
    refused(
        () -> handOffs.snooze("ops", waiting, json("{\"until\":\"" + tuesday + "\"}")),
        409,
        "leadId");
    refused(
        () ->
            handOffs.snooze(
                "ops", snoozed, json("{\"until\":\"" + tuesday + "\",\"byOwnerId\":\"bob\"}")),
        409,
        "byOwnerId");

    Response set = handOffs.snooze("ops", snoozed, json("{\"until\":\"" + tuesday + "\"}"));
    assertThat(((LeadHandOffs.Snoozed) set.getEntity()).status()).isEqualTo("snoozed");
    Response again = handOffs.snooze("ops", snoozed, json("{\"until\":\"" + tuesday + "\"}"));
    assertThat(((LeadHandOffs.Snoozed) again.getEntity()).status()).isEqualTo("snoozed_before");
    assertThat(audits(snoozed, "handoff_snoozed")).isEqualTo(1);

    HandOffsResource.HandOffQueue queue = queueAt(NOW.plus(Duration.ofDays(1)));
    assertThat(queue.handoffs())
        .extracting(HandOffsResource.HandOffRow::leadId)
        .contains(other, waiting)
        .doesNotContain(snoozed);
    assertThat(queue.snoozed()).isEqualTo(1);
    HandOffsResource.HandOffQueue aside =
        new HandOffsResource(
                MONGO.database(), Clock.fixed(NOW.plus(Duration.ofDays(1)), ZoneOffset.UTC))
            .queue("ana", true);
    assertThat(aside.handoffs())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.leadId()).isEqualTo(snoozed);
              assertThat(r.snoozedUntil()).isEqualTo(tuesday.toString());
            });

    // Tuesday came: back on the queue, nothing had to fire.
    assertThat(queueAt(tuesday.plusSeconds(1)).handoffs())
        .extracting(HandOffsResource.HandOffRow::leadId)
        .contains(snoozed);

    // The lead wrote during the snooze: back at once.
    store
        .feedback()
        .insertOne(
            new Document("leadId", snoozed)
                .append("messageId", "wamid.in-" + snoozed)
                .append("text", "Any news?")
                .append("receivedAt", Date.from(NOW.plus(Duration.ofHours(2)))));
    HandOffsResource.HandOffQueue woken = queueAt(NOW.plus(Duration.ofDays(1)));
    assertThat(woken.handoffs()).extracting(HandOffsResource.HandOffRow::leadId).contains(snoozed);
    assertThat(woken.snoozed()).isZero();

    // A snooze is its rep's: the lead handed to another rep (ana left) is on their list.
    store.feedback().deleteMany(Filters.eq("leadId", snoozed));
    assertThat(queueAt(NOW.plus(Duration.ofDays(1))).snoozed()).isEqualTo(1);
    store
        .contacts()
        .updateOne(
            Filters.eq("leadId", snoozed), new Document("$set", new Document("ownerId", "bob")));
    assertThat(
            new HandOffsResource(
                    MONGO.database(), Clock.fixed(NOW.plus(Duration.ofDays(1)), ZoneOffset.UTC))
                .queue("bob", null)
                .handoffs())
        .extracting(HandOffsResource.HandOffRow::leadId)
        .contains(snoozed);
    store
        .contacts()
        .updateOne(
            Filters.eq("leadId", snoozed), new Document("$set", new Document("ownerId", "ana")));

    // Another rep cannot end ana's snooze (she set it for her lead), nor a rep nobody knows.
    refused(() -> handOffs.unsnooze("ops", snoozed, "bob"), 409, "byOwnerId");
    refused(() -> handOffs.unsnooze("ops", snoozed, "nobody"), 422, "byOwnerId");
    assertThat(store.contact(snoozed).get("repSnooze")).as("still snoozed").isNotNull();

    // Ended by hand, by its rep: the snooze is gone; a second DELETE writes nothing.
    assertThat(
            ((LeadHandOffs.Snoozed) handOffs.unsnooze("ops", snoozed, "ana").getEntity()).status())
        .isEqualTo("unsnoozed");
    assertThat(
            ((LeadHandOffs.Snoozed) handOffs.unsnooze("ops", snoozed, null).getEntity()).status())
        .isEqualTo("not_snoozed");
    assertThat(audits(snoozed, "handoff_unsnoozed")).isEqualTo(1);
  }

  /**
   * A lead's message whose webhook came after the rep snoozed it, though Meta's timestamp (whole
   * seconds, the moment the person wrote) is before: the rep never saw it, so it must end the
   * snooze as any later message does, on the queue and on the lead page alike.
   */
  @Test
  void aMessageStoredAfterTheSnoozeEndsItThoughMetaTimedItBefore() {
    String snoozed = lead("in_conversation", "ana");
    Instant tuesday = NOW.plus(Duration.ofDays(3));
    handOffs.snooze("ops", snoozed, json("{\"until\":\"" + tuesday + "\"}"));
    assertThat(queueAt(NOW.plus(Duration.ofHours(1))).snoozed()).isEqualTo(1);

    // Written a minute before the snooze, its webhook delivered (stored) an hour after it.
    store
        .feedback()
        .insertOne(
            new Document("leadId", snoozed)
                .append("messageId", "wamid.late-" + snoozed)
                .append("text", "Can we talk today?")
                .append("receivedAt", Date.from(NOW.minusSeconds(60)))
                .append("storedAt", Date.from(NOW.plus(Duration.ofHours(1)))));
    HandOffsResource.HandOffQueue queue = queueAt(NOW.plus(Duration.ofHours(2)));
    assertThat(queue.handoffs()).extracting(HandOffsResource.HandOffRow::leadId).contains(snoozed);
    assertThat(queue.snoozed()).isZero();
    assertThat(
            com.salesagent.api.owners.SnoozedLeads.snoozed(
                MONGO.database(), store.contact(snoozed), NOW.plus(Duration.ofHours(2))))
        .isFalse();
  }

  /** What the lead's run records when an operator pauses it, and when it resumes. */
  private void runRecords(String leadId, String type, String stage, Instant at) {
    new com.salesagent.activities.lead.LeadActivitiesImpl(store, Clock.fixed(at, ZoneOffset.UTC))
        .record(
            new com.salesagent.workflows.lead.LeadEvent(
                leadId, "c-1", type, stage, null, null, null, "resume", null, null));
  }

  /**
   * An operator paused a lead its rep held (the QA walk: it left ana's list and could not be
   * reassigned, "nobody holds it"): it stays on her list, marked paused with the pause's time, its
   * SLA as it stood; it is reassigned (the run told now, which it takes at its resume, with the new
   * rep's SLA from then), snoozed as the stage its pause left, and counted in its rep's load.
   */
  @Test
  void aPausedHeldLeadStaysOnItsRepsListAndCanBeReassigned() {
    String taken = lead("in_conversation", "ana");
    String waiting = lead("handed_off", "ana");
    Instant pausedAt = NOW.minusSeconds(300);
    runRecords(taken, "paused", "paused", pausedAt);
    runRecords(waiting, "paused", "paused", pausedAt);
    // A retried record of the same pause keeps what the first one kept.
    runRecords(taken, "paused", "paused", NOW.minusSeconds(200));
    assertThat(store.contact(taken).getString("stage")).isEqualTo("paused");

    HandOffsResource.HandOffQueue queue = queueAt(NOW);
    assertThat(queue.handoffs())
        .extracting(HandOffsResource.HandOffRow::leadId)
        .containsExactlyInAnyOrder(taken, waiting);
    assertThat(queue.handoffs())
        .allSatisfy(
            r -> {
              assertThat(r.paused()).isTrue();
              assertThat(r.pausedAt()).isEqualTo(pausedAt.toString());
            });
    assertThat(queue.handoffs())
        .filteredOn(r -> r.leadId().equals(taken))
        .singleElement()
        .satisfies(r -> assertThat(r.acted()).as("taken before the pause").isTrue());
    assertThat(new Owners(MONGO.database()).loads(List.of("ana"), null))
        .as("still in ana's load")
        .containsEntry("ana", 2L);

    // A rep's snooze goes by the stage the pause left: taken, yes; not taken yet, its SLA runs.
    Instant tuesday = NOW.plus(Duration.ofDays(3));
    assertThat(
            handOffs
                .snooze("ops", taken, json("{\"until\":\"" + tuesday + "\",\"byOwnerId\":\"ana\"}"))
                .getStatus())
        .isEqualTo(200);
    refused(
        () -> handOffs.snooze("ops", waiting, json("{\"until\":\"" + tuesday + "\"}")),
        409,
        "leadId");

    Response moved =
        handOffs.reassign("ops", taken, json("{\"ownerId\":\"bob\",\"byOwnerId\":\"ana\"}"));
    assertThat(moved.getStatus()).isEqualTo(202);
    assertThat(gone).containsExactly(taken + ":ana");
    Document contact = store.contact(taken);
    assertThat(contact.getString("ownerId")).isEqualTo("bob");
    assertThat(contact.getString("stage")).isEqualTo("paused");
    assertThat(contact.get(LeadHandOffs.SNOOZE))
        .as("a rep's snooze ends with the reassignment")
        .isNull();
    assertThat(queueAt(NOW).handoffs())
        .extracting(HandOffsResource.HandOffRow::leadId)
        .containsExactly(waiting);
    HandOffsResource.HandOffRow bobs =
        new HandOffsResource(
                MONGO.database(), Clock.fixed(NOW.plus(Duration.ofDays(2)), ZoneOffset.UTC))
            .queue("bob", null)
            .handoffs()
            .get(0);
    assertThat(bobs.leadId()).isEqualTo(taken);
    assertThat(bobs.paused()).isTrue();
    assertThat(bobs.acted()).as("bob has not seen it: handed off to him at the resume").isFalse();
    assertThat(bobs.overdue()).as("bob's SLA starts at the resume").isFalse();

    // The run resumes two days later and takes the claimed attempt: bob's SLA from then.
    runRecords(taken, "resumed", "in_conversation", NOW.plus(Duration.ofDays(2)));
    assertThat(store.contact(taken).get("pausedFrom")).isNull();
    var assigned =
        new HandOffActivitiesImpl(
                MONGO.database(), Clock.fixed(NOW.plus(Duration.ofDays(2)), ZoneOffset.UTC))
            .handOff(
                new com.salesagent.workflows.lead.HandOffRequest(
                    taken, "c-1", "smb", 2, Duration.ofHours(2), null));
    assertThat(assigned.ownerId()).isEqualTo("bob");
    assertThat(assigned.dueAt()).isEqualTo(NOW.plus(Duration.ofDays(2)).plus(Duration.ofHours(2)));
  }

  private HandOffsResource.HandOffQueue queueAt(Instant at) {
    return new HandOffsResource(MONGO.database(), Clock.fixed(at, ZoneOffset.UTC))
        .queue("ana", null);
  }
}

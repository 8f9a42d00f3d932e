package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.MutableClock;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.OwnerClaims;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.lead.HandOffRequest;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerAction;
import com.salesagent.workflows.lead.OwnerRelease;
import io.dropwizard.jackson.Jackson;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The set-up of the tests of a rep's take ({@link HandOffAcceptance}) and its finishers ({@link
 * UnfinishedAcceptances}): two active reps (ana, bob), leads queued or held, takes built on a
 * database that places another step between two writes ({@link RacingDatabase}), and what the
 * lead's run was told.
 */
abstract class AcceptanceFixture {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  static final Duration SLA = Duration.ofHours(2);
  static final Set<String> BOTH = Set.of(Collections.CONTACTS, HandOffActivitiesImpl.HANDOFFS);

  LeadStore store;
  MongoCollection<Document> handoffs;

  /** Each signal to a lead's run: its name and the lead. */
  final List<String> told = new CopyOnWriteArrayList<>();

  /** Each signal to a lead's run: its name and the rep it names. */
  final List<String> signals = new CopyOnWriteArrayList<>();

  /** Each signal's argument, in order (null for none). */
  final List<Object> arguments = new CopyOnWriteArrayList<>();

  /** The take each {@code ownerGone} named (null for none), in order. */
  final List<Instant> goneTakes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUpReps() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    handoffs = MONGO.database().getCollection(HandOffActivitiesImpl.HANDOFFS);
    var owners = MONGO.database().getCollection(Owners.COLLECTION);
    owners.deleteMany(new Document());
    for (String[] o : List.of(new String[] {"ana", "Ana Lima"}, new String[] {"bob", "Bob Reis"})) {
      owners.insertOne(
          new Document("_id", o[0])
              .append("name", o[1])
              .append("active", true)
              .append("capacity", 10)
              .append("segments", List.of())
              .append("timezone", "UTC")
              .append(
                  "workingHours",
                  new Document("start", "00:00")
                      .append("end", "23:59")
                      .append("days", List.of(1, 2, 3, 4, 5, 6, 7))));
    }
  }

  void assertTakenBy(String leadId, String ownerId) {
    Document c = store.contact(leadId);
    assertThat(c.getString("ownerId")).as("the contact").isEqualTo(ownerId);
    Document h = handoff(leadId);
    assertThat(h.getString("ownerId")).as("the hand-off").isEqualTo(ownerId);
    assertThat(h.getString("status")).isEqualTo("accepted");
    assertThat(h.getString("acceptedBy")).isEqualTo("Ana Lima (ana)");
    assertThat(told).as("the run told once").containsExactly("ownerAction:" + leadId);
    assertThat(audits(leadId)).as("audited once").isEqualTo(1);
    assertThat(holding(ownerId)).contains(leadId);
  }

  /** A take whose request dies at its {@code n}th write to one of {@code collections}. */
  HandOffAcceptance dyingAtWrite(int n, Set<String> collections) {
    AtomicInteger writes = new AtomicInteger();
    return acceptance(
        RacingDatabase.before(
            MONGO.database(),
            collections,
            (c, m, a) -> RacingDatabase.WRITES.contains(m) && writes.incrementAndGet() == n,
            () -> {
              throw new IllegalStateException("the request died here");
            }));
  }

  /** A take whose request dies at its second write to the contact or the hand-off. */
  HandOffAcceptance dyingAtSecondWrite() {
    return dyingAtWrite(2, BOTH);
  }

  HandOffAcceptance acceptance(MongoDatabase db) {
    return acceptance(db, NOW.plusSeconds(1));
  }

  /** A take on {@code db} whose clock reads {@code at}. */
  HandOffAcceptance acceptance(MongoDatabase db, Instant at) {
    return new HandOffAcceptance(
        new LeadStore(db),
        new Owners(MONGO.database()),
        this::recording,
        Clock.fixed(at, ZoneOffset.UTC));
  }

  void setActive(String ownerId, boolean active) {
    MONGO
        .database()
        .getCollection(Owners.COLLECTION)
        .updateOne(Filters.eq("_id", ownerId), Updates.set("active", active));
  }

  /**
   * The take finished twice meanwhile and taken back: ana's retry takes it (the run told), the run
   * sets it in conversation, ana gives it back to the agent, the lead shows interest again and the
   * run's next hand-off finds nobody free (it clears the release mark: the lead waits, held by
   * nobody), and the run sets it interested.
   */
  void takeBack(String leadId) {
    assertThat(acceptance(MONGO.database()).take("ops", leadId, "ana").ownerId()).isEqualTo("ana");
    store
        .contacts()
        .updateOne(Filters.eq("leadId", leadId), Updates.set("stage", "in_conversation"));
    new LeadHandOffs(
            store,
            this::recording,
            Jackson.newObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES),
            Clock.fixed(NOW.plusSeconds(2), ZoneOffset.UTC))
        .release("ops", leadId, "{\"byOwnerId\":\"ana\"}".getBytes(StandardCharsets.UTF_8));
    var owners = MONGO.database().getCollection(Owners.COLLECTION);
    owners.updateMany(new Document(), Updates.set("capacity", 0));
    new HandOffActivitiesImpl(MONGO.database(), new MutableClock(NOW.plusSeconds(3)))
        .handOff(new HandOffRequest(leadId, "c-1", "smb", 2, SLA));
    owners.updateMany(new Document(), Updates.set("capacity", 10));
    store.contacts().updateOne(Filters.eq("leadId", leadId), Updates.set("stage", "interested"));
    Document c = store.contact(leadId);
    assertThat(c.getString("ownerId")).as("released, then waiting for a rep").isNull();
    assertThat(c.get(HandOffActivitiesImpl.RELEASED_TO_AGENT)).isNull();
  }

  /** An interested lead nobody holds, on the queue. */
  String queuedLead() {
    String leadId = "Q-" + UUID.randomUUID();
    store.insertContact(contact(leadId, "interested", null));
    handoffs.insertOne(
        new Document("_id", leadId)
            .append("attempt", 1)
            .append("status", "unassigned")
            .append("owners", List.of())
            .append("history", List.of()));
    return leadId;
  }

  /** A lead {@code ownerId} holds on its first attempt, not accepted. */
  String heldLead(String ownerId) {
    String leadId = "H-" + UUID.randomUUID();
    store.insertContact(
        contact(leadId, "handed_off", ownerId)
            .append("ownerAssignedAt", Date.from(NOW.minusSeconds(600))));
    handoffs.insertOne(
        new Document("_id", leadId)
            .append("ownerId", ownerId)
            .append("attempt", 1)
            .append("status", "open")
            .append("owners", List.of(ownerId))
            .append(
                "history",
                List.of(
                    new Document("ownerId", ownerId)
                        .append("attempt", 1)
                        .append("at", Date.from(NOW.minusSeconds(600)))))
            .append("assignedAt", Date.from(NOW.minusSeconds(600)))
            .append("dueAt", Date.from(NOW.plusSeconds(3600))));
    return leadId;
  }

  /** A lead's contact at {@code stage}, held by {@code ownerId} (null: nobody). */
  static Document contact(String leadId, String stage, String ownerId) {
    Document contact =
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append(
                "phone", "+55119" + String.format("%08d", Math.abs(leadId.hashCode() % 100000000)))
            .append("segment", "smb")
            .append("stage", stage)
            .append("updatedAt", Date.from(NOW));
    return ownerId == null ? contact : contact.append("ownerId", ownerId);
  }

  Document handoff(String leadId) {
    return handoffs.find(Filters.eq("_id", leadId)).first();
  }

  long audits(String leadId) {
    return MONGO
        .database()
        .getCollection(Collections.AUDIT_LOG)
        .countDocuments(
            Filters.and(Filters.eq("leadId", leadId), Filters.eq("action", "handoff_accepted")));
  }

  List<String> holding(String ownerId) {
    Document owner =
        MONGO.database().getCollection(Owners.COLLECTION).find(Filters.eq("_id", ownerId)).first();
    return owner.getList(OwnerClaims.HOLDING, Document.class, List.of()).stream()
        .map(c -> c.getString("lead"))
        .toList();
  }

  /** The lead's run, recording each signal in {@link #told} and {@link #signals}. */
  LeadWorkflow recording(String leadId) {
    return (LeadWorkflow)
        Proxy.newProxyInstance(
            LeadWorkflow.class.getClassLoader(),
            new Class<?>[] {LeadWorkflow.class},
            (proxy, method, args) -> {
              told.add(method.getName() + ":" + leadId);
              Object arg = args == null || args.length == 0 ? null : args[0];
              String rep =
                  arg instanceof OwnerAction a
                      ? a.ownerId()
                      : arg instanceof OwnerRelease r ? r.ownerId() : String.valueOf(arg);
              signals.add(method.getName() + ":" + rep);
              arguments.add(arg);
              if ("ownerGone".equals(method.getName())) {
                goneTakes.add((Instant) args[1]);
              }
              return null;
            });
  }
}

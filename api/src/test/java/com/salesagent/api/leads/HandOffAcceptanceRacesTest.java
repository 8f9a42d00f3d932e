package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.MutableClock;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.OwnerClaims;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.api.http.ApiException;
import com.salesagent.workflows.lead.HandOffRequest;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerAssignment;
import io.dropwizard.jackson.Jackson;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rep's acceptance ({@link HandOffAcceptance}) finishing whole between another writer's read and
 * its write: the run's hand-off attempt of a lead nobody held, a reassignment by hand. The accepted
 * lead stays the rep's who was told 200, and the hand-off says accepted.
 */
class HandOffAcceptanceRacesTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  private LeadStore store;
  private MongoCollection<Document> handoffs;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    handoffs = MONGO.database().getCollection(HandOffActivitiesImpl.HANDOFFS);
    var owners = MONGO.database().getCollection(Owners.COLLECTION);
    owners.deleteMany(new Document());
    owners.insertMany(
        List.of(
            new Document("_id", "ana").append("name", "Ana Lima").append("active", true),
            new Document("_id", "bob").append("name", "Bob Reis").append("active", true)));
  }

  /**
   * Known defect (review of session 49, F2): the holder's acceptance finished (200, the run told)
   * between a reassignment by hand's read and its claim. The claim matched only the owner and
   * attempt, so it overwrote the accepted hand-off; its contact write then missed (the mark
   * changed) and its take-back put back the hand-off as read: open, without the acceptance, so the
   * queue and the reminders treated an accepted lead as open. Now the claim matches the hand-off's
   * status and acceptance as read: it misses, the move is refused and the new rep's hold released.
   */
  @Test
  void anAcceptanceFinishedBeforeAMovesClaimStandsAndTheMoveIsRefused() {
    String leadId = heldLead("ana");
    List<String> told = new CopyOnWriteArrayList<>();
    List<HandOffAcceptance.Taken> taken = new CopyOnWriteArrayList<>();
    AtomicBoolean once = new AtomicBoolean();
    LeadHandOffs move =
        handOffs(
            new LeadStore(
                before(
                    MONGO.database(),
                    HandOffActivitiesImpl.HANDOFFS,
                    (name, args) ->
                        "updateOne".equals(name)
                            && args.length >= 2
                            && args[1] instanceof Bson update
                            && json(update)
                                .contains("\"" + HandOffActivitiesImpl.BY_HAND_PRIOR + "\""),
                    () -> {
                      if (once.compareAndSet(false, true)) {
                        taken.add(acceptance(told).take("ops", leadId, "ana"));
                      }
                    })));

    assertThatThrownBy(
            () ->
                move.reassign(
                    "ops", leadId, "{\"ownerId\":\"bob\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.getMessage()).contains("changed meanwhile");
            });

    assertThat(taken).extracting(HandOffAcceptance.Taken::ownerId).containsExactly("ana");
    assertThat(told).as("the run was told ana accepted").hasSize(1);
    Document h = handoffs.find(Filters.eq("_id", leadId)).first();
    assertThat(h.getString("ownerId")).isEqualTo("ana");
    assertThat(h.getInteger("attempt")).isEqualTo(1);
    assertThat(h.getString("status")).as("ana's acceptance kept").isEqualTo("accepted");
    assertThat(h.getString("acceptedBy")).isEqualTo("Ana Lima (ana)");
    assertThat(h.get("acceptedAt")).isNotNull();
    assertThat(h.get(HandOffActivitiesImpl.BY_HAND_FROM)).isNull();
    Document c = store.contact(leadId);
    assertThat(c.getString("ownerId")).isEqualTo("ana");
    assertThat(c.get(HandOffActivitiesImpl.OWNER_ACCEPTED_AT)).isNotNull();
    assertThat(holding("bob")).as("the move's hold on bob released").doesNotContain(leadId);
  }

  /**
   * Known defect (review of session 49, F1): a rep's acceptance of a lead nobody held landed whole
   * (contact theirs, hand-off accepted, 200, the run told) between the run's read of the contact
   * and its hand-off write for another rep. That write (over any earlier attempt) overwrote the
   * acceptance, carrying its {@code acceptedAt}/{@code acceptedBy} onto the new attempt, and the
   * contact write of a lead read as unheld was unconditional: the lead became bob's. Now the
   * contact is written only while it names nobody; an acceptance that came first stands, the
   * attempt is taken back (answered as accepted meanwhile) and bob's claim released.
   */
  @Test
  void anAcceptanceOfALeadNobodyHeldLandingBeforeTheRunsAttemptStands() {
    MONGO
        .database()
        .getCollection(Owners.COLLECTION)
        .updateMany(new Document(), new Document("$set", new Document("capacity", 5)));
    String leadId = "H-" + UUID.randomUUID();
    store.insertContact(contact(leadId, "interested", null));
    handoffs.insertOne(
        new Document("_id", leadId)
            .append("attempt", 1)
            .append("status", "unassigned")
            .append("owners", List.of("ana"))
            .append("history", List.of()));
    List<String> told = new CopyOnWriteArrayList<>();
    List<HandOffAcceptance.Taken> taken = new CopyOnWriteArrayList<>();
    AtomicBoolean once = new AtomicBoolean();
    MongoDatabase racing =
        before(
            MONGO.database(),
            HandOffActivitiesImpl.HANDOFFS,
            (name, args) -> "findOneAndUpdate".equals(name),
            () -> {
              if (once.compareAndSet(false, true)) {
                taken.add(acceptance(told).take("ops", leadId, "ana"));
              }
            });

    OwnerAssignment answer =
        new HandOffActivitiesImpl(racing, new MutableClock(NOW))
            .handOff(new HandOffRequest(leadId, "c-1", "smb", 2, Duration.ofHours(2)));

    assertThat(taken).extracting(HandOffAcceptance.Taken::ownerId).containsExactly("ana");
    assertThat(told).as("the run was told ana accepted").hasSize(1);
    assertThat(answer.ownerId()).as("the run is not told bob holds it").isNull();
    assertThat(answer.note()).isEqualTo("accepted by its owner meanwhile");
    Document c = store.contact(leadId);
    assertThat(c.getString("ownerId")).as("the lead ana was told she took").isEqualTo("ana");
    Document h = handoffs.find(Filters.eq("_id", leadId)).first();
    assertThat(h.getString("ownerId")).isEqualTo("ana");
    assertThat(h.getString("status")).isEqualTo("accepted");
    assertThat(h.getString("acceptedBy")).isEqualTo("Ana Lima (ana)");
    assertThat(holding("bob")).as("the attempt's claim on bob released").doesNotContain(leadId);
  }

  /**
   * Known defect (review of session 49, F1, the other order): the run's attempt wrote its hand-off
   * and its contact (bob's) between a rep's read of the contact (nobody's) and of the hand-off, so
   * the rep's contact write (only while it names nobody) missed, yet their hand-off write, on the
   * hand-off as read (bob's attempt), went on: marked accepted and made ana's, 200, the run told,
   * while the contact stayed bob's. Now an acceptance whose contact write misses is refused and
   * nothing is written.
   */
  @Test
  void anAcceptanceOfALeadNobodyHeldThatTheRunGaveAnotherRepMeanwhileIsRefused() {
    MONGO
        .database()
        .getCollection(Owners.COLLECTION)
        .updateMany(new Document(), new Document("$set", new Document("capacity", 5)));
    String leadId = "H-" + UUID.randomUUID();
    store.insertContact(contact(leadId, "interested", null));
    handoffs.insertOne(
        new Document("_id", leadId)
            .append("attempt", 1)
            .append("status", "unassigned")
            .append("owners", List.of("ana"))
            .append("history", List.of()));
    List<OwnerAssignment> decided = new CopyOnWriteArrayList<>();
    AtomicBoolean once = new AtomicBoolean();
    List<String> told = new CopyOnWriteArrayList<>();
    HandOffAcceptance acceptance =
        new HandOffAcceptance(
            new LeadStore(
                before(
                    MONGO.database(),
                    HandOffActivitiesImpl.HANDOFFS,
                    (name, args) -> "find".equals(name),
                    () -> {
                      if (once.compareAndSet(false, true)) {
                        decided.add(
                            new HandOffActivitiesImpl(MONGO.database(), new MutableClock(NOW))
                                .handOff(
                                    new HandOffRequest(
                                        leadId, "c-1", "smb", 2, Duration.ofHours(2))));
                      }
                    })),
            new Owners(MONGO.database()),
            id -> recording(told),
            Clock.fixed(NOW.plusSeconds(1), ZoneOffset.UTC));

    assertThatThrownBy(() -> acceptance.take("ops", leadId, "ana"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));

    assertThat(decided).extracting(OwnerAssignment::ownerId).containsExactly("bob");
    assertThat(told).as("the run is not told ana accepted").isEmpty();
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("bob");
    Document h = handoffs.find(Filters.eq("_id", leadId)).first();
    assertThat(h.getString("ownerId")).isEqualTo("bob");
    assertThat(h.getInteger("attempt")).isEqualTo(2);
    assertThat(h.getString("status")).isEqualTo("open");
    assertThat(h.get("acceptedBy")).isNull();
    assertThat(holding("ana")).as("ana's hold released").doesNotContain(leadId);
    assertThat(holding("bob")).contains(leadId);
  }

  /**
   * Known defect (review of session 49, F1): an attempt's hand-off write kept the {@code
   * acceptedAt}/{@code acceptedBy} of the hand-off it replaced, so a new, open attempt said who
   * accepted an earlier one. Now the attempt's write removes them.
   */
  @Test
  void aNewAttemptDoesNotCarryTheAcceptanceOfTheOneBefore() {
    MONGO
        .database()
        .getCollection(Owners.COLLECTION)
        .updateMany(new Document(), new Document("$set", new Document("capacity", 5)));
    String leadId = "H-" + UUID.randomUUID();
    store.insertContact(contact(leadId, "interested", null));
    handoffs.insertOne(
        new Document("_id", leadId)
            .append("attempt", 1)
            .append("status", "unassigned")
            .append("acceptedAt", Date.from(NOW.minusSeconds(3600)))
            .append("acceptedBy", "Ana Lima (ana)")
            .append("owners", List.of("ana"))
            .append("history", List.of()));

    OwnerAssignment answer =
        new HandOffActivitiesImpl(MONGO.database(), new MutableClock(NOW))
            .handOff(new HandOffRequest(leadId, "c-1", "smb", 2, Duration.ofHours(2)));

    assertThat(answer.ownerId()).isNotNull();
    Document h = handoffs.find(Filters.eq("_id", leadId)).first();
    assertThat(h.getString("ownerId")).isEqualTo(answer.ownerId());
    assertThat(h.getString("status")).isEqualTo("open");
    assertThat(h.get("acceptedAt")).isNull();
    assertThat(h.get("acceptedBy")).isNull();
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo(answer.ownerId());
  }

  private static Document contact(String leadId, String stage, String ownerId) {
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

  private String heldLead(String ownerId) {
    String leadId = "H-" + UUID.randomUUID();
    store.insertContact(contact(leadId, "handed_off", ownerId));
    handoffs.insertOne(
        new Document("_id", leadId)
            .append("ownerId", ownerId)
            .append("attempt", 1)
            .append("status", "open")
            .append("assignedAt", Date.from(NOW.minusSeconds(600)))
            .append("dueAt", Date.from(NOW.plusSeconds(3600))));
    return leadId;
  }

  private List<String> holding(String ownerId) {
    Document owner =
        MONGO.database().getCollection(Owners.COLLECTION).find(Filters.eq("_id", ownerId)).first();
    return owner.getList(OwnerClaims.HOLDING, Document.class, List.of()).stream()
        .map(c -> c.getString("lead"))
        .toList();
  }

  private static LeadWorkflow recording(List<String> calls) {
    return (LeadWorkflow)
        Proxy.newProxyInstance(
            LeadWorkflow.class.getClassLoader(),
            new Class<?>[] {LeadWorkflow.class},
            (proxy, method, args) -> {
              calls.add(method.getName() + ":" + args[0]);
              return null;
            });
  }

  private static LeadHandOffs handOffs(LeadStore s) {
    List<String> ignored = new CopyOnWriteArrayList<>();
    return new LeadHandOffs(
        s,
        leadId -> recording(ignored),
        Jackson.newObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private HandOffAcceptance acceptance(List<String> told) {
    return new HandOffAcceptance(
        store,
        new Owners(MONGO.database()),
        id -> recording(told),
        Clock.fixed(NOW.plusSeconds(1), ZoneOffset.UTC));
  }

  private static String json(Bson bson) {
    return bson.toBsonDocument(Document.class, MongoClientSettings.getDefaultCodecRegistry())
        .toJson();
  }

  /** The database, running {@code before} ahead of each call on {@code collection} that matches. */
  private static MongoDatabase before(
      MongoDatabase db,
      String collection,
      java.util.function.BiPredicate<String, Object[]> call,
      Runnable before) {
    return (MongoDatabase)
        Proxy.newProxyInstance(
            HandOffAcceptanceRacesTest.class.getClassLoader(),
            new Class<?>[] {MongoDatabase.class},
            (proxy, method, args) -> {
              Object real = invoke(method, db, args);
              if (!"getCollection".equals(method.getName()) || !collection.equals(args[0])) {
                return real;
              }
              return Proxy.newProxyInstance(
                  HandOffAcceptanceRacesTest.class.getClassLoader(),
                  new Class<?>[] {MongoCollection.class},
                  (p, m, a) -> {
                    if (call.test(m.getName(), a == null ? new Object[0] : a)) {
                      before.run();
                    }
                    return invoke(m, real, a);
                  });
            });
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}

package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.OwnerClaims;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.api.http.ApiException;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.dropwizard.jackson.Jackson;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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

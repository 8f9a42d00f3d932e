package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.MutableClock;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.handoff.UnfinishedHandOffs;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.dropwizard.jackson.Jackson;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two requests that finish the same move by hand (its own request, and the lead's next move or the
 * run's retry that finished it between the request's two writes): one audit entry.
 */
class MoveFinishersTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private LeadStore store;
  private MongoCollection<Document> handoffs;
  private final List<String> told = new CopyOnWriteArrayList<>();

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
   * Known defect (review of session 50, 3): a reassignment by hand whose move another finisher
   * completed between its hand-off write and its contact write (UnfinishedHandOffs#finishByHand, as
   * the lead's next move or the run's retry runs it, auditing the move) found the contact moved to
   * its target and audited the move again: two {@code handoff_reassigned_by_hand} entries for one
   * move. Now the entry's id is the move's own, so the second finisher writes nothing.
   */
  @Test
  void aMoveFinishedByAnotherBetweenItsWritesIsAuditedOnce() {
    String leadId = heldLead("ana");
    AtomicBoolean once = new AtomicBoolean();
    LeadHandOffs move =
        handOffs(
            new LeadStore(
                RacingDatabase.before(
                    MONGO.database(),
                    Set.of(Collections.CONTACTS),
                    (c, m, a) ->
                        "updateOne".equals(m)
                            && RacingDatabase.json(a[0])
                                .contains(HandOffActivitiesImpl.OWNER_ACCEPTED_AT)
                            && once.compareAndSet(false, true),
                    () ->
                        new UnfinishedHandOffs(MONGO.database(), new MutableClock(NOW))
                            .finishByHand(
                                handoffs.find(Filters.eq("_id", leadId)).first(), "c-1", null))));

    Response moved =
        move.reassign("ops", leadId, "{\"ownerId\":\"bob\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(once).as("the interleaving was placed").isTrue();
    assertThat(moved.getStatus()).isEqualTo(202);
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("bob");
    assertThat(handoffs.find(Filters.eq("_id", leadId)).first().getString("ownerId"))
        .isEqualTo("bob");
    assertThat(
            MONGO
                .database()
                .getCollection(Collections.AUDIT_LOG)
                .countDocuments(
                    Filters.and(
                        Filters.eq("leadId", leadId),
                        Filters.eq("action", "handoff_reassigned_by_hand"))))
        .as("one entry for one move")
        .isEqualTo(1);
  }

  private String heldLead(String ownerId) {
    String leadId = "H-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append(
                "phone", "+55119" + String.format("%08d", Math.abs(leadId.hashCode() % 100000000)))
            .append("segment", "smb")
            .append("stage", "handed_off")
            .append("ownerId", ownerId)
            .append("updatedAt", Date.from(NOW)));
    handoffs.insertOne(
        new Document("_id", leadId)
            .append("ownerId", ownerId)
            .append("attempt", 1)
            .append("status", "open")
            .append("assignedAt", Date.from(NOW.minusSeconds(600)))
            .append("dueAt", Date.from(NOW.plusSeconds(3600))));
    return leadId;
  }

  private LeadHandOffs handOffs(LeadStore s) {
    return new LeadHandOffs(
        s,
        leadId ->
            (LeadWorkflow)
                Proxy.newProxyInstance(
                    LeadWorkflow.class.getClassLoader(),
                    new Class<?>[] {LeadWorkflow.class},
                    (proxy, method, args) -> {
                      told.add(method.getName() + ":" + leadId);
                      return null;
                    }),
        Jackson.newObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }
}

package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerAction;
import com.salesagent.workflows.lead.OwnerRelease;
import io.dropwizard.jackson.Jackson;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A take tells the run its time as its hand-off records it ({@code acceptedAt}, to the
 * millisecond), and the release that gives it back names that time (kept on the release mark, so
 * the same release again names it again): the run drops that take's acceptance told late or again
 * (workflows' LateAcceptances). A release of a lead its rep had not taken names none.
 */
class ReleasedTakeTimesTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  /** Sub-millisecond on purpose: MongoDB keeps milliseconds, and so must the signal. */
  private static final Instant TAKEN = Instant.parse("2026-12-05T10:00:00.123456789Z");

  private static final Instant RELEASED = Instant.parse("2026-12-05T10:05:00Z");

  private LeadStore store;
  private final List<Object> signals = new CopyOnWriteArrayList<>();
  private Function<String, LeadWorkflow> lead;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    var owners = MONGO.database().getCollection(Owners.COLLECTION);
    owners.deleteMany(new Document());
    owners.insertOne(new Document("_id", "ana").append("name", "Ana Lima").append("active", true));
    lead =
        leadId ->
            (LeadWorkflow)
                Proxy.newProxyInstance(
                    LeadWorkflow.class.getClassLoader(),
                    new Class<?>[] {LeadWorkflow.class},
                    (proxy, method, args) -> {
                      if (method.getName().equals("ownerReleased")
                          || method.getName().equals("ownerAction")) {
                        signals.add(args[0]);
                        return null;
                      }
                      throw new UnsupportedOperationException(method.getName());
                    });
  }

  /** An interested lead handed to ana on its first attempt, not taken yet. */
  private String handedToAna() {
    String leadId = "T-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+55119" + Math.abs(leadId.hashCode() % 100000000))
            .append("segment", "smb")
            .append("stage", "handed_off")
            .append("ownerId", "ana")
            .append("funnel", new Document("interested", Date.from(TAKEN.minusSeconds(900))))
            .append("updatedAt", Date.from(TAKEN.minusSeconds(900))));
    MONGO
        .database()
        .getCollection(HandOffActivitiesImpl.HANDOFFS)
        .insertOne(
            new Document("_id", leadId)
                .append("ownerId", "ana")
                .append("attempt", 1)
                .append("status", "open")
                .append("assignedAt", Date.from(TAKEN.minusSeconds(600)))
                .append("dueAt", Date.from(TAKEN.plusSeconds(3600))));
    return leadId;
  }

  private void take(String leadId) {
    new HandOffAcceptance(
            store, new Owners(MONGO.database()), lead, Clock.fixed(TAKEN, ZoneOffset.UTC))
        .take("ops", leadId, "ana");
  }

  private int release(String leadId) {
    return new LeadHandOffs(
            store,
            lead,
            Jackson.newObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES),
            Clock.fixed(RELEASED, ZoneOffset.UTC))
        .release("ops", leadId, "{\"byOwnerId\":\"ana\"}".getBytes(StandardCharsets.UTF_8))
        .getStatus();
  }

  private Date acceptedAt(String leadId) {
    return MONGO
        .database()
        .getCollection(HandOffActivitiesImpl.HANDOFFS)
        .find(new Document("_id", leadId))
        .first()
        .getDate("acceptedAt");
  }

  @Test
  void theTakeAndItsReleaseNameTheTimeTheHandOffHolds() {
    String leadId = handedToAna();
    take(leadId);
    Instant held = acceptedAt(leadId).toInstant();
    assertThat(held).isEqualTo(Instant.parse("2026-12-05T10:00:00.123Z"));

    assertThat(release(leadId)).isEqualTo(202);

    assertThat(signals).hasSize(2);
    assertThat(((OwnerAction) signals.get(0)).takenAt()).isEqualTo(held);
    assertThat(((OwnerRelease) signals.get(1)).takenAt()).isEqualTo(held);
  }

  @Test
  void theSameReleaseAgainNamesTheSameTake() {
    String leadId = handedToAna();
    take(leadId);
    release(leadId);

    assertThat(release(leadId)).isEqualTo(200);

    assertThat(signals).hasSize(3);
    assertThat(signals.get(2)).isEqualTo(signals.get(1));
    assertThat(((OwnerRelease) signals.get(2)).takenAt()).isNotNull();
  }

  @Test
  void aReleaseOfALeadItsRepHadNotTakenNamesNoTake() {
    String leadId = handedToAna();

    assertThat(release(leadId)).isEqualTo(202);

    assertThat(signals).singleElement().extracting(s -> ((OwnerRelease) s).takenAt()).isNull();
  }
}

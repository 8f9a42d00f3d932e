package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.owners.HandOffsResource;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerRelease;
import io.dropwizard.jackson.Jackson;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A release tells the run the newest lead message its rep saw ({@code seenMessageId}): the
 * request's, checked as the reply routes check it, else the lead's newest stored message; kept on
 * the release mark, so the same release again tells the run the same. The run decides by the order
 * of the lead's messages whether its interest came after it, not by the API's clock.
 */
class HandOffReleaseSeenMessageTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private LeadStore store;
  private final List<OwnerRelease> released = new CopyOnWriteArrayList<>();
  private LeadHandOffs handOffs;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    var owners = MONGO.database().getCollection(Owners.COLLECTION);
    owners.deleteMany(new Document());
    owners.insertOne(new Document("_id", "ana").append("name", "Ana Lima").append("active", true));
    handOffs =
        new LeadHandOffs(
            store,
            leadId ->
                (LeadWorkflow)
                    Proxy.newProxyInstance(
                        LeadWorkflow.class.getClassLoader(),
                        new Class<?>[] {LeadWorkflow.class},
                        (proxy, method, args) -> {
                          if (method.getName().equals("ownerReleased")) {
                            released.add((OwnerRelease) args[0]);
                            return null;
                          }
                          throw new UnsupportedOperationException(method.getName());
                        }),
            Jackson.newObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES),
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** An interested lead ana holds on its first hand-off attempt. */
  private String heldLead() {
    String leadId = "R-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+55119" + Math.abs(leadId.hashCode() % 100000000))
            .append("segment", "smb")
            .append("stage", "handed_off")
            .append("ownerId", "ana")
            .append("funnel", new Document("interested", Date.from(NOW)))
            .append("updatedAt", Date.from(NOW)));
    MONGO
        .database()
        .getCollection(HandOffActivitiesImpl.HANDOFFS)
        .insertOne(
            new Document("_id", leadId)
                .append("ownerId", "ana")
                .append("attempt", 1)
                .append("status", "open")
                .append("assignedAt", Date.from(NOW.minusSeconds(600)))
                .append("dueAt", Date.from(NOW.plusSeconds(3600))));
    return leadId;
  }

  /** The lead's message {@code messageId}, stored {@code secondsAgo} before now. */
  private void wrote(String leadId, String messageId, long secondsAgo) {
    store
        .feedback()
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", messageId)
                .append("type", "text")
                .append("intent", "interested")
                .append("receivedAt", Date.from(NOW.minusSeconds(secondsAgo + 1)))
                .append("storedAt", Date.from(NOW.minusSeconds(secondsAgo))));
  }

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Document mark(String leadId) {
    return store.contact(leadId).get(HandOffActivitiesImpl.RELEASED_TO_AGENT, Document.class);
  }

  @Test
  void theMessageTheRepSawReachesTheRunAndTheSameReleaseAgainSaysItAgain() {
    String leadId = heldLead();
    wrote(leadId, "wamid.in-1", 300);
    wrote(leadId, "wamid.in-2", 20);

    Response first =
        handOffs.release(
            "ops", leadId, json("{\"byOwnerId\":\"ana\",\"seenMessageId\":\"wamid.in-1\"}"));

    assertThat(first.getStatus()).isEqualTo(202);
    assertThat(released)
        .containsExactly(new OwnerRelease("ana", "Ana Lima (ana)", null, NOW, "wamid.in-1"));
    assertThat(mark(leadId).getString("seenMessageId")).isEqualTo("wamid.in-1");

    Response again = handOffs.release("ops", leadId, json("{\"byOwnerId\":\"ana\"}"));
    assertThat(again.getStatus()).isEqualTo(200);
    assertThat(released).hasSize(2).last().isEqualTo(released.get(0));
  }

  @Test
  void withoutOneTheLeadsNewestStoredMessageIsSent() {
    String leadId = heldLead();
    wrote(leadId, "wamid.in-2", 20);
    wrote(leadId, "wamid.in-1", 300);
    String other = heldLead();
    wrote(other, "wamid.other", 1);

    assertThat(handOffs.release("ops", leadId, json("{}")).getStatus()).isEqualTo(202);

    assertThat(released)
        .singleElement()
        .extracting(OwnerRelease::seenMessageId)
        .isEqualTo("wamid.in-2");
  }

  @Test
  void aLeadThatNeverWroteSendsNone() {
    String leadId = heldLead();

    assertThat(handOffs.release("ops", leadId, json("{}")).getStatus()).isEqualTo(202);

    assertThat(released).singleElement().extracting(OwnerRelease::seenMessageId).isNull();
  }

  /**
   * A message of another lead, or none, is 422 naming seenMessageId, as a malformed one: nothing is
   * released (the hand-off and the contact as they were, the run not told).
   */
  @Test
  void aMessageThatIsNotTheLeadsIs422NamingSeenMessageIdAndNothingIsReleased() {
    String leadId = heldLead();
    wrote(leadId, "wamid.in-1", 300);
    String other = heldLead();
    wrote(other, "wamid.other", 1);

    for (String seen : List.of("\"wamid.other\"", "\"wamid.nope\"", "\"no spaces\"", "\"\"")) {
      assertThatThrownBy(
              () ->
                  handOffs.release(
                      "ops",
                      leadId,
                      json("{\"byOwnerId\":\"ana\",\"seenMessageId\":" + seen + "}")))
          .as(seen)
          .isInstanceOfSatisfying(
              ApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(422);
                assertThat(e.errors()).extracting(f -> f.field()).contains("seenMessageId");
              });
    }

    assertThat(released).isEmpty();
    assertThat(store.contact(leadId).getString("ownerId")).isEqualTo("ana");
    assertThat(
            MONGO
                .database()
                .getCollection(HandOffActivitiesImpl.HANDOFFS)
                .find(Filters.eq("_id", leadId))
                .first()
                .getString("status"))
        .isEqualTo("open");
  }

  /**
   * The Hand-offs queue names the newest lead message it shows: the row's last reply and the lead's
   * messages in its conversation carry their messageId (before, neither did, and the queue's Give
   * back to the agent sent none). A release naming the row's message after the lead wrote again is
   * honoured (the run told the message the rep saw, not the newer one); without one, the lead's
   * newest stored message, as before.
   */
  @Test
  void theQueueShowsTheMessageIdsItsReleaseNames() {
    String leadId = heldLead();
    wrote(leadId, "wamid.in-1", 300);
    wrote(leadId, "wamid.in-2", 20);
    var queue = new HandOffsResource(MONGO.database(), Clock.fixed(NOW, ZoneOffset.UTC));

    HandOffsResource.HandOffRow row =
        queue.queue(null, null).handoffs().stream()
            .filter(r -> r.leadId().equals(leadId))
            .findFirst()
            .orElseThrow();
    assertThat(row.lastReply().messageId()).isEqualTo("wamid.in-2");
    assertThat(queue.conversation(leadId).messages())
        .filteredOn(m -> m.from().equals("lead"))
        .extracting(HandOffsResource.Said::messageId)
        .containsExactly("wamid.in-1", "wamid.in-2");

    // The lead writes again after the queue showed the row; the rep gives it back from the queue.
    wrote(leadId, "wamid.in-3", 5);
    Response fromQueue =
        handOffs.release(
            "ops",
            leadId,
            json(
                "{\"byOwnerId\":\"ana\",\"seenMessageId\":\""
                    + row.lastReply().messageId()
                    + "\"}"));
    assertThat(fromQueue.getStatus()).isEqualTo(202);
    assertThat(released)
        .singleElement()
        .extracting(OwnerRelease::seenMessageId)
        .isEqualTo("wamid.in-2");

    String other = heldLead();
    wrote(other, "wamid.o-1", 300);
    wrote(other, "wamid.o-2", 5);
    assertThat(handOffs.release("ops", other, json("{\"byOwnerId\":\"ana\"}")).getStatus())
        .isEqualTo(202);
    assertThat(released).last().extracting(OwnerRelease::seenMessageId).isEqualTo("wamid.o-2");
  }
}

package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.HeldMessages;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.approvals.ApprovalResource;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ResourceTests;
import com.salesagent.workflows.lead.ApprovalDecision;
import com.salesagent.workflows.lead.ApprovalResult;
import com.salesagent.workflows.lead.DeliveryDecision;
import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.LeadInput;
import com.salesagent.workflows.lead.LeadState;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.MeetingBooked;
import com.salesagent.workflows.lead.MessageStatusSignal;
import com.salesagent.workflows.lead.OptOutSignal;
import com.salesagent.workflows.lead.OutcomeSignal;
import com.salesagent.workflows.lead.OwnerAction;
import com.salesagent.workflows.lead.OwnerRelease;
import com.salesagent.workflows.lead.OwnerReply;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Workflow;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A person's decision on a held message, and on a send whose fate is unknown, sent twice (a retried
 * request, a double click) or by two reviewers at once, against a lead workflow that validates
 * decisions as the real one does (one decision per message) and records nothing in MongoDB itself:
 * the moment between the workflow taking a decision and its record landing, where a second request
 * found the message still pending.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ApprovalDecisionsTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final java.net.InetSocketAddress ADDRESS = MONGO.bind();
  static final MongoClient CLIENT =
      MongoClients.create(
          "mongodb://"
              + ADDRESS.getHostString()
              + ":"
              + ADDRESS.getPort()
              + "/?serverSelectionTimeoutMS=2000");
  static final LeadStore STORE = new LeadStore(CLIENT.getDatabase("approval-decisions"));

  static {
    com.salesagent.activities.mongo.MongoSchema.ensure(STORE.database(), Duration.ZERO);
  }

  static final TestWorkflowEnvironment TEMPORAL = TestWorkflowEnvironment.newInstance();
  static final String QUEUE = "approval-decisions";

  static {
    TEMPORAL.newWorker(QUEUE).registerWorkflowImplementationTypes(HeldLead.class);
    TEMPORAL.start();
  }

  static final WorkflowClient WORKFLOWS = TEMPORAL.getWorkflowClient();

  /** Workflows whose delivery decisions are taken and then fail (their answer lost). */
  static final java.util.Set<String> ANSWER_LOST = ConcurrentHashMap.newKeySet();

  /**
   * The hold a lead's workflow holds (by workflow id), when a test says: a decision naming another
   * is refused as the real workflow's validator does ({@link DeliveryDecision#HOLD_SUPERSEDED}).
   */
  static final Map<String, java.time.Instant> HOLDS = new ConcurrentHashMap<>();

  /** Decisions each lead's workflow took, by workflow id. */
  static final Map<String, AtomicInteger> TAKEN = new ConcurrentHashMap<>();

  static final ResourceExtension RESOURCES =
      ResourceTests.api()
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addProvider(ResourceTests.asOperator("ops"))
          .addResource(new ApprovalResource(new HeldMessages(STORE.database()), WORKFLOWS))
          .addResource(
              new LeadResource(
                  new LeadValidator("UTC", "US"),
                  new Enrolment(STORE, WORKFLOWS, Clock.systemUTC(), Duration.ZERO),
                  STORE,
                  WORKFLOWS,
                  Jackson.newObjectMapper(),
                  "",
                  "default",
                  new ApprovalResource(new HeldMessages(STORE.database()), WORKFLOWS),
                  new LeadErasure(STORE, WORKFLOWS, Duration.ZERO, Clock.systemUTC())))
          .build();

  @AfterAll
  static void close() {
    TEMPORAL.close();
    CLIENT.close();
    MONGO.shutdown();
  }

  /**
   * A lead holding one message for approval ({@code msg-<workflow id>}, and later its next one,
   * {@code msg-<workflow id>-2}) and one send whose fate is unknown ({@code send-<workflow id>});
   * each message takes one decision, the send one per hold ({@link #resume}: it was resent and held
   * unknown again), as the real lead's validators allow, and records nothing in MongoDB.
   */
  public static class HeldLead implements LeadWorkflow {
    private final java.util.Set<String> approved = new java.util.HashSet<>();
    private DeliveryDecision delivered;

    private static String id() {
      return Workflow.getInfo().getWorkflowId();
    }

    @Override
    public LeadState run(LeadInput input) {
      Workflow.await(() -> false);
      return null;
    }

    @Override
    public void validateApproval(ApprovalDecision decision) {
      if (approved.contains(decision.idempotencyKey())) {
        throw new IllegalStateException("message was decided already");
      }
      if (!List.of("msg-" + id(), "msg-" + id() + "-2").contains(decision.idempotencyKey())) {
        throw new IllegalStateException("not the one waiting");
      }
    }

    @Override
    public ApprovalResult approval(ApprovalDecision decision) {
      approved.add(decision.idempotencyKey());
      TAKEN.computeIfAbsent(id(), k -> new AtomicInteger()).incrementAndGet();
      return new ApprovalResult(
          decision.idempotencyKey(),
          decision.decision(),
          decision.approver(),
          ApprovalDecision.REJECT.equals(decision.decision())
              ? ApprovalResult.STOP
              : ApprovalResult.SEND);
    }

    @Override
    public void validateDelivery(DeliveryDecision decision) {
      java.time.Instant open = HOLDS.get(id());
      if (decision.heldAt() != null
          && open != null
          && decision.heldAt().toEpochMilli() != open.toEpochMilli()) {
        throw new IllegalStateException(
            "the hold of send send-"
                + id()
                + " held at "
                + decision.heldAt()
                + " "
                + DeliveryDecision.HOLD_SUPERSEDED
                + open
                + " (decide that hold, naming its heldAt)");
      }
      if (delivered != null) {
        throw new IllegalStateException("this send was decided already");
      }
    }

    @Override
    public DeliveryDecision resolveDelivery(DeliveryDecision decision) {
      delivered =
          new DeliveryDecision(
              "send-" + id(), decision.decision(), decision.operator(), decision.heldAt());
      TAKEN.computeIfAbsent(id(), k -> new AtomicInteger()).incrementAndGet();
      if (ANSWER_LOST.contains(id())) {
        // Taken, and its answer lost on the way back (the API stopped, the call failed).
        throw io.temporal.failure.ApplicationFailure.newFailure("the answer was lost", "Lost");
      }
      return delivered;
    }

    @Override
    public LeadState state() {
      return null;
    }

    @Override
    public void messageStatus(MessageStatusSignal status) {}

    @Override
    public void messageStatuses(List<MessageStatusSignal> statuses) {}

    @Override
    public void inboundMessage(InboundMessageSignal message) {}

    @Override
    public void outcome(OutcomeSignal outcome) {}

    @Override
    public void optOut(OptOutSignal optOut) {}

    @Override
    public void ownerAction(OwnerAction action) {}

    @Override
    public void ownerGone(String ownerId, java.time.Instant takenAt) {}

    @Override
    public void ownerAvailable(String ownerId) {}

    @Override
    public void ownerReleased(OwnerRelease release) {}

    @Override
    public void meetingBooked(MeetingBooked meeting) {}

    @Override
    public void ownerReply(OwnerReply reply) {}

    @Override
    public void variantDisabled(String variantId) {}

    @Override
    public void senderResumed(String phoneNumberId) {}

    @Override
    public void pause() {}

    /** Stands for the send resent and held unknown again: a new hold, decided again. */
    @Override
    public void resume() {
      delivered = null;
    }

    @Override
    public void stop(String reason) {}
  }

  /** A lead whose workflow holds a free-text message for approval, and a send of unknown fate. */
  private static String heldLead() {
    String leadId = "held-" + UUID.randomUUID();
    String workflowId = LeadWorkflow.workflowId(leadId);
    WorkflowClient.start(
        WORKFLOWS.newWorkflowStub(
                LeadWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(QUEUE).build())
            ::run,
        null);
    STORE
        .messages()
        .collection()
        .insertOne(
            new Document("leadId", leadId)
                .append("idempotencyKey", "msg-" + workflowId)
                .append("purpose", "follow_up")
                .append("text", "Hi Ana, a follow-up")
                .append(
                    "approval",
                    new Document("status", "pending")
                        .append("slaAt", Date.from(java.time.Instant.now().plusSeconds(3600)))));
    STORE
        .messages()
        .collection()
        .insertOne(
            new Document("leadId", leadId)
                .append("idempotencyKey", "send-" + workflowId)
                .append("purpose", "follow_up")
                .append("text", "Hi Ana, sent?")
                .append("delivery", new Document("status", "unknown").append("at", new Date())));
    return leadId;
  }

  private static Response decide(String leadId, String body, String ifMatch) {
    var request = RESOURCES.target("/api/leads/" + leadId + "/approval").request();
    if (ifMatch != null) {
      request = request.header("If-Match", ifMatch);
    }
    return request.post(Entity.json(body));
  }

  private static Response delivery(String leadId, String body) {
    return RESOURCES.target("/api/leads/" + leadId + "/delivery").request().post(Entity.json(body));
  }

  private static int taken(String leadId) {
    AtomicInteger n = TAKEN.get(LeadWorkflow.workflowId(leadId));
    return n == null ? 0 : n.get();
  }

  /** The message as the workflow's record (recordApproval) leaves it once it landed. */
  private static void recorded(String leadId, String field, String status) {
    STORE
        .messages()
        .collection()
        .updateOne(
            Filters.and(Filters.eq("leadId", leadId), Filters.exists(field + ".status")),
            Updates.set(field, new Document("status", status).append("by", "ops")));
  }

  /**
   * An approval sent twice: before the workflow's record landed (the message still pending in
   * MongoDB) and after. Before, the second answered 409 "decided already" (the workflow refused it,
   * or nothing was pending any more): a retried request or a double click looked like a failure.
   * Now the same decision answers 200 with the first one's body, taken once; a different decision
   * is 409 naming {@code decision}.
   */
  @Test
  void theSameApprovalSentTwiceAnswersAsTheFirstAndAnotherDecisionIs409() {
    String leadId = heldLead();
    String key = "msg-" + LeadWorkflow.workflowId(leadId);
    String approve = "{\"decision\":\"approve\",\"idempotencyKey\":\"" + key + "\"}";

    Response first = decide(leadId, approve, null);
    String firstBody = first.readEntity(String.class);
    assertThat(first.getStatus()).as(firstBody).isEqualTo(200);

    Response again = decide(leadId, approve, null);
    assertThat(again.getStatus()).as("sent again before the record landed").isEqualTo(200);
    assertThat(again.readEntity(String.class)).isEqualTo(firstBody);

    recorded(leadId, "approval", "approve");
    Response later = decide(leadId, approve, null);
    assertThat(later.getStatus()).as("sent again after the record landed").isEqualTo(200);
    assertThat(later.readEntity(String.class)).isEqualTo(firstBody);
    Response withoutKey = decide(leadId, "{\"decision\":\"approve\"}", null);
    assertThat(withoutKey.getStatus()).as("the same, naming no message").isEqualTo(200);
    assertThat(withoutKey.readEntity(String.class)).isEqualTo(firstBody);

    Response reject = decide(leadId, "{\"decision\":\"reject\"}", null);
    assertThat(reject.getStatus()).isEqualTo(409);
    assertThat(reject.readEntity(String.class))
        .contains("decided already")
        .contains("\"field\":\"decision\"");
    assertThat(taken(leadId)).as("the workflow took one decision").isEqualTo(1);
  }

  /**
   * A decision whose call to Temporal fails otherwise than by a refusal (here the kill-switch
   * signal sent before an approval of a switched-off variant's message, to a lead whose workflow is
   * gone): the claim on the message was left, so every other reviewer got 409 "decided already" for
   * a decision no workflow ever had. The claim now goes with the failure.
   */
  @Test
  void aDecisionThatNeverReachedTheWorkflowLeavesNoClaimBehind() {
    String leadId = "gone-" + UUID.randomUUID(); // no workflow runs for it
    String key = "msg-" + LeadWorkflow.workflowId(leadId);
    String variantId = "v-off-" + leadId.substring(5, 13);
    STORE
        .database()
        .getCollection("prompt_variants")
        .insertOne(new Document("variantId", variantId).append("enabled", false));
    STORE
        .messages()
        .collection()
        .insertOne(
            new Document("leadId", leadId)
                .append("idempotencyKey", key)
                .append("purpose", "follow_up")
                .append("variantId", variantId)
                .append("text", "Hi Ana, a follow-up")
                .append(
                    "approval",
                    new Document("status", "pending")
                        .append("slaAt", Date.from(java.time.Instant.now().plusSeconds(3600)))));

    Response r =
        decide(leadId, "{\"decision\":\"approve\",\"idempotencyKey\":\"" + key + "\"}", null);
    assertThat(r.getStatus()).as(r.readEntity(String.class)).isGreaterThanOrEqualTo(400);

    Document message =
        STORE.messages().collection().find(Filters.eq("idempotencyKey", key)).first();
    Document review = message.get(HeldMessages.REVIEW, Document.class);
    assertThat(review == null ? null : review.getString("decision"))
        .as("no decision left claimed by a call that failed")
        .isNull();
  }

  /**
   * Two reviewers edit the same held message, both from its listing (revision 1). Before, the
   * second edit wrote its text over the first one's (the edit is stored before the workflow is
   * told, and the message still looked pending) and then got a 409: the lead was sent the second
   * reviewer's words under the first one's decision. Now the decision is claimed on the message at
   * the revision read: the second edit is 412 with a JSON body naming If-Match, the first text
   * stays; without If-Match it is 409 naming {@code decision}. The first edit sent again (same
   * text, same If-Match) answers as the first.
   */
  @Test
  void aSecondReviewersEditOfTheSameRevisionIs412AndTheFirstTextStays() {
    String leadId = heldLead();
    String key = "msg-" + LeadWorkflow.workflowId(leadId);
    String listed = RESOURCES.target("/api/approvals").request().get(String.class);
    String edit = "{\"decision\":\"edit\",\"idempotencyKey\":\"" + key + "\",\"text\":\"";

    Response first = decide(leadId, edit + "Hi Ana, from Bia\"}", "\"1\"");
    String firstBody = first.readEntity(String.class);
    assertThat(first.getStatus()).as(firstBody).isEqualTo(200);
    Response second = decide(leadId, edit + "Hi Ana, from Caio\"}", "\"1\"");
    Response third = decide(leadId, edit + "Hi Ana, from Duda\"}", null);
    Response retried = decide(leadId, edit + "Hi Ana, from Bia\"}", "\"1\"");

    assertThat(second.getStatus()).isEqualTo(412);
    assertThat(second.getMediaType().toString()).startsWith("application/json");
    assertThat(second.readEntity(String.class)).contains("\"field\":\"If-Match\"");
    assertThat(third.getStatus()).isEqualTo(409);
    assertThat(third.readEntity(String.class)).contains("\"field\":\"decision\"");
    assertThat(retried.getStatus()).isEqualTo(200);
    assertThat(retried.readEntity(String.class)).isEqualTo(firstBody);
    assertThat(
            STORE
                .messages()
                .collection()
                .find(Filters.eq("idempotencyKey", key))
                .first()
                .getString("editedText"))
        .isEqualTo("Hi Ana, from Bia");
    assertThat(taken(leadId)).isEqualTo(1);
    assertThat(listed).as("the listing's revision, what an edit sends").contains("\"revision\":1");
    assertThat(decide(leadId, "{\"decision\":\"approve\"}", "W/\"1\"").getStatus())
        .as("a weak tag never matches")
        .isEqualTo(412);
    assertThat(decide(leadId, "{\"decision\":\"approve\"}", "one").getStatus()).isEqualTo(400);
  }

  /**
   * An edit's text is capped at WhatsApp's 4,096 characters counted as a person sees them (code
   * points, as a rep's message is): 4,096 emoji (non-BMP, 8,192 UTF-16 chars) are taken and stored
   * whole; 4,097 are 422 naming text, nothing claimed. Before, the cap counted UTF-16 chars: 2,049
   * emoji were refused.
   */
  @Test
  void anEditsTextCapCountsCodePoints() {
    String emoji = new String(Character.toChars(0x1F600));
    String atCap = heldLead();
    String key = "msg-" + LeadWorkflow.workflowId(atCap);
    Response taken =
        decide(
            atCap,
            "{\"decision\":\"edit\",\"idempotencyKey\":\""
                + key
                + "\",\"text\":\""
                + emoji.repeat(4096)
                + "\"}",
            null);
    assertThat(taken.getStatus()).as(taken.readEntity(String.class)).isEqualTo(200);
    assertThat(
            STORE
                .messages()
                .collection()
                .find(Filters.eq("idempotencyKey", key))
                .first()
                .getString("editedText"))
        .isEqualTo(emoji.repeat(4096));

    String past = heldLead();
    String pastKey = "msg-" + LeadWorkflow.workflowId(past);
    Response refused =
        decide(
            past,
            "{\"decision\":\"edit\",\"idempotencyKey\":\""
                + pastKey
                + "\",\"text\":\""
                + emoji.repeat(4096)
                + "\uD840\uDC00\"}",
            null);
    assertThat(refused.getStatus()).isEqualTo(422);
    assertThat(refused.readEntity(String.class)).contains("\"field\":\"text\"");
    assertThat(taken(past)).isZero();
  }

  /**
   * A delivery decision (resend) sent twice, before and after its record. Before, the second was
   * 409 ("decided already", or nothing held any more). Now it answers as the first, the send
   * decided once; another decision is 409 naming {@code decision}.
   */
  @Test
  void theSameDeliveryDecisionSentTwiceAnswersAsTheFirst() {
    String leadId = heldLead();
    Response first = delivery(leadId, "{\"decision\":\"resend\"}");
    String firstBody = first.readEntity(String.class);
    assertThat(first.getStatus()).as(firstBody).isEqualTo(200);

    Response again = delivery(leadId, "{\"decision\":\"resend\"}");
    assertThat(again.getStatus()).as("sent again before the record landed").isEqualTo(200);
    assertThat(again.readEntity(String.class)).isEqualTo(firstBody);

    recorded(leadId, "delivery", "resend");
    Response later = delivery(leadId, "{\"decision\":\"resend\"}");
    assertThat(later.getStatus()).as("sent again after the record landed").isEqualTo(200);
    assertThat(later.readEntity(String.class)).isEqualTo(firstBody);
    Response stop = delivery(leadId, "{\"decision\":\"stop\"}");
    assertThat(stop.getStatus()).isEqualTo(409);
    assertThat(stop.readEntity(String.class)).contains("\"field\":\"decision\"");
    assertThat(taken(leadId)).isEqualTo(1);
  }

  /** The {@code heldAt} GET /api/approvals lists for the lead's send of unknown fate. */
  private static String listedHeldAt(String leadId) throws Exception {
    var listed =
        Jackson.newObjectMapper()
            .readTree(RESOURCES.target("/api/approvals").request().get(String.class));
    for (var d : listed.path("deliveryUnknown")) {
      if (leadId.equals(d.path("leadId").asText())) {
        return d.path("heldAt").asText(null);
      }
    }
    return null;
  }

  /**
   * The send resent by an operator and held unknown again, minutes later: a new hold of the same
   * message, as the workflow's markUnknown and its hold leave it ({@code delivery} unset, then held
   * again at {@code at}); the workflow takes a decision on it again.
   */
  private static void heldAgain(String leadId, Date at) {
    STORE
        .messages()
        .collection()
        .updateOne(
            Filters.and(
                Filters.eq("leadId", leadId),
                Filters.eq("idempotencyKey", "send-" + LeadWorkflow.workflowId(leadId))),
            Updates.set("delivery", new Document("status", "unknown").append("at", at)));
    WORKFLOWS.newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId)).resume();
  }

  /**
   * One press of resend, its request retried after the resent send was held unknown again (a new
   * hold of the same message). Before, the retry was a decision on the new hold, with a new update
   * id (the hold's time is in it): 200 and a second resend. Now a decision names the hold it
   * decides ({@code heldAt}, listed by GET /api/approvals): one naming a hold that is not open is
   * 409 with a JSON body naming {@code heldAt} (with what was decided on it), and one naming none
   * whose same decision by the same operator was taken on an earlier hold is 409 naming {@code
   * heldAt} too; the new hold, named, is decided. The same decision on the same hold, sent again
   * before the send was held again, still answers 200 as the first.
   */
  @Test
  void aResendSentAgainAfterTheSendWasHeldAgainDecidesNothingMore() throws Exception {
    String leadId = heldLead();
    String key = "send-" + LeadWorkflow.workflowId(leadId);
    String heldAt = listedHeldAt(leadId);
    assertThat(heldAt).as("the hold's identity is listed").isNotNull();
    String resend =
        "{\"decision\":\"resend\",\"idempotencyKey\":\""
            + key
            + "\",\"heldAt\":\""
            + heldAt
            + "\"}";

    Response first = delivery(leadId, resend);
    String firstBody = first.readEntity(String.class);
    assertThat(first.getStatus()).as(firstBody).isEqualTo(200);
    Response again = delivery(leadId, resend);
    assertThat(again.getStatus()).as("the same decision on the same hold").isEqualTo(200);
    assertThat(again.readEntity(String.class)).isEqualTo(firstBody);
    recorded(leadId, "delivery", "resend");
    Response recordedAgain = delivery(leadId, resend);
    assertThat(recordedAgain.getStatus()).isEqualTo(200);
    assertThat(recordedAgain.readEntity(String.class)).isEqualTo(firstBody);

    Date newHold = new Date(System.currentTimeMillis() + 60_000);
    heldAgain(leadId, newHold);
    Response retried = delivery(leadId, resend);

    String retriedBody = retried.readEntity(String.class);
    assertThat(retried.getStatus()).as(retriedBody).isEqualTo(409);
    assertThat(retried.getMediaType().toString()).startsWith("application/json");
    assertThat(retriedBody)
        .contains("\"field\":\"heldAt\"")
        .contains("\"reason\":\"hold_superseded\"")
        .contains("\"decided\":\"resend\"")
        .contains("\"heldAt\":\"" + newHold.toInstant() + "\"");
    assertThat(taken(leadId)).as("one press, one resend").isEqualTo(1);

    Response second =
        delivery(
            leadId,
            "{\"decision\":\"resend\",\"idempotencyKey\":\""
                + key
                + "\",\"heldAt\":\""
                + listedHeldAt(leadId)
                + "\"}");
    assertThat(second.getStatus()).as("the new hold, named").isEqualTo(200);
    assertThat(taken(leadId)).isEqualTo(2);

    Response unreadable = delivery(leadId, "{\"decision\":\"resend\",\"heldAt\":\"yesterday\"}");
    assertThat(unreadable.getStatus()).isEqualTo(422);
    assertThat(unreadable.readEntity(String.class)).contains("\"field\":\"heldAt\"");
  }

  /**
   * The same, from an API client that names no hold (as before {@code heldAt}): one resend, its
   * request retried after the resent send was held unknown again. Before, the retry (naming the
   * send or nothing) was 200 and the workflow resent a second time; now, the same decision by the
   * same operator having been taken on an earlier hold, it is 409 naming {@code heldAt} ({@code
   * hold_required}): it may be that decision sent again. Another decision is taken as before.
   */
  @Test
  void aResendNamingNoHoldSentAgainAfterTheSendWasHeldAgainIs409() {
    String leadId = heldLead();
    String key = "send-" + LeadWorkflow.workflowId(leadId);
    String resend = "{\"decision\":\"resend\",\"idempotencyKey\":\"" + key + "\"}";
    Response first = delivery(leadId, resend);
    assertThat(first.getStatus()).as(first.readEntity(String.class)).isEqualTo(200);
    recorded(leadId, "delivery", "resend");

    heldAgain(leadId, new Date(System.currentTimeMillis() + 60_000));
    Response retried = delivery(leadId, resend);
    Response namingNothing = delivery(leadId, "{\"decision\":\"resend\"}");

    for (Response legacy : List.of(retried, namingNothing)) {
      String body = legacy.readEntity(String.class);
      assertThat(legacy.getStatus()).as(body).isEqualTo(409);
      assertThat(legacy.getMediaType().toString()).startsWith("application/json");
      assertThat(body).contains("\"field\":\"heldAt\"").contains("\"reason\":\"hold_required\"");
    }
    assertThat(taken(leadId)).as("one press, one resend").isEqualTo(1);
    Response stop = delivery(leadId, "{\"decision\":\"stop\"}");
    assertThat(stop.getStatus()).as("another decision on the new hold").isEqualTo(200);
    assertThat(taken(leadId)).isEqualTo(2);
  }

  /**
   * An approval naming no message, retried after the lead's next message was held. Before, the
   * retry approved that next message, which nobody had read (200, the workflow took a second
   * decision). Now it is 409 naming {@code idempotencyKey} ({@code hold_required}); the same retry
   * naming the first message is 409 naming {@code idempotencyKey} ({@code hold_superseded}, with
   * the decision taken on it); the next message, named, is decided.
   */
  @Test
  void anApprovalSentAgainAfterTheNextMessageWasHeldDoesNotDecideIt() {
    String leadId = heldLead();
    String workflowId = LeadWorkflow.workflowId(leadId);
    String approve = "{\"decision\":\"approve\"}";
    approvedThenNextHeld(leadId, approve);

    Response retried = decide(leadId, approve, null);
    Response named =
        decide(
            leadId,
            "{\"decision\":\"approve\",\"idempotencyKey\":\"msg-" + workflowId + "\"}",
            null);

    String retriedBody = retried.readEntity(String.class);
    assertThat(retried.getStatus()).as(retriedBody).isEqualTo(409);
    assertThat(retriedBody)
        .contains("\"field\":\"idempotencyKey\"")
        .contains("\"reason\":\"hold_required\"");
    String namedBody = named.readEntity(String.class);
    assertThat(named.getStatus()).as(namedBody).isEqualTo(409);
    assertThat(namedBody)
        .contains("\"field\":\"idempotencyKey\"")
        .contains("\"reason\":\"hold_superseded\"")
        .contains("\"decided\":\"approve\"");
    assertThat(taken(leadId)).as("the next message was not decided").isEqualTo(1);

    Response next =
        decide(
            leadId,
            "{\"decision\":\"approve\",\"idempotencyKey\":\"msg-" + workflowId + "-2\"}",
            null);
    assertThat(next.getStatus()).as(next.readEntity(String.class)).isEqualTo(200);
    assertThat(taken(leadId)).isEqualTo(2);
  }

  /**
   * The lead's first held message approved ({@code approve}, naming none) and recorded, then its
   * next message ({@code msg-<workflow id>-2}) held.
   */
  private static void approvedThenNextHeld(String leadId, String approve) {
    Response first = decide(leadId, approve, null);
    assertThat(first.getStatus()).as(first.readEntity(String.class)).isEqualTo(200);
    recorded(leadId, "approval", "approve");
    STORE
        .messages()
        .collection()
        .insertOne(
            new Document("leadId", leadId)
                .append("idempotencyKey", "msg-" + LeadWorkflow.workflowId(leadId) + "-2")
                .append("purpose", "follow_up")
                .append("text", "Hi Ana, the next follow-up")
                .append(
                    "approval",
                    new Document("status", "pending")
                        .append("slaAt", Date.from(java.time.Instant.now().plusSeconds(3600)))));
  }

  /** The send's record of the hold a delivery decision was taken on ({@code deliveryReview}). */
  private static Document deliveryReview(String key) {
    return STORE
        .messages()
        .collection()
        .find(Filters.eq("idempotencyKey", key))
        .first()
        .get(HeldMessages.DELIVERY_REVIEW, Document.class);
  }

  /**
   * Dates the lead's last recorded decision ({@code field}: claimed at, taken at) {@code minutes}
   * back.
   */
  private static void decidedMinutesAgo(String leadId, String field, long minutes) {
    Date then = Date.from(java.time.Instant.now().minus(java.time.Duration.ofMinutes(minutes)));
    STORE
        .messages()
        .collection()
        .updateMany(
            Filters.and(Filters.eq("leadId", leadId), Filters.exists(field + ".at")),
            Updates.combine(
                Updates.set(field + ".at", then),
                Updates.set(field + "." + HeldMessages.DECIDED_AT, then)));
  }

  /**
   * Dates when the lead's last decision ({@code field}.at) was claimed {@code minutes} back, as if
   * its update had taken that long before it was taken and answered (now).
   */
  private static void claimedMinutesBeforeItsAnswer(String leadId, String field, long minutes) {
    STORE
        .messages()
        .collection()
        .updateMany(
            Filters.and(Filters.eq("leadId", leadId), Filters.exists(field + ".at")),
            Updates.set(
                field + ".at",
                Date.from(java.time.Instant.now().minus(java.time.Duration.ofMinutes(minutes)))));
  }

  /**
   * An API client deciding each of a lead's messages in turn without naming them: the same decision
   * as on the lead's previous message, taken more than the retry window (10 minutes) after it, is a
   * new decision on the message waiting, not refused as a possible retry.
   */
  @Test
  void theSameApprovalNamingNoMessageLongAfterThePreviousOneDecidesTheNext() {
    String leadId = heldLead();
    String approve = "{\"decision\":\"approve\"}";
    approvedThenNextHeld(leadId, approve);
    decidedMinutesAgo(leadId, HeldMessages.REVIEW, 11);

    Response next = decide(leadId, approve, null);
    assertThat(next.getStatus()).as(next.readEntity(String.class)).isEqualTo(200);
    assertThat(taken(leadId)).as("the next message decided").isEqualTo(2);
  }

  /**
   * A resend naming no hold, pressed again on a send held unknown again more than the retry window
   * after the first resend: a new decision on the new hold (the operator saw it held again), not
   * refused as a possible retry.
   */
  @Test
  void theSameResendNamingNoHoldLongAfterTheFirstDecidesTheNewHold() {
    String leadId = heldLead();
    Response first = delivery(leadId, "{\"decision\":\"resend\"}");
    assertThat(first.getStatus()).as(first.readEntity(String.class)).isEqualTo(200);
    recorded(leadId, "delivery", "resend");
    heldAgain(leadId, new Date(System.currentTimeMillis() + 60_000));
    decidedMinutesAgo(leadId, HeldMessages.DELIVERY_REVIEW, 11);

    Response again = delivery(leadId, "{\"decision\":\"resend\"}");
    assertThat(again.getStatus()).as(again.readEntity(String.class)).isEqualTo(200);
    assertThat(taken(leadId)).as("a second press, a second resend").isEqualTo(2);
  }

  /**
   * A resend the workflow took whose answer never reached the API (the process stopped, the call
   * failed after the update was applied), then the send held unknown again, then the request sent
   * again naming no hold. Before, the hold was recorded only after the answer, so nothing told the
   * retry from a new decision: the workflow resent a second time for one press. Now the hold is
   * recorded before the workflow is told, so the retry is 409 naming {@code heldAt}.
   */
  @Test
  void aResendWhoseAnswerWasLostIsNotTakenAgainOnTheNextHold() {
    String leadId = heldLead();
    ANSWER_LOST.add(LeadWorkflow.workflowId(leadId));
    Response first = delivery(leadId, "{\"decision\":\"resend\"}");
    assertThat(first.getStatus()).as(first.readEntity(String.class)).isNotEqualTo(200);
    assertThat(taken(leadId)).isEqualTo(1);
    ANSWER_LOST.remove(LeadWorkflow.workflowId(leadId));

    heldAgain(leadId, new Date(System.currentTimeMillis() + 60_000));
    Response retried = delivery(leadId, "{\"decision\":\"resend\"}");
    String body = retried.readEntity(String.class);
    assertThat(retried.getStatus()).as(body).isEqualTo(409);
    assertThat(body).contains("\"field\":\"heldAt\"").contains("\"reason\":\"hold_required\"");
    assertThat(taken(leadId)).as("one press, one resend").isEqualTo(1);
  }

  /**
   * The send resent and held unknown again by the workflow before its hold is in MongoDB (the
   * workflow unsets the send's delivery as it holds it; the record comes with its next activity).
   * Before, a retry of the resend then found no hold to compare with and was sent to the workflow
   * as a new decision, naming the send or not, and a decision naming its hold with {@code heldAt}
   * but no send had {@code heldAt} ignored: each resent again. Now each is 409 naming {@code
   * heldAt}.
   */
  @Test
  void aRetryWhileTheNewHoldIsNotRecordedYetDecidesNothing() {
    String leadId = heldLead();
    String key = "send-" + LeadWorkflow.workflowId(leadId);
    Response first = delivery(leadId, "{\"decision\":\"resend\"}");
    assertThat(first.getStatus()).as(first.readEntity(String.class)).isEqualTo(200);
    Date heldAt = deliveryReview(key).getDate("heldAt");
    // Held again by the workflow; MongoDB's record not written yet.
    STORE
        .messages()
        .collection()
        .updateOne(Filters.eq("idempotencyKey", key), Updates.unset("delivery"));
    WORKFLOWS.newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId)).resume();

    for (String retry :
        List.of(
            "{\"decision\":\"resend\"}",
            "{\"decision\":\"resend\",\"idempotencyKey\":\"" + key + "\"}",
            "{\"decision\":\"resend\",\"heldAt\":\"" + heldAt.toInstant() + "\"}")) {
      Response retried = delivery(leadId, retry);
      String body = retried.readEntity(String.class);
      assertThat(retried.getStatus()).as(retry + " -> " + body).isEqualTo(409);
      assertThat(body).as(retry).contains("\"field\":\"heldAt\"");
    }
    assertThat(taken(leadId)).as("one press, one resend").isEqualTo(1);
  }

  /**
   * A resend whose answer was lost, recorded by the workflow, then sent again naming its hold
   * ({@code heldAt}). Before, its pending record made it 409 ("not open") and stayed pending for
   * good; now it answers 200 as the first, and the record says the decision was taken.
   */
  @Test
  void aResendWhoseAnswerWasLostNamingItsHoldAnswersAsTheFirst() {
    String leadId = heldLead();
    String key = "send-" + LeadWorkflow.workflowId(leadId);
    ANSWER_LOST.add(LeadWorkflow.workflowId(leadId));
    Response first = delivery(leadId, "{\"decision\":\"resend\"}");
    assertThat(first.getStatus()).as(first.readEntity(String.class)).isNotEqualTo(200);
    ANSWER_LOST.remove(LeadWorkflow.workflowId(leadId));
    Document review = deliveryReview(key);
    assertThat(review.getBoolean(HeldMessages.PENDING)).isTrue();
    recorded(leadId, "delivery", "resend");

    Response retried =
        delivery(
            leadId,
            "{\"decision\":\"resend\",\"idempotencyKey\":\""
                + key
                + "\",\"heldAt\":\""
                + review.getDate("heldAt").toInstant()
                + "\"}");
    assertThat(retried.getStatus()).as(retried.readEntity(String.class)).isEqualTo(200);
    assertThat(deliveryReview(key).get(HeldMessages.PENDING)).as("no longer pending").isNull();
    assertThat(taken(leadId)).isEqualTo(1);
  }

  /**
   * Another operator's decision on a hold the workflow already decided (refused by it) writes its
   * pending record before it is told: before, that record replaced the decision taken, so the first
   * operator's retry after the next hold was not recognised and resent again. Now a taken
   * decision's record is kept.
   */
  @Test
  void anotherOperatorsLateDecisionDoesNotHideTheOneTaken() {
    String leadId = heldLead();
    String key = "send-" + LeadWorkflow.workflowId(leadId);
    Response first = delivery(leadId, "{\"decision\":\"resend\"}");
    assertThat(first.getStatus()).as(first.readEntity(String.class)).isEqualTo(200);
    Date heldAt = deliveryReview(key).getDate("heldAt");
    // Bob's "stop", read while the send was still listed unknown, records itself before the
    // workflow refuses it.
    new HeldMessages(STORE.database())
        .deliveries()
        .deliveryDeciding(key, heldAt, "stop", "bob", java.time.Instant.now());
    recorded(leadId, "delivery", "resend");

    heldAgain(leadId, new Date(System.currentTimeMillis() + 60_000));
    Response retried = delivery(leadId, "{\"decision\":\"resend\"}");
    String body = retried.readEntity(String.class);
    assertThat(retried.getStatus()).as(body).isEqualTo(409);
    assertThat(body).contains("\"reason\":\"hold_required\"");
    assertThat(taken(leadId)).as("one press, one resend").isEqualTo(1);
  }

  /**
   * The API read the send held at one time while the workflow already holds it again (resent and
   * held unknown again since; after a continue-as-new Temporal no longer knows the first request's
   * update id). Before, the workflow knew no hold and took the decision on its new hold: one press,
   * two resends. Now the decision names its hold to the workflow, which refuses it; the API answers
   * 409 naming {@code heldAt} ({@code hold_superseded}, with the workflow's open hold), and its
   * record of the earlier hold goes back to what it was.
   */
  @Test
  void aDecisionTheWorkflowRefusesAsNamingAnotherHoldIs409NamingHeldAt() throws Exception {
    String leadId = heldLead();
    String workflowId = LeadWorkflow.workflowId(leadId);
    String key = "send-" + workflowId;
    String listed = listedHeldAt(leadId);
    java.time.Instant newer = java.time.Instant.parse(listed).plusSeconds(900);
    HOLDS.put(workflowId, newer);

    Response refused =
        delivery(
            leadId,
            "{\"decision\":\"resend\",\"idempotencyKey\":\""
                + key
                + "\",\"heldAt\":\""
                + listed
                + "\"}");
    Response namingNone = delivery(leadId, "{\"decision\":\"resend\"}");

    for (Response r : List.of(refused, namingNone)) {
      String body = r.readEntity(String.class);
      assertThat(r.getStatus()).as(body).isEqualTo(409);
      assertThat(body)
          .contains("\"field\":\"heldAt\"")
          .contains("\"reason\":\"hold_superseded\"")
          .contains("\"heldAt\":\"" + newer + "\"");
    }
    assertThat(taken(leadId)).isZero();
    assertThat(deliveryReview(key)).as("no record of a decision nobody took").isNull();

    HOLDS.put(workflowId, java.time.Instant.parse(listed));
    Response named =
        delivery(
            leadId,
            "{\"decision\":\"resend\",\"idempotencyKey\":\""
                + key
                + "\",\"heldAt\":\""
                + listed
                + "\"}");
    String body = named.readEntity(String.class);
    assertThat(named.getStatus()).as(body).isEqualTo(200);
    assertThat(body).contains("\"heldAt\"");
    assertThat(taken(leadId)).isEqualTo(1);
    HOLDS.remove(workflowId);
  }

  /**
   * A first decision (nothing decided on the send before) while the workflow holds the send and
   * MongoDB has no record of the hold yet (the send's delivery unset: held again, or held the first
   * time, its record coming with the workflow's next activity). Before, it went to the workflow
   * without a record of its hold: taken (200), and its own retry after the send was resent and held
   * again could not be told from a new decision. Now it is 409 naming {@code heldAt} ({@code
   * hold_not_listed}); nothing is taken, and once the hold is listed it is decided naming it.
   */
  @Test
  void aFirstDecisionWhileNoHoldIsListedIs409NamingHeldAt() throws Exception {
    String leadId = heldLead();
    String key = "send-" + LeadWorkflow.workflowId(leadId);
    STORE
        .messages()
        .collection()
        .updateOne(Filters.eq("idempotencyKey", key), Updates.unset("delivery"));

    for (String first :
        List.of(
            "{\"decision\":\"resend\",\"idempotencyKey\":\"" + key + "\"}",
            "{\"decision\":\"assume_sent\"}")) {
      Response r = delivery(leadId, first);
      String body = r.readEntity(String.class);
      assertThat(r.getStatus()).as(first + " -> " + body).isEqualTo(409);
      assertThat(body)
          .as(first)
          .contains("\"field\":\"heldAt\"")
          .contains("\"reason\":\"hold_not_listed\"");
    }
    assertThat(taken(leadId)).as("nothing taken without a record of its hold").isZero();

    Date at = new Date();
    heldAgain(leadId, at);
    Response listed =
        delivery(
            leadId,
            "{\"decision\":\"resend\",\"idempotencyKey\":\""
                + key
                + "\",\"heldAt\":\""
                + listedHeldAt(leadId)
                + "\"}");
    assertThat(listed.getStatus()).as(listed.readEntity(String.class)).isEqualTo(200);
    assertThat(taken(leadId)).isEqualTo(1);
    assertThat(deliveryReview(key).getDate("heldAt")).isEqualTo(at);
  }

  /**
   * Two operators' conflicting decisions on one hold, and a lost answer: ops's resend is taken but
   * its answer lost (its record pending), bob's stop, read while the send was still listed, writes
   * its pending record over it and is refused. Before, bob's refused record stayed (the workflow's
   * record of the resend said nothing of the hold), so ops's retry after the send was resent and
   * held again was not recognised: a second resend. Now the workflow's record of the decision it
   * took (recordApproval) also writes the hold's record: resend by ops, no longer pending, and the
   * retry is 409 {@code hold_required}.
   */
  @Test
  void theWorkflowsRecordOfTheDecisionItTookEndsTheHoldsRecordAsTaken() {
    String leadId = heldLead();
    String key = "send-" + LeadWorkflow.workflowId(leadId);
    ANSWER_LOST.add(LeadWorkflow.workflowId(leadId));
    Response first = delivery(leadId, "{\"decision\":\"resend\"}");
    assertThat(first.getStatus()).as(first.readEntity(String.class)).isNotEqualTo(200);
    ANSWER_LOST.remove(LeadWorkflow.workflowId(leadId));
    Date heldAt = deliveryReview(key).getDate("heldAt");

    ApprovalResource bobs = new ApprovalResource(new HeldMessages(STORE.database()), WORKFLOWS);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                bobs.decideDelivery(
                    leadId, new ApprovalResource.DeliveryRequest("stop", key, null), "bob"))
        .as("the workflow took ops's resend")
        .isInstanceOf(io.temporal.client.WorkflowUpdateException.class);
    // The workflow's record of the resend it took, as its activity writes it.
    new com.salesagent.activities.lead.LeadActivitiesImpl(STORE, Clock.systemUTC())
        .recordApproval(
            new com.salesagent.workflows.lead.ApprovalRecord(
                leadId, key, "delivery_resend", "ops", null, null));

    Document review = deliveryReview(key);
    assertThat(review.getDate("heldAt")).isEqualTo(heldAt);
    assertThat(review.getString("decision")).isEqualTo("resend");
    assertThat(review.getString("by")).isEqualTo("ops");
    assertThat(review.get(HeldMessages.PENDING)).as("taken, not pending").isNull();

    heldAgain(leadId, new Date(System.currentTimeMillis() + 60_000));
    Response retried = delivery(leadId, "{\"decision\":\"resend\"}");
    String body = retried.readEntity(String.class);
    assertThat(retried.getStatus()).as(body).isEqualTo(409);
    assertThat(body).contains("\"reason\":\"hold_required\"");
    assertThat(taken(leadId)).as("one press, one resend").isEqualTo(1);
  }

  /**
   * A resend whose update took longer than the retry window (claimed 11 minutes before it was taken
   * and answered), retried naming no hold after the send was held again. Before, the window started
   * at the claim: the retry was taken as a new decision on the new hold (a second resend). Now it
   * starts when the decision was answered: 409 {@code hold_required}.
   */
  @Test
  void theRetryWindowOfADeliveryDecisionStartsWhenItWasTaken() {
    String leadId = heldLead();
    Response first = delivery(leadId, "{\"decision\":\"resend\"}");
    assertThat(first.getStatus()).as(first.readEntity(String.class)).isEqualTo(200);
    recorded(leadId, "delivery", "resend");
    claimedMinutesBeforeItsAnswer(leadId, HeldMessages.DELIVERY_REVIEW, 11);
    heldAgain(leadId, new Date(System.currentTimeMillis() + 60_000));

    Response retried = delivery(leadId, "{\"decision\":\"resend\"}");
    String body = retried.readEntity(String.class);
    assertThat(retried.getStatus()).as(body).isEqualTo(409);
    assertThat(body).contains("\"reason\":\"hold_required\"");
    assertThat(taken(leadId)).as("one press, one resend").isEqualTo(1);
  }

  /**
   * The same for an approval naming no message: claimed 11 minutes before it was taken, retried
   * after the lead's next message was held. Before, the window had passed (from the claim) and the
   * retry approved the next message; now it is 409 {@code hold_required}.
   */
  @Test
  void theRetryWindowOfAnApprovalStartsWhenItWasTaken() {
    String leadId = heldLead();
    String approve = "{\"decision\":\"approve\"}";
    approvedThenNextHeld(leadId, approve);
    claimedMinutesBeforeItsAnswer(leadId, HeldMessages.REVIEW, 11);

    Response retried = decide(leadId, approve, null);
    String body = retried.readEntity(String.class);
    assertThat(retried.getStatus()).as(body).isEqualTo(409);
    assertThat(body).contains("\"reason\":\"hold_required\"");
    assertThat(taken(leadId)).as("the next message was not decided").isEqualTo(1);
  }
}

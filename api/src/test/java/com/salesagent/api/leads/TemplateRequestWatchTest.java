package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.RequestJson;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerReply;
import io.grpc.Status;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowServiceException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A person's template request is watched (kept on the contact for the sweep) once the lead's run
 * was told of it, or may have been: one whose signal failed for sure is the rep's to send again
 * (the API answered an error), and a watched one would have the sweep tell the run a second
 * template; one whose signal's answer was lost (a deadline, UNAVAILABLE) may be in the run, so it
 * is watched under its key (the run ignores the same key again) and the 503 says so.
 */
class TemplateRequestWatchTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private LeadStore store;
  private final List<OwnerReply> told = new CopyOnWriteArrayList<>();
  private volatile RuntimeException signalFails;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
  }

  private LeadConversation conversation() {
    LeadWorkflow workflow =
        (LeadWorkflow)
            Proxy.newProxyInstance(
                LeadWorkflow.class.getClassLoader(),
                new Class<?>[] {LeadWorkflow.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("ownerReply")) {
                    if (signalFails != null) {
                      throw signalFails;
                    }
                    told.add((OwnerReply) args[0]);
                  }
                  return null;
                });
    return new LeadConversation(
        store,
        id -> workflow,
        message -> {
          throw new AssertionError("no after-end message for a live lead");
        },
        RequestJson.strict(new ObjectMapper()),
        Clock.systemUTC());
  }

  private String liveLead() {
    String leadId = "L-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+55119" + Math.abs(leadId.hashCode() % 100000000))
            .append("stage", "interested"));
    return leadId;
  }

  private static byte[] template(String requestId) {
    return ("{\"template\":\"re_engagement\",\"requestId\":\"" + requestId + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aRequestWhoseSignalFailedIsNotWatchedAndItsRetryIs() {
    String leadId = liveLead();
    signalFails = new IllegalStateException("Temporal unavailable");
    assertThatThrownBy(() -> conversation().reply("ops", leadId, template("r-1")))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.contact(leadId).get(PendingTemplateRequests.FIELD))
        .as("the run never heard of it")
        .isNull();

    signalFails = null;
    assertThat(conversation().reply("ops", leadId, template("r-1")).getStatus())
        .as("the same request again")
        .isEqualTo(200);
    assertThat(told)
        .singleElement()
        .satisfies(r -> assertThat(r.purpose()).isEqualTo("re_engagement"));
    Document watched = store.contact(leadId).get(PendingTemplateRequests.FIELD, Document.class);
    assertThat(watched.getString("key")).isEqualTo(told.get(0).idempotencyKey());
  }

  /** What Temporal's client throws when the signal's answer was lost: the server may have it. */
  private static WorkflowServiceException answerLost(String leadId, Status status) {
    return new WorkflowServiceException(
        WorkflowExecution.newBuilder().setWorkflowId(LeadWorkflow.workflowId(leadId)).build(),
        "LeadWorkflow",
        status.withDescription("deadline exceeded after the call was sent").asRuntimeException());
  }

  private long failures(String leadId) {
    return store.interactions().timeline(leadId).stream()
        .filter(e -> "owner_reply_failed".equals(e.getString("type")))
        .count();
  }

  /**
   * The signal reached Temporal but its answer was lost: the run may have the request. Before, it
   * was not watched, so a run that ended before taking it left nothing saying the template did not
   * go. Now it is watched under its key: the run ending untaken, the timeline says so once; the 503
   * tells the rep it may have gone and which request to send again.
   */
  @Test
  void aRequestWhoseSignalsAnswerWasLostIsWatchedAndSaidNotToHaveGoneWhenTheRunEnds() {
    String leadId = liveLead();
    signalFails = answerLost(leadId, Status.DEADLINE_EXCEEDED);
    Throwable thrown = catchThrowable(() -> conversation().reply("ops", leadId, template("r-1")));

    Document watched = store.contact(leadId).get(PendingTemplateRequests.FIELD, Document.class);
    assertThat(watched).as("the run may have it: watched").isNotNull();
    String key = watched.getString("key");
    assertThat(thrown).isInstanceOf(ApiException.class);
    ApiException answer = (ApiException) thrown;
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.getMessage()).contains("may have");
    assertThat(answer.details())
        .containsEntry("requestId", "r-1")
        .containsEntry("idempotencyKey", key);
    assertThat(answer.errors()).extracting(e -> e.field()).containsExactly("requestId");

    // The run ended (an operator marked the lead converted) before taking it.
    store
        .contacts()
        .updateOne(
            new Document("leadId", leadId),
            new Document("$set", new Document("stage", "converted")));
    PendingTemplateRequests sweep = new PendingTemplateRequests(store, (l, r) -> told.add(r));
    Instant later = Instant.now().plus(Duration.ofMinutes(1));
    assertThat(sweep.sweep(later)).containsExactly(key);
    assertThat(sweep.sweep(later.plus(Duration.ofMinutes(11)))).as("once").isEmpty();
    assertThat(failures(leadId)).isEqualTo(1);
    assertThat(told).as("never told to an ended run").isEmpty();
  }

  /**
   * A watched request whose signal's answer was lost, on a live run: the sweep tells the run the
   * same key again (which a run that has it ignores, so no second template), and a template the run
   * composed since settles it without a word. The same request sent again is 200, one key.
   */
  @Test
  void aLostAnswersRequestIsToldAgainUnderItsOwnKeyAndSettledOnceTheTemplateWent() {
    String leadId = liveLead();
    signalFails = answerLost(leadId, Status.UNAVAILABLE);
    assertThatThrownBy(() -> conversation().reply("ops", leadId, template("r-2")))
        .isInstanceOf(ApiException.class);
    String key =
        store.contact(leadId).get(PendingTemplateRequests.FIELD, Document.class).getString("key");

    PendingTemplateRequests sweep = new PendingTemplateRequests(store, (l, r) -> told.add(r));
    Instant later = Instant.now().plus(Duration.ofMinutes(1));
    assertThat(sweep.sweep(later)).isEmpty();
    assertThat(told).extracting(OwnerReply::idempotencyKey).containsExactly(key);

    signalFails = null;
    assertThat(conversation().reply("ops", leadId, template("r-2")).getStatus())
        .as("the same request again")
        .isEqualTo(200);
    assertThat(told).extracting(OwnerReply::idempotencyKey).containsExactly(key, key);

    store
        .messages()
        .upsertComposed(
            "lead-" + leadId + "-step-3",
            new Document("leadId", leadId)
                .append("purpose", "re_engagement")
                .append("status", "sent")
                .append("composedAt", Date.from(Instant.now())));
    assertThat(sweep.sweep(later.plus(Duration.ofMinutes(11)))).containsExactly(key);
    assertThat(told).as("taken: not told again").hasSize(2);
    assertThat(failures(leadId)).isZero();
  }
}

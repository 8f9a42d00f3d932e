package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.api.http.RequestJson;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerReply;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A person's template request is watched (kept on the contact for the sweep) only once the lead's
 * run was told of it: one whose signal failed is the rep's to send again (the API answered an
 * error), and a watched one would have the sweep tell the run a second template.
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
}

package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerReply;
import io.dropwizard.jackson.Jackson;
import io.temporal.client.WorkflowClient;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.function.Consumer;
import org.bson.Document;

/**
 * What the tests of a person's messages to a lead share: the lead's workflow as a proxy that takes
 * a person's message (every other call fails the test), a Temporal client that hands it out, the
 * reps, and a {@link LeadConversation} over them with the API's strict JSON.
 */
public final class ConversationFixtures {
  private ConversationFixtures() {}

  /**
   * A lead's workflow that gives each person's message to {@code replies} and takes nothing else.
   */
  public static LeadWorkflow workflow(Consumer<OwnerReply> replies) {
    return (LeadWorkflow)
        Proxy.newProxyInstance(
            LeadWorkflow.class.getClassLoader(),
            new Class<?>[] {LeadWorkflow.class},
            (proxy, method, args) -> {
              if (method.getName().equals("ownerReply")) {
                replies.accept((OwnerReply) args[0]);
                return null;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  /** A Temporal client whose only use is a stub of {@code live}. */
  public static WorkflowClient temporal(LeadWorkflow live) {
    return (WorkflowClient)
        Proxy.newProxyInstance(
            WorkflowClient.class.getClassLoader(),
            new Class<?>[] {WorkflowClient.class},
            (proxy, method, args) -> {
              if (method.getName().equals("newWorkflowStub") && args[0] == LeadWorkflow.class) {
                return live;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  /** Exactly these reps, each {@code "id=Name"}. */
  public static void owners(MongoDatabase db, String... idsAndNames) {
    MongoCollection<Document> owners = db.getCollection(Owners.COLLECTION);
    owners.deleteMany(new Document());
    for (String owner : idsAndNames) {
      String[] p = owner.split("=", 2);
      owners.insertOne(new Document("_id", p[0]).append("name", p[1]));
    }
  }

  /** The conversation over {@code live} (every lead), with the API's strict JSON. */
  static LeadConversation conversation(
      LeadStore store, LeadWorkflow live, AfterEndMessages afterEnd, Clock clock) {
    return new LeadConversation(
        store,
        leadId -> live,
        afterEnd,
        Jackson.newObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES),
        clock);
  }
}

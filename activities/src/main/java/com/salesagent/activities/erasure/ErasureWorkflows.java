package com.salesagent.activities.erasure;

import static com.salesagent.workflows.erasure.LeadErasureActivities.HISTORIES_KEPT;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.afterend.AfterEndDraftWorkflow;
import com.salesagent.workflows.afterend.AfterEndMessageWorkflow;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.media.InboundMediaWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;

/**
 * An erased lead's workflows in Temporal, for {@link LeadErasureActivitiesImpl}: its run, its
 * inbound media's, the after-end messages' and drafts' workflows terminated, and their histories
 * deleted where the server deletes them.
 */
final class ErasureWorkflows {
  private final LeadStore store;
  private final WorkflowClient temporal;

  ErasureWorkflows(LeadStore store, WorkflowClient temporal) {
    this.store = store;
    this.temporal = temporal;
  }

  List<String> stopWorkflows(String leadId) {
    Set<String> ids = new LinkedHashSet<>();
    ids.add(LeadWorkflow.workflowId(leadId));
    for (Document f :
        store
            .feedback()
            .find(Filters.and(Filters.eq("leadId", leadId), Filters.exists("media.mediaId")))) {
      ids.add(InboundMediaWorkflow.workflowId(f.get("media", Document.class).getString("mediaId")));
    }
    // A person's message to the lead after its run ended went in a workflow of its own.
    for (Document m :
        store
            .messages()
            .collection()
            .find(Filters.and(Filters.eq("leadId", leadId), Filters.eq("composer", "person")))
            .projection(new Document("idempotencyKey", 1))) {
      ids.add(AfterEndMessageWorkflow.workflowId(m.getString("idempotencyKey")));
    }
    // So did the agent's draft answer to a message from it after its run ended: named by the
    // lead's message, not by the draft (one that failed, or is drafting still, left none).
    for (Document f :
        store
            .feedback()
            .find(Filters.eq("leadId", leadId))
            .projection(new Document("messageId", 1))) {
      if (f.getString("messageId") != null) {
        ids.add(AfterEndDraftWorkflow.workflowId(f.getString("messageId")));
      }
    }
    List<String> known = new ArrayList<>();
    for (String id : ids) {
      try {
        temporal.newUntypedWorkflowStub(id).terminate("erased on request");
        known.add(id);
      } catch (WorkflowNotFoundException e) {
        // Closed already (terminate answers not-found for a closed run) or never started.
        if (exists(id)) {
          known.add(id);
        }
      }
    }
    return known;
  }

  private boolean exists(String workflowId) {
    try {
      temporal.newUntypedWorkflowStub(workflowId).describe();
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  List<String> deleteHistories(List<String> workflowIds) {
    List<String> deleted = new ArrayList<>();
    for (String id : workflowIds) {
      try {
        temporal
            .getWorkflowServiceStubs()
            .blockingStub()
            .deleteWorkflowExecution(
                DeleteWorkflowExecutionRequest.newBuilder()
                    .setNamespace(temporal.getOptions().getNamespace())
                    .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                    .build());
        deleted.add(id);
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.NOT_FOUND) {
          continue;
        }
        if (code == Status.Code.UNIMPLEMENTED) {
          throw ApplicationFailure.newNonRetryableFailure(
              "this Temporal server does not delete workflow histories; they are kept until the"
                  + " namespace's retention period ends",
              HISTORIES_KEPT);
        }
        throw e;
      }
    }
    return deleted;
  }
}

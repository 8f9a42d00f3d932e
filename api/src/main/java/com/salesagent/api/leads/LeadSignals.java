package com.salesagent.api.leads;

import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.leads.LeadResource.Signalled;
import com.salesagent.api.leads.LeadResource.Unchanged;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.Stage;
import io.temporal.client.WorkflowClient;
import jakarta.ws.rs.core.Response;
import java.util.function.Consumer;
import org.bson.Document;

/**
 * The signals an operator sends one lead's workflow: pause, resume, stop (202 once taken; a pause
 * of a paused lead 200 unchanged, a resume of a lead not paused 409), and the lead's workflow stub.
 */
final class LeadSignals {
  private final LeadStore store;
  private final WorkflowClient temporal;

  LeadSignals(LeadStore store, WorkflowClient temporal) {
    this.store = store;
    this.temporal = temporal;
  }

  Response pause(String leadId) {
    Document contact = store.contact(leadId);
    if (contact != null && LeadStore.PAUSED.equals(contact.getString("stage"))) {
      // Paused already, as its run recorded: nothing to do, and the answer says so (it said 202
      // and did nothing, as if a second pause had been taken).
      return Response.ok(new Unchanged(leadId, "pause", "paused already")).build();
    }
    return signal(leadId, "pause", LeadWorkflow::pause);
  }

  Response resume(String leadId) {
    Document contact = store.contact(leadId);
    String stage = contact == null ? null : contact.getString("stage");
    Stage known = Stage.of(stage);
    if (known != null && !known.terminal() && !LeadStore.PAUSED.equals(stage)) {
      // A resume of a lead that is not paused answered 202 and did nothing.
      throw new ApiException(
          409,
          "the lead is not paused",
          new FieldError(
              "leadId",
              "not paused: its run's stage is "
                  + stage
                  + " (a pause sent a moment ago may not be taken yet: try again)"));
    }
    return signal(leadId, "resume", LeadWorkflow::resume);
  }

  Response stop(String leadId, String reason) {
    String why = OperatorReasons.operatorReason(reason, "stopped by an operator");
    return signal(leadId, "stop", w -> w.stop(why));
  }

  LeadWorkflow lead(String leadId) {
    return temporal.newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId));
  }

  /** 202 once the workflow took the signal; a closed workflow answers 409 (see the mapper). */
  private Response signal(String leadId, String name, Consumer<LeadWorkflow> send) {
    if (store.contact(leadId) == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    send.accept(lead(leadId));
    return Response.accepted(new Signalled(leadId, name)).build();
  }
}

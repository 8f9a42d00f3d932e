package com.salesagent.api.webhook;

import com.salesagent.temporal.TaskQueues;
import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.MessageStatusSignal;
import com.salesagent.workflows.lead.OptOutSignal;
import com.salesagent.workflows.media.InboundMedia;
import com.salesagent.workflows.media.InboundMediaWorkflow;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tells a lead's workflow what the webhook learned, through typed stubs. Each call answers {@link
 * #SIGNALLED} or {@link #CLOSED} (the workflow has ended: nothing to tell); a failure to reach
 * Temporal is thrown, so the inbox keeps the event and relays it later.
 */
public interface LeadSignaller {
  String SIGNALLED = "signalled";
  String CLOSED = "workflow_closed";

  String status(String leadId, MessageStatusSignal signal);

  /** Several statuses of one lead in one signal, in order (each applied as {@link #status}). */
  default String statuses(String leadId, List<MessageStatusSignal> signals) {
    String outcome = CLOSED;
    for (MessageStatusSignal s : signals) {
      outcome = status(leadId, s);
    }
    return outcome;
  }

  String inbound(String leadId, InboundMessageSignal signal);

  String optOut(String leadId, OptOutSignal signal);

  /**
   * Starts the durable download of a lead's media ({@link InboundMediaWorkflow}, one per media id):
   * a duplicate webhook finds it started and starts nothing. Where nothing downloads (a test's
   * signaller), the feedback keeps the media as pending.
   */
  default void downloadMedia(InboundMedia media) {}

  /** The signaller of the running system. */
  static LeadSignaller temporal(WorkflowClient client) {
    return new LeadSignaller() {
      private String send(String leadId, Consumer<LeadWorkflow> signal) {
        try {
          signal.accept(
              client.newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId)));
          return SIGNALLED;
        } catch (WorkflowNotFoundException e) {
          return CLOSED;
        }
      }

      @Override
      public String status(String leadId, MessageStatusSignal signal) {
        return send(leadId, w -> w.messageStatus(signal));
      }

      @Override
      public String statuses(String leadId, List<MessageStatusSignal> signals) {
        return send(leadId, w -> w.messageStatuses(signals));
      }

      @Override
      public String inbound(String leadId, InboundMessageSignal signal) {
        return send(leadId, w -> w.inboundMessage(signal));
      }

      @Override
      public String optOut(String leadId, OptOutSignal signal) {
        return send(leadId, w -> w.optOut(signal));
      }

      @Override
      public void downloadMedia(InboundMedia media) {
        InboundMediaWorkflow download =
            client.newWorkflowStub(
                InboundMediaWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(TaskQueues.LEADS)
                    .setWorkflowId(InboundMediaWorkflow.workflowId(media.mediaId()))
                    .setWorkflowIdReusePolicy(
                        WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                    .build());
        try {
          WorkflowClient.start(download::download, media);
        } catch (WorkflowExecutionAlreadyStarted e) {
          // A duplicate webhook, or the same media in another message: one download.
        }
      }
    };
  }
}

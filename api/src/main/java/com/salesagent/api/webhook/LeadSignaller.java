package com.salesagent.api.webhook;

import com.salesagent.temporal.LeadSearchAttributes;
import com.salesagent.temporal.StartOnce;
import com.salesagent.temporal.TaskQueues;
import com.salesagent.workflows.afterend.AfterEndDraft;
import com.salesagent.workflows.afterend.AfterEndDraftWorkflow;
import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.LeadReopening;
import com.salesagent.workflows.lead.LeadState;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.MessageStatusSignal;
import com.salesagent.workflows.lead.OptOutSignal;
import com.salesagent.workflows.media.InboundMedia;
import com.salesagent.workflows.media.InboundMediaWorkflow;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Tells a lead's workflow what the webhook learned, through typed stubs. Each call answers {@link
 * #SIGNALLED} or {@link #CLOSED} (the workflow has ended: nothing to tell); a failure to reach
 * Temporal is thrown, so the inbox keeps the event and relays it later.
 */
public interface LeadSignaller {
  String SIGNALLED = "signalled";
  String CLOSED = "workflow_closed";

  /** The lead's workflow had ended and the message started a new run ({@link LeadReopening}). */
  String REOPENED = "workflow_reopened";

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

  /**
   * A message from the lead: signalled to its workflow; when that has ended, a message that reopens
   * it ({@link LeadReopening#reopens}) starts a new run of it in the lead's campaign. Where nothing
   * runs workflows (a test's signaller), as {@link #inbound(String, InboundMessageSignal)}.
   */
  default String inbound(String leadId, String campaignId, InboundMessageSignal signal) {
    return inbound(leadId, signal);
  }

  String optOut(String leadId, OptOutSignal signal);

  /**
   * Starts the durable download of a lead's media ({@link InboundMediaWorkflow}, one per media id):
   * a duplicate webhook finds it started and starts nothing. Where nothing downloads (a test's
   * signaller), the feedback keeps the media as pending.
   */
  default void downloadMedia(InboundMedia media) {}

  /**
   * Has the agent draft an answer to a message from a lead whose run ended ({@link
   * AfterEndDraftWorkflow}, one per message): held for the person who answers it. Where nothing
   * runs workflows (a test's signaller), nothing is drafted.
   */
  default void draftAfterEnd(AfterEndDraft draft) {}

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
      public String inbound(String leadId, String campaignId, InboundMessageSignal signal) {
        String outcome = inbound(leadId, signal);
        return CLOSED.equals(outcome) ? reopen(leadId, campaignId, signal) : outcome;
      }

      /**
       * The ended run's result says where the lead ended and carries its state; the new run is
       * started with the message in one call (signal-with-start): a second message at the same time
       * signals the run the first one started, and a replayed event finds it running.
       */
      private String reopen(String leadId, String campaignId, InboundMessageSignal signal) {
        String workflowId = LeadWorkflow.workflowId(leadId);
        LeadState ended;
        try {
          ended =
              client
                  .newUntypedWorkflowStub(workflowId, Optional.empty(), Optional.empty())
                  .getResult(5, TimeUnit.SECONDS, LeadState.class);
        } catch (TimeoutException e) {
          return inbound(leadId, signal); // running again: another message reopened it
        } catch (WorkflowException e) {
          return CLOSED; // failed, terminated or deleted: nothing to go on from
        }
        if (ended == null || !LeadReopening.reopens(ended.stage(), signal)) {
          return CLOSED;
        }
        LeadWorkflow next =
            client.newWorkflowStub(
                LeadWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(workflowId)
                    .setTaskQueue(TaskQueues.LEADS)
                    .setWorkflowIdReusePolicy(
                        WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                    .setTypedSearchAttributes(attributes(campaignId, ended))
                    .build());
        BatchRequest request = client.newSignalWithStartRequest();
        request.add(next::run, LeadReopening.input(campaignId, ended));
        request.add(next::inboundMessage, LeadReopening.opening(signal));
        client.signalWithStart(request);
        return REOPENED;
      }

      private SearchAttributes attributes(String campaignId, LeadState ended) {
        SearchAttributes.Builder attributes =
            SearchAttributes.newBuilder().set(LeadSearchAttributes.LEAD_STAGE, ended.stage().key());
        if (campaignId != null) {
          attributes.set(LeadSearchAttributes.CAMPAIGN_ID, campaignId);
        }
        return attributes.build();
      }

      @Override
      public String optOut(String leadId, OptOutSignal signal) {
        return send(leadId, w -> w.optOut(signal));
      }

      @Override
      public void draftAfterEnd(AfterEndDraft draft) {
        // A duplicate webhook: one draft.
        AfterEndDraftWorkflow workflow =
            client.newWorkflowStub(
                AfterEndDraftWorkflow.class,
                StartOnce.options(AfterEndDraftWorkflow.workflowId(draft.messageId())));
        StartOnce.start(() -> WorkflowClient.start(workflow::draft, draft));
      }

      @Override
      public void downloadMedia(InboundMedia media) {
        // A duplicate webhook, or the same media in another message: one download.
        InboundMediaWorkflow download =
            client.newWorkflowStub(
                InboundMediaWorkflow.class,
                StartOnce.options(InboundMediaWorkflow.workflowId(media.mediaId())));
        StartOnce.start(() -> WorkflowClient.start(download::download, media));
      }
    };
  }
}

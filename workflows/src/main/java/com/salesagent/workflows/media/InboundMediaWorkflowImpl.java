package com.salesagent.workflows.media;

import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Retries the download for up to a day (Meta keeps a media id for 30 days; each attempt asks for a
 * fresh URL, which lives 5 minutes): 10 s, doubling, at most 30 minutes apart. Media refused for
 * good (too large, a type WhatsApp does not send, a checksum that does not match) is not retried;
 * either way the feedback says what happened.
 */
public class InboundMediaWorkflowImpl implements InboundMediaWorkflow {
  static final String SIGNAL_TRANSCRIPT = "signal-transcript";

  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(20);

  private final InboundMediaActivities activities =
      Workflow.newActivityStub(
          InboundMediaActivities.class,
          ActivityOptions.newBuilder()
              // The metadata call takes at most 15 s, the download 60 s, S3 and MongoDB the rest.
              .setStartToCloseTimeout(Duration.ofMinutes(3))
              // The activities heartbeat throughout (KeepAlive): a dead worker's attempt is retried
              // 20 s after its last heartbeat instead of at the 3 minutes, while a voice note's
              // lead waits (at most ten minutes) for its transcript.
              .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
              .setScheduleToCloseTimeout(Duration.ofHours(24))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(10))
                      .setBackoffCoefficient(2)
                      .setMaximumInterval(Duration.ofMinutes(30))
                      .setDoNotRetry(InboundMediaActivities.REFUSED)
                      .build())
              .build());

  @Override
  public StoredMedia download(InboundMedia media) {
    StoredMedia stored;
    try {
      stored = activities.store(media);
    } catch (ActivityFailure e) {
      boolean refused =
          e.getCause() instanceof ApplicationFailure app
              && InboundMediaActivities.REFUSED.equals(app.getType());
      String reason =
          e.getCause() instanceof ApplicationFailure app
              ? app.getOriginalMessage()
              : e.getMessage();
      String status = refused ? StoredMedia.REFUSED : StoredMedia.FAILED;
      activities.markFailed(media, status, reason);
      answerWaitingLeads(media);
      return new StoredMedia(status, null, null, 0, null, reason);
    }
    if ("audio".equals(media.kind())) {
      try {
        activities.transcribe(media, stored);
      } catch (ActivityFailure e) {
        // The voice note is stored and its reply waits for a person.
      }
      answerWaitingLeads(media);
    } else if ("image".equals(media.kind())
        // Version 1: an image without a caption is described by the vision model, if any.
        && Workflow.getVersion("describe-images", Workflow.DEFAULT_VERSION, 1) == 1) {
      try {
        activities.describe(media, stored);
      } catch (ActivityFailure e) {
        // The image is stored and its reply waits for a person.
      }
    }
    return stored;
  }

  /**
   * Version 1 of "signal-transcript": a voice note's leads wait for its triage (a spoken "not now"
   * snoozes like a written one), so each gets it, transcribed or not. A lead whose workflow has
   * ended meanwhile (it waited its ten minutes) is passed over.
   */
  private void answerWaitingLeads(InboundMedia media) {
    if (!"audio".equals(media.kind())
        || Workflow.getVersion(SIGNAL_TRANSCRIPT, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return;
    }
    for (LeadReply reply : activities.replies(media)) {
      try {
        Workflow.newUntypedExternalWorkflowStub(LeadWorkflow.workflowId(reply.leadId()))
            .signal("inboundMessage", reply.signal());
      } catch (ApplicationFailure | SignalExternalWorkflowException e) {
        // ended or gone: nothing waits for this triage any more
      }
    }
  }
}

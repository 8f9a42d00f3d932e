package com.salesagent.workflows.media;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One per inbound media object ({@link #workflowId}: Meta's media id, which names no person): the
 * download retries durably, apart from the lead's own workflow, so a slow or failing download never
 * holds up the lead's other events, and a duplicate webhook starts nothing (the id is taken).
 */
@WorkflowInterface
public interface InboundMediaWorkflow {
  @WorkflowMethod
  StoredMedia download(InboundMedia media);

  static String workflowId(String mediaId) {
    return "inbound-media-" + mediaId;
  }
}

package com.salesagent.workflows.erasure;

import java.util.List;
import java.util.Map;

/**
 * What one erasure pass removed: documents per collection, S3 objects (media no other lead's
 * documents name), raw webhook payloads dropped, the lead's numbers put on (or kept on) the
 * suppression list, and the workflows whose runs it stopped.
 */
public record Erased(
    Map<String, Long> documents,
    List<String> objects,
    long webhookPayloads,
    int numbersSuppressed,
    List<String> workflowIds) {
  public static final Erased NOTHING = new Erased(Map.of(), List.of(), 0, 0, List.of());

  public boolean nothingLeft() {
    return documents.values().stream().allMatch(n -> n == 0)
        && objects.isEmpty()
        && webhookPayloads == 0;
  }
}

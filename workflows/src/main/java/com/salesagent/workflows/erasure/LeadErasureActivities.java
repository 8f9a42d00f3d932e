package com.salesagent.workflows.erasure;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** The steps of an erasure; each may run more than once and finds nothing left the second time. */
@ActivityInterface
public interface LeadErasureActivities {
  /**
   * Terminates the lead's workflow and the downloads of its inbound media that are still running,
   * so nothing sends to the lead or writes about it afterwards; answers every workflow id the lead
   * had (running or closed), for {@link #deleteHistories}.
   */
  List<String> stopWorkflows(String leadId);

  /**
   * Deletes the lead's documents (contact, messages, feedback, interaction history, research,
   * persona, media uploads), its media objects in S3 that no other lead's documents name, and the
   * raw webhook payloads from its numbers; keeps its numbers suppressed when asked to. What the
   * lead's events added to the variant counters, and the funnel stages it reached, are kept without
   * the lead, so the counters' recount from the history and the funnel's rebuild from the contacts
   * still agree with them. Idempotent. The contact stays as a tombstone (lead id and numbers, to
   * find what arrives later) until the {@code last} pass.
   */
  Erased erase(ErasureRequest request, boolean last);

  /**
   * Deletes the workflows' histories from Temporal. Answers the ids deleted; a server that cannot
   * delete (the dev server) fails with {@link #HISTORIES_KEPT} and the reason, not retried.
   */
  List<String> deleteHistories(List<String> workflowIds);

  /** The audit log's record that the lead was erased, with what each pass removed. */
  void audit(ErasureRequest request, ErasureReport report);

  /** Error type: the server keeps histories until the namespace's retention ends. */
  String HISTORIES_KEPT = "HistoriesKept";
}

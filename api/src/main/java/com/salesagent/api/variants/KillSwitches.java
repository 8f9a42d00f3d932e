package com.salesagent.api.variants;

import com.salesagent.activities.variants.VariantStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.variants.VariantResource.KillSwitch;
import com.salesagent.api.variants.VariantResource.Switched;
import com.salesagent.temporal.TaskQueues;
import com.salesagent.workflows.variants.KillSwitchRequest;
import com.salesagent.workflows.variants.KillSwitchWorkflow;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.util.UUID;
import org.bson.Document;

/**
 * Switching a variant off, once: only the request that finds the variant on switches it off (one
 * atomic update in MongoDB, which records the kill-switch's id on the variant) and starts its
 * kill-switch ({@link KillSwitchWorkflow}); any other request, an operator's repeat or a concurrent
 * one, answers {@code alreadyDisabled} and starts nothing, except the recorded kill-switch when its
 * start never reached Temporal.
 */
final class KillSwitches {
  private final VariantStore variants;
  private final WorkflowClient temporal;

  KillSwitches(VariantStore variants, WorkflowClient temporal) {
    this.variants = variants;
    this.temporal = temporal;
  }

  Switched switchOff(String variantId, String operator) {
    String killSwitchId = newId(variantId);
    switch (variants.disable(variantId, killSwitchId, operator)) {
      case NO_SUCH_VARIANT -> throw ApiException.notFound("variant " + variantId, "variantId");
      case ALREADY -> {
        Document earlier = variants.killSwitchOf(variantId);
        if (earlier == null || earlier.getString("workflowId") == null) {
          return new Switched(variantId, false, null, true);
        }
        String id = earlier.getString("workflowId");
        // Its start may have failed (Temporal away): only then is it started now, under its id.
        KillSwitch killSwitch =
            earlier.getBoolean("started", false)
                ? KillSwitch.of(id, variants.reach(variantId))
                : start(variantId, id, operator);
        return new Switched(variantId, false, killSwitch, true);
      }
      default -> {
        KillSwitch killSwitch = start(variantId, killSwitchId, operator);
        variants.audit(operator, "variant_disabled", variantId, killSwitchId);
        return new Switched(variantId, false, killSwitch);
      }
    }
  }

  /**
   * The variant was switched off with kill-switch {@code killSwitchId} recorded by the write that
   * replaced it ({@link VariantStore#replace(String, Document, String, Integer, String)}): started
   * and audited as {@link #switchOff} does after its own switch-off.
   */
  Switched switchedOff(String variantId, String killSwitchId, String operator) {
    variants.clearStrikes(variantId);
    KillSwitch killSwitch = start(variantId, killSwitchId, operator);
    variants.audit(operator, "variant_disabled", variantId, killSwitchId);
    return new Switched(variantId, false, killSwitch);
  }

  /** A new kill-switch's workflow id for the variant. */
  static String newId(String variantId) {
    return KillSwitchWorkflow.workflowId(variantId, UUID.randomUUID().toString());
  }

  /**
   * Starts the fan-out that tells every lead still running on the variant to switch before its next
   * send: a workflow, so it survives a crash and its progress can be followed; this request only
   * counts the leads it is to reach. An id once used is never run again (running or finished): the
   * start is then a no-op.
   */
  private KillSwitch start(String variantId, String workflowId, String operator) {
    KillSwitchWorkflow fanOut =
        temporal.newWorkflowStub(
            KillSwitchWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.LEADS)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .build());
    try {
      WorkflowClient.start(fanOut::run, KillSwitchRequest.start(variantId, operator));
    } catch (WorkflowExecutionAlreadyStarted e) {
      // Started by the request that switched the variant off.
    }
    variants.killSwitchStarted(variantId, workflowId);
    // Counted once it is off: its leads switch at their next message, not in flight on it.
    return KillSwitch.of(workflowId, variants.reach(variantId));
  }
}

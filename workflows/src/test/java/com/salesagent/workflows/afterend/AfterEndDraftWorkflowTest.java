package com.salesagent.workflows.afterend;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.temporal.TaskQueues;
import com.salesagent.workflows.lead.DraftedAnswer;
import com.salesagent.workflows.lead.KnowledgeActivities;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's draft answer to a message from an ended lead: drafted on the research queue, its
 * outcome on the lead's timeline, an auto-send key never acted on (the run is over).
 */
class AfterEndDraftWorkflowTest {
  private TestWorkflowEnvironment env;
  private final List<AfterEndRecord> records = new CopyOnWriteArrayList<>();
  private final List<String> drafted = new CopyOnWriteArrayList<>();
  private volatile DraftedAnswer answer;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    io.temporal.worker.Worker worker = env.newWorker("q");
    worker.registerWorkflowImplementationTypes(AfterEndDraftWorkflowImpl.class);
    worker.registerActivitiesImplementations((AfterEndActivities) records::add);
    env.newWorker(TaskQueues.RESEARCH)
        .registerActivitiesImplementations(
            (KnowledgeActivities)
                (leadId, messageId) -> {
                  drafted.add(leadId + ":" + messageId);
                  if (answer == null) {
                    throw ApplicationFailure.newNonRetryableFailure("no knowledge base", "X");
                  }
                  return answer;
                });
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private void run() {
    env.getWorkflowClient()
        .newWorkflowStub(
            AfterEndDraftWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue("q")
                .setWorkflowId(AfterEndDraftWorkflow.workflowId("wamid.IN1"))
                .build())
        .draft(new AfterEndDraft("L1", "c1", "wamid.IN1"));
  }

  @Test
  void aGroundedDraftIsRecordedWithTheEntriesItCites() {
    answer =
        new DraftedAnswer("L1:wamid.IN1", true, 0.91, List.of("pricing-plans"), "kb", "auto-key");

    run();

    assertThat(drafted).containsExactly("L1:wamid.IN1");
    assertThat(records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo("answer_drafted");
              assertThat(r.detail()).isEqualTo("wamid.IN1: from pricing-plans");
              assertThat(r.wamid()).isNull();
            });
  }

  @Test
  void aDraftWithheldFromANumberThatSaidStopSaysSoNotThatAPersonWritesIt() {
    answer =
        new DraftedAnswer(
            "L1:wamid.IN1", false, 0, List.of(), "kb", null, "opted out: no sales draft");

    run();

    assertThat(records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo("answer_drafted");
              assertThat(r.detail()).isEqualTo("wamid.IN1: no draft: opted out: no sales draft");
            });
  }

  @Test
  void aDraftThatFailsIsRecordedFailed() {
    run();

    assertThat(records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo("answer_draft_failed");
              assertThat(r.detail()).isEqualTo("wamid.IN1: no knowledge base");
            });
  }
}

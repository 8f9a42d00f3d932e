package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rep gives an interested lead back to the agent while the lead writes (version
 * "release-by-message-order"): whether its interest came after the press is decided by the message
 * the rep had seen ({@link OwnerRelease#seenMessageId}) and the order the run was told of the
 * lead's messages, whatever the API's clock says of the press. Before, the press's time on the
 * API's clock was compared with the interest's on the run's: wrong both ways under skew.
 */
class ReleaseByMessageOrderTest {
  private TestWorkflowEnvironment env;
  private FakeLeadActivities fake;
  private LeadWorkflow workflow;

  @BeforeEach
  void setUp() {
    env = LeadWorkflowTest.newEnvironment(LeadWorkflowTest.START);
    fake = new FakeLeadActivities(env);
    Worker worker = env.newWorker(LeadWorkflowTest.QUEUE);
    worker.registerWorkflowImplementationTypes(LeadWorkflowImpl.class);
    worker.registerActivitiesImplementations(fake);
    LeadWorkflowTest.serveResearch(env, fake);
    env.start();
    workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                LeadWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(LeadWorkflow.workflowId("L-1"))
                    .setTaskQueue(LeadWorkflowTest.QUEUE)
                    .build());
    fake.owners.addAll(List.of("ana", "bruno"));
    WorkflowClient.start(workflow::run, new LeadInput("L-1", "camp-1", null));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fake.sends.isEmpty() && System.nanoTime() < deadline) {
      env.sleep(Duration.ofSeconds(1));
    }
    assertThat(fake.sends).hasSize(1);
    reply("in-1", "interested");
    env.sleep(Duration.ofMinutes(1));
    assertThat(fake.handOffs).as("ana holds it").hasSize(1);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private Instant now() {
    return Instant.ofEpochMilli(env.currentTimeMillis());
  }

  private void reply(String id, String intent) {
    workflow.inboundMessage(
        new InboundMessageSignal(id, fake.wamid(0), "text", now(), intent, null));
  }

  private void release(Instant pressedOnTheApisClock, String seen) {
    workflow.ownerReleased(
        new OwnerRelease("ana", "Ana Lima (ana)", "not before Q2", pressedOnTheApisClock, seen));
    env.sleep(Duration.ofMinutes(1));
  }

  private void handedToAPersonAgain() {
    assertThat(fake.handOffs).as("its interest goes to a person").hasSize(2);
    assertThat(workflow.state().stage()).isEqualTo(Stage.HANDED_OFF);
    assertThat(fake.events)
        .anyMatch(
            e ->
                "handoff_released".equals(e.type())
                    && e.detail()
                        .endsWith(
                            "(the lead showed interest meanwhile: handed to a person" + " again)"));
  }

  private void releasedWithTheLead() {
    assertThat(workflow.state().stage()).isEqualTo(Stage.INTERESTED);
    assertThat(fake.handOffs).as("nobody else is given it").hasSize(1);
    assertThat(fake.events)
        .anyMatch(
            e ->
                "handoff_released".equals(e.type())
                    && "owner ana -> the agent (by Ana Lima (ana)): not before Q2"
                        .equals(e.detail()));
  }

  /**
   * The API's clock one minute ahead of the run's: ana presses release having seen in-1, the lead
   * writes with interest 20 s later (recorded while ana still holds it), and the release, stamped a
   * minute ahead, reaches the run after. The interest came after what she saw: a person answers it.
   */
  @Test
  void aReplyAfterThePressGoesToAPersonWithTheApisClockAhead() {
    env.sleep(Duration.ofMinutes(5));
    Instant pressedOnTheApisClock = now().plus(Duration.ofMinutes(1));
    env.sleep(Duration.ofSeconds(20));
    reply("in-2", "interested");
    env.sleep(Duration.ofSeconds(20));

    release(pressedOnTheApisClock, "in-1");

    handedToAPersonAgain();
  }

  /** The same with the API's clock ten minutes behind: the interest after in-1 still counts. */
  @Test
  void aReplyAfterThePressGoesToAPersonWithTheApisClockBehind() {
    env.sleep(Duration.ofMinutes(5));
    Instant pressedOnTheApisClock = now().minus(Duration.ofMinutes(10));
    env.sleep(Duration.ofSeconds(20));
    reply("in-2", "interested");
    env.sleep(Duration.ofSeconds(20));

    release(pressedOnTheApisClock, "in-1");

    handedToAPersonAgain();
  }

  /**
   * The API's clock ten minutes behind the run's: the lead wrote with interest (in-2) five minutes
   * before ana pressed release, and she saw it and gave the lead back anyway. The release stands.
   */
  @Test
  void aReplyTheRepSawIsReleasedWithTheLeadWithTheApisClockBehind() {
    reply("in-2", "interested");
    env.sleep(Duration.ofMinutes(5));

    release(now().minus(Duration.ofMinutes(10)), "in-2");

    releasedWithTheLead();
  }

  /**
   * The same with the API's clock ten minutes ahead, and a message after the interest (a question,
   * in-3) that ana saw: the interest came before it, the release stands.
   */
  @Test
  void anInterestBeforeTheMessageTheRepSawIsReleasedWithTheLeadWithTheApisClockAhead() {
    reply("in-2", "interested");
    env.sleep(Duration.ofMinutes(1));
    reply("in-3", "question");
    env.sleep(Duration.ofMinutes(5));

    release(now().plus(Duration.ofMinutes(10)), "in-3");

    assertThat(fake.handOffs).as("nobody else is given it").hasSize(1);
    assertThat(fake.events)
        .anyMatch(
            e ->
                "handoff_released".equals(e.type())
                    && "owner ana -> the agent (by Ana Lima (ana)): not before Q2"
                        .equals(e.detail()));
  }

  /**
   * ana saw in-2 (stored by the inbox) whose signal has not reached the run yet when her release
   * does: the run's interest (in-1) is older than what she saw, so the release stands; in-2 with
   * interest, told after the release, is handed to a person as any interest after a release is.
   */
  @Test
  void aSeenMessageTheRunWasNotToldOfYetMeansTheInterestCameBefore() {
    env.sleep(Duration.ofMinutes(5));

    release(now().plus(Duration.ofMinutes(10)), "in-2");

    releasedWithTheLead();
    reply("in-2", "interested");
    env.sleep(Duration.ofMinutes(1));
    assertThat(fake.handOffs).as("the interest told after the release").hasSize(2);
  }

  /**
   * A release without a seen message (an API from before it existed) is decided by the clocks as
   * before: pressed (on agreeing clocks) before the interest, the interest goes to a person.
   */
  @Test
  void aReleaseWithoutASeenMessageIsDecidedByTheClocks() {
    env.sleep(Duration.ofMinutes(5));
    Instant pressed = now();
    env.sleep(Duration.ofSeconds(20));
    reply("in-2", "interested");
    env.sleep(Duration.ofSeconds(20));

    release(pressed, null);

    handedToAPersonAgain();
  }
}

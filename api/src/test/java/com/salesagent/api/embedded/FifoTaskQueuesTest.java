package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order in which the dev server hands out a queue's waiting tasks (see {@link FifoTaskQueues}):
 * a workflow schedules 20 activities at once on a queue nobody polls yet; then one worker with one
 * slot takes them one by one.
 */
class FifoTaskQueuesTest {
  static final String WORKFLOWS = "fifo-workflows";
  static final String ACTIVITIES = "fifo-activities";
  static final int COUNT = 20;
  static final List<Integer> TAKEN = Collections.synchronizedList(new ArrayList<>());

  @ActivityInterface
  public interface Step {
    void step(int n);
  }

  public static class StepImpl implements Step {
    @Override
    public void step(int n) {
      TAKEN.add(n);
    }
  }

  @WorkflowInterface
  public interface Fan {
    @WorkflowMethod
    void run();
  }

  public static class FanImpl implements Fan {
    private final Step step =
        Workflow.newActivityStub(
            Step.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(ACTIVITIES)
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .build());

    @Override
    public void run() {
      List<Promise<Void>> all = new ArrayList<>();
      for (int i = 0; i < COUNT; i++) {
        all.add(Async.procedure(step::step, i));
      }
      Promise.allOf(all).get();
    }
  }

  private DevServerClient dev;

  @AfterEach
  void stop() {
    if (dev != null) {
      dev.close();
    }
  }

  private List<Integer> order(boolean workarounds) throws Exception {
    TAKEN.clear();
    dev = new DevServerClient(workarounds);
    WorkflowClient client = dev.client;
    dev.factory.newWorker(WORKFLOWS).registerWorkflowImplementationTypes(FanImpl.class);
    dev.factory.start();
    WorkflowStub fan =
        client.newUntypedWorkflowStub(
            "Fan", WorkflowOptions.newBuilder().setTaskQueue(WORKFLOWS).build());
    fan.start();
    // All 20 scheduled before anyone polls their queue.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (client
            .fetchHistory(fan.getExecution().getWorkflowId())
            .getHistory()
            .getEventsList()
            .stream()
            .filter(e -> e.hasActivityTaskScheduledEventAttributes())
            .count()
        < COUNT) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(10);
    }
    WorkerFactory activities = WorkerFactory.newInstance(client);
    Worker one =
        activities.newWorker(
            ACTIVITIES,
            WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(1)
                .setMaxConcurrentActivityTaskPollers(1)
                .build());
    one.registerActivitiesImplementations(new StepImpl());
    activities.start();
    try {
      fan.getResult(30, TimeUnit.SECONDS, Void.class);
    } finally {
      activities.shutdownNow();
    }
    return new ArrayList<>(TAKEN);
  }

  @Test
  void waitingTasksOfOnePriorityAreHandedOutInTheOrderTheyCame() throws Exception {
    assertThat(order(true)).containsExactlyElementsOf(IntStream.range(0, COUNT).boxed().toList());
  }

  @Test
  void theShippedDevServerHandsOutAllButTheFirstNewestFirst() throws Exception {
    // Its binary heap over equal keys: the first, then the newest. If this starts failing after an
    // SDK upgrade, FifoTaskQueues can go.
    List<Integer> taken = order(false);
    assertThat(taken).hasSize(COUNT);
    assertThat(taken).isNotEqualTo(IntStream.range(0, COUNT).boxed().toList());
  }
}

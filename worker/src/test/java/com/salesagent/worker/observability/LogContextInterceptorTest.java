package com.salesagent.worker.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogContextInterceptorTest {
  static final org.slf4j.Logger LOG = LoggerFactory.getLogger("lead-activity");

  @ActivityInterface
  public interface Speaker {
    void speak();
  }

  @WorkflowInterface
  public interface Caller {
    @WorkflowMethod
    void call();
  }

  public static class CallerImpl implements Caller {
    @Override
    public void call() {
      Workflow.newActivityStub(
              Speaker.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build())
          .speak();
    }
  }

  @Test
  void anActivitysLinesCarryItsLeadAndWorkflowAndNothingLeaksAfter() {
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger("lead-activity");
    captured.setContext(logger.getLoggerContext());
    captured.start();
    logger.addAppender(captured);
    logger.setLevel(Level.INFO);
    Map<String, String>[] after = new Map[1];
    try (TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(new LogContextInterceptor())
                        .build())
                .build())) {
      Worker worker = env.newWorker("q");
      worker.registerWorkflowImplementationTypes(CallerImpl.class);
      worker.registerActivitiesImplementations(
          (Speaker)
              () -> {
                LOG.info("composing");
                after[0] = MDC.getCopyOfContextMap();
              });
      env.start();

      env.getWorkflowClient()
          .newWorkflowStub(
              Caller.class,
              WorkflowOptions.newBuilder().setTaskQueue("q").setWorkflowId("lead-L-42").build())
          .call();
    } finally {
      logger.detachAppender(captured);
    }

    assertThat(captured.list).hasSize(1);
    assertThat(captured.list.get(0).getMDCPropertyMap())
        .containsEntry("leadId", "L-42")
        .containsEntry("workflowId", "lead-L-42")
        .containsEntry("activity", "Speak");
    assertThat(after[0]).containsEntry("workflowId", "lead-L-42");
    assertThat(MDC.get("workflowId")).isNull();
  }
}

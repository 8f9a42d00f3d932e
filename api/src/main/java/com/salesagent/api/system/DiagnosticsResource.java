package com.salesagent.api.system;

import com.codahale.metrics.annotation.Timed;
import com.salesagent.api.http.ApiException;
import com.salesagent.temporal.TaskQueues;
import com.salesagent.workflows.diagnostics.DiagnosticsReport;
import com.salesagent.workflows.diagnostics.DiagnosticsRequest;
import com.salesagent.workflows.diagnostics.DiagnosticsWorkflow;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /api/system/diagnostics}: runs the diagnostics workflow and returns what the worker
 * found. 200 when every probe passed, 503 when one failed, 504 when no worker answered.
 */
@Tag(name = "system", description = "End-to-end diagnostics through a workflow")
@Timed
@Path("/api/system/diagnostics")
@Produces(MediaType.APPLICATION_JSON)
public class DiagnosticsResource {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final WorkflowClient client;

  public DiagnosticsResource(WorkflowClient client) {
    this.client = client;
  }

  @POST
  public Response run() {
    String probeId = UUID.randomUUID().toString();
    DiagnosticsWorkflow workflow =
        client.newWorkflowStub(
            DiagnosticsWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("diagnostics-" + probeId)
                .setTaskQueue(TaskQueues.LEADS)
                .setWorkflowExecutionTimeout(WAIT.plusSeconds(30))
                .build());
    WorkflowClient.start(workflow::run, new DiagnosticsRequest(probeId));
    try {
      DiagnosticsReport report =
          WorkflowStub.fromTyped(workflow)
              .getResult(WAIT.toSeconds(), TimeUnit.SECONDS, DiagnosticsReport.class);
      return Response.status(report.healthy() ? 200 : 503).entity(report).build();
    } catch (TimeoutException e) {
      throw new ApiException(
          504,
          "no worker completed the diagnostics workflow within "
              + WAIT.toSeconds()
              + " s: is a worker polling task queue "
              + TaskQueues.LEADS
              + "?");
    }
  }
}

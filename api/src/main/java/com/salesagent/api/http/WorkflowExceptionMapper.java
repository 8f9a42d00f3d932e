package com.salesagent.api.http;

import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a signal, query or update to a lead's workflow can answer, in the API's words: a closed
 * workflow is a 409 ("the lead's workflow has ended"), an update the workflow's validator refused
 * is a 409 with the validator's sentence (not Temporal's {@code message='...', type='...'}
 * wrapper), anything else a 503 that names no Java class.
 */
@Provider
public class WorkflowExceptionMapper implements ExceptionMapper<WorkflowException> {
  private static final Logger LOG = LoggerFactory.getLogger(WorkflowExceptionMapper.class);

  @Override
  public Response toResponse(WorkflowException e) {
    ApiException answer;
    if (e instanceof WorkflowNotFoundException) {
      answer =
          new ApiException(
              409, "the lead's workflow has ended", new FieldError("leadId", "closed"));
    } else if (e instanceof WorkflowUpdateException u) {
      // The request was well formed: the lead (the path's leadId) is not in a state to take it.
      String reason = reasonOf(u);
      answer = new ApiException(409, reason, new FieldError("leadId", reason));
    } else {
      LOG.warn("workflow call failed: {}", e.toString());
      answer = new ApiException(503, "the lead's workflow did not answer: try again");
    }
    return Response.status(answer.status())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(answer.body())
        .build();
  }

  /** The validator's words, without the Java exception or Temporal's failure wrapper. */
  public static String reasonOf(WorkflowUpdateException e) {
    Throwable cause = e.getCause();
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    return cause == null ? "the workflow refused the update" : cause.getMessage();
  }
}

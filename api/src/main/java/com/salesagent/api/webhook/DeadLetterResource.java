package com.salesagent.api.webhook;

import com.codahale.metrics.annotation.Timed;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Webhook events that could not be processed (a wrong shape, or failures other than an unreachable
 * Temporal or MongoDB, {@link WebhookInbox#MAX_ATTEMPTS} times): listed for operators, retried when
 * one asks.
 */
@Tag(name = "webhook", description = "Webhook events that could not be processed")
@Timed
@Path("/api/webhooks/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {
  private final WebhookInbox inbox;

  public DeadLetterResource(WebhookInbox inbox) {
    this.inbox = inbox;
  }

  @GET
  public Response list(
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("pageSize") @DefaultValue("50") int pageSize) {
    if (page < 0 || page > 10_000 || pageSize < 1 || pageSize > 500) {
      throw new ApiException(
          400,
          "bad paging",
          List.of(
              new FieldError(
                  page < 0 || page > 10_000 ? "page" : "pageSize",
                  "0 <= page <= 10000, 1 <= pageSize <= 500")));
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Document d : inbox.deadLetters(page * pageSize, pageSize)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("eventKey", d.getString("eventKey"));
      row.put("kind", d.getString("kind"));
      row.put("receivedAt", d.getDate("receivedAt"));
      row.put("attempts", d.get("attempts"));
      row.put("lastError", d.getString("lastError"));
      row.put(
          "retryable", !d.getString("eventKey").startsWith("invalid:") && d.get("item") != null);
      row.put("item", d.get("item"));
      rows.add(row);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("total", inbox.countDeadLetters());
    answer.put("deadLetters", rows);
    return Response.ok(answer).build();
  }

  @POST
  @Path("/{eventKey}/retry")
  public Response retry(@PathParam("eventKey") String eventKey) {
    if (!inbox.retryDeadLetter(eventKey)) {
      throw new ApiException(
          404,
          "no retryable dead letter " + eventKey,
          List.of(new FieldError("eventKey", "unknown, not a dead letter, or of a wrong shape")));
    }
    return Response.accepted(Map.of("eventKey", eventKey, "status", "queued")).build();
  }
}

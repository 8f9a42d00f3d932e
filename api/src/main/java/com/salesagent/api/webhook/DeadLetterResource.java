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
import java.util.Date;
import java.util.List;
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
    List<DeadLetter> rows = new ArrayList<>();
    for (Document d : inbox.deadLetters(page * pageSize, pageSize)) {
      rows.add(
          new DeadLetter(
              d.getString("eventKey"),
              d.getString("kind"),
              d.getDate("receivedAt"),
              d.get("attempts"),
              d.getString("lastError"),
              !d.getString("eventKey").startsWith("invalid:") && d.get("item") != null,
              d.get("item")));
    }
    return Response.ok(new DeadLetters(inbox.countDeadLetters(), rows)).build();
  }

  /** A webhook event given up on: why, and whether a retry can process it. */
  public record DeadLetter(
      String eventKey,
      String kind,
      Date receivedAt,
      Object attempts,
      String lastError,
      boolean retryable,
      Object item) {}

  /** {@code GET /api/webhooks/dead-letters}: one page and the total. */
  public record DeadLetters(long total, List<DeadLetter> deadLetters) {}

  /** A dead letter queued again. */
  public record Queued(String eventKey, String status) {}

  @POST
  @Path("/{eventKey}/retry")
  public Response retry(@PathParam("eventKey") String eventKey) {
    if (!inbox.retryDeadLetter(eventKey)) {
      throw new ApiException(
          404,
          "no retryable dead letter " + eventKey,
          List.of(new FieldError("eventKey", "unknown, not a dead letter, or of a wrong shape")));
    }
    return Response.accepted(new Queued(eventKey, "queued")).build();
  }
}

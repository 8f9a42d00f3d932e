package com.salesagent.api.webhook;

import com.codahale.metrics.annotation.Timed;
import com.salesagent.activities.Phones;
import com.salesagent.activities.logging.LogContext;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Webhook events that could not be processed (a wrong shape, or failures other than an unreachable
 * Temporal or MongoDB, {@link WebhookInbox#MAX_ATTEMPTS} times): listed for operators, retried when
 * one asks. The list says why an item failed, not whose it is: every phone number in it is masked
 * as logs mask one ({@link Phones}), message ids cut to their ends, names in shared contacts left
 * out; the stored raw item stays whole, and a retry processes that.
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
      Object id = d.get("_id");
      rows.add(
          new DeadLetter(
              id instanceof ObjectId o ? o.toHexString() : null,
              LogContext.safe(d.getString("eventKey")),
              d.getString("kind"),
              d.getDate("receivedAt"),
              d.get("attempts"),
              Phones.scrub(d.getString("lastError")),
              !d.getString("eventKey").startsWith("invalid:") && d.get("item") != null,
              masked(null, d.get("item"))));
    }
    return Response.ok(new DeadLetters(inbox.countDeadLetters(), rows)).build();
  }

  /**
   * A webhook event given up on: why, and whether a retry can process it. {@code id} is what {@code
   * POST .../{id}/retry} takes; {@code eventKey} and {@code item} are masked.
   */
  public record DeadLetter(
      String id,
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

  /** {@code eventKey}: the dead letter's {@code id} from the list, or its whole event key. */
  @POST
  @Path("/{eventKey}/retry")
  public Response retry(@PathParam("eventKey") String eventKey) {
    if (!inbox.retryDeadLetter(eventKey)) {
      throw new ApiException(
          404,
          "no retryable dead letter " + LogContext.safe(eventKey),
          List.of(new FieldError("eventKey", "unknown, not a dead letter, or of a wrong shape")));
    }
    return Response.accepted(new Queued(LogContext.safe(eventKey), "queued")).build();
  }

  /** Fields that hold a phone number or a WhatsApp id (a number) in Meta's items. */
  private static final Set<String> NUMBERS =
      Set.of("wa_id", "from", "recipient_id", "phone", "to", "input", "display_phone_number");

  /** Fields of a shared contact (a message of type contacts) that name a person. */
  private static final Set<String> NAMES =
      Set.of("name", "formatted_name", "first_name", "last_name", "middle_name", "email");

  /**
   * Fields that say where a person lives or is, when they were born, where they work or their
   * links: a shared contact's card (addresses, birthday, org: company, department and job title,
   * urls, a name's prefix and suffix) and a location message (its coordinates and address). Shown
   * as {@code ***} whatever their type (an error's {@code title} stays: it says why).
   */
  private static final Set<String> PERSONAL =
      Set.of(
          "street",
          "city",
          "state",
          "zip",
          "address",
          "birthday",
          "org",
          "url",
          "prefix",
          "suffix",
          "latitude",
          "longitude");

  /**
   * A stored item (or a part of it under {@code key}) as the list shows it: numbers masked wherever
   * they are (a number field, digit runs in text, a malformed item's raw JSON), Meta's message ids
   * cut to their ends (their bytes hold the number), names of shared contacts left out; timestamps,
   * codes and the rest as stored.
   */
  static Object masked(String key, Object value) {
    if (key != null && PERSONAL.contains(key) && value != null) {
      return "***";
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), masked(String.valueOf(k), v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(masked(key, v)));
      return out;
    }
    if (value == null || value instanceof Boolean) {
      return value;
    }
    String text = String.valueOf(value);
    if (key != null && NUMBERS.contains(key)) {
      return Phones.mask(text);
    }
    if (key != null && NAMES.contains(key) && value instanceof String) {
      return "***";
    }
    if (key != null && key.endsWith("timestamp") && text.matches("[0-9]{1,12}")) {
      return value;
    }
    if (text.startsWith("wamid.")) {
      return Phones.wamid(text);
    }
    if ("raw".equals(key) && value instanceof String) {
      // A malformed item kept as its JSON text: masked field by field where it parses.
      try {
        return masked(null, Document.parse("{\"raw\":" + text + "}").get("raw"));
      } catch (RuntimeException e) {
        return Phones.scrub(text);
      }
    }
    String scrubbed = Phones.scrub(text);
    return value instanceof String || !scrubbed.equals(text) ? scrubbed : value;
  }
}

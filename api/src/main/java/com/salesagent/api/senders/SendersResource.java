package com.salesagent.api.senders;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.salesagent.activities.lead.WaitingLeads;
import com.salesagent.activities.mongo.SenderRates;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.whatsapp.SenderSpec;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * The sender pool for operators: the business numbers, each with its throughput tier, quality,
 * status and sends in the last minute; add a number (its token given only as the name of the
 * environment variable that holds it in the workers: the token itself is never sent, stored or
 * shown); resume a paused one by hand.
 */
@Tag(name = "senders", description = "The WhatsApp business numbers that send")
@Timed
@Path("/api/senders")
@Produces(MediaType.APPLICATION_JSON)
public class SendersResource {
  /**
   * One number as the API shows it. {@code usable}: whether it can take sends now; when not, {@code
   * reason} says why: {@code token_missing} (no worker has reported its token variable within the
   * last minute: no lead is pinned to it), {@code token_unchecked} (just registered: workers report
   * within 15 s) or {@code paused}.
   */
  public record Sender(
      String phoneNumberId,
      String tokenRef,
      int tier,
      String quality,
      String status,
      String pauseSource,
      String detail,
      String since,
      String displayPhoneNumber,
      boolean primary,
      long sentLastMinute,
      long sentThisMinute,
      boolean usable,
      String reason) {}

  public record SenderList(List<Sender> senders) {}

  /** A resumed number, and the leads waiting for it that were woken ({@code woken}). */
  public record Resumed(@JsonUnwrapped Sender sender, WaitingLeads.Woken woken) {}

  private final Senders senders;
  private final SenderRates rates;
  private final SenderDirectory directory;
  private final WaitingLeads waiting;
  private final Clock clock;

  public SendersResource(
      Senders senders, SenderDirectory directory, WaitingLeads waiting, Clock clock) {
    this.senders = senders;
    this.rates = senders.rates();
    this.directory = directory;
    this.waiting = waiting;
    this.clock = clock;
  }

  @GET
  @Operation(
      summary = "The business numbers of the pool",
      description =
          "Each with its token reference (the variable's name, never the token), tier, quality,"
              + " status, sends in the last minutes, and usable: false with reason token_missing"
              + " when no worker has reported having its token variable in the last minute (no"
              + " lead is pinned to it until one has), token_unchecked just after it was"
              + " registered, or paused.")
  public Response list() {
    Instant now = clock.instant();
    Map<String, Long> last = rates.lastMinute(now);
    Map<String, Long> current = rates.thisMinute(now);
    List<Sender> out = new ArrayList<>();
    for (Document d : senders.all()) {
      out.add(view(d, last, current, now));
    }
    return Response.ok(new SenderList(out)).build();
  }

  /**
   * {@code POST /api/senders}: {@code {"phoneNumberId": "...", "tokenRef": "ENV_VAR", "tier": 80}};
   * adds the number or updates its token reference and tier. Every worker that serves the leads
   * queue needs the variable set; a worker without it keeps that number's leads waiting.
   */
  /** The fields of {@code POST /api/senders}: any other is refused, not ignored. */
  static final Set<String> FIELDS = Set.of("phoneNumberId", "tokenRef", "tier");

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response add(@Auth Operator operator, JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    if (body == null || !body.isObject()) {
      throw new ApiException(
          400,
          "a JSON object is required",
          List.of(new FieldError("body", "{phoneNumberId, tokenRef, tier}")));
    }
    for (var names = body.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!FIELDS.contains(field)) {
        errors.add(new FieldError(field, "unknown field"));
      }
    }
    String id = text(body, "phoneNumberId", errors);
    String tokenRef = text(body, "tokenRef", errors);
    Integer tier = null;
    JsonNode t = body.path("tier");
    if (!t.isMissingNode() && !t.isNull()) {
      if (!t.isInt()) {
        errors.add(new FieldError("tier", "must be 20, 80 or 1000 (messages per second)"));
      } else {
        tier = t.intValue();
      }
    }
    if (errors.isEmpty()) {
      String problem = SenderSpec.problem(id, tokenRef, tier);
      if (problem != null) {
        errors.add(new FieldError(problem.substring(0, problem.indexOf(' ')), problem));
      }
    }
    if (errors.isEmpty()
        && senders.get(id) == null
        && senders.all().size() >= SenderSpec.MAX_SENDERS) {
      errors.add(
          new FieldError("phoneNumberId", "the pool holds at most " + SenderSpec.MAX_SENDERS));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(400, "bad sender", errors);
    }
    boolean primary = id.equals(directory.primaryId());
    senders.register(id, tokenRef, tier, primary);
    senders.audit(operator.name(), "sender_registered", id, clock.instant());
    Instant now = clock.instant();
    return Response.ok(view(senders.get(id), rates.lastMinute(now), rates.thisMinute(now), now))
        .build();
  }

  /**
   * {@code POST /api/senders/{id}/resume}: an operator ends a pause (any cause), and the leads
   * pinned to the number that wait for it are woken to send now (at most {@link WaitingLeads#MAX}
   * per call; {@code woken.more}: call again for the next ones, or leave them to their own check
   * within the hour).
   */
  @POST
  @Path("/{id}/resume")
  @Operation(
      summary = "Resume a paused business number and wake the leads waiting for it",
      description =
          "Ends the pause whatever its cause, then signals the leads pinned to the number whose"
              + " stage is waiting_sender (found in MongoDB, in pages, at most 1,000 per call) to"
              + " try their send now. The answer is the number as GET /api/senders shows it, plus"
              + " woken {signalled, ended, more}: more is true when leads are left waiting (call"
              + " again, or they check again by themselves within the hour).")
  public Response resume(@Auth Operator operator, @PathParam("id") String id) {
    if (id == null || !SenderSpec.PHONE_NUMBER_ID.matcher(id).matches()) {
      throw new ApiException(
          400, "bad phone number id", List.of(new FieldError("id", "1-32 digits")));
    }
    if (senders.get(id) == null) {
      throw new ApiException(
          404, "no such number", List.of(new FieldError("id", "not in the pool")));
    }
    senders.resume(id, clock.instant());
    senders.audit(operator.name(), "sender_resumed", id, clock.instant());
    // Resumed first: a lead woken now finds its number active.
    WaitingLeads.Woken woken = waiting.wake(id);
    Instant now = clock.instant();
    return Response.ok(
            new Resumed(
                view(senders.get(id), rates.lastMinute(now), rates.thisMinute(now), now), woken))
        .build();
  }

  private static String text(JsonNode body, String field, List<FieldError> errors) {
    JsonNode v = body.path(field);
    if (!v.isTextual() || v.textValue().length() > 128) {
      errors.add(new FieldError(field, "required: a string of at most 128 characters"));
      return null;
    }
    return v.textValue().trim();
  }

  private static Sender view(
      Document d, Map<String, Long> last, Map<String, Long> current, Instant now) {
    String id = String.valueOf(d.get("_id"));
    Object tier = d.get("tier");
    Date since = d.getDate("since");
    return new Sender(
        id,
        d.getString("tokenRef"),
        tier instanceof Number n ? n.intValue() : Senders.DEFAULT_TIER,
        d.getString("quality"),
        d.getString("status") == null ? "active" : d.getString("status"),
        d.getString("pauseSource"),
        d.getString("detail"),
        since == null ? null : since.toInstant().toString(),
        d.getString("displayPhoneNumber"),
        Boolean.TRUE.equals(d.getBoolean("primary")),
        last.getOrDefault(id, 0L),
        current.getOrDefault(id, 0L),
        Senders.unusable(d, now) == null,
        Senders.unusable(d, now));
  }
}

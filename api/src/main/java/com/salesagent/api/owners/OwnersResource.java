package com.salesagent.api.owners;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.TimeZones;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.HandOffFields;
import com.salesagent.activities.handoff.OwnerClaims;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.handoff.WaitingHandOffs;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * The sales reps interested leads are handed to ({@code owners}): who they are, their working hours
 * and time zone (an SLA counts working time), how many leads they can hold at once, and the
 * segments they take (none: every segment). The round robin skips inactive owners and full ones.
 */
@Tag(name = "owners", description = "Sales reps who take interested leads")
@Timed
@Path("/api/owners")
@Produces(MediaType.APPLICATION_JSON)
public class OwnersResource {
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final int MAX_OWNERS = 1000;
  static final int MAX_SEGMENTS = 50;
  static final int MAX_CAPACITY = 10_000;

  /** One owner as the API shows it, with the leads they hold now and whether they work now. */
  public record OwnerView(
      String ownerId,
      String name,
      String timezone,
      Object workingHours,
      int capacity,
      List<String> segments,
      boolean active,
      long load,
      boolean workingNow,
      Object lastAssignedAt,
      Object timeOff,
      boolean offNow) {}

  public record OwnerList(List<OwnerView> owners) {}

  /**
   * The owner as saved, and the interested leads that waited unassigned which they took ({@code
   * tookWaiting}: lead ids, and {@code more} when others still wait for them).
   */
  public record Saved(@JsonUnwrapped OwnerView owner, WaitingHandOffs.Taken tookWaiting) {}

  private final Owners owners;
  private final OwnerSlots slots;
  private final com.mongodb.client.MongoDatabase db;
  private final java.time.Clock clock;

  private final io.temporal.client.WorkflowClient temporal;
  private final WaitingHandOffs waiting;

  public OwnersResource(
      com.mongodb.client.MongoDatabase db,
      io.temporal.client.WorkflowClient temporal,
      java.time.Clock clock) {
    this.db = db;
    this.owners = new Owners(db);
    this.slots = new OwnerSlots(db, MAX_OWNERS);
    this.temporal = temporal;
    this.clock = clock;
    this.waiting = new WaitingHandOffs(db, temporal, clock);
  }

  @GET
  public OwnerList list() {
    List<Document> all = owners.all();
    Map<String, Long> loads = owners.loads(all.stream().map(o -> o.getString("_id")).toList(), "");
    Instant now = clock.instant();
    return new OwnerList(all.stream().map(o -> view(o, loads, now)).toList());
  }

  /**
   * {@code PUT /api/owners/{ownerId}} {@code {"name": "Ana", "timezone": "America/Sao_Paulo",
   * "workingHours": {"start": "09:00", "end": "18:00", "days": [1,2,3,4,5]}, "capacity": 20,
   * "segments": ["smb"], "active": true, "timeOff": [{"from": "2026-12-24", "to": "2027-01-01"}]}}:
   * creates or replaces the owner (its round-robin turn kept). 422 names every bad field. An active
   * owner then takes the interested leads that wait unassigned and that they may take (their
   * segments, their capacity), longest waiting first, at most {@value WaitingHandOffs#BATCHES}
   * batches of {@value WaitingHandOffs#MAX} looked at per call ({@code tookWaiting}). An owner made
   * inactive ({@code "active": false}) hands on the interested leads they hold, as {@code DELETE}
   * does.
   */
  @PUT
  @Path("/{ownerId}")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response put(
      @Auth Operator operator, @PathParam("ownerId") String ownerId, JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    if (ownerId == null || !ID.matcher(ownerId).matches()) {
      errors.add(new FieldError("ownerId", "1-64 letters, digits, '-' or '_'"));
    }
    if (body == null || !body.isObject()) {
      throw new ApiException(
          400,
          "a JSON object is required",
          List.of(new FieldError("body", "{name, timezone, workingHours, capacity, segments}")));
    }
    for (var names = body.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!Set.of("name", "timezone", "workingHours", "capacity", "segments", "active", "timeOff")
          .contains(field)) {
        errors.add(new FieldError(field, "unknown field"));
      }
    }
    String name = OwnerFields.text(body.path("name"), 100);
    if (!body.path("name").isTextual()
        || !ReadableText.checkLine(errors, "name", body.path("name").textValue().strip())) {
      if (name == null) {
        errors.add(new FieldError("name", "required: 1-100 characters"));
      }
    }
    String timezone =
        body.path("timezone").isMissingNode() ? "UTC" : OwnerFields.text(body.path("timezone"), 64);
    ZoneId zone = TimeZones.isRegion(timezone) ? ZoneId.of(timezone) : null;
    if (zone == null) {
      errors.add(new FieldError("timezone", TimeZones.EXPECTED));
    }
    Document hours = OwnerFields.hours(body.path("workingHours"), zone, errors);
    JsonNode cap = body.path("capacity");
    if (!cap.isInt() || cap.intValue() < 1 || cap.intValue() > MAX_CAPACITY) {
      errors.add(new FieldError("capacity", "required: an integer from 1 to " + MAX_CAPACITY));
    }
    List<String> segments = new ArrayList<>();
    JsonNode segs = body.path("segments");
    if (!segs.isMissingNode() && !segs.isNull()) {
      if (!segs.isArray() || segs.size() > MAX_SEGMENTS) {
        errors.add(
            new FieldError("segments", "a list of at most " + MAX_SEGMENTS + " segment ids"));
      } else {
        for (JsonNode s : segs) {
          if (!s.isTextual() || !ID.matcher(s.textValue()).matches()) {
            errors.add(new FieldError("segments", "segment ids: 1-64 letters, digits, '-' or '_'"));
            break;
          }
          segments.add(s.textValue());
        }
      }
    }
    List<Document> timeOff = OwnerFields.timeOff(body.path("timeOff"), errors);
    JsonNode active = body.path("active");
    if (!active.isMissingNode() && !active.isBoolean()) {
      errors.add(new FieldError("active", "true or false"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid owner", errors);
    }
    Document before = owners.get(ownerId);
    Instant now = clock.instant();
    boolean created = false;
    if (before == null) {
      // A new owner takes one of the MAX_OWNERS slots first (one conditional write), so that
      // creates at the same time cannot all pass a count and go past the limit.
      String slot = slots.claim();
      if (slot == null) {
        throw new ApiException(
            422, "invalid owner", new FieldError("ownerId", "at most " + MAX_OWNERS + " owners"));
      }
      try {
        owners
            .collection()
            .insertOne(
                newOwner(ownerId, name, zone, hours, cap, segments, active, timeOff, now, null));
        created = true;
      } catch (com.mongodb.MongoWriteException e) {
        slots.release(slot);
        if (e.getError().getCategory() != com.mongodb.ErrorCategory.DUPLICATE_KEY) {
          throw e;
        }
        before = owners.get(ownerId); // created by another PUT meanwhile: this one replaces it
      } catch (RuntimeException e) {
        slots.release(slot);
        throw e;
      }
      if (created && slots.over()) {
        // Owners written straight into MongoDB meanwhile filled the limit (OwnerSlots#over): this
        // owner is taken back, unless another request has changed it or given it a lead since.
        long back =
            owners
                .collection()
                .deleteOne(
                    Filters.and(
                        Filters.eq("_id", ownerId),
                        Filters.eq("updatedAt", Date.from(now)),
                        Filters.exists(OwnerClaims.HOLDING, false),
                        Filters.exists("lastAssignedAt", false)))
                .getDeletedCount();
        if (back == 1) {
          slots.release(slot); // still pending: settled only once the owner stays
          throw new ApiException(
              422, "invalid owner", new FieldError("ownerId", "at most " + MAX_OWNERS + " owners"));
        }
      }
      if (created) {
        slots.settle(slot); // counted as an owner from now
      }
    }
    Document owner =
        newOwner(
            ownerId,
            name,
            zone,
            hours,
            cap,
            segments,
            active,
            timeOff,
            now,
            created ? null : before);
    if (!created) {
      // The fields an operator sets, and no others: the round-robin turn and the claims on the
      // owner's capacity (OwnerClaims: holding, holdingVersion) are the assignments', written by
      // them meanwhile; a replace would drop a claim in flight (its lead then not counted). Owners
      // are never deleted: no upsert, which would make an owner without a slot.
      Document fields = new Document(owner);
      fields.remove("_id");
      owners.collection().updateOne(Filters.eq("_id", ownerId), new Document("$set", fields));
    }
    if (before != null && before.getDate("lastAssignedAt") != null) {
      owner.append("lastAssignedAt", before.getDate("lastAssignedAt"));
    }
    audit(operator.name(), created ? "owner_added" : "owner_changed", ownerId, now);
    if (!owner.getBoolean("active")) {
      // Made inactive as DELETE makes them: their interested leads go to another owner (or wait
      // on the queue), not held for good by a rep who takes nothing any more.
      handOn(ownerId);
    }
    WaitingHandOffs.Taken took = waiting.takeFor(ownerId);
    Map<String, Long> loads = owners.loads(List.of(ownerId), "");
    return (created ? Response.status(201) : Response.ok())
        .entity(new Saved(view(owner, loads, now), took))
        .build();
  }

  /**
   * The owner's document as an operator sets it; {@code before}: the owner it replaces, or null.
   */
  private static Document newOwner(
      String ownerId,
      String name,
      ZoneId zone,
      Document hours,
      JsonNode cap,
      List<String> segments,
      JsonNode active,
      List<Document> timeOff,
      Instant now,
      Document before) {
    return new Document("_id", ownerId)
        .append("name", name)
        .append("timezone", zone.getId())
        .append("workingHours", hours)
        .append("capacity", cap.intValue())
        .append("segments", List.copyOf(new LinkedHashSet<>(segments)))
        .append("active", active.isMissingNode() || active.booleanValue())
        .append("timeOff", timeOff)
        .append("createdAt", before == null ? Date.from(now) : before.getDate("createdAt"))
        .append("updatedAt", Date.from(now));
  }

  /** What deactivating an owner did: the owner, and how many of their leads were handed on. */
  public record Deactivated(OwnerView owner, int leadsHandedOn) {}

  /**
   * {@code DELETE /api/owners/{ownerId}}: the owner takes no new leads (inactive), and every
   * interested lead they hold is handed to another owner (who must act within the SLA again), or
   * waits unassigned on the Hand-offs queue when nobody can take it. 404 when unknown. Repeating it
   * hands on whatever is still theirs.
   */
  @DELETE
  @Path("/{ownerId}")
  public Response deactivate(@Auth Operator operator, @PathParam("ownerId") String ownerId) {
    if (ownerId == null || !ID.matcher(ownerId).matches() || owners.get(ownerId) == null) {
      throw ApiException.notFound("owner " + ownerId, "ownerId");
    }
    owners
        .collection()
        .updateOne(
            Filters.eq("_id", ownerId),
            new Document("$set", new Document("active", false).append("updatedAt", new Date())));
    audit(operator.name(), "owner_deactivated", ownerId, clock.instant());
    int handedOn = handOn(ownerId);
    Instant now = clock.instant();
    return Response.ok(
            new Deactivated(
                view(owners.get(ownerId), owners.loads(List.of(ownerId), ""), now), handedOn))
        .build();
  }

  /** Tells the run of every interested lead the owner holds that its owner left; how many. */
  private int handOn(String ownerId) {
    int handedOn = 0;
    for (Document lead :
        db.getCollection(Collections.CONTACTS)
            .find(Filters.and(Filters.eq("ownerId", ownerId), Owners.heldFilter()))
            .projection(new Document("leadId", 1))) {
      // Names their take as the lead's hand-off holds it (none when they had not taken it): told
      // late or again, it is not applied.
      Instant taken =
          HandOffFields.takeOf(
              db.getCollection(HandOffActivitiesImpl.HANDOFFS)
                  .find(Filters.eq("_id", lead.getString("leadId")))
                  .first(),
              ownerId);
      try {
        temporal
            .newWorkflowStub(
                com.salesagent.workflows.lead.LeadWorkflow.class,
                com.salesagent.workflows.lead.LeadWorkflow.workflowId(lead.getString("leadId")))
            .ownerGone(ownerId, taken);
        handedOn++;
      } catch (io.temporal.client.WorkflowNotFoundException e) {
        // Ended meanwhile: nothing to hand on.
      }
    }
    return handedOn;
  }

  private void audit(String operator, String action, String ownerId, Instant at) {
    db.getCollection(Collections.AUDIT_LOG)
        .insertOne(
            new Document("action", action)
                .append("by", operator)
                .append("ownerId", ownerId)
                .append("at", Date.from(at)));
  }

  private static OwnerView view(Document o, Map<String, Long> loads, Instant now) {
    String id = o.getString("_id");
    Date last = o.getDate("lastAssignedAt");
    return new OwnerView(
        id,
        o.getString("name"),
        o.getString("timezone"),
        o.get("workingHours"),
        o.getInteger("capacity", 0),
        o.getList("segments", String.class, List.of()),
        Boolean.TRUE.equals(o.getBoolean("active")),
        loads.getOrDefault(id, 0L),
        Owners.hours(o).at(now) && !Owners.offAt(o, now),
        last == null ? null : last.toInstant().toString(),
        o.getList("timeOff", Document.class, List.of()),
        Owners.offAt(o, now));
  }
}

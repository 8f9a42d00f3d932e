package com.salesagent.api.variants;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.variants.ArmGuard;
import com.salesagent.activities.variants.VariantArchive;
import com.salesagent.activities.variants.VariantStore;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.IfMatch;
import com.salesagent.workflows.variants.KillSwitchProgress;
import com.salesagent.workflows.variants.KillSwitchWorkflow;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * {@code /api/variants}: create, edit, enable and disable prompt variants. Disabling is the live
 * kill-switch: new assignments skip the variant at once, and every in-flight lead on it (found in
 * MongoDB) is signalled to switch before its next send, by a fan-out workflow ({@link
 * KillSwitchWorkflow}) whose id the disable answers.
 */
@Tag(name = "variants", description = "Prompt variants and the live kill-switch")
@Timed
@Path("/api/variants")
@Produces(MediaType.APPLICATION_JSON)
public class VariantResource {
  /** A variant as the API takes it. */
  public record VariantRequest(
      String variantId,
      List<String> segments,
      String angle,
      String locale,
      Double weight,
      Boolean enabled,
      Map<String, Template> templates,
      String modality,
      String offer,
      Map<String, Map<String, Template>> translations) {}

  /** What a variant's messages carry besides their text: an experiment dimension like the angle. */
  static final List<String> MODALITIES = List.of("text", "image_card", "voice_note");

  /**
   * An approved WhatsApp template and the body it renders. {@code language} (default en) is sent as
   * the template's language code and must name the approved translation exactly (en_US is not en).
   */
  public record Template(
      String name, String language, String body, String header, Map<String, String> defaults) {}

  /**
   * Most translations per variant, and the longest fallback wording (in code points, as every
   * capped text: an emoji is one).
   */
  static final int MAX_TRANSLATIONS = 20;

  static final int MAX_DEFAULT = 60;

  /**
   * The variants, as stored; {@code waitingForVariant}: the running leads that wait for an enabled
   * variant (their segment has none), {@code warnings}: the segments without one of their own now.
   */
  public record VariantList(
      List<Document> variants, long waitingForVariant, List<VariantGaps.Warning> warnings) {}

  /** A created variant. */
  public record Created(String variantId) {}

  /**
   * A variant enabled or disabled. On a disable, {@code killSwitch} names the workflow that tells
   * every in-flight lead (follow it at {@code GET /api/variants/kill-switches/{workflowId}}). A
   * disable of a variant that was off already changes nothing and starts nothing: {@code
   * alreadyDisabled} is true and {@code killSwitch} names the one that switched it off, if any.
   * {@code warnings}: after a disable, the segments left with no enabled variant (their leads wait)
   * or none of their pool's (their leads get one outside it); absent when there are none.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Switched(
      String variantId,
      boolean enabled,
      KillSwitch killSwitch,
      Boolean alreadyDisabled,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<VariantGaps.Warning> warnings) {
    public Switched(String variantId, boolean enabled, KillSwitch killSwitch) {
      this(variantId, enabled, killSwitch, null, null);
    }

    public Switched(
        String variantId, boolean enabled, KillSwitch killSwitch, Boolean alreadyDisabled) {
      this(variantId, enabled, killSwitch, alreadyDisabled, null);
    }

    Switched warning(List<VariantGaps.Warning> gaps) {
      return new Switched(variantId, enabled, killSwitch, alreadyDisabled, gaps);
    }
  }

  /**
   * A kill-switch: its workflow, and the variant's leads now ({@link VariantStore.Reach}): {@code
   * inFlight} the leads whose message of it is in its call to the Cloud API now (it may still go
   * out), {@code switching} the running leads still recorded on it whose next message uses another
   * variant (each run replaces it before its next send).
   */
  public record KillSwitch(String workflowId, long inFlight, long switching) {
    static KillSwitch of(String workflowId, VariantStore.Reach reach) {
      return reach == null
          ? new KillSwitch(workflowId, 0, 0)
          : new KillSwitch(workflowId, reach.inFlight(), reach.switching());
    }
  }

  /**
   * The variant's leads now ({@link VariantStore.Reach}): while it is enabled, {@code inFlight} is
   * every running lead on it (what its kill-switch would reach) and {@code switching} 0; once it is
   * off, {@code inFlight} counts only the leads whose message of it is in its call to the Cloud API
   * now, and {@code switching} the running leads still recorded on it whose next message uses
   * another variant. {@code warnings}: the segments its disable would leave (or left) with no
   * enabled variant or none of their pool's (for the confirmation).
   */
  public record InFlight(
      String variantId,
      boolean enabled,
      long inFlight,
      long switching,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<VariantGaps.Warning> warnings) {}

  /** The arms a manual arm-guard check took out. */
  public record ArmCheck(List<ArmGuard.Disabled> autoDisabled) {}

  private final VariantStore variants;
  private final VariantArchive archive;
  private final MongoDatabase db;
  private final WorkflowClient temporal;
  private final KillSwitches killSwitches;
  private final VariantEdits edits;

  public VariantResource(MongoDatabase db, WorkflowClient temporal) {
    this.db = db;
    this.variants = new VariantStore(db, Clock.systemUTC());
    this.archive = new VariantArchive(db, Clock.systemUTC());
    this.temporal = temporal;
    this.killSwitches = new KillSwitches(variants, temporal);
    this.edits = new VariantEdits(variants, archive, db, killSwitches);
  }

  /**
   * {@code GET /api/variants}: the variants but the archived ones; {@code ?archived=true}: with
   * them ({@code archived: true} on each). Any other value is a 400 naming {@code archived}.
   */
  @GET
  public VariantList list(@QueryParam("archived") String archived) {
    if (archived != null && !archived.equals("true") && !archived.equals("false")) {
      throw new ApiException(
          400,
          "bad archived",
          new FieldError("archived", "true (archived variants too) or false (the default)"));
    }
    return new VariantList(
        variants.all("true".equals(archived)), VariantGaps.waiting(db), VariantGaps.all(db));
  }

  /**
   * A variant archived ({@code archived} true) or brought back (false). {@code killSwitch}: the one
   * the archive of an enabled variant started (its in-flight leads switch at their next message, as
   * on a disable); {@code alreadyArchived}: it was archived already, nothing changed. {@code
   * warnings}: the segments left with no enabled variant or none of their pool's.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Archived(
      String variantId,
      boolean archived,
      KillSwitch killSwitch,
      Boolean alreadyArchived,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<VariantGaps.Warning> warnings) {}

  /**
   * {@code POST /api/variants/{id}/archive}: switches the variant off (the kill-switch of a
   * disable, when it was on) and archives it: no new leads, hidden from the default list, its
   * stats, history and in-flight leads kept. {@code If-Match} as on a PUT (412 when stale).
   */
  @POST
  @Path("/{variantId}/archive")
  @Operation(
      summary = "Archive a variant: off for good, hidden from the default list, history kept",
      description =
          "An enabled variant is switched off first, as POST /{id}/disable does (its kill-switch"
              + " tells every in-flight lead to switch before its next send; killSwitch names it)."
              + " Archived: not enabled, not replaced (409 naming archived) until POST"
              + " /{id}/unarchive. Idempotent: an archived variant answers alreadyArchived."
              + " If-Match: the revision read (412 when the variant changed since). Never refused"
              + " for being a segment's last variant: warnings name the segments it leaves.")
  public Response archive(
      @Auth Operator operator,
      @PathParam("variantId") String variantId,
      @HeaderParam("If-Match") List<String> ifMatch) {
    return edits.archive(operator, variantId, revisionAsked(ifMatch));
  }

  /**
   * {@code POST /api/variants/{id}/unarchive}: back in the default list, still switched off (enable
   * it to give it leads). {@code If-Match} as on a PUT.
   */
  @POST
  @Path("/{variantId}/unarchive")
  public Response unarchive(
      @Auth Operator operator,
      @PathParam("variantId") String variantId,
      @HeaderParam("If-Match") List<String> ifMatch) {
    return edits.unarchive(operator, variantId, revisionAsked(ifMatch));
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(VariantRequest request) {
    List<FieldError> errors = VariantRequests.validate(request, null);
    errors.addAll(VariantRequests.unknownSegments(db, request));
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid variant", errors);
    }
    if (!variants.insert(
        VariantRequests.toDocument(
            request, request.variantId(), request.enabled() == null || request.enabled()))) {
      throw new ApiException(409, "variant exists", new FieldError("variantId", "already exists"));
    }
    return Response.status(201).entity(new Created(request.variantId())).build();
  }

  @PUT
  @Path("/{variantId}")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response replace(
      @Auth Operator operator,
      @PathParam("variantId") String variantId,
      @HeaderParam("If-Match") List<String> ifMatch,
      VariantRequest request) {
    return edits.replace(operator, variantId, revisionAsked(ifMatch), request);
  }

  /**
   * The revisions an edit was made from ({@code If-Match: "3"}, the variant's {@code revision} in
   * the list, or a list of them, {@code "3", "4"}: any one matches; {@code *} or none: whatever it
   * is now), read by {@link IfMatch}: 400 naming {@code If-Match} when malformed; a weak tag
   * ({@code W/"3"}) never matches (If-Match compares strongly, RFC 9110 13.1.1).
   */
  static IfMatch revisionAsked(List<String> ifMatch) {
    return IfMatch.parse(
        ifMatch, "the variant's revision as read: its revision in GET /api/variants");
  }

  /** 412 naming {@code If-Match}: the variant was replaced since the edit's read. */
  static ApiException stale(String read, int now) {
    return new ApiException(
        412,
        "the variant was changed since it was read: load it again and redo the edit",
        new FieldError(
            "If-Match", "read at revision " + read + "; the variant is at revision " + now));
  }

  @POST
  @Path("/{variantId}/enable")
  public Switched enable(@Auth Operator operator, @PathParam("variantId") String variantId) {
    if (VariantArchive.archived(variants.find(variantId))) {
      throw VariantEdits.archivedConflict(variantId);
    }
    // Its last kill-switch moves to its history (killSwitchHistory, reenabledAt): no live
    // kill-switch is shown on an enabled variant.
    if (!variants.setEnabled(variantId, true, operator.name())) {
      throw ApiException.notFound("variant " + variantId, "variantId");
    }
    audit(operator, "variant_enabled", variantId, null);
    return new Switched(variantId, true, null);
  }

  /**
   * {@code POST /api/variants/{id}/disable}: the live kill-switch. Idempotent: a variant that is
   * off already is left as it is (no second kill-switch, no audit entry) and the answer says so
   * ({@code alreadyDisabled}), naming the kill-switch that switched it off.
   */
  @POST
  @Path("/{variantId}/disable")
  @Operation(
      summary = "Switch a variant off: the live kill-switch (idempotent)",
      description =
          "New assignments skip the variant at once; a kill-switch workflow tells every in-flight"
              + " lead on it to switch before its next send (killSwitch.workflowId; follow it at"
              + " GET /api/variants/kill-switches/{workflowId}). A variant that is off already is"
              + " left as it is: 200 with alreadyDisabled true and the kill-switch that switched"
              + " it off; nothing is started and nothing audited. Never refused: warnings names"
              + " each segment left with no enabled variant (no_enabled_variant: its leads wait"
              + " until one is enabled; liveLeads) or none of its pool's (pool_all_disabled: its"
              + " leads get a variant outside the pool).")
  public Switched disable(@Auth Operator operator, @PathParam("variantId") String variantId) {
    // Never refused (a variant that must stop stops): the answer warns of the segments it leaves
    // without a variant of their own.
    return killSwitches.switchOff(variantId, operator.name()).warning(VariantGaps.all(db));
  }

  /**
   * {@code GET /api/variants/kill-switches/{workflowId}}: how far a kill-switch got (leads
   * signalled, leads whose workflow had ended, done).
   */
  @GET
  @Path("/kill-switches/{workflowId}")
  public KillSwitchProgress killSwitchProgress(@PathParam("workflowId") String workflowId) {
    if (!workflowId.startsWith(KillSwitchWorkflow.PREFIX)) {
      throw ApiException.notFound("kill-switch " + workflowId, "workflowId");
    }
    try {
      return temporal.newWorkflowStub(KillSwitchWorkflow.class, workflowId).progress();
    } catch (WorkflowNotFoundException e) {
      throw ApiException.notFound("kill-switch " + workflowId, "workflowId");
    }
  }

  private void audit(Operator operator, String action, String variantId, String killSwitch) {
    variants.audit(operator.name(), action, variantId, killSwitch);
  }

  /**
   * {@code GET /api/variants/{id}/in-flight}: the leads the kill-switch would reach now, or, once
   * the variant is off, the leads whose message of it is still in its call ({@code inFlight}) and
   * those that switch at their next message ({@code switching}).
   */
  @GET
  @Path("/{variantId}/in-flight")
  @Operation(
      summary = "A variant's leads now: in flight on it, or switching at their next message",
      description =
          "Enabled: inFlight is every running lead on the variant (what its kill-switch would"
              + " reach), switching 0. Disabled: inFlight counts only the leads whose message of"
              + " it is in its call to the Cloud API now (it may still be accepted); switching"
              + " counts the running leads still recorded on it whose next message uses another"
              + " variant (the run replaces it before its next send).")
  public InFlight inFlight(@PathParam("variantId") String variantId) {
    VariantStore.Reach reach = variants.reach(variantId);
    if (reach == null) {
      throw ApiException.notFound("variant " + variantId, "variantId");
    }
    return new InFlight(
        variantId,
        reach.enabled(),
        reach.inFlight(),
        reach.switching(),
        VariantGaps.all(db, variantId));
  }

  /** The running leads waiting for a variant, and the segments without one of their own. */
  public record Gaps(long waitingForVariant, List<VariantGaps.Warning> warnings) {}

  /**
   * {@code GET /api/variants/gaps}: how many running leads wait for an enabled variant (their
   * segment has none) and which segments have no enabled variant or none of their pool's.
   */
  @GET
  @Path("/gaps")
  @Operation(summary = "Leads waiting for a variant and segments without one of their own")
  public Gaps gaps() {
    return new Gaps(VariantGaps.waiting(db), VariantGaps.all(db));
  }

  /** {@code POST /api/variants/auto-disable/check}: runs the arm guard's check now. */
  @POST
  @Path("/auto-disable/check")
  public ArmCheck checkArms() {
    return new ArmCheck(new ArmGuard(db, Clock.systemUTC()).check());
  }
}

package com.salesagent.api.variants;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.salesagent.activities.lead.PersonaWording;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.persona.Segments;
import com.salesagent.activities.variants.ArmGuard;
import com.salesagent.activities.variants.VariantStore;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
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
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /** Most translations per variant, and the longest fallback wording. */
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

  static final Set<String> PLACEHOLDERS =
      Set.of("firstName", "name", "company", "jobTitle", "industry", "fact");
  static final Set<String> PURPOSES =
      Set.of("first_contact", "follow_up_read", "follow_up_unread", "re_engagement");

  /**
   * Meta's template language codes: a language (two letters, three for a few such as fil)
   * optionally with an upper-case region, e.g. en, en_US, pt_BR. Meta matches the code to the
   * approved translation exactly: en and en_US are different translations.
   */
  static final Pattern TEMPLATE_LANGUAGE = Pattern.compile("[a-z]{2,3}(_[A-Z]{2})?");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*(\\w*)\\s*}}");

  /** Meta's template names: lower-case letters, digits and underscores, at most 512. */
  private static final Pattern TEMPLATE_NAME = Pattern.compile("[a-z0-9_]{1,512}");

  /** The most characters a template's body may have in WhatsApp Manager. */
  static final int MAX_TEMPLATE_BODY = 1024;

  /** The longest angle: one line, the variant's name on the dashboard (an offer takes 120). */
  static final int MAX_ANGLE = 120;

  /** The most segments a variant may list. */
  static final int MAX_SEGMENTS = 100;

  /**
   * The language of a variant's own templates: a language, optionally with its region (en, pt-BR,
   * pt_BR), as the template choice reads it; another value matched no lead's language.
   */
  static final Pattern LOCALE = Pattern.compile("[a-z]{2,3}([-_][A-Za-z]{2})?");

  /** The largest weight: a share among the pool's variants, not an amount. */
  static final double MAX_WEIGHT = 1000;

  private final VariantStore variants;
  private final MongoDatabase db;
  private final WorkflowClient temporal;
  private final KillSwitches killSwitches;

  public VariantResource(MongoDatabase db, WorkflowClient temporal) {
    this.db = db;
    this.variants = new VariantStore(db, Clock.systemUTC());
    this.temporal = temporal;
    this.killSwitches = new KillSwitches(variants, temporal);
  }

  @GET
  public VariantList list() {
    return new VariantList(variants.all(), VariantGaps.waiting(db), VariantGaps.all(db));
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(VariantRequest request) {
    List<FieldError> errors = validate(request, null);
    errors.addAll(unknownSegments(request));
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid variant", errors);
    }
    if (!variants.insert(
        toDocument(request, request.variantId(), request.enabled() == null || request.enabled()))) {
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
      @HeaderParam("If-Match") String ifMatch,
      VariantRequest request) {
    Integer expected = revisionAsked(ifMatch);
    List<FieldError> errors = validate(request, variantId);
    errors.addAll(unknownSegments(request));
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid variant", errors);
    }
    Document existing = variants.find(variantId);
    if (existing == null) {
      throw ApiException.notFound("variant " + variantId, "variantId");
    }
    if (expected != null && expected != VariantStore.revisionOf(existing)) {
      throw stale(expected, VariantStore.revisionOf(existing));
    }
    // Without "enabled" the variant stays as it is: an operator correcting the text of a variant
    // they switched off turned it back on (new leads on it at once, no audit of an enable).
    boolean wasEnabled = existing.getBoolean("enabled", true);
    boolean enabled = request.enabled() == null ? wasEnabled : request.enabled();
    // Switched off first, as the disable route does (the replacement keeps the switch's record).
    Switched switched = enabled ? null : killSwitches.switchOff(variantId, operator.name());
    VariantStore.Replaced replaced =
        variants.replace(
            variantId, toDocument(request, variantId, enabled), operator.name(), expected);
    if (!replaced.done()) {
      // Another replacement came between this one's read and its write.
      throw stale(expected, replaced.revision());
    }
    if (enabled && !wasEnabled) {
      audit(operator, "variant_enabled", variantId, null);
    }
    return Response.ok(
            enabled ? new Switched(variantId, true, null) : switched.warning(VariantGaps.all(db)))
        .tag(new EntityTag(String.valueOf(replaced.revision())))
        .build();
  }

  /**
   * The revision an edit was made from ({@code If-Match: "3"}, the variant's {@code revision} in
   * the list; {@code *} or none: whatever it is now), or 400 naming {@code If-Match}.
   */
  static Integer revisionAsked(String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
      return null;
    }
    String tag = ifMatch.strip();
    if (tag.startsWith("W/")) {
      tag = tag.substring(2);
    }
    if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
      tag = tag.substring(1, tag.length() - 1);
    }
    if (!tag.matches("[0-9]{1,9}")) {
      throw new ApiException(
          400,
          "bad If-Match",
          new FieldError(
              "If-Match",
              "the variant's revision as read, e.g. \"3\" (its revision in GET /api/variants)"));
    }
    return Integer.valueOf(tag);
  }

  /** 412 naming {@code If-Match}: the variant was replaced since the edit's read. */
  private static ApiException stale(int read, int now) {
    return new ApiException(
        412,
        "the variant was changed since it was read: load it again and redo the edit",
        new FieldError(
            "If-Match", "read at revision " + read + "; the variant is at revision " + now));
  }

  @POST
  @Path("/{variantId}/enable")
  public Switched enable(@Auth Operator operator, @PathParam("variantId") String variantId) {
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

  /**
   * The variant's segments that no lead can be in: a lead's segment is an operator's segment
   * (enabled or not: it may be enabled later) or its company-size band, the built-in catch-all, so
   * any other name (a typo, a segment not created yet) would leave the variant never picked. One
   * error naming them all; none when every one is known or {@code *}.
   */
  private List<FieldError> unknownSegments(VariantRequest r) {
    if (r == null || r.segments() == null || r.segments().isEmpty()) {
      return List.of(); // validate names the missing field
    }
    Set<String> unknown = new LinkedHashSet<>();
    for (String s : r.segments()) {
      if (s == null || s.isBlank()) {
        return List.of(new FieldError("segments", "segment ids are non-empty strings"));
      }
      if (!"*".equals(s) && !Segments.BUILT_IN.contains(s)) {
        unknown.add(s);
      }
    }
    if (!unknown.isEmpty()) {
      db.getCollection(Collections.SEGMENTS)
          .find(Filters.in("segmentId", unknown))
          .projection(Projections.include("segmentId"))
          .forEach(d -> unknown.remove(d.getString("segmentId")));
    }
    if (unknown.isEmpty()) {
      return List.of();
    }
    return List.of(
        new FieldError(
            "segments",
            "no such segment: "
                + String.join(", ", unknown)
                + "; use an operator's segment (GET /api/segments), a company-size band ("
                + String.join(", ", new TreeSet<>(Segments.BUILT_IN))
                + ") or \"*\" for all"));
  }

  static List<FieldError> validate(VariantRequest r, String pathId) {
    List<FieldError> errors = new ArrayList<>();
    if (r == null) {
      errors.add(new FieldError("body", "a JSON variant is required"));
      return errors;
    }
    String id = pathId != null ? pathId : r.variantId();
    if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
      errors.add(new FieldError("variantId", "1-64 letters, digits, . _ -"));
    }
    if (pathId != null && r.variantId() != null && !pathId.equals(r.variantId())) {
      errors.add(new FieldError("variantId", "differs from the path"));
    }
    if (r.angle() == null || r.angle().isBlank()) {
      errors.add(new FieldError("angle", "required: what the message is about, e.g. cost savings"));
    } else if (r.angle().strip().length() > MAX_ANGLE) {
      errors.add(
          new FieldError(
              "angle",
              "at most " + MAX_ANGLE + " characters (the variant's name on the dashboard)"));
    } else {
      ReadableText.checkLine(errors, "angle", r.angle().strip());
    }
    if (r.locale() != null && !LOCALE.matcher(r.locale()).matches()) {
      errors.add(
          new FieldError(
              "locale",
              "the language of the variant's own templates, such as en, pt-BR or pt_BR (default"
                  + " en)"));
    }
    if (r.segments() == null || r.segments().isEmpty()) {
      errors.add(new FieldError("segments", "at least one segment, or [\"*\"] for all"));
    } else if (r.segments().size() > MAX_SEGMENTS) {
      errors.add(new FieldError("segments", "at most " + MAX_SEGMENTS + " segments"));
    }
    if (r.weight() != null
        && !(Double.isFinite(r.weight()) && r.weight() >= 0 && r.weight() <= MAX_WEIGHT)) {
      errors.add(new FieldError("weight", "must be >= 0 and <= 1000 (a share of the pool)"));
    }
    if (r.modality() != null && !MODALITIES.contains(r.modality())) {
      errors.add(new FieldError("modality", "one of " + MODALITIES));
    }
    if (r.offer() != null && r.offer().length() > 120) {
      errors.add(new FieldError("offer", "at most 120 characters (it is drawn on the card)"));
    } else if (r.offer() != null) {
      ReadableText.checkLine(errors, "offer", r.offer().strip());
    }
    if (r.templates() == null || r.templates().get("first_contact") == null) {
      errors.add(new FieldError("templates.first_contact", "required"));
    } else if (r.templates().get("follow_up_read") == null
        && r.templates().get("follow_up_unread") == null) {
      // Each follow-up falls back to the other, and a re-engagement to either: with neither, every
      // lead on the variant failed at its first follow-up (or a rep's re-engagement).
      errors.add(
          new FieldError(
              "templates.follow_up_read",
              "required, or follow_up_unread: the follow-ups and re-engagements use it (each"
                  + " falls back to the other)"));
    }
    if (r.templates() != null) {
      r.templates().forEach((purpose, t) -> validate("templates." + purpose, purpose, t, errors));
    }
    if (r.translations() != null) {
      if (r.translations().size() > MAX_TRANSLATIONS) {
        errors.add(new FieldError("translations", "at most " + MAX_TRANSLATIONS + " languages"));
      }
      r.translations()
          .forEach(
              (code, byPurpose) -> {
                String field = "translations." + code;
                if (!TEMPLATE_LANGUAGE.matcher(code).matches()) {
                  errors.add(
                      new FieldError(
                          field,
                          "a WhatsApp template language code such as es or pt_BR (ll or ll_CC)"));
                  return;
                }
                if (byPurpose == null || byPurpose.isEmpty()) {
                  errors.add(new FieldError(field, "at least one template"));
                  return;
                }
                byPurpose.forEach(
                    (purpose, t) -> validate(field + "." + purpose, purpose, t, errors));
              });
    }
    return errors;
  }

  /** One template: its purpose, name, language code, header, body's placeholders, defaults. */
  private static void validate(String field, String key, Template t, List<FieldError> errors) {
    Matcher alternative = PersonaWording.KEY.matcher(key);
    String purpose = alternative.matches() ? alternative.group(1) : key;
    if (!PURPOSES.contains(purpose)) {
      errors.add(
          new FieldError(
              field,
              "unknown purpose; use "
                  + PURPOSES
                  + ", or purpose@facet=value for a persona's wording"
                  + " (e.g. first_contact@seniority=c_level)"));
      return;
    }
    if (alternative.matches() && !PersonaWording.FACETS.contains(alternative.group(2))) {
      errors.add(
          new FieldError(field, "unknown persona facet; use one of " + PersonaWording.FACETS));
      return;
    }
    if (t == null || t.name() == null || t.name().isBlank()) {
      errors.add(new FieldError(field + ".name", "the approved template's name"));
    } else if (!TEMPLATE_NAME.matcher(t.name()).matches()) {
      errors.add(
          new FieldError(
              field + ".name",
              "a WhatsApp template name: lower-case letters, digits and underscores (at most 512),"
                  + " exactly as approved in WhatsApp Manager"));
    }
    if (t != null && t.language() != null && !TEMPLATE_LANGUAGE.matcher(t.language()).matches()) {
      errors.add(
          new FieldError(
              field + ".language",
              "a WhatsApp template language code such as en or en_US (ll or ll_CC),"
                  + " exactly as the translation approved in WhatsApp Manager"));
    }
    if (t != null && t.header() != null && !"image".equals(t.header())) {
      errors.add(
          new FieldError(
              field + ".header",
              "\"image\" for a template approved with an image header, or absent"));
    }
    if (t == null || t.body() == null || t.body().isBlank()) {
      errors.add(new FieldError(field + ".body", "required"));
      return;
    }
    if (t.body().length() > MAX_TEMPLATE_BODY) {
      errors.add(
          new FieldError(
              field + ".body",
              "at most "
                  + MAX_TEMPLATE_BODY
                  + " characters (WhatsApp's limit for a template body)"));
    }
    if (ReadableText.unreadable(t.body())) {
      errors.add(new FieldError(field + ".body", ReadableText.MESSAGE));
    }
    String outsidePlaceholders = PLACEHOLDER.matcher(t.body()).replaceAll("");
    if (outsidePlaceholders.contains("{{") || outsidePlaceholders.contains("}}")) {
      errors.add(
          new FieldError(
              field + ".body",
              "a {{ or }} that is not part of a {{placeholder}}: the lead would read it as written"));
    }
    Matcher m = PLACEHOLDER.matcher(t.body());
    while (m.find()) {
      if (!PLACEHOLDERS.contains(m.group(1))) {
        errors.add(
            new FieldError(
                field + ".body",
                "unknown placeholder {{" + m.group(1) + "}}; use " + PLACEHOLDERS));
      }
    }
    if (t.defaults() != null) {
      t.defaults()
          .forEach(
              (placeholder, wording) -> {
                if (!PLACEHOLDERS.contains(placeholder) || "fact".equals(placeholder)) {
                  errors.add(
                      new FieldError(
                          field + ".defaults." + placeholder,
                          "a lead field's placeholder: firstName, name, company,"
                              + " jobTitle or industry"));
                } else if (ReadableText.unreadable(wording)) {
                  errors.add(
                      new FieldError(field + ".defaults." + placeholder, ReadableText.MESSAGE));
                } else if (wording == null
                    || wording.isBlank()
                    || wording.length() > MAX_DEFAULT
                    || wording.contains("{{")) {
                  errors.add(
                      new FieldError(
                          field + ".defaults." + placeholder,
                          "the wording used when the lead has no "
                              + placeholder
                              + ": 1 to "
                              + MAX_DEFAULT
                              + " characters, no placeholders"));
                }
              });
    }
  }

  private static Document template(Template t, String defaultLanguage) {
    Document d =
        new Document("name", t.name())
            .append("language", t.language() == null ? defaultLanguage : t.language())
            .append("body", t.body())
            .append("header", t.header());
    if (t.defaults() != null && !t.defaults().isEmpty()) {
      d.append("defaults", new Document(new LinkedHashMap<>(t.defaults())));
    }
    return d;
  }

  private static Document toDocument(VariantRequest r, String variantId, boolean enabled) {
    Document templates = new Document();
    r.templates().forEach((purpose, t) -> templates.append(purpose, template(t, "en")));
    Document translations = new Document();
    if (r.translations() != null) {
      r.translations()
          .forEach(
              (code, byPurpose) -> {
                Document d = new Document();
                byPurpose.forEach((purpose, t) -> d.append(purpose, template(t, code)));
                translations.append(code, d);
              });
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("variantId", variantId);
    fields.put("segments", r.segments());
    fields.put("angle", r.angle());
    fields.put("locale", r.locale() == null ? "en" : r.locale());
    fields.put("enabled", enabled);
    fields.put("weight", r.weight() == null ? 1.0 : r.weight());
    fields.put("templates", templates);
    fields.put("translations", translations);
    fields.put("modality", r.modality() == null ? "text" : r.modality());
    if (r.offer() != null) {
      fields.put("offer", r.offer());
    }
    return new Document(fields);
  }
}

package com.salesagent.api.variants;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.variants.VariantArchive;
import com.salesagent.activities.variants.VariantStore;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.IfMatch;
import com.salesagent.api.variants.VariantResource.Archived;
import com.salesagent.api.variants.VariantResource.Switched;
import com.salesagent.api.variants.VariantResource.VariantRequest;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.bson.Document;

/**
 * The edits of {@link VariantResource} that are conditional writes: a replacement ({@code PUT}), an
 * archive and an unarchive. Each is made from the revision read ({@code expected}, its If-Match;
 * null: whatever it is now) and answered with the revision it wrote as the ETag; one that lost to
 * another change is a 412 naming If-Match, or without If-Match a 409 naming variantId.
 */
final class VariantEdits {
  private final VariantStore variants;
  private final VariantArchive archive;
  private final MongoDatabase db;
  private final KillSwitches killSwitches;

  VariantEdits(
      VariantStore variants, VariantArchive archive, MongoDatabase db, KillSwitches killSwitches) {
    this.variants = variants;
    this.archive = archive;
    this.db = db;
    this.killSwitches = killSwitches;
  }

  /** {@code PUT /api/variants/{id}}. */
  Response replace(Operator operator, String variantId, IfMatch asked, VariantRequest request) {
    List<FieldError> errors = VariantRequests.validate(request, variantId);
    errors.addAll(VariantRequests.unknownSegments(db, request));
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid variant", errors);
    }
    Document existing = variants.find(variantId);
    if (existing == null) {
      throw ApiException.notFound("variant " + variantId, "variantId");
    }
    int read = VariantStore.revisionOf(existing);
    Integer expected = asked.expect(read, tags -> VariantResource.stale(tags, read));
    if (VariantArchive.archived(existing)) {
      throw archivedConflict(variantId);
    }
    // Without "enabled" the variant stays as it is: an operator correcting the text of a variant
    // they switched off turned it back on (new leads on it at once, no audit of an enable).
    boolean wasEnabled = existing.getBoolean("enabled", true);
    boolean enabled = request.enabled() == null ? wasEnabled : request.enabled();
    // Asked off: replaced and switched off in one write, its kill-switch recorded there as the
    // disable route records it, and only then started: a replacement refused because another came
    // between this one's read and its write (412) changes nothing (switched off first, the refused
    // PUT had switched the variant off, started its kill-switch and audited it), and the new
    // wording is never on for new leads (written on and switched off after, it was, between the
    // two writes).
    String killSwitchId = enabled ? null : KillSwitches.newId(variantId);
    VariantStore.Replaced replaced =
        variants.replace(
            variantId,
            VariantRequests.toDocument(request, variantId, enabled),
            operator.name(),
            expected,
            killSwitchId);
    if (!replaced.done()) {
      if (VariantArchive.archived(variants.find(variantId))) {
        throw archivedConflict(variantId); // archived between this one's read and its write
      }
      // Another replacement came between this one's read and its write (without If-Match: it
      // lost every race to other edits); nothing of this one written.
      throw lostTo(variantId, expected, replaced.revision());
    }
    // Off already before (its kill-switch kept): as the disable route answers a variant off.
    Switched switched =
        enabled
            ? null
            : replaced.switchedOff()
                ? killSwitches.switchedOff(variantId, killSwitchId, operator.name())
                : killSwitches.switchOff(variantId, operator.name());
    if (enabled && !wasEnabled) {
      audit(operator, "variant_enabled", variantId, null);
    }
    return tagged(
        enabled ? new Switched(variantId, true, null) : switched.warning(VariantGaps.all(db)),
        replaced.revision());
  }

  /** {@code POST /api/variants/{id}/archive}. */
  Response archive(Operator operator, String variantId, IfMatch asked) {
    Document existing = readAt(variantId);
    int revision = VariantStore.revisionOf(existing);
    Integer expected = asked.expect(revision, read -> VariantResource.stale(read, revision));
    if (VariantArchive.archived(existing)) {
      return done(variantId, true, revision);
    }
    // Archived first (one conditional write), and only then switched off as a disable does (its
    // in-flight leads switch before their next send): an archive refused because another change
    // came between its read and its write switches nothing off. Switched off first, a refused
    // archive had switched the variant off, started its kill-switch and audited it.
    VariantStore.Replaced done = archive.archive(variantId, operator.name(), revision);
    if (!done.done()) {
      return lostRace(variantId, true, expected, done.revision());
    }
    Switched off =
        existing.getBoolean("enabled", true)
            ? killSwitches.switchOff(variantId, operator.name())
            : null;
    audit(operator, "variant_archived", variantId, null);
    return tagged(
        new Archived(
            variantId,
            true,
            off == null || Boolean.TRUE.equals(off.alreadyDisabled()) ? null : off.killSwitch(),
            null,
            VariantGaps.all(db)),
        done.revision());
  }

  /** {@code POST /api/variants/{id}/unarchive}. */
  Response unarchive(Operator operator, String variantId, IfMatch asked) {
    Document existing = readAt(variantId);
    int revision = VariantStore.revisionOf(existing);
    Integer expected = asked.expect(revision, read -> VariantResource.stale(read, revision));
    if (!VariantArchive.archived(existing)) {
      return done(variantId, false, revision);
    }
    VariantStore.Replaced done = archive.unarchive(variantId, operator.name(), revision);
    if (!done.done()) {
      return lostRace(variantId, false, expected, done.revision());
    }
    audit(operator, "variant_unarchived", variantId, null);
    return done(variantId, false, done.revision());
  }

  /**
   * An archive ({@code archiving}) or unarchive whose conditional write lost: to another one that
   * came first (a double click), the same answer as when it was done already, not a 412 naming an
   * If-Match this call may never have sent; to any other change, {@link #lostTo}.
   */
  private Response lostRace(String variantId, boolean archiving, Integer expected, int revision) {
    Document now = variants.find(variantId);
    if (now != null && VariantArchive.archived(now) == archiving) {
      return done(variantId, archiving, VariantStore.revisionOf(now));
    }
    throw lostTo(variantId, expected, revision);
  }

  /** The answer of a variant archived ({@code alreadyArchived}) or not archived, as it is now. */
  private static Response done(String variantId, boolean archived, int revision) {
    return tagged(
        new Archived(variantId, archived, null, archived ? Boolean.TRUE : null, null), revision);
  }

  private static Response tagged(Object answer, int revision) {
    return Response.ok(answer).tag(new EntityTag(String.valueOf(revision))).build();
  }

  /** The variant, 404 naming variantId when there is none. */
  private Document readAt(String variantId) {
    Document existing = variants.find(variantId);
    if (existing == null) {
      throw ApiException.notFound("variant " + variantId, "variantId");
    }
    return existing;
  }

  /**
   * A conditional write that lost to another change (the variant is at {@code revision} now): 412
   * naming If-Match when the edit was made from {@code expected}, else {@link #changedMeanwhile}.
   */
  private static ApiException lostTo(String variantId, Integer expected, int revision) {
    return expected == null
        ? changedMeanwhile(variantId, revision)
        : VariantResource.stale(String.valueOf(expected), revision);
  }

  /** 409 naming {@code variantId}: a change without If-Match lost to others, nothing written. */
  private static ApiException changedMeanwhile(String variantId, int revision) {
    return new ApiException(
        409,
        "variant " + variantId + " changed by other edits meanwhile: nothing was changed",
        new FieldError(
            "variantId",
            "being edited by others (revision "
                + revision
                + " now): read it again and send the change with If-Match"));
  }

  /** 409 naming {@code archived}: an archived variant is neither enabled nor replaced. */
  static ApiException archivedConflict(String variantId) {
    return new ApiException(
        409,
        "variant " + variantId + " is archived",
        new FieldError(
            "archived", "unarchive it first (POST /api/variants/" + variantId + "/unarchive)"));
  }

  private void audit(Operator operator, String action, String variantId, String killSwitch) {
    variants.audit(operator.name(), action, variantId, killSwitch);
  }
}

package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.knowledge.HeldDrafts;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerReply;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * People in the conversation: a sales rep takes a lead handed to them, and writes to it from the
 * dashboard. A message goes through the lead's own workflow and send path (exactly once by its key,
 * the suppression list checked right before the call, the number's pacing), recorded as the owner's
 * ({@link ActingOwner}) and audited with the operator's identity: free text inside WhatsApp's 24 h
 * customer-service window, the variant's approved re-engagement template outside it.
 *
 * <p>This class reads and checks the requests and shapes the answers; a message is queued by {@link
 * OwnerMessages} and handed to what sends it by {@link OwnerMessageDelivery}, a take is {@link
 * HandOffAcceptance}'s.
 */
final class LeadConversation {
  /** WhatsApp's limit for a text message body. */
  static final int MAX_TEXT = com.salesagent.activities.whatsapp.WhatsAppLimits.TEXT_BODY;

  static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * What a person sends: {@code text} or {@code template}, and optionally who, a request id, the
   * latest lead message the rep saw ({@code seenMessageId}, its {@code messageId} as the lead's
   * page shows it), {@code force} (send though another person answered since: {@link
   * ReplyCollisions}) and {@code draftId}, the agent's draft the text is from (refused once it was
   * superseded: {@link HeldDrafts}).
   */
  public record ReplyRequest(
      String text,
      String template,
      String ownerId,
      String requestId,
      String seenMessageId,
      Boolean force,
      String draftId) {}

  /** A draft's id: the lead's id and the message it answers. */
  static final Pattern DRAFT_ID = Pattern.compile("[A-Za-z0-9._:=+/-]{1,300}");

  /** What {@code POST /api/leads/{id}/handoff/accept} takes: the owner taking the lead. */
  public record AcceptRequest(String ownerId) {}

  /**
   * The message queued for the lead's workflow (202): its key names it in {@code messages}. {@code
   * waitsForResume} (true, else left out) when an operator paused the lead's run: the message goes
   * only once the lead is resumed ({@code POST /api/leads/{id}/resume}); {@code pausedAt}
   * (ISO-8601), when the run recorded the pause. {@code requestId} and {@code requestIdRule} when
   * the request named none: the id derived for it ({@link UnkeyedRequests}), and the rule. {@code
   * voice} for a voice note spoken from text ({@code offline} or {@code provider}), and {@code
   * voiceFallback} when the offline voice spoke it because the speech provider failed (which, and
   * why).
   */
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record ReplyQueued(
      String leadId,
      String idempotencyKey,
      String kind,
      String status,
      Boolean waitsForResume,
      String pausedAt,
      String requestId,
      String requestIdRule,
      String voice,
      String voiceFallback) {
    public ReplyQueued(String leadId, String idempotencyKey, String kind, String status) {
      this(leadId, idempotencyKey, kind, status, null, null, null, null, null, null);
    }
  }

  public record Accepted(String leadId, String ownerId, String status) {}

  private final ObjectMapper strict;
  private final Owners owners;
  private final OwnerMessages messages;
  private final HandOffAcceptance acceptance;

  LeadConversation(
      LeadStore store,
      Function<String, LeadWorkflow> lead,
      AfterEndMessages afterEnd,
      ObjectMapper strict,
      Clock clock) {
    this.strict = strict;
    this.owners = new Owners(store.database());
    this.messages =
        new OwnerMessages(store, owners, new OwnerMessageDelivery(store, lead, afterEnd), clock);
    this.acceptance = new HandOffAcceptance(store, owners, lead, clock);
  }

  /**
   * A person's message to the lead. 400 a body that is not JSON, 422 a bad field (named), 404 an
   * unknown lead, 409 when it cannot go: a template to a lead whose run ended, the number is
   * suppressed, the lead is being erased, or free text outside the 24 h window (the error says to
   * send the template to a live lead). The same {@code requestId} again queues nothing more (200
   * with the same key).
   */
  Response reply(String operator, String leadId, byte[] body) {
    ReplyRequest request = read(body, ReplyRequest.class, "a JSON reply {text | template}");
    List<FieldError> errors = new ArrayList<>();
    String text = request == null ? null : clean(request.text());
    boolean template = request != null && request.template() != null;
    // Neither and both were one message, "..., not both", also to a body that gave neither.
    if (request == null || (text == null && !template)) {
      errors.add(
          new FieldError(
              "text", "required: text (inside the 24 h window) or template (\"re_engagement\")"));
    } else if (text != null && template) {
      errors.add(
          new FieldError("text", "give text (inside the 24 h window) or template, not both"));
    }
    if (request != null && request.text() != null && (text == null || text.isEmpty())) {
      errors.add(new FieldError("text", "must not be blank"));
    } else if (text != null && ReadableText.length(text) > MAX_TEXT) {
      errors.add(new FieldError("text", "at most " + MAX_TEXT + " characters"));
    } else if (ReadableText.unreadable(text)) {
      errors.add(new FieldError("text", ReadableText.MESSAGE));
    }
    if (template && !OwnerReply.TEMPLATE.equals(request.template())) {
      errors.add(
          new FieldError("template", "only \"re_engagement\" (the variant's approved template)"));
    }
    String ownerId = request == null ? null : request.ownerId();
    errors.addAll(ownerErrors(ownerId));
    if (request != null
        && request.requestId() != null
        && !ID.matcher(request.requestId()).matches()) {
      errors.add(new FieldError("requestId", "1-64 letters, digits, '-' or '_'"));
    }
    if (request != null) {
      errors.addAll(ReplyCollisions.errors(request.seenMessageId()));
    }
    if (request != null && request.draftId() != null) {
      if (template) {
        errors.add(new FieldError("draftId", "a draft is sent as text, not with the template"));
      } else if (!DRAFT_ID.matcher(request.draftId()).matches()) {
        errors.add(new FieldError("draftId", "a draft's id: 1-300 letters, digits and ._:=+/-"));
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid reply", errors);
    }
    ReplyCollisions.Seen seen =
        request.seenMessageId() == null
            ? null
            : new ReplyCollisions.Seen(
                request.seenMessageId(), Boolean.TRUE.equals(request.force()));
    return queue(
        operator,
        leadId,
        text,
        template,
        null,
        ownerId,
        request.requestId(),
        seen,
        request.draftId());
  }

  /**
   * Checks that a message can go to the lead now and queues it for the lead's workflow once per
   * {@code requestId}: {@code media} (a voice note, from the contact and who made it) is made only
   * when the message is new, after every check passed. The message and the lead's timeline name the
   * owner who wrote it ({@link ActingOwner}); the audit log, the operator who called. A new message
   * is recorded on the contact as the lead's latest person's answer, refused (409) when {@code
   * seen} names a lead message a different person answered since ({@link ReplyCollisions}); a
   * retried request answers as the first did.
   */
  Response queue(
      String operator,
      String leadId,
      String text,
      boolean template,
      BiFunction<Document, String, Document> media,
      String ownerId,
      String requestedId,
      ReplyCollisions.Seen seen) {
    return queue(
        operator,
        leadId,
        text,
        template,
        media == null ? null : ReplyMedia.of(media),
        ownerId,
        requestedId,
        seen,
        null);
  }

  /**
   * {@link #queue(String, String, String, boolean, BiFunction, String, String,
   * ReplyCollisions.Seen)} with a voice note stored only once its message may go ({@link
   * ReplyMedia}), sending the agent's draft {@code draftId} (null: none): 422 naming it when the
   * lead has no such draft, 409 when it is no longer held (a person answered or the lead ended
   * since it was made, or it was sent). A new message supersedes the lead's other drafts held by
   * then ({@link HeldDrafts}).
   */
  Response queue(
      String operator,
      String leadId,
      String text,
      boolean template,
      ReplyMedia media,
      String ownerId,
      String requestedId,
      ReplyCollisions.Seen seen,
      String draftId) {
    OwnerMessages.Queued done =
        messages.queue(
            operator,
            leadId,
            new OwnerMessages.Message(text, template, media, draftId),
            ownerId,
            requestedId,
            seen);
    boolean again = done.again();
    Instant pausedAt = done.pausedAt();
    boolean derived = done.derivedRequestId() != null;
    ReplyQueued queued =
        new ReplyQueued(
            leadId,
            done.key(),
            template ? "template" : media != null ? "voice_note" : "text",
            again ? "queued_before" : "queued",
            pausedAt == null ? null : Boolean.TRUE,
            pausedAt == null || pausedAt.equals(Instant.EPOCH) ? null : pausedAt.toString(),
            derived ? done.derivedRequestId() : null,
            derived ? UnkeyedRequests.RULE : null,
            media == null || again ? null : media.voice(),
            media == null || again ? null : media.voiceFallback());
    return again ? Response.ok(queued).build() : Response.accepted(queued).build();
  }

  /**
   * A sales rep takes the lead (from the Hand-offs queue): the SLA is met, the lead is in
   * conversation. Any operator may take a lead on behalf of an owner; without {@code ownerId} the
   * lead's assigned owner takes it. 409 when the lifecycle ended.
   */
  Response accept(String operator, String leadId, byte[] body) {
    AcceptRequest request =
        body == null || body.length == 0
            ? new AcceptRequest(null)
            : read(body, AcceptRequest.class, "a JSON object {ownerId}");
    List<FieldError> errors = ownerErrors(request == null ? null : request.ownerId());
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid owner", errors);
    }
    HandOffAcceptance.Taken taken =
        acceptance.take(operator, leadId, request == null ? null : request.ownerId());
    return taken.before()
        ? Response.ok(new Accepted(leadId, taken.ownerId(), "taken_before")).build()
        : Response.accepted(new Accepted(leadId, taken.ownerId(), "signalled")).build();
  }

  List<FieldError> ownerErrors(String ownerId) {
    if (ownerId == null) {
      return List.of();
    }
    if (!ID.matcher(ownerId).matches()) {
      return List.of(new FieldError("ownerId", "1-64 letters, digits, '-' or '_'"));
    }
    if (owners.get(ownerId) == null) {
      return List.of(new FieldError("ownerId", "no such owner"));
    }
    return List.of();
  }

  private <T> T read(byte[] body, Class<T> type, String expected) {
    try {
      return strict.readValue(body, type);
    } catch (IOException e) {
      throw new ApiException(400, "the body is not " + expected, FieldError.ofJson(e));
    }
  }

  /** The text without control characters other than new lines and tabs, trimmed; null stays. */
  static String clean(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .filter(c -> c == '\n' || c == '\t' || !Character.isISOControl(c))
        .forEach(out::appendCodePoint);
    return out.toString().strip();
  }
}

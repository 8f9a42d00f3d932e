package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.knowledge.HeldDrafts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import com.salesagent.workflows.afterend.AfterEndMessage;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerAction;
import com.salesagent.workflows.lead.OwnerReply;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * People in the conversation: a sales rep takes a lead handed to them, and writes to it from the
 * dashboard. A message goes through the lead's own workflow and send path (exactly once by its key,
 * the suppression list checked right before the call, the number's pacing), recorded as the owner's
 * ({@link ActingOwner}) and audited with the operator's identity: free text inside WhatsApp's 24 h
 * customer-service window, the variant's approved re-engagement template outside it.
 */
final class LeadConversation {
  /** WhatsApp's limit for a text message body. */
  static final int MAX_TEXT = 4096;

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

  /**
   * A voice note to send: {@link #make} checks and encodes it (a refusal, 4xx, costs nothing), and
   * {@link #store} puts it in the bucket only once the message may go (its claim won), so a voice
   * note refused as another rep's answer overtook it leaves no object behind.
   */
  interface Media {
    /** The media document of the voice note for the contact, made by {@code by}; not stored. */
    Document make(Document contact, String by);

    /** Stores what {@link #make} made. */
    void store();

    /**
     * What the voice note says, for a request without {@code requestId} ({@link UnkeyedRequests}):
     * the recording's checksum or the text to speak; null, every such request is a new message.
     */
    default String content() {
      return null;
    }

    /**
     * Who spoke a voice note made from text, once {@link #make} made it: {@code offline} (the
     * offline voice) or {@code provider}; null for a recording.
     */
    default String voice() {
      return null;
    }

    /** The request's field that carried the voice note: the recording's {@code body}. */
    default String field() {
      return "body";
    }

    /** Why the offline voice spoke it in the provider's place (its failure), else null. */
    default String voiceFallback() {
      return null;
    }

    /** Media made and stored in one step (nothing to store after the claim). */
    static Media of(BiFunction<Document, String, Document> made) {
      return new Media() {
        @Override
        public Document make(Document contact, String by) {
          return made.apply(contact, by);
        }

        @Override
        public void store() {}
      };
    }
  }

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

  private final LeadStore store;
  private final ReplyRefusals refusals;
  private final Function<String, LeadWorkflow> lead;
  private final ObjectMapper strict;
  private final Owners owners;
  private final Clock clock;
  private final AfterEndMessages afterEnd;
  private final ReplyCollisions collisions;
  private final HeldDrafts drafts;
  private final UnkeyedRequests unkeyed;

  LeadConversation(
      LeadStore store,
      Function<String, LeadWorkflow> lead,
      AfterEndMessages afterEnd,
      ObjectMapper strict,
      Clock clock) {
    this.store = store;
    this.refusals = new ReplyRefusals(new CustomerServiceWindow(store), store);
    this.lead = lead;
    this.afterEnd = afterEnd;
    this.strict = strict;
    this.owners = new Owners(store.database());
    this.clock = clock;
    this.collisions = new ReplyCollisions(store);
    this.drafts = new HeldDrafts(store.database());
    this.unkeyed = new UnkeyedRequests(store.database());
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
    } else if (text != null && text.length() > MAX_TEXT) {
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

  /** Who acts on the lead, as its timeline and messages name them ({@link ActingOwner}). */
  ActingOwner actor(String operator, String ownerId, Document contact) {
    return ActingOwner.of(owners, operator, ownerId, contact);
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
        media == null ? null : Media.of(media),
        ownerId,
        requestedId,
        seen,
        null);
  }

  /**
   * {@link #queue(String, String, String, boolean, BiFunction, String, String,
   * ReplyCollisions.Seen)} with a voice note stored only once its message may go ({@link Media}),
   * sending the agent's draft {@code draftId} (null: none): 422 naming it when the lead has no such
   * draft, 409 when it is no longer held (a person answered or the lead ended since it was made, or
   * it was sent). A new message supersedes the lead's other drafts held by then ({@link
   * HeldDrafts}).
   */
  Response queue(
      String operator,
      String leadId,
      String text,
      boolean template,
      Media media,
      String ownerId,
      String requestedId,
      ReplyCollisions.Seen seen,
      String draftId) {
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    ReplyRefusals.erasing(contact);
    boolean ended = ReplyRefusals.terminal(contact);
    if (ended && template) {
      ReplyRefusals.templateAfterTheEnd(contact);
    }
    if (template) {
      ReplyRefusals.templateBeforeInterest(contact);
    }
    ActingOwner actor = actor(operator, ownerId, contact);
    ReplyRefusals.suppressed(contact);
    Instant now = clock.instant();
    if (!template && media == null) {
      refusals.outsideTheWindow(contact, ended, now);
    } else if (!template) {
      refusals.outsideTheWindow(contact, ended, now, "a voice note", media.field());
    }
    String content =
        template
            ? "template:" + OwnerReply.TEMPLATE
            : media == null ? "text:" + text : media.content();
    // Without a requestId a double submit must not be two messages: the same content from the same
    // person within UnkeyedRequests.WINDOW is the same request.
    boolean derived = requestedId == null && content != null;
    String requestId =
        requestedId != null
            ? requestedId
            : content == null
                ? UUID.randomUUID().toString()
                : unkeyed.requestId(
                    leadId,
                    actor.ownerId() != null
                        ? "owner:" + actor.ownerId()
                        : "operator:" + operator + ":" + actor.label(),
                    content,
                    now);
    String key = "lead-" + leadId + "-owner-" + digest(leadId + ":" + requestId);
    boolean again =
        template
            ? store
                    .database()
                    .getCollection(Collections.AUDIT_LOG)
                    .find(Filters.eq("detail", key))
                    .first()
                != null
            : store.messages().messageByKey(key) != null;
    if (ended && !again) {
      refusals.stoppedAndSilentSince(contact);
      refusals.besideALiveLead(contact);
    }
    if (draftId != null) {
      refusals.draftNoLongerHeld(leadId, draftId, key);
    }
    if (template && !again) {
      Document before = collisions.claim(leadId, seen, actor, key, now);
      if (before != null && key.equals(before.getString("key"))) {
        // The same request at the same moment (a double submit without requestId derives one
        // key): the claim is one write, and the one that found its own key there is the second.
        // It answers as a retry does; only the first is audited.
        again = true;
      } else {
        // The template is composed by the workflow under its own key: this request is audited,
        // and once the run was told, kept on the contact until the sweep sees the run take it.
        audit(operator, leadId, "owner_template_requested", key, now);
      }
    } else if (!again) {
      Document fields =
          new Document("leadId", leadId)
              .append("campaignId", contact.getString("campaignId"))
              .append("purpose", OwnerReply.TEXT)
              .append("composer", "person")
              .append("by", actor.label())
              .append("operator", operator)
              .append("ownerId", actor.ownerId())
              .append(
                  "approval",
                  new Document("status", "approve")
                      .append("by", actor.label())
                      .append("at", Date.from(now)))
              .append("status", "composed")
              .append("text", text)
              .append("createdAt", Date.from(now));
      if (media != null) {
        // Told before the voice note is made: one that cannot go is neither spoken nor stored.
        collisions.check(leadId, seen, actor);
        fields.append("media", media.make(contact, actor.label()));
      }
      if (ended) {
        fields.append(PendingPersonMessages.AFTER_END, true);
      } else {
        // The sweep's only once this request is answered (below): a failed one is sent again.
        fields.append(PendingPersonMessages.REQUEST_OPEN, true);
      }
      Document before = collisions.claim(leadId, seen, actor, key, now);
      if (media != null) {
        // Stored once the claim won: a voice note another rep's answer overtook is not kept.
        try {
          media.store();
        } catch (RuntimeException e) {
          collisions.release(leadId, key, before);
          throw e;
        }
      }
      // Of the same request at the same moment (one key), only the one that stores the message
      // queues it; the other answers as a retry does.
      if (store.messages().composeOnce(key, fields)) {
        audit(operator, leadId, media == null ? "owner_reply" : "owner_voice_note", key, now);
      } else {
        again = true;
      }
    }
    if (!again) {
      // The drafts held for the lead answer what this person has answered now.
      if (draftId != null) {
        drafts.use(draftId, leadId, key, actor.label(), now);
      }
      drafts.answered(leadId, now, actor.label(), actor.ownerId(), key, draftId);
    }
    // The same request again is the message queued then: its time is what the "wrote after the
    // end" list weighs an answer by (a retry must not answer what the lead wrote since).
    Document stored = again && !template ? store.messages().messageByKey(key) : null;
    Instant queuedAt =
        stored != null && stored.getDate("createdAt") != null
            ? stored.getDate("createdAt").toInstant()
            : now;
    AfterEndMessage afterTheEnd =
        new AfterEndMessage(
            leadId, contact.getString("campaignId"), key, actor.ownerId(), actor.label(), queuedAt);
    if (ended) {
      if (stored == null || stillToGo(stored)) {
        afterEnd.start(afterTheEnd);
      }
    } else if (stored == null || forTheRun(stored)) {
      // The same request again for a message that went (or failed, or is its own workflow's) is
      // not told to the live run, which sent it again as replayed and recorded it twice (a lead
      // that wrote again since its message went to it after its run ended has a new run).
      try {
        lead.apply(leadId)
            .ownerReply(
                new OwnerReply(
                    key,
                    template ? OwnerReply.TEMPLATE : OwnerReply.TEXT,
                    actor.ownerId(),
                    actor.label()));
        if (template) {
          // Only a request the run was told of (or may have been: below) is watched: one whose
          // signal failed for sure (5xx) is the rep's to send again, and the sweep must not tell
          // the run a second one.
          PendingTemplateRequests.requested(
              store, leadId, key, actor.label(), actor.ownerId(), now);
        } else {
          answered(key, null);
        }
      } catch (WorkflowNotFoundException e) {
        if (template) {
          throw e;
        }
        // The run ended after the contact was read: where it ended decides, as for a message a
        // run left behind. After an outcome, the message goes as to any lead whose run ended;
        // after a stop, an opt-out or a failure (or an end not recorded yet), the sweep holds it
        // back or decides once the end is recorded ("never after stop").
        if (PendingPersonMessages.goesOn(store.contact(leadId))) {
          answered(key, Updates.set(PendingPersonMessages.AFTER_END, true));
          afterEnd.start(afterTheEnd);
        } else {
          answered(key, null);
        }
      } catch (RuntimeException e) {
        if (!answerLost(e)) {
          throw e;
        }
        if (!template) {
          // Temporal may have the signal: the run may send the message. The rep is told so, and
          // that the same request again is safe (the run takes a key once); a new request could
          // send the text twice. The message stays the rep's to confirm (the sweep leaves it).
          throw new ApiException(
                  503,
                  "the lead's workflow did not confirm the message: it may go",
                  List.of(
                      new FieldError(
                          "requestId",
                          "send this request again with the same requestId: it goes once; a new"
                              + " request could send the text twice")))
              .with("requestId", requestId)
              .with("idempotencyKey", key);
        }
        // Temporal may have taken the signal and lost only its answer: the run may have the
        // request. Watched under its key like one it was told of, so a run that ends before
        // taking it is said not to have sent it; the sweep tells a live run the same key again,
        // which a run that has it ignores. The rep is told so: the same request again (its
        // requestId) is safe, a new one would be a second template.
        PendingTemplateRequests.requested(store, leadId, key, actor.label(), actor.ownerId(), now);
        throw new ApiException(
                503,
                "the lead's workflow did not confirm the template request: it may have gone; it"
                    + " is watched (told to the run again until the run takes it, and the lead's"
                    + " timeline says so if it does not go)",
                List.of(
                    new FieldError(
                        "requestId",
                        "send this request again with the same requestId to confirm it; a new"
                            + " request could send a second template")))
            .with("requestId", requestId)
            .with("idempotencyKey", key);
      }
    }
    // A paused run sends nothing until it is resumed: the rep is told so, not only "queued".
    Instant pausedAt = ended ? null : pausedAt(contact);
    ReplyQueued queued =
        new ReplyQueued(
            leadId,
            key,
            template ? "template" : media != null ? "voice_note" : "text",
            again ? "queued_before" : "queued",
            pausedAt == null ? null : Boolean.TRUE,
            pausedAt == null || pausedAt.equals(Instant.EPOCH) ? null : pausedAt.toString(),
            derived ? requestId : null,
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
    Document contact = requireLive(leadId);
    String stage = contact.getString("stage");
    if (stage == null || !ReplyRefusals.stageOf(contact).interested()) {
      // Nothing was handed off: the workflow would ignore the signal, and the lead must not get
      // an owner (nor the audit a hand-off) it never had.
      throw new ApiException(
          409,
          "a lead is taken once it was handed off (it showed interest or needs a person)",
          List.of(new FieldError("leadId", "stage " + stage)));
    }
    String holder = contact.getString("ownerId");
    String named = request == null ? null : request.ownerId();
    if (holder != null && named != null && !holder.equals(named)) {
      // Another rep's lead: the run keeps its owner (its SLA, its load, its notifications), so a
      // take by someone else would only have been recorded as theirs (the hand-off's acceptedBy,
      // the audit, the timeline) while the lead stayed its owner's.
      throw new ApiException(
          409,
          "the lead is another owner's: only its owner takes it",
          List.of(
              new FieldError(
                  "ownerId",
                  "the lead is held by "
                      + actor(operator, holder, contact).label()
                      + "; write to it to answer it, or ask its owner")));
    }
    Document handoff =
        store
            .database()
            .getCollection(HandOffActivitiesImpl.HANDOFFS)
            .find(Filters.eq("_id", leadId))
            .first();
    if ("in_conversation".equals(stage)
        || "meeting_booked".equals(stage)
        || (handoff != null && "accepted".equals(handoff.getString("status")))) {
      // Taken already (a double click, or its owner wrote to it): the first take stands; when and
      // by whom it was taken are not overwritten, nor audited or signalled again.
      return Response.ok(new Accepted(leadId, holder, "taken_before")).build();
    }
    ActingOwner actor = actor(operator, named, contact);
    String ownerId = actor.ownerId();
    Instant now = clock.instant();
    List<Bson> accepted =
        new ArrayList<>(
            List.of(
                Updates.set("status", "accepted"),
                Updates.set("acceptedAt", Date.from(now)),
                Updates.set("acceptedBy", actor.label())));
    if (contact.getString("ownerId") == null && ownerId != null) {
      // A lead nobody had (no owner was free): the owner who takes it is its owner from now, as
      // the workflow makes it; without this the contact and the Hand-offs queue said unassigned.
      store
          .contacts()
          .updateOne(
              Filters.and(Filters.eq("leadId", leadId), Filters.exists("ownerId", false)),
              Updates.combine(
                  Updates.set("ownerId", ownerId), Updates.set("ownerAssignedAt", Date.from(now))));
      accepted.add(Updates.set("ownerId", ownerId));
      accepted.add(Updates.addToSet("owners", ownerId));
    }
    store
        .database()
        .getCollection(HandOffActivitiesImpl.HANDOFFS)
        .updateOne(Filters.eq("_id", leadId), Updates.combine(accepted));
    audit(operator, leadId, "handoff_accepted", ownerId, now);
    lead.apply(leadId).ownerAction(new OwnerAction(ownerId, OwnerAction.ACCEPTED, actor.label()));
    return Response.accepted(new Accepted(leadId, ownerId, "signalled")).build();
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

  /**
   * Whether a message queued before to the ended lead still has to go (only composed: its first
   * request's start failed); one that went, failed or is lost is never started again, and one
   * queued for a live run that ended before sending it is the sweep's ({@link
   * PendingPersonMessages}: sent on, or held back after a stop).
   */
  private static boolean stillToGo(Document message) {
    return message.getBoolean(PendingPersonMessages.AFTER_END, false)
        && "composed".equals(message.getString("status"))
        && message.getString("wamid") == null;
  }

  /**
   * Whether a message queued before may still be the live run's to send: only composed, not sent
   * (no wamid), not an ended lead's message, which its own workflow sends ({@link
   * AfterEndMessages}).
   */
  private static boolean forTheRun(Document message) {
    return !message.getBoolean(PendingPersonMessages.AFTER_END, false)
        && "composed".equals(message.getString("status"))
        && message.getString("wamid") == null;
  }

  /**
   * The request that queued the message is answered (202, or 200 for the same request again): the
   * message is the sweep's from now ({@link PendingPersonMessages#REQUEST_OPEN}); {@code also} in
   * the same write.
   */
  private void answered(String key, Bson also) {
    Bson open = Updates.unset(PendingPersonMessages.REQUEST_OPEN);
    store
        .messages()
        .collection()
        .updateOne(
            Filters.eq("idempotencyKey", key), also == null ? open : Updates.combine(also, open));
  }

  /**
   * Whether a call to Temporal failed after the server may have acted on it (its answer was lost: a
   * deadline, the connection gone, an internal or unknown error), rather than refused for sure.
   */
  static boolean answerLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s) {
        Status.Code code = s.getStatus().getCode();
        return code == Status.Code.DEADLINE_EXCEEDED
            || code == Status.Code.UNAVAILABLE
            || code == Status.Code.UNKNOWN
            || code == Status.Code.CANCELLED
            || code == Status.Code.INTERNAL;
      }
    }
    return false;
  }

  /**
   * When an operator paused the lead's live run, as the run recorded it (its stage {@code paused},
   * the timeline's latest {@code paused} event); {@link Instant#EPOCH} for a paused stage without
   * the event; null when the run is not paused. A pause the run has not taken yet reads as none.
   */
  private Instant pausedAt(Document contact) {
    if (!"paused".equals(contact.getString("stage"))) {
      return null;
    }
    Document paused =
        store
            .interactions()
            .collection()
            .find(
                Filters.and(
                    Filters.eq("meta.leadId", contact.getString("leadId")),
                    Filters.eq("type", "paused")))
            .sort(com.mongodb.client.model.Sorts.descending("ts"))
            .limit(1)
            .first();
    return paused == null || paused.getDate("ts") == null
        ? Instant.EPOCH
        : paused.getDate("ts").toInstant();
  }

  /** The contact, 404 when unknown, 409 when its lifecycle has ended. */
  private Document requireLive(String leadId) {
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    ReplyRefusals.erasing(contact);
    String stage = contact.getString("stage");
    if (ReplyRefusals.terminal(contact)) {
      throw new ApiException(
          409,
          "the lead's lifecycle has ended",
          List.of(new FieldError("leadId", "stage " + stage)));
    }
    return contact;
  }

  private void audit(String operator, String leadId, String action, String detail, Instant at) {
    store
        .database()
        .getCollection(Collections.AUDIT_LOG)
        .insertOne(
            new Document("action", action)
                .append("by", operator)
                .append("leadId", leadId)
                .append("detail", detail)
                .append("at", Date.from(at)));
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

  private static String digest(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

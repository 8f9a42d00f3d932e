package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Collision detection, as help desks do it: two reps answering the same lead message at once must
 * not both send. A rep's reply names the latest lead message they saw ({@code seenMessageId}, the
 * {@code messageId} of the lead's stored reply); it is refused (409 naming that field, who answered
 * and when) when a different person's message to the lead was queued after that message, unless it
 * says {@code force} (the rep read the other answer and still sends).
 *
 * <p>Every person's message queued (text, voice note, template request) records itself on the
 * contact as {@link #FIELD} ({@code by}, {@code ownerId}, {@code at}, {@code key}); a reply naming
 * what its rep saw records itself only if that field is absent, older than the lead's message (when
 * it was stored), or the same person's: one conditional write on one document, so of two reps
 * sending at the very same moment one goes and the other is told. A request without the field (an
 * automation client) checks nothing, as before, but still records itself. A contact from before
 * this field has its latest person's message in {@code messages} recorded as it first (only while
 * it is still absent).
 */
public final class ReplyCollisions {
  /**
   * The contact's latest person's message queued to the lead: {@code by} (the person's label),
   * {@code ownerId}, {@code at}, {@code key}.
   */
  public static final String FIELD = "lastPersonAnswer";

  /** The request's field naming the latest lead message its rep saw. */
  public static final String SEEN = "seenMessageId";

  /** How long a {@link #SEEN} may be: Meta's wamids are well under it. */
  static final int MAX_SEEN = 200;

  private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9._:=+/-]+");

  /**
   * What the request says its rep saw: the lead message, whether to send anyway, and how this
   * request says "anyway" (the 409's hint: {@link #IN_BODY} for JSON, {@link #IN_QUERY} for a
   * recording sent as the body).
   */
  record Seen(String messageId, boolean force, String forceHint) {
    Seen(String messageId, boolean force) {
      this(messageId, force, IN_BODY);
    }
  }

  /** How a JSON request sends anyway. */
  static final String IN_BODY = "send with \"force\": true";

  /** How a request whose body is a recording sends anyway. */
  static final String IN_QUERY = "send again with ?force=true";

  private final LeadStore store;

  ReplyCollisions(LeadStore store) {
    this.store = store;
  }

  /** The field's errors (its size and its characters), none when it is absent. */
  public static List<FieldError> errors(String seenMessageId) {
    if (seenMessageId == null) {
      return List.of();
    }
    if (seenMessageId.isEmpty() || seenMessageId.length() > MAX_SEEN) {
      return List.of(new FieldError(SEEN, "1-" + MAX_SEEN + " characters"));
    }
    if (!MESSAGE_ID.matcher(seenMessageId).matches()) {
      return List.of(new FieldError(SEEN, "a message id: letters, digits and . _ : = + / - only"));
    }
    return List.of();
  }

  /**
   * Records the person's message {@code key} queued at {@code now} on the contact. With a {@code
   * seen} message and no {@code force}, only if no different person's message was queued after it:
   * 422 naming {@link #SEEN} when the lead has no such message, 409 naming who answered and when.
   * The contact's {@link #FIELD} before (null when it had none), for {@link #release}.
   */
  Document claim(String leadId, Seen seen, ActingOwner actor, String key, Instant now) {
    Document answer =
        new Document("by", actor.label())
            .append("ownerId", actor.ownerId())
            .append("at", Date.from(now))
            .append("key", key);
    Bson lead = Filters.eq("leadId", leadId);
    Bson where = seen == null || seen.force() ? lead : Filters.and(lead, free(leadId, seen, actor));
    Document before =
        store
            .contacts()
            .findOneAndUpdate(
                where,
                Updates.set(FIELD, answer),
                new com.mongodb.client.model.FindOneAndUpdateOptions()
                    .projection(Projections.include(FIELD))
                    .returnDocument(com.mongodb.client.model.ReturnDocument.BEFORE));
    if (before != null) {
      return before.get(FIELD, Document.class);
    }
    if (seen == null || seen.force()) {
      return null; // no such contact: nothing claimed, as before
    }
    throw collision(lead, seen);
  }

  /**
   * The message {@code key} claimed by {@link #claim} could not be made after all (its voice note
   * not stored): the contact's {@link #FIELD} goes back to {@code before}, only while it is still
   * this message's (a later answer stays).
   */
  void release(String leadId, String key, Document before) {
    store
        .contacts()
        .updateOne(
            Filters.and(Filters.eq("leadId", leadId), Filters.eq(FIELD + ".key", key)),
            before == null ? Updates.unset(FIELD) : Updates.set(FIELD, before));
  }

  /**
   * What {@link #claim} would refuse, refused before anything is made (a voice note is spoken or
   * stored only for a message that can go), writing nothing: 422 naming {@link #SEEN} when the lead
   * has no such message, 409 when a different person's message was queued after it. {@link #claim}
   * still decides: of two at the same moment both may pass here, and one is told there.
   */
  void check(String leadId, Seen seen, ActingOwner actor) {
    if (seen == null || seen.force()) {
      return;
    }
    Bson lead = Filters.eq("leadId", leadId);
    if (store
            .contacts()
            .find(Filters.and(lead, free(leadId, seen, actor)))
            .projection(Projections.include("_id"))
            .first()
        == null) {
      throw collision(lead, seen);
    }
  }

  /**
   * The contact's {@link #FIELD} lets the person answer the lead message {@code seen}: absent, no
   * newer than when that message was stored, or the person's own.
   */
  private Bson free(String leadId, Seen seen, ActingOwner actor) {
    Date seenAt = seenAt(leadId, seen.messageId());
    recordEarlier(leadId);
    List<Bson> free =
        new java.util.ArrayList<>(
            List.of(
                Filters.exists(FIELD + ".at", false),
                Filters.lte(FIELD + ".at", seenAt),
                samePerson(actor)));
    String unsent = answerThatDidNotGo(leadId);
    if (unsent != null) {
      // Matched by its key: had another person answered in between, the write finds theirs.
      free.add(Filters.eq(FIELD + ".key", unsent));
    }
    return Filters.or(free);
  }

  /**
   * What the lead got of a message: Meta failed it, refused it, or it was held back (never sent).
   */
  static final List<String> DID_NOT_GO = List.of("failed", "refused", "not_sent");

  /**
   * The key of the contact's {@link #FIELD} when its message did not reach the lead ({@link
   * #DID_NOT_GO}): it answered nothing, so it blocks nobody (the rep whose answer failed was told
   * on the lead page; another may answer now). Null otherwise.
   */
  private String answerThatDidNotGo(String leadId) {
    Document contact =
        store
            .contacts()
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include(FIELD + ".key"))
            .first();
    Document answer = contact == null ? null : contact.get(FIELD, Document.class);
    String key = answer == null ? null : answer.getString("key");
    if (key == null) {
      return null;
    }
    Document message =
        store
            .messages()
            .collection()
            .find(Filters.and(Filters.eq("leadId", leadId), Filters.eq("idempotencyKey", key)))
            .projection(Projections.include("status"))
            .first();
    return message != null && DID_NOT_GO.contains(message.getString("status")) ? key : null;
  }

  /** The 409: who answered (the contact's {@link #FIELD}) and when, naming {@link #SEEN}. */
  private ApiException collision(Bson lead, Seen seen) {
    Document contact = store.contacts().find(lead).projection(Projections.include(FIELD)).first();
    Document other = contact == null ? null : contact.get(FIELD, Document.class);
    String by =
        other == null || other.getString("by") == null ? "another person" : other.getString("by");
    Date at = other == null ? null : other.getDate("at");
    String when = at == null ? "" : " at " + at.toInstant();
    return new ApiException(
            409,
            "another person answered the lead after the message you saw",
            List.of(
                new FieldError(
                    SEEN,
                    by
                        + " answered"
                        + when
                        + ", after the lead's message you saw; read it, and "
                        + seen.forceHint()
                        + " to send anyway")))
        .with("answeredBy", by)
        .with("answeredAt", at == null ? null : at.toInstant().toString());
  }

  /**
   * A contact written before {@link #FIELD} existed has none until its next person's message: its
   * latest person's message in {@code messages} (a text or voice note queued by a person) is
   * recorded as it, only while the field is still absent, so the one conditional write in {@link
   * #claim} decides on it as on any other. Nothing when the field is there or nobody wrote.
   */
  private void recordEarlier(String leadId) {
    Bson lead = Filters.eq("leadId", leadId);
    Bson absent = Filters.and(lead, Filters.exists(FIELD, false));
    if (store.contacts().find(absent).projection(Projections.include("_id")).first() == null) {
      return;
    }
    Document latest =
        store
            .messages()
            .collection()
            .find(
                Filters.and(
                    lead,
                    Filters.eq("composer", "person"),
                    Filters.exists("createdAt", true),
                    Filters.nin("status", DID_NOT_GO)))
            .projection(Projections.include("by", "ownerId", "createdAt", "idempotencyKey"))
            .sort(Sorts.descending("createdAt"))
            .first();
    if (latest == null) {
      return;
    }
    store
        .contacts()
        .updateOne(
            absent,
            Updates.set(
                FIELD,
                new Document("by", latest.getString("by"))
                    .append("ownerId", latest.getString("ownerId"))
                    .append("at", latest.getDate("createdAt"))
                    .append("key", latest.getString("idempotencyKey"))));
  }

  /** The contact's {@link #FIELD} is this person's: the same owner, or (no owner) label. */
  private static Bson samePerson(ActingOwner actor) {
    return actor.ownerId() != null
        ? Filters.eq(FIELD + ".ownerId", actor.ownerId())
        : Filters.and(
            Filters.eq(FIELD + ".ownerId", null), Filters.eq(FIELD + ".by", actor.label()));
  }

  /**
   * When the lead's message {@code messageId} could first be seen: when it was stored ({@code
   * storedAt}, our clock, the one {@link #FIELD}'s {@code at} is on), not Meta's time of it ({@code
   * receivedAt}: whole seconds, and a webhook may come late), so an answer queued before the
   * message was there is never taken for an answer to it, nor one queued after it for an earlier
   * answer. A message stored without {@code storedAt} is weighed by Meta's time. 422 when the lead
   * has no such message.
   */
  private Date seenAt(String leadId, String messageId) {
    Document message =
        store
            .feedback()
            .find(Filters.and(Filters.eq("leadId", leadId), Filters.eq("messageId", messageId)))
            .projection(Projections.include("receivedAt", "storedAt"))
            .first();
    Date at = message == null ? null : message.getDate("storedAt");
    if (at == null && message != null) {
      at = message.getDate("receivedAt");
    }
    if (at == null) {
      throw new ApiException(
          422,
          "invalid reply",
          List.of(new FieldError(SEEN, "no message from this lead has this id")));
    }
    return at;
  }
}

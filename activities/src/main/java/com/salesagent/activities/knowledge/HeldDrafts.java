package com.salesagent.activities.knowledge;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The agent's drafts held for a person ({@code drafts}, status {@link #HELD}) and what ends their
 * wait. A draft answers the lead's message as things stood when it was made: once a person's
 * message to the lead was queued after it was made (or after the message it answers was stored), or
 * the lead's run ended after it was made, it is {@link #SUPERSEDED} ({@link #SUPERSEDED_BY}: why,
 * and who or what), no longer offered as waiting, and sending it is refused. A draft a person sent
 * is {@link #USED} ({@link #USED_BY}). A draft made for a message the lead wrote after its run
 * ended is made after the end, so the end does not supersede it; a draft stored after the end for a
 * message stored before it is stored superseded by the end.
 */
public final class HeldDrafts {
  public static final String HELD = "held";
  public static final String SUPERSEDED = "superseded";
  public static final String USED = "used";
  public static final String SUPERSEDED_BY = "supersededBy";
  public static final String USED_BY = "usedBy";

  /** The contact's latest person's message queued to the lead (the API's ReplyCollisions). */
  static final String LAST_PERSON_ANSWER = "lastPersonAnswer";

  /**
   * On the contact: when its run ended ({@code stage}, {@code at}), written by {@link #ending} as
   * the run ends; kept while the stage is terminal, written again by the next run's end.
   */
  public static final String ENDED_AT = "endedAt";

  /** On a person's message queued after its lead's run ended (the API's PendingPersonMessages). */
  static final String AFTER_END_MESSAGE = "afterEnd";

  private final MongoDatabase db;
  private final MongoCollection<Document> drafts;

  public HeldDrafts(MongoDatabase db) {
    this.db = db;
    this.drafts = db.getCollection(com.salesagent.activities.mongo.Collections.DRAFTS);
  }

  /**
   * A person's message ({@code key}, by {@code by}) was queued to the lead at {@code at}: the
   * drafts held for it by then are superseded, except {@code usedDraftId} (the one it sends, or
   * null). The number of drafts superseded.
   */
  public long answered(
      String leadId, Instant at, String by, String ownerId, String key, String usedDraftId) {
    Document why =
        new Document("why", "a person answered the lead")
            .append("by", by)
            .append("ownerId", ownerId)
            .append("key", key)
            .append("at", Date.from(at));
    Bson held = heldBy(leadId, at);
    if (usedDraftId != null) {
      held = Filters.and(held, Filters.ne("_id", usedDraftId));
    }
    return supersede(held, why);
  }

  /** {@link #SUPERSEDED_BY}'s {@code why} of a draft a person dismissed. */
  public static final String DISMISSED = "dismissed by a person";

  /**
   * A person ({@code by}, {@code ownerId} or null) dismissed the lead's held draft {@code draftId}
   * at {@code at}: it is {@link #SUPERSEDED} ({@link #DISMISSED}, with the {@code reason}), so no
   * list counts it as waiting and a reply naming it is refused; one conditional update, so a
   * repeated request changes nothing. The draft as it is after ({@code now}: this call dismissed
   * it), or null when the lead has no draft of that id (held or not: the caller reads it to say
   * why).
   */
  public Dismissal dismiss(
      String leadId, String draftId, String by, String ownerId, String reason, Instant at) {
    Document done =
        drafts.findOneAndUpdate(
            Filters.and(
                Filters.eq("_id", draftId),
                Filters.eq("leadId", leadId),
                Filters.eq("status", HELD)),
            Updates.combine(
                Updates.set("status", SUPERSEDED),
                Updates.set(
                    SUPERSEDED_BY,
                    new Document("why", DISMISSED)
                        .append("by", by)
                        .append("ownerId", ownerId)
                        .append("reason", reason)
                        .append("at", Date.from(at)))),
            new com.mongodb.client.model.FindOneAndUpdateOptions()
                .returnDocument(com.mongodb.client.model.ReturnDocument.AFTER));
    if (done != null) {
      return new Dismissal(done, true);
    }
    Document as =
        drafts.find(Filters.and(Filters.eq("_id", draftId), Filters.eq("leadId", leadId))).first();
    return as == null ? null : new Dismissal(as, false);
  }

  /** A draft after a dismissal, and whether that dismissal changed it. */
  public record Dismissal(Document draft, boolean now) {}

  /**
   * Meta reported the person's message {@code wamid} failed: the drafts it superseded, and the
   * draft it sent ({@link #USED} by it), are {@link #HELD} again (the lead has neither the answer
   * nor a draft waiting otherwise), their {@link #SUPERSEDED_BY} (or {@link #USED_BY}, with {@code
   * status: used}) kept as {@code restoredFrom}. Not when another person's message queued since
   * went or may still go (it answers them: they stay as they are), and a draft of a run that ended
   * since the message was queued during it is superseded by the end instead. A redelivered status
   * finds none superseded or used by the message: nothing changes. The number of drafts held again.
   */
  public long answerFailed(String wamid) {
    MongoCollection<Document> messages =
        db.getCollection(com.salesagent.activities.mongo.Collections.MESSAGES);
    Document message =
        messages
            .find(
                Filters.and(
                    Filters.eq("wamid", wamid),
                    Filters.eq("composer", "person"),
                    Filters.eq("status", "failed")))
            .projection(
                Projections.include("leadId", "idempotencyKey", "createdAt", AFTER_END_MESSAGE))
            .first();
    String key = message == null ? null : message.getString("idempotencyKey");
    String leadId = message == null ? null : message.getString("leadId");
    if (key == null || leadId == null) {
      return 0;
    }
    Bson superseded =
        Filters.and(
            Filters.eq("leadId", leadId),
            Filters.eq("status", SUPERSEDED),
            Filters.eq(SUPERSEDED_BY + ".key", key));
    Bson used =
        Filters.and(
            Filters.eq("leadId", leadId),
            Filters.eq("status", USED),
            Filters.eq(USED_BY + ".key", key));
    Date queued = message.getDate("createdAt");
    boolean answeredSince =
        messages
                .find(
                    Filters.and(
                        Filters.eq("leadId", leadId),
                        Filters.eq("composer", "person"),
                        Filters.ne("idempotencyKey", key),
                        Filters.nin("status", "failed", "not_sent"),
                        Filters.gte("createdAt", queued == null ? new Date(0) : queued)))
                .projection(Projections.include("_id"))
                .first()
            != null;
    if (answeredSince) {
      return 0;
    }
    Document contact =
        db.getCollection(com.salesagent.activities.mongo.Collections.CONTACTS)
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include("stage"))
            .first();
    if (contact == null) {
      return 0;
    }
    String stage = contact.getString("stage");
    com.salesagent.workflows.lead.Stage known = com.salesagent.workflows.lead.Stage.of(stage);
    if (known != null && known.terminal() && !message.getBoolean(AFTER_END_MESSAGE, false)) {
      // Queued while the run was live, failed after it ended: the end answers these drafts.
      Document end =
          new Document("why", "the lead's run ended (" + stage + ")")
              .append("stage", stage)
              .append("answerFailed", key);
      // The draft it sent (its usedBy kept: who sent it) is superseded by the end too.
      return drafts.updateMany(superseded, Updates.set(SUPERSEDED_BY, end)).getModifiedCount()
          + drafts
              .updateMany(
                  used,
                  Updates.combine(
                      Updates.set("status", SUPERSEDED), Updates.set(SUPERSEDED_BY, end)))
              .getModifiedCount();
    }
    long restored = 0;
    for (Document d :
        drafts
            .find(superseded)
            .projection(Projections.include(SUPERSEDED_BY))
            .into(new ArrayList<>())) {
      // Each on the condition it was read under: a second look at the same status finds it held.
      restored +=
          drafts
              .updateOne(
                  Filters.and(Filters.eq("_id", d.get("_id")), superseded),
                  Updates.combine(
                      Updates.set("status", HELD),
                      Updates.set("restoredFrom", d.get(SUPERSEDED_BY, Document.class)),
                      Updates.unset(SUPERSEDED_BY)))
              .getModifiedCount();
    }
    for (Document d :
        drafts.find(used).projection(Projections.include(USED_BY)).into(new ArrayList<>())) {
      // The draft the failed message sent: on the same terms (usedBy is unset, so once).
      restored +=
          drafts
              .updateOne(
                  Filters.and(Filters.eq("_id", d.get("_id")), used),
                  Updates.combine(
                      Updates.set("status", HELD),
                      Updates.set("restoredFrom", usedWhy(d)),
                      Updates.unset(USED_BY)))
              .getModifiedCount();
    }
    return restored;
  }

  /**
   * A used draft's {@link #USED_BY}, as {@code restoredFrom}: who sent it, and that it was used.
   */
  private static Document usedWhy(Document draft) {
    Document usedBy = draft.get(USED_BY, Document.class);
    return new Document("status", USED)
        .append("why", "a person sent it; Meta failed the message")
        .append("by", usedBy == null ? null : usedBy.get("by"))
        .append("key", usedBy == null ? null : usedBy.get("key"))
        .append("at", usedBy == null ? null : usedBy.get("at"));
  }

  /**
   * The lead's run is ending at {@code stage} at {@code at} (before the stage is written): when, on
   * the contact ({@link #ENDED_AT}), if it is live; the first end of a run is kept. A draft stored
   * after the end for a message stored before it is superseded by it ({@link #endedSince}).
   */
  public void ending(String leadId, String stage, Instant at) {
    List<String> terminal = new ArrayList<>();
    for (com.salesagent.workflows.lead.Stage s : com.salesagent.workflows.lead.Stage.values()) {
      if (s.terminal()) {
        terminal.add(s.key());
      }
    }
    db.getCollection(com.salesagent.activities.mongo.Collections.CONTACTS)
        .updateOne(
            Filters.and(Filters.eq("leadId", leadId), Filters.nin("stage", terminal)),
            Updates.set(ENDED_AT, new Document("stage", stage).append("at", Date.from(at))));
  }

  /** The lead's run ended at {@code stage} at {@code at}: the drafts held for it by then. */
  public long ended(String leadId, String stage, Instant at) {
    return supersede(
        heldBy(leadId, at),
        new Document("why", "the lead's run ended (" + stage + ")")
            .append("stage", stage)
            .append("at", Date.from(at)));
  }

  /**
   * The lead's number opted out (its message drafted at {@code at} is withheld): every draft still
   * held for the lead is superseded, none of them ever sent ({@link DraftAudience#OPTED_OUT_WHY}).
   */
  long optedOut(String leadId, Instant at) {
    return supersede(
        Filters.and(Filters.eq("leadId", leadId), Filters.eq("status", HELD)),
        new Document("why", DraftAudience.OPTED_OUT_WHY).append("at", Date.from(at)));
  }

  /**
   * The lead's run-end record again, its stage written already (a retry of the record whose first
   * attempt stopped after the stage and before {@link #ended}): the drafts held at the end the
   * contact keeps ({@link #ENDED_AT}, the first attempt's), as of that end, so a retry supersedes
   * what the first attempt would have and a draft made after the end stays held. Only held drafts
   * change: once, whatever retries. Nothing without a kept end.
   */
  public long endedAgain(String leadId) {
    Document contact =
        db.getCollection(com.salesagent.activities.mongo.Collections.CONTACTS)
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include(ENDED_AT))
            .first();
    Document end = contact == null ? null : contact.get(ENDED_AT, Document.class);
    Date at = end == null ? null : end.getDate("at");
    return at == null ? 0 : ended(leadId, end.getString("stage"), at.toInstant());
  }

  /**
   * A person sends the draft {@code draftId} as message {@code key}: used, if it is still held.
   * True when it was (or was used by this very message before: a retried request).
   */
  public boolean use(String draftId, String leadId, String key, String by, Instant at) {
    return drafts
            .updateOne(
                Filters.and(
                    Filters.eq("_id", draftId),
                    Filters.eq("leadId", leadId),
                    Filters.or(
                        Filters.eq("status", HELD),
                        Filters.and(
                            Filters.eq("status", USED), Filters.eq(USED_BY + ".key", key)))),
                Updates.combine(
                    Updates.set("status", USED),
                    Updates.set(
                        USED_BY,
                        new Document("by", by).append("key", key).append("at", Date.from(at)))))
            .getMatchedCount()
        > 0;
  }

  /**
   * Why a draft about to be stored for the lead's message {@code replyMessageId} is superseded
   * already: a person's message was queued to the lead after that message was stored (the draft,
   * made later, would answer what a person answered), or the lead's run ended after it was stored
   * ({@link #endedSince}). Null when neither.
   */
  Document answeredSince(String leadId, String replyMessageId) {
    Document contact =
        db.getCollection(com.salesagent.activities.mongo.Collections.CONTACTS)
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include(LAST_PERSON_ANSWER, ENDED_AT, "stage"))
            .first();
    Document answer = contact == null ? null : contact.get(LAST_PERSON_ANSWER, Document.class);
    Date answeredAt = answer == null ? null : answer.getDate("at");
    Document end = endedSince(contact);
    if (answeredAt == null && end == null) {
      return null;
    }
    Document reply =
        db.getCollection(com.salesagent.activities.mongo.Collections.FEEDBACK)
            .find(
                Filters.and(Filters.eq("leadId", leadId), Filters.eq("messageId", replyMessageId)))
            .projection(Projections.include("storedAt", "receivedAt"))
            .first();
    Date stored = reply == null ? null : reply.getDate("storedAt");
    if (stored == null && reply != null) {
      stored = reply.getDate("receivedAt");
    }
    if (stored == null) {
      return null;
    }
    if (answeredAt != null && !answeredAt.before(stored)) {
      return new Document("why", "a person answered the lead")
          .append("by", answer.getString("by"))
          .append("ownerId", answer.getString("ownerId"))
          .append("key", answer.getString("key"))
          .append("at", answeredAt);
    }
    if (end != null && !end.getDate("at").before(stored)) {
      // Stored during the run, drafted after its end: the end answers it, as it does a held one.
      return new Document("why", "the lead's run ended (" + end.getString("stage") + ")")
          .append("stage", end.getString("stage"))
          .append("at", end.getDate("at"));
    }
    return null;
  }

  /**
   * The end of the contact's run ({@link #ENDED_AT}: stage, at) while its stage is terminal; null
   * for a live one, or one that ended before the end was recorded (its drafts are held as before).
   */
  private static Document endedSince(Document contact) {
    com.salesagent.workflows.lead.Stage stage =
        contact == null ? null : com.salesagent.workflows.lead.Stage.of(contact.getString("stage"));
    Document end = stage != null && stage.terminal() ? contact.get(ENDED_AT, Document.class) : null;
    return end == null || end.getDate("at") == null ? null : end;
  }

  private static Bson heldBy(String leadId, Instant at) {
    return Filters.and(
        Filters.eq("leadId", leadId),
        Filters.eq("status", HELD),
        Filters.lte("createdAt", Date.from(at)));
  }

  private long supersede(Bson held, Document why) {
    return drafts
        .updateMany(
            held,
            Updates.combine(Updates.set("status", SUPERSEDED), Updates.set(SUPERSEDED_BY, why)))
        .getModifiedCount();
  }
}

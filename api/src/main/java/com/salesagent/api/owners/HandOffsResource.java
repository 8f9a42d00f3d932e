package com.salesagent.api.owners;

import com.codahale.metrics.annotation.Timed;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.knowledge.KnowledgeActivitiesImpl;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The Hand-offs queue: every interested lead, the owner it was handed to, the SLA clock (reminder,
 * deadline, overdue), whether a person has acted (taken it, written, booked a meeting), why it is
 * there (its latest reply as triaged) and whether a drafted answer to that reply waits; unassigned
 * ones first (nobody takes their segment or every owner is full), then by deadline.
 */
@Tag(name = "handoffs", description = "Interested leads and the sales reps who hold them")
@Timed
@Path("/api/handoffs")
@Produces(MediaType.APPLICATION_JSON)
public class HandOffsResource {
  static final int MAX_ROWS = 500;

  /** One interested lead on the queue. */
  public record HandOffRow(
      String leadId,
      String name,
      String company,
      String stage,
      String segment,
      String ownerId,
      Integer attempt,
      Object assignedAt,
      Object remindAt,
      Object dueAt,
      Object remindedAt,
      Object acceptedAt,
      boolean overdue,
      boolean acted,
      LastReply lastReply,
      boolean draftWaiting,
      Object snoozedUntil,
      boolean paused,
      Object pausedAt,
      AfterEndResource.AnswerFailed answerFailed,
      boolean waitsForAnswer,
      String heldStage,
      boolean interestShown) {}

  /**
   * Why the lead is on the queue: its latest message, as triaged (intent, objection), cut to
   * {@value #REPLY_LIMIT} characters (the conversation and the lead page have it whole), and its
   * {@code messageId}: what the queue's Give back to the agent names as the newest lead message its
   * rep saw ({@code seenMessageId}).
   */
  public record LastReply(
      String intent, String objection, String text, Object at, String messageId) {}

  static final int REPLY_LIMIT = 160;

  /**
   * The queue: {@code total} leads (of the filter), {@code snoozed} more its reps put aside until a
   * time (left out unless {@code ?snoozed=true}, which lists them alone).
   */
  public record HandOffQueue(long total, long snoozed, List<HandOffRow> handoffs) {}

  /** At most this many messages of a conversation (the newest), oldest first. */
  static final int CONVERSATION = 12;

  /** Longer texts are cut here (the lead page has them whole). */
  static final int TEXT_LIMIT = 600;

  /**
   * One message: {@code from} the lead, the agent, or a person (with their name); ours with their
   * WhatsApp status and, when it failed, Meta's code and title ({@code failure}); the lead's with
   * its {@code messageId} (a release names the newest the rep saw), ours without.
   */
  public record Said(
      String from,
      String by,
      String kind,
      String text,
      Object at,
      String status,
      String failure,
      String messageId) {}

  public record Conversation(String leadId, List<Said> messages) {}

  private final MongoDatabase db;
  private final Clock clock;

  public HandOffsResource(MongoDatabase db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The numbers of these contacts that are suppressed, in one read. */
  private Set<String> suppressedNumbers(List<Document> contacts) {
    Set<String> numbers = new HashSet<>();
    contacts.forEach(c -> numbers.addAll(LeadStore.numbersOf(c)));
    Set<String> suppressed = new HashSet<>();
    if (numbers.isEmpty()) {
      return suppressed;
    }
    db.getCollection(Suppressions.COLLECTION)
        .find(Filters.and(Filters.in("number", numbers), Filters.eq("active", true)))
        .projection(new Document("number", 1))
        .forEach(d -> suppressed.add(d.getString("number")));
    return suppressed;
  }

  /** {@code GET /api/handoffs?ownerId=...}: the queue, at most 500 rows (the total counts all). */
  @GET
  public HandOffQueue list(
      @QueryParam("ownerId") String ownerId, @QueryParam("snoozed") String snoozedParam) {
    return queue(ownerId, snoozedFilter(snoozedParam));
  }

  /** The queue of {@link #list}, with its {@code snoozed} filter read (null: absent). */
  public HandOffQueue queue(String ownerId, Boolean snoozedOnly) {
    requireOwnerFilter(db, ownerId);
    // Held: a held stage, or paused from one (an operator's pause leaves the lead its rep's).
    // A lead told that its number is suppressed (do-not-contact) is no work for anyone, even in
    // the moment before its workflow ends.
    Bson notSuppressed =
        Filters.and(
            Filters.ne("doNotContact", true),
            // Given back to the agent by its rep: no person's work until it writes again.
            Filters.exists(HandOffActivitiesImpl.RELEASED_TO_AGENT, false));
    Bson held =
        ownerId == null
            ? Filters.and(Owners.heldFilter(), notSuppressed)
            : Filters.and(Filters.eq("ownerId", ownerId), Owners.heldFilter(), notSuppressed);
    var contacts = db.getCollection(Collections.CONTACTS);
    Instant now = clock.instant();
    // Snoozed leads, decided now: a snooze not over whose lead has not written since it was set.
    List<Document> snoozing =
        contacts
            .find(Filters.and(held, Filters.gt(SnoozedLeads.FIELD + ".until", Date.from(now))))
            .projection(
                new Document("leadId", 1).append("ownerId", 1).append(SnoozedLeads.FIELD, 1))
            .into(new ArrayList<>());
    Map<String, Instant> wrote =
        SnoozedLeads.lastWrote(db, snoozing.stream().map(c -> c.getString("leadId")).toList());
    List<String> snoozed = new ArrayList<>();
    for (Document c : snoozing) {
      if (SnoozedLeads.snoozed(c, wrote.get(c.getString("leadId")), now)) {
        snoozed.add(c.getString("leadId"));
      }
    }
    Bson filter =
        Boolean.TRUE.equals(snoozedOnly)
            ? Filters.and(held, Filters.in("leadId", snoozed))
            : snoozed.isEmpty() ? held : Filters.and(held, Filters.nin("leadId", snoozed));
    long total = contacts.countDocuments(filter);
    List<Document> leads =
        contacts
            .find(filter)
            .projection(
                new Document("leadId", 1)
                    .append("name", 1)
                    .append("company", 1)
                    .append("stage", 1)
                    .append("segment", 1)
                    .append("ownerId", 1)
                    .append(LeadStore.PAUSED_FROM, 1)
                    .append(LeadStore.PAUSED_AT, 1)
                    .append("phone", 1)
                    .append("waIds", 1)
                    .append(LeadReplies.LAST_PERSON_ANSWER, 1)
                    .append("funnel.interested", 1)
                    .append(SnoozedLeads.FIELD, 1))
            .sort(Sorts.ascending("updatedAt"))
            .limit(MAX_ROWS)
            .into(new ArrayList<>());
    // A number suppressed whose leads are not told yet (the sweep tells them): left out on read.
    Set<String> suppressed = suppressedNumbers(leads);
    if (!suppressed.isEmpty()) {
      int before = leads.size();
      leads.removeIf(c -> LeadStore.numbersOf(c).stream().anyMatch(suppressed::contains));
      total -= before - leads.size();
    }
    Map<String, Document> handoffs = new HashMap<>();
    db.getCollection(HandOffActivitiesImpl.HANDOFFS)
        .find(Filters.in("_id", leads.stream().map(c -> c.getString("leadId")).toList()))
        .forEach(h -> handoffs.put(h.getString("_id"), h));
    Map<String, Document> lastReplies = LeadReplies.lastReplies(db, leads);
    Map<String, AfterEndResource.AnswerFailed> answersFailed = LeadReplies.answersFailed(db, leads);
    Map<String, Document> waitingDrafts = new HashMap<>();
    List<String> draftIds =
        lastReplies.entrySet().stream()
            .filter(e -> e.getValue().getString("messageId") != null)
            .map(e -> e.getKey() + ":" + e.getValue().getString("messageId"))
            .toList();
    if (!draftIds.isEmpty()) {
      db.getCollection(KnowledgeActivitiesImpl.DRAFTS)
          .find(LeadReplies.draftsReady(draftIds))
          .projection(new Document("leadId", 1))
          .forEach(d -> waitingDrafts.put(d.getString("leadId"), d));
    }
    List<HandOffRow> rows = new ArrayList<>();
    for (Document c : leads) {
      Document h = handoffs.get(c.getString("leadId"));
      Date due = h == null ? null : h.getDate("dueAt");
      // A paused lead is read as the stage its pause left: taken or not, the SLA as it stood.
      String heldStage = Owners.heldStage(c);
      boolean acted = "in_conversation".equals(heldStage) || "meeting_booked".equals(heldStage);
      boolean paused = LeadStore.PAUSED.equals(c.getString("stage"));
      Date pausedAt = paused ? c.getDate(LeadStore.PAUSED_AT) : null;
      rows.add(
          new HandOffRow(
              c.getString("leadId"),
              c.getString("name"),
              c.getString("company"),
              c.getString("stage"),
              c.getString("segment"),
              c.getString("ownerId"),
              h == null ? null : h.getInteger("attempt"),
              iso(h, "assignedAt"),
              iso(h, "remindAt"),
              iso(h, "dueAt"),
              iso(h, "remindedAt"),
              iso(h, "acceptedAt"),
              // The SLA's deadline stands through a pause (passed, it is acted on at the resume),
              // except a rep's given the lead while it was paused: theirs starts at the resume.
              !acted
                  && due != null
                  && now.isAfter(due.toInstant())
                  && !Boolean.TRUE.equals(h.getBoolean(HandOffActivitiesImpl.SLA_FROM_RESUME)),
              acted,
              LeadReplies.lastReply(lastReplies.get(c.getString("leadId"))),
              waitingDrafts.containsKey(c.getString("leadId")),
              snoozed.contains(c.getString("leadId"))
                  ? c.get(SnoozedLeads.FIELD, Document.class)
                      .getDate("until")
                      .toInstant()
                      .toString()
                  : null,
              paused,
              pausedAt == null ? null : pausedAt.toInstant().toString(),
              answersFailed.get(c.getString("leadId")),
              acted && LeadReplies.wroteSinceAnswer(c, lastReplies.get(c.getString("leadId"))),
              heldStage,
              // What a release asks (the dashboard's Give back to the agent on the row).
              c.get("funnel", Document.class) != null
                  && c.get("funnel", Document.class).get("interested") != null));
    }
    rows.sort(
        java.util.Comparator.<HandOffRow, Boolean>comparing(r -> r.ownerId() != null)
            .thenComparing(r -> r.dueAt() == null ? "~" : (String) r.dueAt()));
    return new HandOffQueue(total, snoozed.size(), rows);
  }

  /**
   * {@code ?snoozed=}: absent, {@code true} (the snoozed leads alone) or {@code false}; else 400
   * naming it. Read as a Boolean it took anything ({@code ?snoozed=1}, {@code ?snoozed=yes}) as
   * false and listed the queue without the snoozed leads, as if asked (found by the QA walk).
   */
  static Boolean snoozedFilter(String raw) {
    if (raw == null) {
      return null;
    }
    if (raw.strip().equalsIgnoreCase("true") || raw.strip().equalsIgnoreCase("false")) {
      return Boolean.valueOf(raw.strip());
    }
    throw new ApiException(
        400,
        "bad filter",
        List.of(new FieldError("snoozed", "true (the snoozed leads alone) or false")));
  }

  /**
   * {@code GET /api/handoffs/{leadId}/conversation}: the conversation so far, for the person about
   * to take the lead: what went out (the agent's and people's messages Meta accepted) and what the
   * lead wrote (text, a transcript, or the kind of media), the newest {@value #CONVERSATION},
   * oldest first. No phone number.
   */
  @GET
  @Path("/{leadId}/conversation")
  public Conversation conversation(@PathParam("leadId") String leadId) {
    return HandOffConversation.read(db, leadId);
  }

  /**
   * A list's {@code ownerId} filter: absent, or the id of a rep who was added (active or not): 400
   * naming it when it is no id (a bad query, as every list's id filters), 404 naming it when nobody
   * has it (a typo or a stale link is not a rep with nothing waiting, which answers an empty 200).
   */
  static void requireOwnerFilter(MongoDatabase db, String ownerId) {
    if (ownerId == null) {
      return;
    }
    if (!OwnersResource.ID.matcher(ownerId).matches()) {
      throw new ApiException(
          400,
          "invalid owner",
          List.of(new FieldError("ownerId", "1-64 letters, digits, '-' or '_'")));
    }
    if (new Owners(db).get(ownerId) == null) {
      throw ApiException.notFound("owner " + ownerId, "ownerId");
    }
  }

  static final java.util.regex.Pattern LEAD_ID =
      java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private static String iso(Document h, String field) {
    Date d = h == null ? null : h.getDate(field);
    return d == null ? null : d.toInstant().toString();
  }
}

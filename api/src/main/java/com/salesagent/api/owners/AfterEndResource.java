package com.salesagent.api.owners;

import com.codahale.metrics.annotation.Timed;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.knowledge.KnowledgeActivitiesImpl;
import com.salesagent.activities.mongo.AfterEndReplies;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.leads.ReplyCollisions;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Leads that wrote after their run ended (a customer with a question, a stopped lead writing back)
 * and that nobody has answered: no run hands them to anyone, so they wait here, newest first, until
 * a person's message to the lead goes ({@code POST /api/leads/{id}/replies}, which sends to an
 * ended lead inside the 24 h window) or an operator dismisses the row.
 */
@Tag(name = "handoffs", description = "Interested leads and the sales reps who hold them")
@Timed
@Path("/api/handoffs/after-end")
@Produces(MediaType.APPLICATION_JSON)
public class AfterEndResource {
  /**
   * One lead that wrote after its run ended: where it ended, its owner, its latest message, whether
   * its number asked not to be contacted (then nothing can answer it: dismiss the row), and who
   * answered it and when when a person's message to it was queued since it wrote but has not gone
   * yet ({@code answeredBy}, their name and id; null otherwise). {@code messageId} names the lead's
   * message the row is for (a dismissal names it as {@code seenMessageId}); {@code answerFailed}, a
   * person's answer to it that went and that Meta then reported failed (null otherwise); {@code
   * liveLeadOfNumber}, a live lead of its number on the same business number (enrolled in another
   * campaign, say): the number's conversation, where a person writes to it (a message to this ended
   * lead is refused, 409), null otherwise.
   */
  public record AfterEndRow(
      String leadId,
      String name,
      String company,
      String stage,
      String ownerId,
      Object wroteAt,
      HandOffsResource.LastReply lastReply,
      boolean draftWaiting,
      boolean doNotContact,
      String answeredBy,
      String answeredAt,
      String messageId,
      AnswerFailed answerFailed,
      String liveLeadOfNumber) {}

  /** A person's answer that failed after it went: who, when Meta said so, and Meta's reason. */
  public record AnswerFailed(String by, String at, String reason) {}

  public record AfterEndQueue(long total, List<AfterEndRow> leads) {}

  public record Dismissed(String leadId, String status) {}

  private final MongoDatabase db;
  private final AfterEndReplies afterEnd;
  private final Clock clock;

  public AfterEndResource(LeadStore store, Clock clock) {
    this.db = store.database();
    this.afterEnd = new AfterEndReplies(store);
    this.clock = clock;
  }

  /** {@code GET /api/handoffs/after-end?ownerId=...}: at most 500 rows, newest message first. */
  @GET
  public AfterEndQueue list(@QueryParam("ownerId") String ownerId) {
    HandOffsResource.requireOwnerFilter(db, ownerId);
    Bson waiting = AfterEndReplies.waiting();
    Bson filter = ownerId == null ? waiting : Filters.and(waiting, Filters.eq("ownerId", ownerId));
    var contacts = db.getCollection(Collections.CONTACTS);
    long total = contacts.countDocuments(filter);
    List<Document> leads =
        contacts
            .find(filter)
            .projection(
                new Document("leadId", 1)
                    .append("name", 1)
                    .append("company", 1)
                    .append("stage", 1)
                    .append("ownerId", 1)
                    .append("doNotContact", 1)
                    .append("phone", 1)
                    .append("senderId", 1)
                    .append(ReplyCollisions.FIELD, 1)
                    .append(AfterEndReplies.FIELD, 1))
            .sort(Sorts.descending(AfterEndReplies.FIELD + ".wroteAt"))
            .limit(HandOffsResource.MAX_ROWS)
            .into(new ArrayList<>());
    Map<String, Document> last = LeadReplies.lastReplies(db, leads);
    // The agent's draft answer to the message that put the lead here, held for a person.
    java.util.Set<String> drafted = new java.util.HashSet<>();
    List<String> draftIds =
        leads.stream()
            .map(
                c ->
                    c.getString("leadId")
                        + ":"
                        + c.get(AfterEndReplies.FIELD, Document.class).getString("messageId"))
            .toList();
    if (!draftIds.isEmpty()) {
      db.getCollection(KnowledgeActivitiesImpl.DRAFTS)
          .find(LeadReplies.draftsReady(draftIds))
          .projection(new Document("leadId", 1))
          .forEach(d -> drafted.add(d.getString("leadId")));
    }
    Map<String, String> liveBeside = liveLeadsBeside(contacts, leads);
    List<AfterEndRow> rows = new ArrayList<>();
    for (Document c : leads) {
      Document mark = c.get(AfterEndReplies.FIELD, Document.class);
      Date wrote = mark.getDate("wroteAt");
      // A person's message queued since the lead's message was stored (not gone yet: the row
      // stays until it does); a mark from before storedAt is weighed by Meta's time.
      Date seen =
          mark.getDate(AfterEndReplies.STORED_AT) != null
              ? mark.getDate(AfterEndReplies.STORED_AT)
              : wrote;
      Document answer = c.get(ReplyCollisions.FIELD, Document.class);
      Document failed = mark.get(AfterEndReplies.ANSWER_FAILED, Document.class);
      if (answer != null
          && (seen == null
              || !(answer.get("at") instanceof Date at)
              || at.before(seen)
              // The person's latest answer is the one that failed: nothing is on its way.
              || (failed != null && Objects.equals(failed.getString("key"), answer.get("key"))))) {
        answer = null;
      }
      rows.add(
          new AfterEndRow(
              c.getString("leadId"),
              c.getString("name"),
              c.getString("company"),
              c.getString("stage"),
              c.getString("ownerId"),
              wrote == null ? null : wrote.toInstant().toString(),
              LeadReplies.lastReply(last.get(c.getString("leadId"))),
              drafted.contains(c.getString("leadId")),
              c.getBoolean("doNotContact", false),
              answer == null ? null : answer.getString("by"),
              answer == null ? null : answer.getDate("at").toInstant().toString(),
              mark.getString("messageId"),
              failed == null
                  ? null
                  : new AnswerFailed(
                      failed.getString("by"),
                      failed.getDate("at") == null
                          ? null
                          : failed.getDate("at").toInstant().toString(),
                      failed.getString("reason")),
              liveBeside.get(c.getString("leadId"))));
    }
    return new AfterEndQueue(total, rows);
  }

  /**
   * For each listed lead, a live lead of its number on the same business number (none: absent), in
   * one query for all the rows' numbers (the rule of {@code CustomerServiceWindow}: another lead of
   * the number, same sender or either unknown, a stage this version knows and not ended, not being
   * erased).
   */
  private static Map<String, String> liveLeadsBeside(
      com.mongodb.client.MongoCollection<Document> contacts, List<Document> leads) {
    List<String> phones =
        leads.stream().map(c -> c.getString("phone")).filter(Objects::nonNull).distinct().toList();
    Map<String, String> live = new java.util.HashMap<>();
    if (phones.isEmpty()) {
      return live;
    }
    List<Document> others =
        contacts
            .find(Filters.in("phone", phones))
            .projection(
                new Document("leadId", 1)
                    .append("phone", 1)
                    .append("senderId", 1)
                    .append("stage", 1)
                    .append(LeadStore.ERASURE, 1))
            .sort(Sorts.descending("enrolledAt"))
            .limit(10_000)
            .into(new ArrayList<>());
    for (Document c : leads) {
      String sender = c.getString("senderId");
      for (Document o : others) {
        com.salesagent.workflows.lead.Stage stage =
            com.salesagent.workflows.lead.Stage.of(o.getString("stage"));
        String theirs = o.getString("senderId");
        if (Objects.equals(o.getString("phone"), c.getString("phone"))
            && !Objects.equals(o.getString("leadId"), c.getString("leadId"))
            && (sender == null || theirs == null || sender.equals(theirs))
            && stage != null
            && !stage.terminal()
            && !LeadStore.erasing(o)) {
          live.put(c.getString("leadId"), o.getString("leadId"));
          break;
        }
      }
    }
    return live;
  }

  /**
   * {@code DELETE /api/handoffs/after-end/{leadId}?seenMessageId=}: nothing to answer (a "got it,
   * all sorted"; a thanks alone is a closing, never listed): off the list, audited. 404 when the
   * lead is not on it. {@code seenMessageId} (optional) names the lead's message the operator saw
   * (the row's {@code messageId}): when the lead wrote a newer message since, 409 naming it (with
   * the newer message's {@code messageId} and {@code wroteAt}) and the row stays; 422 naming it
   * when the lead has no such message. Without it the row goes whatever the lead wrote since.
   */
  @DELETE
  @Path("/{leadId}")
  public Response dismiss(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @QueryParam("seenMessageId") String seenMessageId) {
    if (!HandOffsResource.LEAD_ID.matcher(leadId).matches()) {
      throw new ApiException(
          422, "invalid lead id", List.of(new FieldError("leadId", "1-64 letters, digits, ._:-")));
    }
    List<FieldError> errors = ReplyCollisions.errors(seenMessageId);
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid dismissal", errors);
    }
    boolean cleared;
    if (seenMessageId == null) {
      cleared = afterEnd.clear(leadId);
    } else {
      Document mark = mark(leadId);
      if (mark == null) {
        throw notListed(leadId);
      }
      String listed = mark.getString("messageId");
      if (!seenMessageId.equals(listed) && newerThanSeen(leadId, seenMessageId, listed, mark)) {
        throw wroteSince(mark);
      }
      // Only the mark checked: the lead writing in between makes it another (409 below).
      cleared = afterEnd.clear(leadId, listed);
      if (!cleared) {
        Document now = mark(leadId);
        if (now != null) {
          throw wroteSince(now);
        }
      }
    }
    if (!cleared) {
      throw notListed(leadId);
    }
    db.getCollection(Collections.AUDIT_LOG)
        .insertOne(
            new Document("action", "after_end_dismissed")
                .append("by", operator.name())
                .append("leadId", leadId)
                .append("at", Date.from(clock.instant())));
    return Response.ok(new Dismissed(leadId, "dismissed")).build();
  }

  private static ApiException notListed(String leadId) {
    return ApiException.notFound("lead " + leadId + " on the after-the-end list", "leadId");
  }

  /** The lead's mark on the list, or null when it is not on it. */
  private Document mark(String leadId) {
    Document contact =
        db.getCollection(Collections.CONTACTS)
            .find(Filters.and(Filters.eq("leadId", leadId), AfterEndReplies.waiting()))
            .projection(new Document(AfterEndReplies.FIELD, 1))
            .first();
    return contact == null ? null : contact.get(AfterEndReplies.FIELD, Document.class);
  }

  /**
   * Whether the listed message {@code listed} came after the lead's message {@code seen} (a later
   * message the operator saw, a closing say, is no newer one), by when each was stored (Meta's
   * whole seconds cannot order two messages of one second; a tie keeps the row); 422 naming {@code
   * seenMessageId} when the lead has no such message.
   */
  private boolean newerThanSeen(String leadId, String seen, String listed, Document mark) {
    Date seenAt = storedAt(message(leadId, seen));
    if (seenAt == null) {
      throw new ApiException(
          422,
          "invalid dismissal",
          List.of(new FieldError(ReplyCollisions.SEEN, "no message from this lead has this id")));
    }
    Date listedAt = listed == null ? null : storedAt(message(leadId, listed));
    if (listedAt == null) {
      listedAt =
          mark.getDate(AfterEndReplies.STORED_AT) != null
              ? mark.getDate(AfterEndReplies.STORED_AT)
              : mark.getDate("wroteAt");
    }
    return listedAt == null || !listedAt.before(seenAt);
  }

  private Document message(String leadId, String messageId) {
    return db.getCollection(Collections.FEEDBACK)
        .find(Filters.and(Filters.eq("leadId", leadId), Filters.eq("messageId", messageId)))
        .projection(new Document("receivedAt", 1).append("storedAt", 1))
        .first();
  }

  /** When the lead's message was stored (Meta's time for one stored before that was kept). */
  private static Date storedAt(Document message) {
    if (message == null) {
      return null;
    }
    return message.getDate("storedAt") != null
        ? message.getDate("storedAt")
        : message.getDate("receivedAt");
  }

  /** 409: the lead wrote a newer message than the one the operator saw; the row stays. */
  private static ApiException wroteSince(Document mark) {
    Date wrote = mark.getDate("wroteAt");
    String when = wrote == null ? null : wrote.toInstant().toString();
    return new ApiException(
            409,
            "the lead wrote again after the message you saw: the row stays",
            List.of(
                new FieldError(
                    ReplyCollisions.SEEN,
                    "the lead wrote"
                        + (when == null ? "" : " at " + when)
                        + ", after the message you saw; read it, then dismiss naming it")))
        .with("messageId", mark.getString("messageId"))
        .with("wroteAt", when);
  }
}

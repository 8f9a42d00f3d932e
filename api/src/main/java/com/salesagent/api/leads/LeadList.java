package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.erasure.LeadErasureActivitiesImpl;
import com.salesagent.activities.lead.QuietHours;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.ContactList;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.variants.Switched;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.KnownQueryParameters;
import com.salesagent.workflows.lead.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bson.Document;

/**
 * {@code GET /api/leads}: the filters checked, one page of contacts from MongoDB (the dev server
 * has no visibility queries), each row with the time its next send will really go ({@link
 * NextActions#sendsAt}) and how the lead last replied.
 */
final class LeadList {
  /** The deepest page a list reaches: skip-based paging costs the skipped rows. */
  static final long MAX_OFFSET = 1_000_000;

  /**
   * One row of {@code GET /api/leads}. {@code variantDisabled}: the lead runs on a variant an
   * operator switched off, so its next message uses another one ({@code variantNote} says which
   * way: another variant, or a wait when its segment has none enabled); the row keeps the old
   * {@code variantId} until that send replaces it. {@code evidenceVariantId}: the variant the lead
   * is the evidence of, the one the variants report counts it under (the variant it kept when the
   * kill switch moved it after its first message, else its own).
   */
  public record LeadRow(
      String leadId,
      String name,
      String company,
      String campaignId,
      String stage,
      String segment,
      String variantId,
      String evidenceVariantId,
      String ownerId,
      String nextAction,
      Object nextActionAt,
      Object enrolledAt,
      LastReply lastReply,
      boolean variantDisabled,
      String variantNote) {}

  /**
   * How the lead last answered (its latest message, as triaged; null when it never wrote): a
   * "replied" lead may have said no, objected, or written again asking for a call after its
   * workflow ended.
   */
  public record LastReply(String intent, String objection, Object at) {}

  /** {@code GET /api/leads}: one page of leads and the total that match. */
  public record LeadPage(int page, int pageSize, long total, List<LeadRow> leads) {}

  private final LeadStore store;
  private final NextActions nextActions;

  LeadList(LeadStore store, NextActions nextActions) {
    this.store = store;
    this.nextActions = nextActions;
  }

  private static final List<String> LIST_PARAMETERS =
      List.of(
          "stage",
          "campaignId",
          "segment",
          "variantId",
          "evidenceVariantId",
          "ownerId",
          "page",
          "pageSize");

  /** The stages a lead can be listed by: the workflow's, and an erased lead's tombstone. */
  private static final List<String> LIST_STAGES =
      Stream.concat(
              Arrays.stream(Stage.values()).map(Stage::key),
              Stream.of(LeadErasureActivitiesImpl.ERASING_STAGE))
          .toList();

  /**
   * One page of the leads the filters match; 400 naming a parameter the list does not take, bad
   * paging or a stage that is none.
   */
  LeadPage page(
      Set<String> parameters,
      String stage,
      String campaignId,
      String segment,
      String variantId,
      String evidenceVariantId,
      String ownerId,
      int page,
      int pageSize) {
    List<FieldError> unknown =
        parameters.stream()
            .filter(p -> !LIST_PARAMETERS.contains(p))
            .sorted()
            .map(
                p ->
                    new FieldError(
                        KnownQueryParameters.shown(p),
                        "unknown parameter; known: " + String.join(", ", LIST_PARAMETERS)))
            .toList();
    if (!unknown.isEmpty()) {
      // A misspelt filter (variant= for variantId=) listed every lead as if it had filtered.
      throw new ApiException(400, "unknown parameter", unknown);
    }
    if (page < 0 || pageSize < 1 || pageSize > 500 || (long) page * pageSize > MAX_OFFSET) {
      throw new ApiException(
          400,
          "bad paging",
          new FieldError(
              pageSize < 1 || pageSize > 500 ? "pageSize" : "page",
              "page >= 0, 1 <= pageSize <= 500, page x pageSize <= "
                  + MAX_OFFSET
                  + " (narrow the filters to go further)"));
    }
    if (!blank(stage) && !LIST_STAGES.contains(stage)) {
      throw new ApiException(
          400, "bad filter", new FieldError("stage", "one of " + String.join(", ", LIST_STAGES)));
    }
    if (!blank(ownerId)
        && !com.salesagent.api.owners.OwnersResource.ID.matcher(ownerId).matches()) {
      // A rep's own leads (an owner who left keeps hers listed: no check that the owner exists).
      throw new ApiException(
          400, "bad filter", new FieldError("ownerId", "1-64 letters, digits, '-' or '_'"));
    }
    List<LeadRow> leads = new ArrayList<>();
    ContactList.ContactQuery query =
        new ContactList.ContactQuery(
            stage, campaignId, segment, variantId, ownerId, evidenceVariantId);
    Map<String, QuietHours> quiet = new HashMap<>(); // read once per campaign of the page
    List<Document> contacts = store.contactList().listContacts(query, page, pageSize);
    Map<String, Document> lastReplies = lastReplies(contacts);
    Map<String, List<Document>> unread = messagesOfUnread(contacts);
    // A lead still recorded on a variant switched off: its next message uses another one.
    SwitchedVariants switched = new SwitchedVariants(store.database());
    for (Document c : contacts) {
      // What the lead page says is next, by the same derivation: a read the run has not looked
      // at yet makes the read follow-up next (NextActions#readNotLookedUpYet).
      List<Document> messages = unread.get(c.getString("leadId"));
      if (messages != null) {
        nextActions.readNotLookedUpYet(c, messages);
      }
      nextActions.sendsAt(c, quiet);
      // A lead whose erasure was accepted reads as its page does (its tombstone's stage already
      // is erasing; a marked contact still had its live stage and next send).
      boolean erasing = LeadStore.erasing(c);
      leads.add(
          new LeadRow(
              c.getString("leadId"),
              c.getString("name"),
              c.getString("company"),
              c.getString("campaignId"),
              erasing ? LeadErasureActivitiesImpl.ERASING_STAGE : c.getString("stage"),
              c.getString("segment"),
              c.getString("variantId"),
              Switched.evidenceVariant(c),
              c.getString("ownerId"),
              erasing ? LeadErasureActivitiesImpl.ERASING_STAGE : NextActions.nextAction(c),
              erasing ? null : c.get("nextActionAt"),
              c.get("enrolledAt"),
              lastReply(lastReplies.get(c.getString("leadId"))),
              switched.disabled(c),
              switched.note(c)));
    }
    // Unfiltered, the collection's count from its metadata: no scan.
    long total =
        blank(stage)
                && blank(campaignId)
                && blank(segment)
                && blank(variantId)
                && blank(evidenceVariantId)
                && blank(ownerId)
            ? store.contactList().estimatedContacts()
            : store.contactList().countContacts(query);
    return new LeadPage(page, pageSize, total, leads);
  }

  /**
   * The messages of the listed leads whose next action is the unread follow-up (only theirs can
   * read otherwise), in the order the lead page reads them, in one query for the page.
   */
  private Map<String, List<Document>> messagesOfUnread(List<Document> contacts) {
    List<String> leads =
        contacts.stream()
            .filter(c -> "follow_up_unread".equals(c.getString("nextAction")))
            .map(c -> c.getString("leadId"))
            .toList();
    Map<String, List<Document>> out = new HashMap<>();
    if (leads.isEmpty()) {
      return out;
    }
    store
        .messages()
        .collection()
        .find(Filters.in("leadId", leads))
        .sort(com.mongodb.client.model.Sorts.ascending("step", "composedAt"))
        .projection(
            com.mongodb.client.model.Projections.include(
                "leadId",
                "wamid",
                "composer",
                "status",
                "statusAt",
                "step",
                "composedAt",
                "createdAt",
                com.salesagent.activities.mongo.Messages.READ_SIGNAL,
                com.salesagent.activities.mongo.Messages.REACTED_AT))
        .forEach(m -> out.computeIfAbsent(m.getString("leadId"), k -> new ArrayList<>()).add(m));
    out.values().forEach(LeadViews::inMadeOrder);
    return out;
  }

  /** Each listed lead's latest message (its feedback), in one query for the page. */
  private Map<String, Document> lastReplies(List<Document> contacts) {
    Map<String, Document> latest = new HashMap<>();
    if (contacts.isEmpty()) {
      return latest;
    }
    store
        .database()
        .getCollection(Collections.FEEDBACK)
        .find(Filters.in("leadId", contacts.stream().map(c -> c.getString("leadId")).toList()))
        .projection(
            new Document("leadId", 1)
                .append("intent", 1)
                .append("objection", 1)
                .append("receivedAt", 1))
        .forEach(
            f -> {
              Document seen = latest.get(f.getString("leadId"));
              java.util.Date at = f.getDate("receivedAt");
              if (seen == null
                  || (at != null
                      && (seen.getDate("receivedAt") == null
                          || at.after(seen.getDate("receivedAt"))))) {
                latest.put(f.getString("leadId"), f);
              }
            });
    return latest;
  }

  private static LastReply lastReply(Document f) {
    if (f == null) {
      return null;
    }
    java.util.Date at = f.getDate("receivedAt");
    return new LastReply(
        f.getString("intent"),
        f.getString("objection"),
        at == null ? null : at.toInstant().toString());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}

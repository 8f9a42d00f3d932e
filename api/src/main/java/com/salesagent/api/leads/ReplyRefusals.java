package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.knowledge.HeldDrafts;
import com.salesagent.activities.knowledge.KnowledgeActivitiesImpl;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.workflows.lead.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * Why a person's message cannot go to a lead, each a 409 naming the field to change: the lead is
 * being erased, its stage is none this version knows, its run ended (no template), its number asked
 * not to be contacted, WhatsApp's customer-service window is closed (no free text), or its number
 * has a live lead now; or the draft it sends is no longer held. Read from the contact, the number's
 * messages and the drafts, before anything is queued ({@link LeadConversation}).
 */
final class ReplyRefusals {
  private final CustomerServiceWindow windows;
  private final LeadStore store;

  ReplyRefusals(CustomerServiceWindow windows, LeadStore store) {
    this.windows = windows;
    this.store = store;
  }

  /**
   * 409 naming {@code leadId} for a lead whose erasure was accepted (marked, or the tombstone its
   * first pass leaves, stage {@code erasing}): nobody writes to, takes or decides on a person who
   * asked to be forgotten, and no message with a rep's text is written for them.
   */
  static void erasing(Document contact) {
    if (LeadStore.erasing(contact)) {
      throw new ApiException(
          409,
          "the lead is being erased on request",
          List.of(new FieldError("leadId", "being erased")));
    }
  }

  /**
   * A lead whose run ended while its number has a live lead now ("Start a new conversation", a CSV
   * row, the API): that lead is the number's conversation, whose run times its follow-ups and
   * checks two reps' answers. A person's message beside it, sent by the ended lead's own workflow,
   * was heard by neither, and the live lead's automated follow-up went on its own clock right after
   * it. 409 naming {@code leadId} and the lead to write from.
   */
  void besideALiveLead(Document contact) {
    Document live = windows.liveLeadBeside(contact);
    if (live != null) {
      throw new ApiException(
          409,
          "the number has a live lead now: write to it there",
          List.of(
              new FieldError(
                  "leadId",
                  "the number's conversation is lead "
                      + live.getString("leadId")
                      + " now (stage "
                      + live.getString("stage")
                      + "): write from its page")));
    }
  }

  /**
   * An operator stopped the lead, or its run failed (a WhatsApp error, composing failed, every
   * variant disabled), and it has not written since: nothing is sent after a stop or a failure, as
   * the sweep holds back a message queued before either ({@link PendingPersonMessages#NOT_AFTER},
   * "never after stop"; an opt-out is the suppression list's 409). A lead that wrote again (its
   * number's latest message came after the end) may be answered inside the window, as any lead
   * whose run ended. 409 naming {@code leadId}, with when it was stopped or failed. The end is the
   * run's latest {@code outcome} record; a lead without one is refused too.
   */
  void stoppedAndSilentSince(Document contact) {
    String stage = contact.getString("stage");
    if (!"stopped".equals(stage) && !"failed".equals(stage)) {
      return;
    }
    String leadId = contact.getString("leadId");
    Document stop =
        store
            .interactions()
            .collection()
            .find(Filters.and(Filters.eq("meta.leadId", leadId), Filters.eq("type", "outcome")))
            .sort(com.mongodb.client.model.Sorts.descending("ts"))
            .limit(1)
            .first();
    Date stoppedAt = stop == null ? null : stop.getDate("ts");
    Instant wrote = windows.lastInbound(contact);
    if (stoppedAt != null && wrote != null && wrote.isAfter(stoppedAt.toInstant())) {
      return;
    }
    throw new ApiException(
        409,
        "stopped".equals(stage)
            ? "the lead was stopped: nothing is sent to it unless it writes again"
            : "the lead's run failed: nothing is sent to it unless it writes again",
        List.of(
            new FieldError(
                "leadId",
                stage
                    + (stoppedAt == null ? "" : " at " + stoppedAt.toInstant())
                    + " and the lead has not written since; enrol the number again to start a new"
                    + " conversation")));
  }

  /** Whether the lead's run has ended (its stage is an outcome). */
  static boolean terminal(Document contact) {
    return contact.getString("stage") != null && stageOf(contact).terminal();
  }

  /**
   * The contact's stage (not null); 409 naming {@code leadId} when it is none this version knows
   * (written by a newer one, or damaged): what the lead may be sent cannot be told, so nothing is.
   */
  static Stage stageOf(Document contact) {
    Stage stage = Stage.of(contact.getString("stage"));
    if (stage == null) {
      throw new ApiException(
          409,
          "the lead's stage is not one this version knows: nothing can be sent to it",
          List.of(new FieldError("leadId", "stage " + contact.getString("stage"))));
    }
    return stage;
  }

  /**
   * The variant's re-engagement template is a sales sequence's; a lead whose run ended is not in
   * one. Outside the 24 h window a new conversation starts with a new enrolment.
   */
  static void templateAfterTheEnd(Document contact) {
    throw new ApiException(
        409,
        "the lead's run has ended: only free text inside the 24 h window can go",
        List.of(
            new FieldError(
                "template",
                "the lead's stage is "
                    + contact.getString("stage")
                    + "; enrol the number again to start a new conversation")));
  }

  /**
   * The variant's re-engagement template tells the lead they said they were interested ("you
   * mentioned you were interested in ...", "você comentou que tinha interesse ..."): a lead that
   * has not shown interest (it has not answered, said "not now", or is paused from such a stage) is
   * 409 naming {@code template}; the agent's sequence writes to it until it answers. Found by the
   * QA walk: a rep's template to a lead that never wrote went out as "você comentou que tinha
   * interesse", and the 409 to a text for such a lead told the rep to send it. A lead paused before
   * its stage was kept on the pause ({@code pausedFrom}) cannot be told, and is not refused.
   */
  static void templateBeforeInterest(Document contact) {
    if (!templateFits(contact)) {
      throw new ApiException(
          409,
          "the re-engagement template is for a lead that showed interest",
          List.of(new FieldError("template", "not for this lead: " + noInterest(contact))));
    }
  }

  /** Whether the re-engagement template may go to this lead ({@link #templateBeforeInterest}). */
  static boolean templateFits(Document contact) {
    String stage = contact.getString("stage");
    String from = LeadStore.PAUSED.equals(stage) ? contact.getString(LeadStore.PAUSED_FROM) : stage;
    Stage before = Stage.of(from);
    return before == null || before.terminal() || before.interested();
  }

  /** Why the template is not offered to a lead that has shown no interest. */
  private static String noInterest(Document contact) {
    String stage = contact.getString("stage");
    String from = contact.getString(LeadStore.PAUSED_FROM);
    return "it tells the lead they said they were interested, and this lead is "
        + (LeadStore.PAUSED.equals(stage) && from != null ? "paused from " + from : stage)
        + ": the agent's sequence writes to it until it answers";
  }

  /** The lead's number asked not to be contacted. */
  static void suppressed(Document contact) {
    if (contact.getBoolean("doNotContact", false)) {
      throw new ApiException(
          409,
          "the lead's number asked not to be contacted",
          List.of(
              new FieldError("leadId", "suppressed: " + contact.getString("doNotContactSource"))));
    }
  }

  /** Free text only inside WhatsApp's customer-service window, the number's latest message on. */
  void outsideTheWindow(Document contact, boolean ended, Instant now) {
    outsideTheWindow(contact, ended, now, "free text", "text");
  }

  /**
   * As {@link #outsideTheWindow(Document, boolean, Instant)} for {@code what} ("free text", "a
   * voice note"), the refusal naming {@code field}: what the request carried.
   */
  void outsideTheWindow(Document contact, boolean ended, Instant now, String what, String field) {
    Instant last = windows.lastInbound(contact);
    Duration window = windows.of(contact);
    if (last == null || now.isAfter(last.plus(window))) {
      throw new ApiException(
          409,
          "outside WhatsApp's customer-service window: " + what + " cannot go",
          List.of(
              new FieldError(
                  field,
                  (last == null
                          ? "the lead has not written yet"
                          : "the lead last wrote at " + last + ", more than " + window + " ago")
                      + (ended
                          // The template is refused to an ended lead too (above): say so.
                          ? "; the lead's stage is "
                              + contact.getString("stage")
                              + ", so no template either: enrol the number again to start a new"
                              + " conversation"
                          : templateFits(contact)
                              ? "; send {\"template\": \"re_engagement\"} instead"
                              : "; nor the template re_engagement: " + noInterest(contact)))));
    }
  }

  /**
   * The draft a person sends: 422 naming {@code draftId} when the lead has none of that id, 409
   * when it is no longer held (superseded, sent by another message, or sent by the agent).
   */
  void draftNoLongerHeld(String leadId, String draftId, String key) {
    Document draft =
        store
            .database()
            .getCollection(KnowledgeActivitiesImpl.DRAFTS)
            .find(Filters.and(Filters.eq("_id", draftId), Filters.eq("leadId", leadId)))
            .first();
    if (draft == null) {
      throw new ApiException(
          422,
          "invalid reply",
          List.of(new FieldError("draftId", "no draft of this lead has this id")));
    }
    String status = draft.getString("status");
    Document usedBy = draft.get(HeldDrafts.USED_BY, Document.class);
    if (HeldDrafts.HELD.equals(status)
        || (HeldDrafts.USED.equals(status)
            && usedBy != null
            && key.equals(usedBy.getString("key")))) {
      return;
    }
    Document why =
        HeldDrafts.SUPERSEDED.equals(status)
            ? draft.get(HeldDrafts.SUPERSEDED_BY, Document.class)
            : usedBy;
    String said =
        HeldDrafts.SUPERSEDED.equals(status)
            ? "superseded: "
                + (why == null ? "a person answered or the lead ended" : why.getString("why"))
                + (why != null && why.getString("by") != null
                    ? " (" + why.getString("by") + ")"
                    : "")
                + (why != null && why.getDate("at") != null
                    ? " at " + why.getDate("at").toInstant()
                    : "")
                + "; read the conversation and write again"
            : HeldDrafts.USED.equals(status)
                ? "sent already"
                    + (usedBy != null && usedBy.getString("by") != null
                        ? " by " + usedBy.getString("by")
                        : "")
                : "not held for a person (" + status + ")";
    ApiException refused =
        new ApiException(
                409,
                "the draft is no longer waiting to be sent",
                List.of(new FieldError("draftId", said)))
            .with("draftStatus", status);
    if (HeldDrafts.SUPERSEDED.equals(status) && why != null) {
      refused.with(
          "supersededBy", why.getString("by") != null ? why.getString("by") : why.getString("why"));
    }
    throw refused;
  }
}

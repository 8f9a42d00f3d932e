package com.salesagent.api.webhook;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.Phones;
import com.salesagent.activities.logging.LogContext;
import com.salesagent.activities.mongo.Interactions;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Messages;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.persona.PersonaBuilder;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.activities.triage.Triage;
import com.salesagent.activities.variants.Interest;
import com.salesagent.activities.variants.WordingStats;
import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.LeadReopening;
import com.salesagent.workflows.lead.Stage;
import com.salesagent.workflows.media.InboundMedia;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message from a lead (text, button, reaction, media). The sender is matched by the wa_id
 * WhatsApp gives, against the enrolled numbers and every wa_id our sends were answered with. A
 * STOP-style text is an opt-out whatever else it says (even from a number we never enrolled: it is
 * suppressed all the same); anything else is triaged, stored as feedback and signalled.
 */
final class MessageProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(MessageProcessor.class);

  private final LeadStore store;
  private final Interest interest;
  private final com.salesagent.activities.notify.Notifications notifications;
  private final LeadSignaller signaller;
  private final OptOuts optOuts;
  private final ReplyClassifier classifier;
  private final Clock clock;
  private final PersonaBuilder personas;
  private final String primaryId;
  private final ToldOfMessages told;
  private Duration notNowSnooze = Triage.DEFAULT_NOT_NOW_SNOOZE;

  MessageProcessor(
      LeadStore store,
      LeadSignaller signaller,
      OptOuts optOuts,
      ReplyClassifier classifier,
      Clock clock,
      PersonaBuilder personas,
      String primaryId) {
    this.primaryId = primaryId;
    this.store = store;
    this.interest = new Interest(store.database());
    this.notifications =
        new com.salesagent.activities.notify.Notifications(store.database(), clock);
    this.signaller = signaller;
    this.optOuts = optOuts;
    this.classifier = classifier;
    this.clock = clock;
    this.personas = personas;
    this.told = new ToldOfMessages(store, signaller, notifications, clock);
  }

  /**
   * Whether voice notes are transcribed (a transcribing provider is configured): their leads'
   * workflows then wait for the transcript's triage instead of taking the voice note as a reply a
   * person reads.
   */
  private volatile boolean voiceNotesTranscribed;

  /** How long a "not now" that names no date snoozes its lead (NOT_NOW_SNOOZE; zero: not). */
  MessageProcessor snoozingUndatedNotNow(Duration snooze) {
    this.notNowSnooze = snooze;
    return this;
  }

  MessageProcessor transcribingVoiceNotes(boolean transcribed) {
    this.voiceNotesTranscribed = transcribed;
    return this;
  }

  String process(InboxEvent event) {
    Document item = event.item();
    String waId = item.getString("from");
    Instant at = event.at("timestamp");
    String type = item.getString("type");
    String text = InboundItem.textOf(item);
    String contextWamid = InboundItem.answers(item);
    if (InboundItem.saysStop(item)) {
      return optOuts.optOut(
          event,
          waId,
          Suppressions.KEYWORD,
          at,
          new OptOuts.Reply(item.getString("id"), contextWamid, text));
    }
    List<Document> contacts =
        conversation(
            onNumber(
                store.byWhatsAppId().contactsByWhatsAppId(waId),
                item.getString(MetaNotification.BUSINESS_NUMBER)),
            contextWamid,
            at);
    if (contacts.isEmpty()) {
      LOG.info("message from unknown sender {}", Phones.mask("+" + waId));
      return "unknown_sender";
    }
    Document media = InboundItem.media(item, type);
    // A shared location or contact card (a referral: "talk to Marcos") is kept as what it says;
    // triaged as before (on its text: none), so a place or a person named "Stop" is no opt-out.
    String said = text != null ? text : InboundItem.shared(item);
    Triage triage = triage(event, text, at, media);
    // A voice note that will be transcribed: the lead's workflow waits for what it says.
    boolean awaitsTranscript =
        voiceNotesTranscribed
            && media != null
            && "audio".equals(type)
            && NEEDS_REVIEW.equals(triage.intent());
    if (!event.effectsApplied()) {
      for (Document contact : contacts) {
        record(
            contact,
            answeredVariant(contact, contextWamid, at),
            item,
            type,
            said,
            contextWamid,
            triage,
            at,
            media,
            awaitsTranscript);
      }
      event.markApplied().run();
    }
    if (media != null) {
      // After the feedback exists (the download records on it); a replay starts nothing new.
      signaller.downloadMedia(
          new InboundMedia(
              item.getString("id"),
              media.getString("mediaId"),
              type,
              media.getString("declaredType"),
              media.getString("declaredSha256"),
              item.getString(MetaNotification.BUSINESS_NUMBER)));
    }
    if ("reaction".equals(type) && contextWamid != null) {
      told.readByReaction(contextWamid);
    }
    String outcome = LeadSignaller.SIGNALLED;
    // Thanks, bye or ok alone: a live run is told it as before (Triage.toldToTheRun), but for a
    // snoozed one (below); an ended lead is not reopened for it, and nobody is given it to answer,
    // unless it never answered the sequence (no_response): its "ok" or 👍 is its first word to us,
    // which a person reads. The signal says it is a closing, so a run that is ending as it lands
    // does not reopen for it either (RunEnds.CLOSING_AFTER_END).
    boolean closing = Triage.CLOSING.equals(triage.intent());
    for (Document contact : contacts) {
      boolean quiet = closing && !Stage.NO_RESPONSE.key().equals(contact.getString("stage"));
      InboundMessageSignal signal =
          new InboundMessageSignal(
              item.getString("id"),
              contextWamid,
              type,
              at,
              awaitsTranscript
                  ? InboundMessageSignal.AWAITING_TRANSCRIPT
                  : Triage.toldToTheRun(triage.intent()),
              snoozeUntil(triage, contact.getString("timezone"), at),
              closing);
      if (closing && snoozing(contact, item.getString("id"), at)) {
        // "Ok, thanks" after "not now, talk in 30 days": nothing for the run to act on, and told
        // as other it would end the snooze (a reply for a person, or the lead's end with none).
        // Stored and shown as any message, its owner told as of any; the snooze goes on.
        told.ownerOfSnoozedLead(contact, item.getString("id"), signal.snoozeUntil());
        outcome = SNOOZE_KEPT;
        continue;
      }
      outcome =
          quiet
              ? signaller.inbound(contact.getString("leadId"), signal)
              : signaller.inbound(
                  contact.getString("leadId"), contact.getString("campaignId"), signal);
      if (LeadSignaller.CLOSED.equals(outcome) && signal.endsSequence()) {
        told.afterEnd(contact, item.getString("id"), triage.intent(), at);
      } else if (signal.endsSequence()) {
        told.ownerOfSnoozedLead(contact, item.getString("id"), signal.snoozeUntil());
      }
    }
    return outcome;
  }

  /**
   * With several business numbers, a reply belongs to the leads whose conversation is on the number
   * it was written to (a contact pinned to it, or, for a contact not pinned yet, the configured
   * number). When none is (the person wrote to another of our numbers), every lead of the person
   * gets it, as with one number.
   */
  private List<Document> onNumber(List<Document> contacts, String number) {
    if (number == null || contacts.size() < 1) {
      return contacts;
    }
    List<Document> on =
        contacts.stream()
            .filter(
                c ->
                    number.equals(c.getString("senderId"))
                        || (c.getString("senderId") == null && number.equals(primaryId)))
            .toList();
    return on.isEmpty() ? contacts : on;
  }

  /**
   * One person with several leads on one number (enrolled in several campaigns) has one WhatsApp
   * conversation, so a reply answers one lead's message ({@link #answered}). A lead sent nothing
   * before the reply gets nothing (its variant would count a reply it never earned). When none was
   * sent anything (the person wrote first), every lead gets it, as before.
   */
  private List<Document> conversation(List<Document> contacts, String contextWamid, Instant at) {
    if (contacts.size() < 2) {
      return contacts;
    }
    Map<String, Document> byLead = new LinkedHashMap<>();
    contacts.forEach(c -> byLead.put(c.getString("leadId"), c));
    Document message = answered(store.messages().sentMessagesOf(byLead.keySet()), contextWamid, at);
    String chosen = message == null ? null : message.getString("leadId");
    return chosen == null || !byLead.containsKey(chosen) ? contacts : List.of(byLead.get(chosen));
  }

  /** {@link AnsweredMessage#among}. */
  static Document answered(List<Document> sent, String contextWamid, Instant at) {
    return AnsweredMessage.among(sent, contextWamid, at);
  }

  /**
   * A replay (effects applied, the signal not yet sent) reuses the stored reading: the model is not
   * asked twice and the signal says what the feedback says.
   */
  private Triage triage(InboxEvent event, String text, Instant at, Document media) {
    String messageId = event.item().getString("id");
    Document stored =
        event.effectsApplied()
            ? store.feedback().find(Filters.eq("messageId", messageId)).first()
            : null;
    if (stored != null && stored.getString("intent") != null) {
      return new Triage(
          stored.getString("intent"),
          stored.getString("objection"),
          stored.getString("sentiment"),
          stored.getList("keywords", String.class, List.of()),
          stored.getString("notBefore") == null
              ? null
              : LocalDate.parse(stored.getString("notBefore")),
          stored.getString("classifier"));
    }
    if (media != null && (text == null || text.isBlank())) {
      // A voice note, or media without a caption: nothing to read offline. A person listens or
      // looks (the dashboard plays and shows it); never dropped, never guessed.
      return new Triage(NEEDS_REVIEW, null, "neutral", List.of(), null, "media");
    }
    return classifier.classify(text, false, at.atZone(ZoneOffset.UTC).toLocalDate());
  }

  /** The intent of a reply that only a person can read yet (a voice note offline). */
  static final String NEEDS_REVIEW = Triage.NEEDS_REVIEW;

  /**
   * The event's outcome for a closing from a snoozed lead: stored, not told to its run (told as
   * other, it would end the snooze).
   */
  static final String SNOOZE_KEPT = "snooze_kept";

  /**
   * The variant whose message the reply answers: the quoted message's, else the lead's last one
   * sent before the reply was written; the contact's only when none names one. The contact's may
   * have changed since (an operator switched its variant off before its next message went): the
   * reply is the old variant's to count, not the one that sent nothing. A lead the kill switch
   * moved after its reply or conversion stays the old variant's evidence ({@link
   * com.salesagent.activities.variants.Switched#EVIDENCE}): its later replies (its interest) are
   * that variant's, whichever variant's message they answer.
   */
  private String answeredVariant(Document contact, String contextWamid, Instant at) {
    String evidence = contact.getString(com.salesagent.activities.variants.Switched.EVIDENCE);
    if (evidence != null) {
      return evidence;
    }
    List<Document> bySequence =
        store.messages().sentMessagesOf(List.of(contact.getString("leadId"))).stream()
            .filter(m -> m.getString("variantId") != null) // not an owner's message
            .toList();
    Document message = answered(bySequence, contextWamid, at);
    return message != null ? message.getString("variantId") : contact.getString("variantId");
  }

  private void record(
      Document contact,
      String variantId,
      Document item,
      String type,
      String text,
      String contextWamid,
      Triage triage,
      Instant at,
      Document media,
      boolean awaitsTranscript) {
    String leadId = contact.getString("leadId");
    LogContext.lead(leadId);
    boolean reaction = "reaction".equals(type);
    if (!reaction) {
      // The bandit's rewards: a lead's first reply, and its first reply with interest (a polite no
      // is a reply, not interest), each marked on the contact atomically so a replay after a
      // partial failure never counts it twice.
      interest.countReply(
          leadId,
          variantId,
          // The segment the lead was in when it wrote, as the recount counts the reply.
          com.salesagent.activities.variants.SegmentMoves.of(contact, at),
          triage.intent(),
          at,
          contact);
    } else {
      // A reaction to our message proves it was read (and delivered): the funnel counts the lead
      // there when no read receipt said so (read receipts off; it showed read below replies).
      interest.countReaction(leadId, at);
      if (contextWamid != null) {
        // The message reacted to was read: the workflow's look reads the earliest reaction as
        // its read when no receipt came (ReadReceipts); Meta's status fields stay Meta's.
        store
            .messages()
            .collection()
            .updateOne(
                Filters.eq("wamid", contextWamid), Updates.min(Messages.REACTED_AT, Date.from(at)));
      }
    }
    Document feedback =
        new Document("leadId", leadId)
            .append("messageId", item.getString("id"))
            // The variant the reply answered: its voice note's transcript counts interest for it.
            .append("variantId", variantId)
            .append("wamid", contextWamid)
            .append("type", type)
            .append("text", text)
            .append("intent", triage.intent())
            .append("objection", triage.objection())
            .append("sentiment", triage.sentiment())
            .append("keywords", triage.keywords())
            .append("notBefore", triage.notBefore() == null ? null : triage.notBefore().toString())
            .append("classifier", triage.classifier())
            .append("media", media)
            .append("receivedAt", Date.from(at))
            .append("storedAt", Date.from(clock.instant()));
    if (awaitsTranscript) {
      feedback.append("awaitsTranscript", true);
    }
    store.feedback().insertOne(feedback);
    if (!reaction) {
      personas.fromReply(
          contact,
          new PersonaBuilder.Reply(
              item.getString("id"),
              text,
              triage.intent(),
              triage.objection(),
              triage.sentiment(),
              triage.keywords(),
              at,
              type));
    }
    // A reply's event carries its intent: what the counters' recount reads interest from.
    store
        .interactions()
        .recordInteractions(
            List.of(
                WordingStats.withRevision(
                    Interest.tagged(
                        Interactions.interaction(
                            leadId,
                            contact.getString("campaignId"),
                            variantId,
                            reaction ? "reaction" : "replied",
                            contextWamid,
                            null,
                            at),
                        reaction ? null : triage.intent()),
                    contact)));
  }

  /** When a "not now" snoozes the lead ({@link Triage#snoozeUntil}). */
  /**
   * Whether the lead is snoozed, or about to be: its stage says so, or its latest reply before this
   * one that was not a closing snoozes it still. The run sets the stage once it has taken that
   * reply, so "not now, talk in 30 days" and "ok, thanks" a moment apart (two bubbles, often one
   * webhook) found the stage from before and the closing ended the snooze. A lead that ended for
   * good (converted, stopped, opted out, failed) is not snoozing: a "not now" reopens only a
   * replied, lost or no-response one.
   */
  private boolean snoozing(Document contact, String messageId, Instant at) {
    String stage = contact.getString("stage");
    if (Stage.SNOOZED.key().equals(stage)) {
      return true;
    }
    Stage known = Stage.of(stage);
    if (known != null && known.terminal() && !LeadReopening.REOPENABLE.contains(known)) {
      return false;
    }
    Document before =
        store
            .feedback()
            .find(
                Filters.and(
                    Filters.eq("leadId", contact.getString("leadId")),
                    Filters.ne("messageId", messageId),
                    Filters.ne("intent", Triage.CLOSING)))
            .sort(Sorts.descending("receivedAt", "storedAt"))
            .first();
    Date received = before == null ? null : before.getDate("receivedAt");
    if (received == null || received.toInstant().isAfter(at)) {
      return false;
    }
    String notBefore = before.getString("notBefore");
    Instant until =
        Triage.snoozeUntil(
            before.getString("intent"),
            notBefore == null ? null : LocalDate.parse(notBefore),
            contact.getString("timezone"),
            received.toInstant(),
            notNowSnooze);
    return until != null && until.isAfter(at);
  }

  private Instant snoozeUntil(Triage triage, String timezone, Instant at) {
    return Triage.snoozeUntil(triage.intent(), triage.notBefore(), timezone, at, notNowSnooze);
  }
}

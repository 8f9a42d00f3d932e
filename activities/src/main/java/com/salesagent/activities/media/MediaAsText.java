package com.salesagent.activities.media;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.Phones;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.Interactions;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.activities.triage.OptOutDetector;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.activities.triage.Triage;
import com.salesagent.activities.variants.Interest;
import com.salesagent.activities.variants.Switched;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.activities.whatsapp.CloudMedia;
import com.salesagent.workflows.media.InboundMedia;
import com.salesagent.workflows.media.StoredMedia;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lead's stored voice note or image as text (a transcript, a description) and the reply triaged
 * again from it, for {@link InboundMediaActivitiesImpl}.
 */
final class MediaAsText {
  private static final Logger LOG = LoggerFactory.getLogger(MediaAsText.class);

  private final LeadStore store;
  private final ObjectStorage storage;
  private final Suppressions suppressions;
  private final Interest interest;
  private final Clock clock;

  MediaAsText(LeadStore store, ObjectStorage storage, Clock clock) {
    this.store = store;
    this.storage = storage;
    this.suppressions = new Suppressions(store.database());
    this.interest = new Interest(store.database());
    this.funnel = new FunnelStats(store.database());
    this.stats = new VariantStats(store.database());
    this.clock = clock;
  }

  private final FunnelStats funnel;
  private final VariantStats stats;

  /**
   * The stored media as text through {@code reader}, recorded on the message's feedback as {@code
   * media.<field>}, which is triaged again from it (a spoken or written "stop" suppresses the
   * number), with one {@code <event>} interaction per lead carrying the new intent and the variant
   * the reply answered; interest in the words is the lead's interest ({@link Interest}) if it is
   * its first. Once: a retry finds the field set.
   */
  String read(
      InboundMedia media,
      StoredMedia stored,
      Transcriber reader,
      ReplyClassifier classifier,
      String field,
      String event) {
    if (reader == null || stored == null || !StoredMedia.STORED.equals(stored.status())) {
      return null;
    }
    String prefix = "s3://" + storage.bucket() + "/";
    if (stored.url() == null || !stored.url().startsWith(prefix)) {
      return null;
    }
    String text;
    try {
      text =
          reader.transcribe(
              storage.get(stored.url().substring(prefix.length())), stored.contentType());
    } catch (CloudMedia.Unavailable e) {
      throw ApplicationFailure.newFailure(e.getMessage(), "TranscriptionUnavailable");
    } catch (CloudMedia.Refused e) {
      store
          .feedback()
          .updateMany(
              Filters.eq("messageId", media.messageId()),
              Updates.set("media." + field + "Error", e.getMessage()));
      return null;
    }
    Instant now = clock.instant();
    boolean stop = OptOutDetector.isOptOut(text);
    Triage triage =
        text.isBlank()
            ? new Triage("needs_review", null, "neutral", List.of(), null, "media")
            : classifier.classify(text, stop, now.atZone(ZoneOffset.UTC).toLocalDate());
    List<Document> feedbacks = feedbackOf(media);
    if (stop) {
      suppressSpokenStop(media, feedbacks, now);
    }
    List<Document> events = new ArrayList<>();
    for (Document feedback : feedbacks) {
      boolean first =
          store
                  .feedback()
                  .updateOne(
                      Filters.and(
                          Filters.eq("_id", feedback.get("_id")),
                          Filters.exists("media." + field, false)),
                      Updates.combine(
                          Updates.set("media." + field, text),
                          Updates.set("media." + event + "By", reader.label()),
                          Updates.set("text", text),
                          Updates.set("intent", triage.intent()),
                          Updates.set("objection", triage.objection()),
                          Updates.set("sentiment", triage.sentiment()),
                          Updates.set("keywords", triage.keywords()),
                          Updates.set(
                              "notBefore",
                              triage.notBefore() == null ? null : triage.notBefore().toString()),
                          Updates.set("classifier", triage.classifier()),
                          Updates.set("triagedFrom", field)))
                  .getModifiedCount()
              == 1;
      if (first) {
        String leadId = feedback.getString("leadId");
        // The variant the reply answered (on the feedback since replies named it).
        String variant = feedback.getString("variantId");
        if (Interest.INTERESTED.equals(triage.intent())) {
          // The words show interest: the lead's first interest, unless a reply showed it before.
          Document contact = store.contact(leadId);
          if (variant == null && contact != null) {
            variant = Switched.evidenceVariant(contact);
          }
          interest.count(
              leadId,
              variant,
              contact == null ? null : contact.getString("segment"),
              triage.intent(),
              now);
        }
        events.add(
            Interest.tagged(
                Interactions.interaction(
                    leadId,
                    null,
                    variant,
                    event,
                    media.messageId(),
                    reader.label() + ": " + triage.intent(),
                    now),
                triage.intent()));
      }
    }
    store.interactions().recordInteractions(events);
    return text;
  }

  private void suppressSpokenStop(InboundMedia media, List<Document> feedbacks, Instant now) {
    List<String> leadIds = new ArrayList<>();
    List<String> numbers = new ArrayList<>();
    List<Document> stopped = new ArrayList<>();
    for (Document feedback : feedbacks) {
      Document contact = store.contact(feedback.getString("leadId"));
      if (contact != null) {
        leadIds.add(contact.getString("leadId"));
        stopped.add(contact);
        LeadStore.numbersOf(contact).stream()
            .filter(n -> !numbers.contains(n))
            .forEach(numbers::add);
      }
    }
    if (!numbers.isEmpty()) {
      suppressions.suppress(numbers, Suppressions.KEYWORD, now, "voice note " + media.messageId());
    }
    store.markDoNotContact(leadIds, Suppressions.KEYWORD, now);
    // Counted as a written STOP is (webhook OptOuts): the campaign's funnel and the variant whose
    // message the lead answered, once per lead (a retried transcription, or a STOP also written,
    // finds the funnel's mark and counts nothing).
    for (Document contact : stopped) {
      if (!LeadStore.erasing(contact)
          && funnel.reach(contact.getString("leadId"), "opted_out", now)) {
        stats.increment(
            contact.getString("variantId"), contact.getString("segment"), "opted_out", now);
      }
    }
    LOG.info(
        "voice note of message {} says stop: {} lead(s) suppressed",
        Phones.wamid(media.messageId()),
        leadIds.size());
  }

  private List<Document> feedbackOf(InboundMedia media) {
    return store
        .feedback()
        .find(Filters.eq("messageId", media.messageId()))
        .into(new ArrayList<>());
  }
}

package com.salesagent.activities.media;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.Phones;
import com.salesagent.activities.lead.KeepAlive;
import com.salesagent.activities.mongo.Interactions;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.activities.whatsapp.CloudMedia;
import com.salesagent.activities.whatsapp.SenderClients;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.workflows.media.InboundMedia;
import com.salesagent.workflows.media.InboundMediaActivities;
import com.salesagent.workflows.media.StoredMedia;
import io.temporal.failure.ApplicationFailure;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lead's image, voice note, video, document or sticker, from the Cloud API into S3: the media's
 * URL asked for afresh on every attempt (it lives five minutes), the download capped at the kind's
 * limit, the checksum Meta declared checked, the type sniffed from the bytes and refused when
 * WhatsApp would not send such a thing, the object stored under its content address ({@code
 * media/inbound/<sha256>.<ext>}: a duplicate webhook or a retry finds it and stores nothing again).
 * The message's feedback documents get {@code media} (status, media_url, type, size, checksum) and
 * each lead's interaction history a {@code media_received} event with its {@code media_url}, once:
 * the event is written by the attempt whose update moved the feedback to "stored".
 */
public class InboundMediaActivitiesImpl implements InboundMediaActivities {
  private static final Logger LOG = LoggerFactory.getLogger(InboundMediaActivitiesImpl.class);
  static final String PREFIX = "media/inbound/";

  private final LeadStore store;
  private final ObjectStorage storage;
  private final SenderClients clients;
  private final Senders senders;
  private final MediaAsText asText;
  private final Clock clock;

  private volatile Transcriber transcriber;
  private volatile Transcriber describer;
  private volatile ReplyClassifier classifier = ReplyClassifier.LEXICON;

  private java.time.Duration notNowSnooze =
      com.salesagent.activities.triage.Triage.DEFAULT_NOT_NOW_SNOOZE;

  public InboundMediaActivitiesImpl(
      LeadStore store, ObjectStorage storage, SenderClients clients, Clock clock) {
    this.store = store;
    this.storage = storage;
    this.clients = clients;
    this.senders = new Senders(store.database());
    this.asText = new MediaAsText(store, storage, clock);
    this.clock = clock;
  }

  /**
   * Voice notes transcribed by {@code transcriber} (null: none) and triaged by {@code classifier}.
   */
  public InboundMediaActivitiesImpl withTranscription(
      Transcriber transcriber, ReplyClassifier classifier) {
    this.transcriber = transcriber;
    this.classifier = classifier;
    return this;
  }

  /** How long a spoken "not now" that names no date snoozes its lead (NOT_NOW_SNOOZE). */
  public InboundMediaActivitiesImpl withUndatedNotNowSnooze(java.time.Duration snooze) {
    this.notNowSnooze = snooze;
    return this;
  }

  /** The vision model that describes images sent without a caption ({@link ImageDescriber}). */
  public InboundMediaActivitiesImpl withImageDescriptions(Transcriber describer) {
    this.describer = describer;
    return this;
  }

  @Override
  public java.util.List<com.salesagent.workflows.media.LeadReply> replies(InboundMedia media) {
    java.util.List<com.salesagent.workflows.media.LeadReply> out = new java.util.ArrayList<>();
    for (org.bson.Document f :
        store
            .feedback()
            .find(
                com.mongodb.client.model.Filters.and(
                    com.mongodb.client.model.Filters.eq("messageId", media.messageId()),
                    com.mongodb.client.model.Filters.eq("awaitsTranscript", true)))) {
      String leadId = f.getString("leadId");
      org.bson.Document contact = store.contact(leadId);
      // A spoken closing is told to the run as before (other), with a snoozed lead's own date, and
      // as a closing, so a run that is ending does not reopen for it.
      String intent =
          f.getString("intent") == null
              ? "needs_review"
              : com.salesagent.activities.triage.Triage.toldToTheRun(f.getString("intent"));
      java.time.LocalDate notBefore =
          f.getString("notBefore") == null
              ? null
              : java.time.LocalDate.parse(f.getString("notBefore"));
      java.util.Date received = f.getDate("receivedAt");
      java.time.Instant at = received == null ? clock.instant() : received.toInstant();
      java.time.Instant snoozeUntil =
          com.salesagent.activities.triage.Triage.CLOSING.equals(f.getString("intent"))
              ? snoozeKept(contact, at)
              : com.salesagent.activities.triage.Triage.snoozeUntil(
                  intent,
                  notBefore,
                  contact == null ? null : contact.getString("timezone"),
                  at,
                  notNowSnooze);
      out.add(
          new com.salesagent.workflows.media.LeadReply(
              leadId,
              new com.salesagent.workflows.lead.InboundMessageSignal(
                  media.messageId(),
                  f.getString("wamid"),
                  f.getString("type"),
                  at,
                  intent,
                  snoozeUntil,
                  com.salesagent.activities.triage.Triage.CLOSING.equals(f.getString("intent")))));
    }
    return out;
  }

  /**
   * A spoken "ok, thanks" from a snoozed lead ("not now, talk in 30 days"): its run waits for the
   * transcript, and told it as other alone it would end the snooze (a reply for a person, or the
   * lead's end with nobody to take it), as a written one would (the webhook tells a snoozed run no
   * written closing). Told with the snooze's own date, the run takes the transcript and sleeps on
   * until then. Null for any other lead: a closing snoozes nothing.
   */
  static java.time.Instant snoozeKept(org.bson.Document contact, java.time.Instant at) {
    java.util.Date until = contact == null ? null : contact.getDate("nextActionAt");
    return contact != null
            && "snoozed".equals(contact.getString("stage"))
            && until != null
            && until.toInstant().isAfter(at)
        ? until.toInstant()
        : null;
  }

  @Override
  public String transcribe(InboundMedia media, StoredMedia stored) {
    if (!"audio".equals(media.kind())) {
      return null;
    }
    try (KeepAlive alive = KeepAlive.start()) {
      return asText.read(media, stored, transcriber, classifier, "transcript", "transcribed");
    }
  }

  /**
   * An image without a caption, described by the configured vision model and triaged from the
   * description; an image with a caption was triaged from its caption already.
   */
  @Override
  public String describe(InboundMedia media, StoredMedia stored) {
    if (!"image".equals(media.kind())
        || feedbackOf(media).stream()
            .anyMatch(f -> f.getString("text") != null && !f.getString("text").isBlank())) {
      return null;
    }
    try (KeepAlive alive = KeepAlive.start()) {
      return asText.read(media, stored, describer, classifier, "description", "described");
    }
  }

  /**
   * Heartbeats throughout (KeepAlive), as transcribe and describe do: the workflow gives these a 20
   * s heartbeat timeout, so a worker that dies mid-download or mid-transcription is noticed in 20
   * s, not at the 3-minute start-to-close timeout, while a voice note's lead waits for it.
   */
  @Override
  public StoredMedia store(InboundMedia media) {
    try (KeepAlive alive = KeepAlive.start()) {
      return download(media);
    }
  }

  private StoredMedia download(InboundMedia media) {
    if (!MediaTypes.isMedia(media.kind())) {
      throw refused("not a media message: " + media.kind());
    }
    long limit = MediaTypes.limit(media.kind());
    CloudMedia cloud = cloud(media.businessNumber());
    byte[] bytes;
    CloudMedia.Info info;
    try {
      info = cloud.info(media.mediaId());
      if (info.fileSize() > limit) {
        throw refused(
            media.kind() + " of " + info.fileSize() + " bytes, over the limit of " + limit);
      }
      bytes = cloud.download(info.url(), limit);
    } catch (CloudMedia.Refused e) {
      throw refused(e.getMessage());
    } catch (CloudMedia.Unavailable e) {
      throw ApplicationFailure.newFailure(e.getMessage(), "MediaUnavailable");
    }
    String sha256 = sha256(bytes);
    String declared = firstNonBlank(info.sha256(), media.declaredSha256());
    if (declared != null && !matches(declared, bytes, sha256)) {
      // A download cut short or altered: the next attempt fetches it again.
      throw ApplicationFailure.newFailure(
          "checksum of the download differs from the one Meta declared", "MediaChecksum");
    }
    String type = MediaTypes.sniff(bytes);
    if (!MediaTypes.accepted(media.kind(), type)) {
      throw refused(media.kind() + " whose bytes are " + type);
    }
    String key = PREFIX + sha256 + MediaTypes.extension(type);
    if (!storage.exists(key)) {
      storage.put(key, bytes, type);
    }
    StoredMedia stored =
        new StoredMedia(
            StoredMedia.STORED,
            "s3://" + storage.bucket() + "/" + key,
            type,
            bytes.length,
            sha256,
            null);
    record(media, stored);
    LOG.info(
        "stored inbound {} of message {}: {} bytes of {}",
        media.kind(),
        Phones.wamid(media.messageId()),
        bytes.length,
        type);
    return stored;
  }

  /**
   * A spoken "stop" is an opt-out like a written one: every number of the leads it came from is
   * suppressed (checked right before each send, for every lead on those numbers) and the leads are
   * marked do-not-contact.
   */
  @Override
  public void markFailed(InboundMedia media, String status, String reason) {
    Instant now = clock.instant();
    for (Document feedback : feedbackOf(media)) {
      boolean changed =
          store
                  .feedback()
                  .updateOne(
                      Filters.and(
                          Filters.eq("_id", feedback.get("_id")),
                          Filters.nin("media.status", StoredMedia.STORED, status)),
                      Updates.combine(
                          Updates.set("media.status", status),
                          Updates.set("media.reason", reason),
                          Updates.set("media.at", Date.from(now))))
                  .getModifiedCount()
              == 1;
      if (changed) {
        store
            .interactions()
            .recordInteractions(
                List.of(
                    Interactions.interaction(
                        feedback.getString("leadId"),
                        null,
                        null,
                        "media_" + status,
                        media.messageId(),
                        media.kind() + ": " + reason,
                        now)));
      }
    }
    LOG.warn(
        "inbound {} of message {} {}: {}",
        media.kind(),
        Phones.wamid(media.messageId()),
        status,
        reason);
  }

  private void record(InboundMedia media, StoredMedia stored) {
    Instant now = clock.instant();
    List<Document> events = new ArrayList<>();
    for (Document feedback : feedbackOf(media)) {
      Bson update =
          Updates.combine(
              Updates.set("media.status", StoredMedia.STORED),
              Updates.set("media.url", stored.url()),
              Updates.set("media.contentType", stored.contentType()),
              Updates.set("media.size", stored.size()),
              Updates.set("media.sha256", stored.sha256()),
              Updates.unset("media.reason"),
              Updates.set("media.at", Date.from(now)));
      boolean changed =
          store
                  .feedback()
                  .updateOne(
                      Filters.and(
                          Filters.eq("_id", feedback.get("_id")),
                          Filters.ne("media.status", StoredMedia.STORED)),
                      update)
                  .getModifiedCount()
              == 1;
      if (changed) {
        events.add(
            Interactions.interaction(
                    feedback.getString("leadId"),
                    null,
                    null,
                    "media_received",
                    media.messageId(),
                    media.kind(),
                    now)
                .append("media_url", stored.url())
                .append("contentType", stored.contentType())
                .append("size", stored.size())
                .append("sha256", stored.sha256()));
      }
    }
    store.interactions().recordInteractions(events);
  }

  private List<Document> feedbackOf(InboundMedia media) {
    return store
        .feedback()
        .find(Filters.eq("messageId", media.messageId()))
        .into(new ArrayList<>());
  }

  private CloudMedia cloud(String number) {
    String id = number == null ? clients.primaryId() : number;
    Document sender = senders.get(id);
    WhatsAppClient client =
        clients.client(id, sender == null ? null : sender.getString("tokenRef"));
    if (client == null && !id.equals(clients.primaryId())) {
      // A number this process has no token for: the configured one, if Meta lets it read.
      client = clients.client(clients.primaryId(), null);
    }
    if (client == null) {
      throw ApplicationFailure.newFailure(
          "no access token for number " + id + " in this worker", "MediaNoToken");
    }
    return client.media();
  }

  /**
   * Meta names the checksum in hex or in base64 depending on the payload: either matches. A value
   * that is neither (32 bytes in some encoding we do not know) is not held against the download.
   */
  static boolean matches(String declared, byte[] bytes, String hex) {
    String d = declared.trim();
    byte[] expected = decode(d);
    if (expected == null) {
      return true;
    }
    return java.util.Arrays.equals(expected, HexFormat.of().parseHex(hex));
  }

  private static byte[] decode(String d) {
    if (d.matches("[0-9a-fA-F]{64}")) {
      return HexFormat.of().parseHex(d);
    }
    for (Base64.Decoder decoder : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
      try {
        byte[] b = decoder.decode(d);
        if (b.length == 32) {
          return b;
        }
      } catch (IllegalArgumentException e) {
        // not this alphabet
      }
    }
    return null;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          .toLowerCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String firstNonBlank(String a, String b) {
    return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
  }

  private static ApplicationFailure refused(String reason) {
    return ApplicationFailure.newNonRetryableFailure(reason, REFUSED);
  }
}

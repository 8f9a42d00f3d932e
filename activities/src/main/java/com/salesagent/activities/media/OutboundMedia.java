package com.salesagent.activities.media;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.activities.whatsapp.CloudMedia;
import com.salesagent.activities.whatsapp.WhatsAppLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * The media messages carry: made here (image cards), kept in S3 under their checksum ({@code
 * media/outbound/<sha256>.<ext>}), and uploaded to a business number's Cloud API media store when a
 * send needs them, no bucket made public. Meta keeps an uploaded media id for 30 days: the id is
 * remembered per number and checksum ({@code media_uploads}) and reused for 29, so a campaign's
 * thousand identical cards upload once.
 */
public final class OutboundMedia {
  public static final String UPLOADS = "media_uploads";
  static final String PREFIX = "media/outbound/";
  static final Duration REUSE = Duration.ofDays(29);

  private final ObjectStorage storage;
  private final MongoCollection<Document> uploads;

  public OutboundMedia(ObjectStorage storage, MongoDatabase db) {
    this.storage = storage;
    this.uploads = db.getCollection(UPLOADS);
  }

  private volatile GeneratedBackgrounds backgrounds;

  /** Card backgrounds from an image-generation model, when one is configured. */
  public OutboundMedia withBackgrounds(GeneratedBackgrounds backgrounds) {
    this.backgrounds = backgrounds;
    return this;
  }

  private volatile Duration linkTtl;

  /**
   * Media goes to Meta as presigned S3 links valid for {@code ttl} (a fresh one for every send
   * attempt, never stored) instead of being uploaded to the number's media store.
   */
  public OutboundMedia withLinks(Duration ttl) {
    this.linkTtl = ttl;
    return this;
  }

  /** Whether a media reference from {@link #forSend} is a link rather than a media id. */
  public static boolean isLink(String ref) {
    return ref != null && (ref.startsWith("https://") || ref.startsWith("http://"));
  }

  /** Renders the card, stores it once, and answers the message's {@code media} document. */
  public Document card(CardRenderer.Card card) {
    GeneratedBackgrounds generated = backgrounds;
    GeneratedBackgrounds.Stored background =
        generated == null ? null : generated.background(card.offer()).orElse(null);
    byte[] png =
        background == null
            ? CardRenderer.render(card)
            : CardRenderer.render(card, background.image());
    String sha256 = InboundMediaActivitiesImpl.sha256(png);
    String key = PREFIX + sha256 + ".png";
    if (!storage.exists(key)) {
      storage.put(key, png, CardRenderer.CONTENT_TYPE);
    }
    return new Document("kind", "image")
        .append("url", "s3://" + storage.bucket() + "/" + key)
        .append("contentType", CardRenderer.CONTENT_TYPE)
        .append("size", png.length)
        .append("sha256", sha256)
        .append(
            "madeBy",
            background == null
                ? CardRenderer.MADE_BY
                : CardRenderer.MADE_BY + " on " + generated.label())
        .append("background", background == null ? null : background.key());
  }

  /**
   * The media id of the message's voice note when it goes as one (free text inside the 24 h window;
   * never with a template), or of its image card when it goes with this send: as the header of a
   * template approved with an image header, or as an image whose caption is the text (at most 1,024
   * characters, Meta's caption limit, counted in code points as {@link WhatsAppLimits} counts an
   * approval's edit; a longer text goes alone). Null otherwise.
   */
  public String forSend(
      Document message,
      boolean template,
      String text,
      String phoneNumberId,
      CloudMedia cloud,
      Instant now) {
    Document card = message.get("media", Document.class);
    if (card != null && "audio".equals(card.getString("kind"))) {
      // A voice note goes only inside the window: Meta has no audio template header.
      return template ? null : mediaId(phoneNumberId, cloud, card, now);
    }
    if (card == null || !"image".equals(card.getString("kind"))) {
      return null;
    }
    Document approved = message.get("template", Document.class);
    boolean attach =
        template
            ? approved != null && "image".equals(approved.getString("header"))
            : text != null && WhatsAppLimits.fits(text, WhatsAppLimits.CAPTION);
    return attach ? mediaId(phoneNumberId, cloud, card, now) : null;
  }

  /**
   * The Cloud API media id of {@code media} on this number: the remembered one while Meta still
   * keeps it, else the object uploaded from S3 now; with {@link #withLinks}, a presigned link.
   * Throws {@link CloudMedia.Unavailable} when the upload could not be made (nothing was sent: the
   * send may be retried).
   */
  public String mediaId(String phoneNumberId, CloudMedia cloud, Document media, Instant now) {
    Duration ttl = linkTtl;
    if (ttl != null) {
      String url = media.getString("url");
      String prefix = "s3://" + storage.bucket() + "/";
      if (url == null || !url.startsWith(prefix)) {
        throw new CloudMedia.Refused("media not in this bucket: " + url);
      }
      return storage.presignGet(url.substring(prefix.length()), ttl);
    }
    String id = phoneNumberId + ":" + media.getString("sha256");
    Document known = uploads.find(Filters.eq("_id", id)).first();
    if (known != null
        && known.getDate("uploadedAt") != null
        && known.getDate("uploadedAt").toInstant().plus(REUSE).isAfter(now)) {
      return known.getString("mediaId");
    }
    String url = media.getString("url");
    String prefix = "s3://" + storage.bucket() + "/";
    if (url == null || !url.startsWith(prefix)) {
      throw new CloudMedia.Refused("media not in this bucket: " + url);
    }
    byte[] bytes = storage.get(url.substring(prefix.length()));
    String mediaId = cloud.upload(bytes, media.getString("contentType"));
    try {
      uploads.replaceOne(
          Filters.eq("_id", id),
          new Document("_id", id)
              .append("mediaId", mediaId)
              .append("uploadedAt", Date.from(now))
              .append("expireAt", Date.from(now.plus(Duration.ofDays(30)))),
          new ReplaceOptions().upsert(true));
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
        throw e;
      }
    }
    return mediaId;
  }
}

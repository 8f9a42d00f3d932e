package com.salesagent.api.webhook;

import com.salesagent.activities.media.MediaTypes;
import com.salesagent.activities.triage.OptOutDetector;
import org.bson.Document;

/**
 * What a lead's message says, read from Meta's webhook item: its text (a caption, a tapped button's
 * or list row's label, a reaction's emoji), what a tap carries, whether it says stop, the message
 * it answers, and the media it declares. Pure reading of the payload, no I/O: {@link
 * MessageProcessor} acts on it, and {@link WebhookInbox} asks {@link #saysStop} before queueing.
 */
final class InboundItem {
  private InboundItem() {}

  /**
   * The media of an image, voice note, video, document or sticker, as the webhook declared it (id,
   * type, checksum, caption; a voice note says so), with status "pending" until the download stored
   * it; null for other messages or a media id that is not one.
   */
  static Document media(Document item, String type) {
    if (!MediaTypes.isMedia(type)) {
      return null;
    }
    Document declared = item.get(type, Document.class);
    String id = declared == null ? null : declared.getString("id");
    if (id == null || !id.matches("[0-9A-Za-z_.-]{1,128}")) {
      return null;
    }
    return new Document("kind", type)
        .append("mediaId", id)
        .append("declaredType", cap(declared.getString("mime_type"), 200))
        .append("declaredSha256", cap(declared.getString("sha256"), 100))
        .append("caption", cap(declared.getString("caption"), 4096))
        .append("filename", cap(declared.getString("filename"), 255))
        .append("voice", Boolean.TRUE.equals(declared.get("voice")))
        .append("status", "pending");
  }

  private static String cap(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
  }

  /**
   * The message this one answers: its {@code context}, or for a reaction (Meta sends it without
   * one) the message it reacts to ({@code reaction.message_id}).
   */
  static String answers(Document item) {
    Document context = item.get("context", Document.class);
    if (context != null && context.getString("id") != null) {
      return context.getString("id");
    }
    Document reaction = item.get("reaction", Document.class);
    return reaction == null ? null : reaction.getString("message_id");
  }

  /**
   * A message that says stop: its text, or a tapped button's label or payload ({@link #tapped}).
   */
  static boolean saysStop(Document item) {
    return OptOutDetector.isOptOut(textOf(item)) || OptOutDetector.isOptOut(tapped(item));
  }

  /**
   * What a tapped button carries besides its label: a template quick reply's payload, an
   * interactive reply's button or list-row id ("STOP_PROMOTIONS", "OPT_OUT"); a label may be polite
   * where the payload says what the tap means. Null for anything else.
   */
  static String tapped(Document item) {
    Document button = item.get("button", Document.class);
    if (button != null) {
      return button.getString("payload");
    }
    Document reply = interactiveReply(item);
    return reply == null ? null : reply.getString("id");
  }

  /** An interactive message's reply: the button or the list row tapped. */
  private static Document interactiveReply(Document item) {
    Document interactive = item.get("interactive", Document.class);
    if (interactive == null) {
      return null;
    }
    Document button = interactive.get("button_reply", Document.class);
    return button != null ? button : interactive.get("list_reply", Document.class);
  }

  static String textOf(Document item) {
    Document text = item.get("text", Document.class);
    if (text != null) {
      return text.getString("body");
    }
    String type = item.getString("type");
    if (MediaTypes.isMedia(type) && item.get(type) instanceof Document media) {
      // An image's, video's or document's caption is the text of the reply.
      return media.getString("caption");
    }
    Document button = item.get("button", Document.class);
    if (button != null) {
      return button.getString("text");
    }
    Document reply = interactiveReply(item);
    if (reply != null) {
      return reply.getString("title");
    }
    Document reaction = item.get("reaction", Document.class);
    return reaction == null ? null : reaction.getString("emoji");
  }
}

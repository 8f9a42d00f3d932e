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

  /** At most {@code max} characters of a lead's text, counted in code points (never half one). */
  private static String cap(String value, int max) {
    return com.salesagent.api.http.ReadableText.cut(value, max);
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

  /** At most this many contact cards of one message are kept as text. */
  static final int MAX_CARDS = 10;

  /**
   * What a shared location or contact card says, as text: the place's name, address and
   * coordinates; each card's name, phone numbers and emails. Null for any other message. Found by
   * the QA walk: a lead that shared a colleague's card (a referral) or its office's location was
   * stored with no text, and the rep read "(contacts)" and "(location)": what the lead sent was
   * lost. Not read for a stop ({@link #saysStop}): a place or a person may be named "Stop".
   */
  static String shared(Document item) {
    String type = item.getString("type");
    if ("location".equals(type) && item.get("location") instanceof Document place) {
      java.util.List<String> parts = new java.util.ArrayList<>();
      addText(parts, place.get("name"));
      addText(parts, place.get("address"));
      Object lat = place.get("latitude");
      Object lon = place.get("longitude");
      if (lat instanceof Number && lon instanceof Number) {
        parts.add(lat + ", " + lon);
      }
      return parts.isEmpty() ? null : cap("Location: " + String.join(" · ", parts), 4096);
    }
    if ("contacts".equals(type) && item.get("contacts") instanceof java.util.List<?> cards) {
      java.util.List<String> said = new java.util.ArrayList<>();
      for (Object card : cards.subList(0, Math.min(cards.size(), MAX_CARDS))) {
        if (!(card instanceof Document c)) {
          continue;
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (c.get("name") instanceof Document name) {
          addText(parts, name.get("formatted_name"));
        }
        if (c.get("org") instanceof Document org) {
          addText(parts, org.get("company"));
        }
        for (String list : new String[] {"phones", "emails"}) {
          if (c.get(list) instanceof java.util.List<?> entries) {
            for (Object e : entries) {
              if (e instanceof Document d) {
                addText(parts, d.get("phones".equals(list) ? "phone" : "email"));
              }
            }
          }
        }
        if (!parts.isEmpty()) {
          said.add(String.join(" ", parts));
        }
      }
      return said.isEmpty() ? null : cap("Contact: " + String.join("; ", said), 4096);
    }
    return null;
  }

  private static void addText(java.util.List<String> parts, Object value) {
    if (value instanceof String s && !s.isBlank()) {
      parts.add(s.strip());
    }
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

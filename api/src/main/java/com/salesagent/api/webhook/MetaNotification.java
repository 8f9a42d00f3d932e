package com.salesagent.api.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.salesagent.activities.compose.LlmWriter;
import com.salesagent.activities.media.MediaTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * A verified notification in Meta's Cloud API format, parsed into inbox items. Every field the
 * processors read is checked for its shape here (ids and numbers as strings of the expected
 * characters, timestamps as digits, texts within WhatsApp's limits), so a hostile but signed
 * payload becomes a dead letter with its reason instead of an exception retried forever.
 */
public final class MetaNotification {
  /** One item of a notification, ready to store: its dedup key, kind and ordering partition. */
  public record Item(String eventKey, String kind, String partitionKey, Document payload) {}

  /** An item whose shape is wrong: kept as a dead letter with the reason. */
  public record Invalid(String eventKey, String kind, String reason, Document payload) {}

  /** What a notification holds: items to process, items to keep as dead letters, other numbers. */
  public record Parsed(List<Item> items, List<Invalid> invalid, int otherNumbers) {}

  public static final String STATUS = "status";
  public static final String MESSAGE = "message";
  public static final String PREFERENCE = "preference";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._=+/:-]{1,256}");
  private static final Pattern WA_ID = Pattern.compile("[0-9]{5,20}");
  private static final Pattern WORD = Pattern.compile("[a-z_]{1,32}");
  private static final Pattern EPOCH = Pattern.compile("[0-9]{1,12}");
  private static final Pattern MEDIA_ID = Pattern.compile("[0-9A-Za-z_.-]{1,128}");
  private static final int MAX_TEXT = 8192;

  private MetaNotification() {}

  /** The field of a message item naming the business number it was written to. */
  public static final String BUSINESS_NUMBER = "_phoneNumberId";

  public static Parsed parse(JsonNode root, String phoneNumberId) {
    return parse(root, phoneNumberId::equals);
  }

  /**
   * {@code served}: whether a phone-number id is one of ours (the sender pool); changes of other
   * numbers are counted and left out. A message item records the number it came in on ({@link
   * #BUSINESS_NUMBER}) so the reply reaches the lead whose conversation is on that number.
   */
  public static Parsed parse(JsonNode root, Predicate<String> served) {
    List<Item> items = new ArrayList<>();
    List<Invalid> invalid = new ArrayList<>();
    int others = 0;
    for (JsonNode entry : root.path("entry")) {
      for (JsonNode change : entry.path("changes")) {
        JsonNode value = change.path("value");
        String number = value.path("metadata").path("phone_number_id").asText("");
        if (!number.isEmpty() && (!ID.matcher(number).matches() || !served.test(number))) {
          others++;
          continue;
        }
        for (JsonNode status : value.path("statuses")) {
          String problem = statusProblem(status);
          if (problem != null) {
            invalid.add(invalid(STATUS, problem, status));
            continue;
          }
          Document payload = storable(status);
          if (payload == null) {
            invalid.add(invalid(STATUS, UNSTORABLE, status));
            continue;
          }
          String wamid = status.path("id").textValue();
          items.add(
              new Item(
                  "status:" + wamid + ":" + status.path("status").textValue(),
                  STATUS,
                  status.path("recipient_id").textValue(),
                  payload));
        }
        for (JsonNode message : value.path("messages")) {
          String problem = messageProblem(message);
          if (problem != null) {
            invalid.add(invalid(MESSAGE, problem, message));
            continue;
          }
          Document payload = storable(message);
          if (payload == null) {
            invalid.add(invalid(MESSAGE, UNSTORABLE, message));
            continue;
          }
          if (!number.isEmpty()) {
            payload.append(BUSINESS_NUMBER, number);
          }
          items.add(
              new Item(
                  "message:" + message.path("id").textValue(),
                  MESSAGE,
                  message.path("from").textValue(),
                  payload));
        }
        for (JsonNode preference : value.path("user_preferences")) {
          String problem = preferenceProblem(preference);
          if (problem != null) {
            invalid.add(invalid(PREFERENCE, problem, preference));
            continue;
          }
          Document payload = storable(preference);
          if (payload == null) {
            invalid.add(invalid(PREFERENCE, UNSTORABLE, preference));
            continue;
          }
          String waId = preference.path("wa_id").textValue();
          items.add(
              new Item(
                  "preference:"
                      + waId
                      + ":"
                      + preference.path("category").textValue()
                      + ":"
                      + preference.path("value").textValue()
                      + ":"
                      + preference.path("timestamp").asText(),
                  PREFERENCE,
                  waId,
                  payload));
        }
      }
    }
    return new Parsed(items, invalid, others);
  }

  private static final String UNSTORABLE =
      "a value MongoDB cannot store (a number beyond 64 bits or not finite)";

  /**
   * The item as a document, or null when a value of it has no BSON form (an integer beyond 64
   * bits): before, that threw from the parse, the whole notification was answered 500 and Meta
   * delivered it again for days, its good items with it.
   */
  private static Document storable(JsonNode node) {
    try {
      return JsonDocuments.of(node);
    } catch (IllegalArgumentException | org.bson.json.JsonParseException e) {
      return null;
    }
  }

  private static Invalid invalid(String kind, String reason, JsonNode node) {
    String raw = node.toString();
    Document payload;
    try {
      payload = node.isObject() ? Document.parse(raw) : new Document("raw", raw);
    } catch (RuntimeException e) {
      payload = new Document("raw", raw);
    }
    return new Invalid("invalid:" + kind + ":" + LlmWriter.sha256(raw), kind, reason, payload);
  }

  static String statusProblem(JsonNode s) {
    String p = text(s, "id", ID);
    p = p != null ? p : text(s, "status", WORD);
    p = p != null ? p : epoch(s, "timestamp");
    p = p != null ? p : text(s, "recipient_id", WA_ID);
    if (p == null && s.has("biz_opaque_callback_data")) {
      p = text(s, "biz_opaque_callback_data", ID);
    }
    if (p == null && s.has("errors")) {
      JsonNode errors = s.path("errors");
      if (!errors.isArray() || (errors.size() > 0 && !errors.path(0).path("code").isInt())) {
        p = "errors must be a list whose first entry has a numeric code";
      }
    }
    return p;
  }

  static String messageProblem(JsonNode m) {
    String p = text(m, "id", ID);
    p = p != null ? p : text(m, "from", WA_ID);
    p = p != null ? p : epoch(m, "timestamp");
    p = p != null ? p : text(m, "type", WORD);
    if (p == null && m.has("context")) {
      p = text(m.path("context"), "id", ID);
      p = p == null ? null : "context." + p;
    }
    JsonNode media = m.path(m.path("type").asText(""));
    if (p == null && MediaTypes.isMedia(m.path("type").asText("")) && media.isObject()) {
      p = text(media, "id", MEDIA_ID);
      p = p == null ? null : m.path("type").asText() + "." + p;
      for (String field : List.of("mime_type", "sha256", "filename")) {
        JsonNode v = media.path(field);
        if (p == null && !v.isMissingNode() && (!v.isTextual() || v.textValue().length() > 255)) {
          p = m.path("type").asText() + "." + field + " must be text of at most 255";
        }
      }
    }
    for (String path :
        List.of(
            "/text/body",
            "/button/text",
            "/reaction/emoji",
            "/image/caption",
            "/video/caption",
            "/document/caption")) {
      JsonNode t = m.at(path);
      if (p == null
          && !t.isMissingNode()
          && (!t.isTextual() || t.textValue().length() > MAX_TEXT)) {
        p = path.substring(1).replace('/', '.') + " must be text of at most " + MAX_TEXT;
      }
    }
    return p;
  }

  static String preferenceProblem(JsonNode u) {
    String p = text(u, "wa_id", WA_ID);
    p = p != null ? p : text(u, "category", WORD);
    p = p != null ? p : text(u, "value", WORD);
    return p != null ? p : epoch(u, "timestamp");
  }

  private static String text(JsonNode node, String field, Pattern shape) {
    JsonNode v = node.path(field);
    if (!v.isTextual() || !shape.matcher(v.textValue()).matches()) {
      return field + " must be a string matching " + shape.pattern();
    }
    return null;
  }

  /** Meta sends epoch seconds as a string; a number is accepted too. */
  private static String epoch(JsonNode node, String field) {
    JsonNode v = node.path(field);
    boolean ok =
        (v.isTextual() && EPOCH.matcher(v.textValue()).matches())
            || (v.isIntegralNumber() && v.asLong() >= 0);
    return ok ? null : field + " must be epoch seconds";
  }
}

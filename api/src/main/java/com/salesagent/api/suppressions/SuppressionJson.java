package com.salesagent.api.suppressions;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads an uploaded do-not-contact list sent as JSON lines or a JSON array into its lines ({@link
 * SuppressionImport}): each a number, or an object with {@code number} or {@code phone} and {@code
 * region}.
 */
final class SuppressionJson {
  /** A JSON line's cap, or a JSON array item's text: a number and a region, with room to spare. */
  static final int MAX_JSON_LINE = 4096;

  private final SuppressionImport list;

  SuppressionJson(SuppressionImport list) {
    this.list = list;
  }

  /** JSON lines: each a number (a JSON text) or {@code {"number": ..., "region": ...}}. */
  void lines(Reader in, ObjectMapper json) throws IOException {
    StringBuilder buffer = new StringBuilder();
    long line = 0;
    boolean more = true;
    while (more) {
      buffer.setLength(0);
      boolean tooLong = false;
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (buffer.length() < MAX_JSON_LINE) {
          buffer.append((char) c);
        } else {
          tooLong = true;
        }
      }
      more = c != -1;
      line++;
      String text = buffer.toString().strip();
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1).strip();
      }
      if (tooLong) {
        list.invalid(
            line, null, new FieldError("row", "longer than " + MAX_JSON_LINE + " characters"));
        continue;
      }
      if (text.isEmpty()) {
        continue;
      }
      JsonNode item;
      try {
        item = json.readTree(text);
      } catch (IOException e) {
        list.invalid(line, text, new FieldError("row", "not JSON: " + firstLine(e)));
        continue;
      }
      item(line, item);
    }
  }

  /** A JSON array: each item a number or an object; {@code line} is the item's place (from 1). */
  void array(java.io.InputStream in, ObjectMapper json) throws IOException {
    try (JsonParser parser = json.getFactory().createParser(in)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new ApiException(
            400,
            "send a JSON array of numbers (or of {\"number\": ..., \"region\": ...})",
            new FieldError("body", "not a JSON array"));
      }
      long line = 0;
      try {
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          line++;
          JsonNode item = json.readTree(parser);
          item(line, item);
        }
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        throw new ApiException(
            400,
            "the JSON array could not be read after item "
                + (line - 1)
                + ": the items before it are answered in results, the rest was not read",
            new FieldError("body", firstLine(e)));
      }
    }
  }

  /** A JSON mapper whose texts are capped at a JSON line's length. */
  static ObjectMapper capped(ObjectMapper mapper) {
    ObjectMapper copy = mapper.copy();
    copy.getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxStringLength(MAX_JSON_LINE).build());
    return copy;
  }

  private void item(long line, JsonNode item) {
    if (item == null || item.isNull() || item.isMissingNode()) {
      list.invalid(line, null, new FieldError("number", "a number, or {\"number\": ...}"));
    } else if (item.isTextual()) {
      list.add(line, item.asText(), null);
    } else if (item.isObject()) {
      JsonNode number = item.has("number") ? item.get("number") : item.get("phone");
      String field = item.has("number") || !item.has("phone") ? "number" : "phone";
      JsonNode region = item.get("region");
      if (region != null && !region.isNull() && !region.isTextual()) {
        list.invalid(line, null, new FieldError("region", "a two-letter country, e.g. BR"));
      } else if (number != null && !number.isNull() && !number.isTextual()) {
        list.invalid(line, null, new FieldError(field, "a text, e.g. \"+5511998765432\""));
      } else {
        list.add(
            line,
            number == null || number.isNull() ? null : number.asText(),
            region == null || region.isNull() ? null : region.asText());
      }
    } else {
      list.invalid(
          line,
          item.toString(),
          new FieldError("number", "a text, e.g. \"+5511998765432\", or {\"number\": ...}"));
    }
  }

  private static String firstLine(Exception e) {
    String m =
        e instanceof com.fasterxml.jackson.core.JsonProcessingException p
            ? p.getOriginalMessage()
            : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.split("\n")[0];
  }
}

package com.salesagent.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One bad field of a request, named as the client sent it. */
public record FieldError(String field, String message) {
  /** Jackson's STRICT_DUPLICATE_DETECTION refusal, naming the field. */
  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");

  private static final String GIVEN_TWICE = "given more than once";

  /** What JSON a field of this Java type takes, in a client's words. */
  static String jsonKind(Class<?> type) {
    if (CharSequence.class.isAssignableFrom(type)
        || type == char.class
        || type == Character.class) {
      return "text";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (type.isEnum()) {
      List<String> values = new ArrayList<>();
      for (Object c : type.getEnumConstants()) {
        values.add(c.toString().toLowerCase(java.util.Locale.ROOT));
      }
      return "one of: " + String.join(", ", values);
    }
    if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
      return "an ISO-8601 date-time text";
    }
    if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "an object";
  }

  /** The field a JSON body could not be read at (its path, e.g. {@code consent.at}), and why. */
  public static FieldError ofJson(IOException e) {
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      StringBuilder field = new StringBuilder();
      for (JsonMappingException.Reference ref : m.getPath()) {
        if (ref.getFieldName() != null) {
          field.append(field.length() == 0 ? "" : ".").append(ref.getFieldName());
        }
      }
      if (m instanceof UnrecognizedPropertyException u) {
        // Jackson's own message names the Java class: say what the client can use instead.
        List<String> known = new ArrayList<>();
        if (u.getKnownPropertyIds() != null) {
          u.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
        }
        known.sort(null);
        return new FieldError(
            field.toString(),
            known.isEmpty()
                ? "unknown field"
                : "unknown field; known: " + String.join(", ", known));
      }
      if (m instanceof MismatchedInputException mi && mi.getTargetType() != null) {
        // Jackson's own message names Java types ("Cannot construct instance of
        // `com.salesagent...$Template`"): say what JSON the field takes instead.
        return new FieldError(field.toString(), "expected " + jsonKind(mi.getTargetType()));
      }
      String message = m.getOriginalMessage().split("\n")[0];
      Matcher duplicate = DUPLICATE.matcher(message);
      if (duplicate.matches()) {
        // A duplicate inside a nested object: the path leads to the object, the message names it.
        return new FieldError(
            field.append(field.length() == 0 ? "" : ".").append(duplicate.group(1)).toString(),
            GIVEN_TWICE);
      }
      return new FieldError(field.toString(), message);
    }
    if (e instanceof MismatchedInputException mi
        && mi.getOriginalMessage() != null
        && mi.getOriginalMessage().startsWith("Trailing token")) {
      // FAIL_ON_TRAILING_TOKENS: a second value after the body's (Jackson's message names the Java
      // class it bound the first to).
      return new FieldError("body", "one JSON value, with nothing after it");
    }
    if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
      // The body itself of the wrong kind ("[1]" for an object): Jackson's message names the Java
      // class ("Cannot deserialize value of type `com.salesagent.api.leads.LeadRequest`").
      return new FieldError("body", "expected " + jsonKind(mi.getTargetType()));
    }
    if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
      // Jackson's message names its own method ("from `StreamReadConstraints.get...()`").
      return new FieldError("body", "beyond the parser's limits (nesting, number or text length)");
    }
    String message =
        e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
    if (e instanceof StreamReadException r
        && message != null
        && DUPLICATE.matcher(message.split("\n")[0]).matches()
        && r.getProcessor() != null) {
      // STRICT_DUPLICATE_DETECTION: the parser stands on the second occurrence of the field.
      List<String> names = new ArrayList<>();
      for (JsonStreamContext c = r.getProcessor().getParsingContext();
          c != null;
          c = c.getParent()) {
        if (c.inObject() && c.getCurrentName() != null) {
          names.add(0, c.getCurrentName());
        }
      }
      if (!names.isEmpty()) {
        return new FieldError(String.join(".", names), GIVEN_TWICE);
      }
    }
    return new FieldError("body", message == null ? "malformed JSON" : message.split("\n")[0]);
  }
}

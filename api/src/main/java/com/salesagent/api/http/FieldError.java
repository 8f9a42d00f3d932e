package com.salesagent.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.IOException;

/** One bad field of a request, named as the client sent it. */
public record FieldError(String field, String message) {
  /** The field a JSON body could not be read at (its path, e.g. {@code consent.at}), and why. */
  public static FieldError ofJson(IOException e) {
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      StringBuilder field = new StringBuilder();
      for (JsonMappingException.Reference ref : m.getPath()) {
        if (ref.getFieldName() != null) {
          field.append(field.length() == 0 ? "" : ".").append(ref.getFieldName());
        }
      }
      return new FieldError(field.toString(), m.getOriginalMessage().split("\n")[0]);
    }
    String message =
        e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
    return new FieldError("body", message == null ? "malformed JSON" : message.split("\n")[0]);
  }
}

package com.salesagent.api.http;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The one error shape of the REST API: {@code {"code":422,"message":"invalid lead","errors":[{
 * "field":"phone","message":"..."}], ...}}, never a Java class name or a Temporal failure wrapper.
 */
@JsonPropertyOrder({"code", "message", "errors"})
public record ErrorBody(
    int code, String message, List<FieldError> errors, Map<String, Object> details) {
  @Override
  @JsonAnyGetter
  public Map<String, Object> details() {
    return details;
  }
}

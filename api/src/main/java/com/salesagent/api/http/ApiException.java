package com.salesagent.api.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every refusal of the REST API: an HTTP status, one sentence for a person, the fields at fault,
 * and members a client can act on (e.g. the active lead that blocks an enrolment). Resources throw
 * it; {@link ApiExceptionMapper} turns it into the one JSON error shape, {@link ErrorBody}.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final List<FieldError> errors;
  private final Map<String, Object> details = new LinkedHashMap<>();
  private final Map<String, Object> headers = new LinkedHashMap<>();

  public ApiException(int status, String message, List<FieldError> errors) {
    super(message, null, false, false);
    this.status = status;
    this.errors = List.copyOf(errors);
  }

  public ApiException(int status, String message, FieldError... errors) {
    this(status, message, List.of(errors));
  }

  public static ApiException notFound(String what, String field) {
    return new ApiException(404, "no " + what, new FieldError(field, "unknown"));
  }

  /** Adds a member beside code, message and errors. */
  public ApiException with(String name, Object value) {
    details.put(name, value);
    return this;
  }

  /** Adds a response header (e.g. {@code Retry-After}). */
  public ApiException withHeader(String name, Object value) {
    headers.put(name, value);
    return this;
  }

  public Map<String, Object> headers() {
    return Collections.unmodifiableMap(headers);
  }

  /** The same refusal without this detail. */
  public ApiException without(String name) {
    details.remove(name);
    return this;
  }

  public int status() {
    return status;
  }

  public List<FieldError> errors() {
    return errors;
  }

  public Map<String, Object> details() {
    return Collections.unmodifiableMap(details);
  }

  public ErrorBody body() {
    return new ErrorBody(status, getMessage(), errors, details);
  }
}

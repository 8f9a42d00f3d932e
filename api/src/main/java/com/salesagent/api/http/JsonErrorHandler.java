package com.salesagent.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty writes itself, before any resource runs (a URI over its limit, headers over
 * theirs, a path it refuses such as {@code /api//leads}, an unparseable request): the API's one
 * error shape ({@link ErrorBody}) naming what was wrong, instead of Jetty's HTML page. Never a
 * stack trace or a cause.
 */
public final class JsonErrorHandler extends ErrorHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpField CONTENT_TYPE =
      new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

  public JsonErrorHandler() {
    setShowStacks(false);
    setShowCauses(false);
    setDefaultResponseMimeType("application/json");
  }

  /**
   * Every method gets the JSON answer: Jetty's default writes a page for GET, POST and HEAD only,
   * and leaves a DELETE, PUT, PATCH or OPTIONS it refuses (a path such as {@code /api//leads}) with
   * an empty 400 naming nothing.
   */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    response.getHeaders().put(CONTENT_TYPE);
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(CONTENT_TYPE);
    return ByteBuffer.wrap(body(status, reason));
  }

  /** What the refusal is about: the request part a client has to change. */
  static String field(int code) {
    return switch (code) {
      case HttpStatus.URI_TOO_LONG_414 -> "uri";
      case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 -> "headers";
      case HttpStatus.PAYLOAD_TOO_LARGE_413 -> "body";
      case HttpStatus.BAD_REQUEST_400 -> "path";
      default -> "request";
    };
  }

  static byte[] body(int code, String message) {
    String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
    if (code == HttpStatus.BAD_REQUEST_400 && text.toLowerCase().contains("header")) {
      return write(code, text, "headers");
    }
    return write(code, text, field(code));
  }

  static byte[] write(int code, String message, String field) {
    try {
      return JSON.writeValueAsBytes(
          new ErrorBody(code, message, List.of(new FieldError(field, message)), Map.of()));
    } catch (JsonProcessingException e) {
      return ("{\"code\":" + code + "}").getBytes(StandardCharsets.UTF_8);
    }
  }
}

package com.salesagent.api.http;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.glassfish.jersey.server.ParamException;

/**
 * A query, header, form, cookie or matrix parameter that does not parse as its type (e.g. {@code
 * ?pageSize=abc}) is a 400 naming the parameter, in the one error shape, instead of Jersey's bare
 * "HTTP 404 Not Found". A path parameter that does not parse stays a 404 (no such resource), with
 * the parameter named. The value itself is not echoed.
 */
@Provider
public class ParamExceptionMapper implements ExceptionMapper<ParamException> {
  @Override
  public Response toResponse(ParamException e) {
    String name = e.getParameterName();
    boolean path = e instanceof ParamException.PathParamException;
    ApiException answer =
        new ApiException(
            path ? 404 : 400,
            path ? "no such resource" : "bad " + kind(e) + " " + name,
            new FieldError(name, numeric(e) ? "must be a whole number" : "not a valid value"));
    return Response.status(answer.status())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(answer.body())
        .build();
  }

  private static String kind(ParamException e) {
    if (e instanceof ParamException.HeaderParamException) {
      return "header";
    }
    if (e instanceof ParamException.FormParamException) {
      return "form field";
    }
    if (e instanceof ParamException.CookieParamException) {
      return "cookie";
    }
    return "query parameter";
  }

  private static boolean numeric(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NumberFormatException) {
        return true;
      }
    }
    return false;
  }
}

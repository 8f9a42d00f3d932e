package com.salesagent.api.http;

import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Jersey's own 4xx refusals (a route the API does not have, a method a route does not take, a type
 * it does not produce or consume) in the API's error shape, naming what is at fault ({@code path},
 * {@code method}, {@code Accept}, {@code Content-Type}) instead of Dropwizard's {@code {"code",
 * "message"}} without errors. Their headers ({@code Allow}) are kept; an answer that carries a body
 * already is left as it is.
 */
@Provider
public class ClientErrorMapper implements ExceptionMapper<ClientErrorException> {
  @Override
  public Response toResponse(ClientErrorException e) {
    Response given = e.getResponse();
    if (given.hasEntity()) {
      return given;
    }
    int status = given.getStatus();
    String message =
        switch (status) {
          case 404 -> "no such route (the API's routes: /api-docs/)";
          case 405 -> "this route does not take this method (see the Allow header)";
          case 406 -> "this route answers none of the types the Accept header asks for";
          case 415 -> "this route does not take a body of that Content-Type";
          default -> given.getStatusInfo().getReasonPhrase();
        };
    String field =
        switch (status) {
          case 404 -> "path";
          case 405 -> "method";
          case 406 -> "Accept";
          case 415 -> "Content-Type";
          default -> "request";
        };
    return Response.fromResponse(given)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ApiException(status, message, new FieldError(field, message)).body())
        .build();
  }
}

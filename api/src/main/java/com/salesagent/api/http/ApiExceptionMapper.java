package com.salesagent.api.http;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** {@link ApiException} to its status and {@link ErrorBody}. */
@Provider
public class ApiExceptionMapper implements ExceptionMapper<ApiException> {
  @Override
  public Response toResponse(ApiException e) {
    Response.ResponseBuilder response =
        Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(e.body());
    e.headers().forEach(response::header);
    return response.build();
  }
}

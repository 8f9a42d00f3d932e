package com.salesagent.api.http;

import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import io.dropwizard.jersey.jackson.JsonProcessingExceptionMapper;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * A request body Jersey could not read into its type (malformed JSON, an unknown or duplicate
 * field, a value of the wrong type) is a 400 in the one error shape naming the field ({@link
 * FieldError#ofJson}), instead of Dropwizard's bare "Unable to process JSON". What is not the
 * client's fault (writing a response, a type Jackson cannot build) stays Dropwizard's logged 500.
 */
@Provider
public class JsonExceptionMapper extends JsonProcessingExceptionMapper {
  @Override
  public Response toResponse(JsonProcessingException e) {
    if (e instanceof JsonGenerationException || e instanceof InvalidDefinitionException) {
      return super.toResponse(e);
    }
    ApiException answer =
        new ApiException(400, "the body is not valid JSON for this request", FieldError.ofJson(e));
    return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE).entity(answer.body()).build();
  }
}

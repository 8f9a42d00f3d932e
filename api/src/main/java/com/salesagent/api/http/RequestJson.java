package com.salesagent.api.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * How the REST API reads request bodies, in one place so a new route cannot forget it: a field the
 * request type does not have, or a field given twice, is refused (400 naming it) rather than
 * ignored. Applied to the application's mapper (which Jersey reads entities with) and to the copies
 * resources parse raw bodies with. Meta's and HubSpot's webhooks parse with their own tolerant
 * mappers into trees: they never go through this.
 */
public final class RequestJson {
  private RequestJson() {}

  /** {@code mapper}, made strict (changed in place and returned). */
  public static ObjectMapper strict(ObjectMapper mapper) {
    return mapper
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  /** The exception mappers that turn every refusal into the one error shape. */
  public static List<Object> errorMappers() {
    return List.of(
        new ApiExceptionMapper(),
        new WorkflowExceptionMapper(),
        new MongoExceptionMapper(),
        new ParamExceptionMapper(),
        new JsonExceptionMapper());
  }
}

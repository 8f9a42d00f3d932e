package com.salesagent.api.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.List;

/**
 * How the REST API reads request bodies, in one place so a new route cannot forget it: a field the
 * request type does not have, a field given twice, or a number for a yes/no, is refused (400 naming
 * it) rather than ignored or guessed; so is anything after the body's value (a second object pasted
 * after the first was read alone and the rest dropped, the request answered as if whole); so is a
 * scalar of another JSON type (a number or a yes/no for text, text for a number or a yes/no).
 * Applied to the application's mapper (which Jersey reads entities with) and to the copies
 * resources parse raw bodies with. Meta's and HubSpot's webhooks parse with their own tolerant
 * mappers into trees: they never go through this.
 */
public final class RequestJson {
  private RequestJson() {}

  /** {@code mapper}, made strict (changed in place and returned). */
  public static ObjectMapper strict(ObjectMapper mapper) {
    mapper
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    // A yes/no is JSON's true or false: a number (2 read as true, 0 as false) is refused, so a
    // consent can never be a client's counter or id.
    mapper
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    // Text is a JSON string: a number or a yes/no for a name, a company, a phone or a message's
    // text was written as "12345" or "true" and sent to a person ("Hi 12345, ... like true").
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    // A number is a JSON number: "5" for a weight is a client's mistake, not a value to guess.
    for (LogicalType number : List.of(LogicalType.Integer, LogicalType.Float)) {
      mapper
          .coercionConfigFor(number)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }
    return mapper;
  }

  /** The exception mappers that turn every refusal into the one error shape. */
  public static List<Object> errorMappers() {
    return List.of(
        new ApiExceptionMapper(),
        new WorkflowExceptionMapper(),
        new MongoExceptionMapper(),
        new InvalidRewardMapper(),
        new ParamExceptionMapper(),
        new JsonExceptionMapper(),
        new ClientErrorMapper());
  }
}

package com.salesagent.api.embedded;

import static com.salesagent.api.embedded.EmulatorHttp.error;
import static com.salesagent.api.embedded.EmulatorHttp.respond;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** {@code /emulator/behaviour}: the recipients' {@link EmulatorBehaviour}, shown and replaced. */
final class EmulatorBehaviourEndpoint {
  private final ObjectMapper json;
  private final Supplier<EmulatorBehaviour> behaviour;
  private final Consumer<EmulatorBehaviour> setBehaviour;

  EmulatorBehaviourEndpoint(
      ObjectMapper json,
      Supplier<EmulatorBehaviour> behaviour,
      Consumer<EmulatorBehaviour> setBehaviour) {
    this.json = json;
    this.behaviour = behaviour;
    this.setBehaviour = setBehaviour;
  }

  /**
   * GET shows the recipients' behaviour, PUT replaces it whole. A body it cannot read is a 400
   * naming the field (or the body) and changes nothing: it closed the connection without an answer.
   */
  void handle(HttpExchange ex) throws IOException {
    if ("PUT".equals(ex.getRequestMethod())) {
      EmulatorBehaviour given;
      try {
        given = json.readValue(ex.getRequestBody(), EmulatorBehaviour.class);
      } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
        String field =
            e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(java.util.stream.Collectors.joining("."));
        String problem =
            e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException
                ? "unknown field "
                    + field
                    + "; PUT the whole JSON that GET /emulator/behaviour shows"
                : field.isEmpty()
                    ? "the body is not the JSON that GET /emulator/behaviour shows"
                    : "field " + field + " is not of its type (see GET /emulator/behaviour)";
        respond(ex, 400, error(problem, "OAuthException", 100, field.isEmpty() ? "body" : field));
        return;
      } catch (IOException e) {
        respond(
            ex,
            400,
            error(
                "the body is not JSON: PUT the whole JSON that GET /emulator/behaviour shows",
                "OAuthException",
                100,
                "body"));
        return;
      }
      if (given == null) {
        respond(
            ex,
            400,
            error("no behaviour given: PUT the whole JSON", "OAuthException", 100, "body"));
        return;
      }
      setBehaviour.accept(given);
    }
    respond(ex, 200, json.writeValueAsString(behaviour.get()));
  }
}

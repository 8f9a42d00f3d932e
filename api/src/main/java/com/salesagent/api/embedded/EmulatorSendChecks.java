package com.salesagent.api.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.salesagent.activities.whatsapp.WhatsAppLimits;

/**
 * The emulator's checks of a send request's body, as Meta makes them and in its order: the message
 * itself (#100; a text message's body of at most 4,096 characters, counted as {@link
 * WhatsAppLimits} counts them), a template's parameters (#132018), an image's link or id ({@link
 * EmulatorImageChecks}). What Meta would refuse, tests see refused.
 */
final class EmulatorSendChecks {
  private EmulatorSendChecks() {}

  /** Meta's error: its message, code and details (null when Meta gives none). */
  record Refusal(String message, int code, String details) {}

  /** Why Meta would refuse this send (HTTP 400), or null when it would take it. */
  static Refusal refusal(JsonNode body, EmulatorMedia media) {
    String to = body.path("to").asText("");
    String type = body.path("type").asText("");
    boolean valid =
        "whatsapp".equals(body.path("messaging_product").asText())
            && to.matches("\\+?[1-9][0-9]{6,14}")
            && (("text".equals(type) && !body.path("text").path("body").asText("").isEmpty())
                || ("image".equals(type) && body.path("image").isObject())
                || ("audio".equals(type) && body.path("audio").isObject())
                || ("template".equals(type)
                    && !body.path("template").path("name").asText("").isEmpty()
                    && !body.path("template").path("language").path("code").asText("").isEmpty()));
    if (!valid) {
      return new Refusal("(#100) Invalid parameter", 100, null);
    }
    if ("text".equals(type)
        && !WhatsAppLimits.fits(
            body.path("text").path("body").asText(""), WhatsAppLimits.TEXT_BODY)) {
      return new Refusal(
          "(#100) Invalid parameter",
          100,
          "Param text['body'] must be at most " + WhatsAppLimits.TEXT_BODY + " characters long");
    }
    String parameterProblem = templateParameterProblem(body);
    if (parameterProblem != null) {
      return new Refusal(
          "(#132018) There was an issue with the parameters in your template.",
          132018,
          parameterProblem);
    }
    EmulatorImageChecks.Problem imageProblem = EmulatorImageChecks.problem(body, media);
    if (imageProblem != null) {
      return new Refusal(imageProblem.message(), imageProblem.code(), imageProblem.details());
    }
    return null;
  }

  /**
   * Meta refuses template parameters with new lines, tabs, more than four consecutive spaces or no
   * text (132018, final): the same checks, so tests catch what Meta would.
   */
  static String templateParameterProblem(JsonNode body) {
    for (JsonNode component : body.path("template").path("components")) {
      for (JsonNode parameter : component.path("parameters")) {
        if (!"text".equals(parameter.path("type").asText())) {
          continue;
        }
        String text = parameter.path("text").asText("");
        if (text.isBlank()) {
          return "Param text cannot be empty";
        }
        if (text.contains("\n") || text.contains("\t")) {
          return "Param text cannot have new-line/tab characters";
        }
        if (text.contains("     ")) {
          return "Param text cannot have more than 4 consecutive spaces";
        }
      }
    }
    return null;
  }
}

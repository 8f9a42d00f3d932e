package com.salesagent.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A body that cannot be read is refused naming the field and what JSON it takes, never Jackson's
 * own words for the server's Java classes and methods (an error body is no map of the code).
 */
class FieldErrorTest {
  /** A request type as the resources declare them (a nested record, like LeadConversation's). */
  record Request(String text, Integer count) {}

  private final ObjectMapper json = new ObjectMapper();

  private FieldError errorOf(String body) {
    IOException e =
        catchThrowableOfType(IOException.class, () -> json.readValue(body, Request.class));
    assertThat(e).as(body).isNotNull();
    return FieldError.ofJson(e);
  }

  @Test
  void aBodyOfTheWrongKindIsNamedWithoutTheJavaClass() {
    for (String body : new String[] {"[1]", "\"text\"", "42", "true"}) {
      FieldError error = errorOf(body);
      assertThat(error.field()).as(body).isEqualTo("body");
      assertThat(error.message())
          .as(body)
          .isEqualTo("expected an object")
          .doesNotContain("com.salesagent", "FieldErrorTest", "`");
    }
  }

  @Test
  void aBodyNestedPastTheParsersLimitIsNamedWithoutItsInternals() {
    String deep = "{\"text\":" + "[".repeat(1_500) + "]".repeat(1_500) + "}";
    // Read as a tree first, as the import and the webhook do: the parser meets the depth.
    IOException e = catchThrowableOfType(IOException.class, () -> json.readTree(deep));

    FieldError error = FieldError.ofJson(e);

    assertThat(error.field()).isEqualTo("body");
    assertThat(error.message()).doesNotContain("StreamReadConstraints", "`", "()");
  }

  @Test
  void aFieldOfTheWrongKindStillNamesTheField() {
    FieldError error = errorOf("{\"text\":[1]}");

    assertThat(error).isEqualTo(new FieldError("text", "expected text"));
  }
}

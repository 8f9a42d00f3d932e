package com.salesagent.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.Response;
import org.glassfish.jersey.server.ParamException;
import org.junit.jupiter.api.Test;

/** Parameters that do not parse as their type, for every kind of parameter. */
class ParamExceptionMapperTest {
  private final ParamExceptionMapper mapper = new ParamExceptionMapper();

  private static ErrorBody body(Response r) {
    return (ErrorBody) r.getEntity();
  }

  @Test
  void aHeaderOfTheWrongTypeIs400NamingIt() {
    Response r =
        mapper.toResponse(
            new ParamException.HeaderParamException(
                new NumberFormatException("For input string: \"x\""), "X-Count", null));

    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(body(r).message()).isEqualTo("bad header X-Count");
    assertThat(body(r).errors())
        .containsExactly(new FieldError("X-Count", "must be a whole number"));
  }

  @Test
  void aPathParameterOfTheWrongTypeIs404NamingIt() {
    Response r =
        mapper.toResponse(
            new ParamException.PathParamException(new IllegalArgumentException(), "id", null));

    assertThat(r.getStatus()).isEqualTo(404);
    assertThat(body(r).errors()).containsExactly(new FieldError("id", "not a valid value"));
  }
}

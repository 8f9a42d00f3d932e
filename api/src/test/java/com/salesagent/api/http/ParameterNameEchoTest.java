package com.salesagent.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A 400 naming a query parameter an operator route does not take (or takes once) repeats at most 64
 * characters of its name, counted in code points: a name whose 64th character is an emoji is
 * repeated with the whole emoji, never its first half (a surrogate pair cut by {@code substring(0,
 * 64)}).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ParameterNameEchoTest {
  private static final String EMOJI = "\uD83D\uDE00";

  @Path("/echo")
  @Produces(MediaType.APPLICATION_JSON)
  public static final class Echo {
    @GET
    public String get(@QueryParam("stage") String stage) {
      return "{}";
    }

    /** Reads the query itself: only a parameter given twice is refused. */
    @GET
    @Path("own")
    public String own(@Context UriInfo query) {
      return "{}";
    }
  }

  static final ResourceExtension RESOURCES =
      ResourceTests.api()
          .addProvider(ResourceTests.asOperator("ops"))
          .addProvider(new KnownQueryParameters())
          .addResource(new Echo())
          .build();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aNameIsCutAtSixtyFourCodePointsNeverInsideAnEmoji() {
    String name = "a".repeat(63) + EMOJI + "tail";
    String shown = KnownQueryParameters.shown(name);
    assertThat(shown).isEqualTo("a".repeat(63) + EMOJI + "...");
    assertThat(ReadableText.unreadable(shown)).isFalse();
    // 64 emoji are 64 characters: repeated whole, no "...".
    assertThat(KnownQueryParameters.shown(EMOJI.repeat(64))).isEqualTo(EMOJI.repeat(64));
    assertThat(KnownQueryParameters.shown(EMOJI.repeat(65))).isEqualTo(EMOJI.repeat(64) + "...");
  }

  @Test
  void anUnknownParameterIsNamedWithItsWholeEmoji() throws Exception {
    String name = "a".repeat(63) + EMOJI + "tail";
    Response r = RESOURCES.target("/echo").queryParam(name, "1").request().get();
    assertThat(r.getStatus()).isEqualTo(400);
    JsonNode error = JSON.readTree(r.readEntity(String.class)).path("errors").path(0);
    assertThat(error.path("field").asText()).isEqualTo("a".repeat(63) + EMOJI + "...");
    assertThat(error.path("message").asText()).contains("unknown parameter");
  }

  @Test
  void aParameterGivenTwiceIsNamedWithItsWholeEmoji() throws Exception {
    String name = "a".repeat(63) + EMOJI + "tail";
    Response r =
        RESOURCES.target("/echo/own").queryParam(name, "1").queryParam(name, "2").request().get();
    assertThat(r.getStatus()).isEqualTo(400);
    JsonNode error = JSON.readTree(r.readEntity(String.class)).path("errors").path(0);
    assertThat(error.path("field").asText()).isEqualTo("a".repeat(63) + EMOJI + "...");
    assertThat(error.path("message").asText()).contains("given more than once");
  }
}

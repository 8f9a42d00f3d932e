package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.JsonBodies;
import com.salesagent.api.http.ReadableText;
import org.junit.jupiter.api.Test;

/**
 * What a refusal repeats of a caller's Content-Type (at most 100 characters of it; at most 40 of a
 * charset the CSV import does not know) is counted in code points and cut between them: never the
 * first half of an emoji's surrogate pair.
 */
class ContentTypeEchoTest {
  private static final String EMOJI = "\uD83D\uDE00";

  @Test
  void aContentTypeIsShownCutNeverInsideAnEmoji() {
    String shown = JsonBodies.shown("x".repeat(99) + EMOJI + "tail");
    assertThat(shown).isEqualTo("x".repeat(99) + EMOJI + "...");
    assertThat(ReadableText.unreadable(shown)).isFalse();
    assertThat(JsonBodies.shown(EMOJI.repeat(100))).isEqualTo(EMOJI.repeat(100));
  }

  @Test
  void anUnknownCharsetIsNamedCutNeverInsideAnEmoji() {
    ApiException e =
        catchThrowableOfType(
            () -> CsvCharset.named("text/csv; charset=" + "k".repeat(39) + EMOJI + "-8"),
            ApiException.class);
    assertThat(e.status()).isEqualTo(415);
    assertThat(e.errors().get(0).field()).isEqualTo("Content-Type");
    assertThat(e.errors().get(0).message())
        .isEqualTo("unknown charset: " + "k".repeat(39) + EMOJI + "...");
  }
}

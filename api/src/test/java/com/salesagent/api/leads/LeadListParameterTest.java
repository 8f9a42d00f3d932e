package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.ReadableText;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/leads} names a parameter it does not take with at most 64 characters of its name,
 * counted in code points: never half of an emoji cut by {@code substring(0, 64)}.
 */
class LeadListParameterTest {
  private static final String EMOJI = "\uD83D\uDE00";

  private static String refusedName(String parameter) {
    ApiException e =
        catchThrowableOfType(
            () ->
                new LeadList(null, null)
                    .page(Set.of(parameter), null, null, null, null, null, null, 0, 50),
            ApiException.class);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.errors()).hasSize(1);
    assertThat(e.errors().get(0).message()).contains("unknown parameter; known: stage");
    return e.errors().get(0).field();
  }

  @Test
  void anUnknownParameterIsNamedWithItsWholeEmoji() {
    String field = refusedName("a".repeat(63) + EMOJI + "tail");
    assertThat(field).isEqualTo("a".repeat(63) + EMOJI + "...");
    assertThat(ReadableText.unreadable(field)).isFalse();
  }

  @Test
  void sixtyFourEmojiAreNamedWhole() {
    assertThat(refusedName(EMOJI.repeat(64))).isEqualTo(EMOJI.repeat(64));
    assertThat(refusedName(EMOJI.repeat(65))).isEqualTo(EMOJI.repeat(64) + "...");
  }
}

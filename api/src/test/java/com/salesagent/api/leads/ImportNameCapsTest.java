package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.salesagent.api.http.ApiException;
import org.junit.jupiter.api.Test;

/**
 * An import's file name (at most 255 characters) and what a 400 repeats of a region that is none
 * (at most 8 characters) are counted in code points: 255 emoji are a name of 255 characters, and a
 * region's echo is never cut inside an emoji's surrogate pair.
 */
class ImportNameCapsTest {
  private static final String EMOJI = "\uD83D\uDE00";

  @Test
  void aFileNameOfMaxFilenameEmojiIsTakenAndOneMoreIsRefusedNamingTheLimit() {
    String name = EMOJI.repeat(LeadImportResource.MAX_FILENAME);
    assertThat(LeadImportResource.filename(name, null)).isEqualTo(name);

    ApiException e =
        catchThrowableOfType(
            () -> LeadImportResource.filename(name + EMOJI, null), ApiException.class);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.errors()).hasSize(1);
    assertThat(e.errors().get(0).field()).isEqualTo("filename");
    assertThat(e.errors().get(0).message()).contains("at most 255");
  }

  @Test
  void anUnknownRegionIsEchoedCutNeverInsideAnEmoji() {
    ApiException e =
        catchThrowableOfType(
            () -> PhoneReader.region("ABCDEFG" + EMOJI + "HIJ"), ApiException.class);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.errors().get(0).field()).isEqualTo("region");
    assertThat(e.errors().get(0).message()).endsWith(": ABCDEFG" + EMOJI + "…");
  }
}

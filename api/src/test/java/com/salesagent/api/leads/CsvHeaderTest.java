package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/**
 * A header's unknown column is echoed in the refusal at most 100 characters, counted in code points
 * as every cap here is: a column of 60 emoji (120 UTF-16 units) was echoed cut to 50 and "...", and
 * one of "a" and 100 emoji was cut inside an emoji, half a surrogate pair in the answer.
 */
class CsvHeaderTest {
  private static final String PHONE = "\uD83D\uDCDE";

  private static ApiException refused(String unknownColumn) {
    String csv = "name,phone," + unknownColumn + "\nAna,+15005550101,x\n";
    return catchThrowableOfType(
        () -> CsvHeader.read(new CsvRecords(new StringReader(csv), 10_000, 100_000), false),
        ApiException.class);
  }

  private static FieldError unknown(ApiException e) {
    return e.errors().stream()
        .filter(f -> f.message().equals("unknown column"))
        .findFirst()
        .orElseThrow();
  }

  private static boolean loneSurrogate(String s) {
    return s.codePoints()
        .anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
  }

  @Test
  void anUnknownColumnOfEmojiWithinTheCapIsEchoedWhole() {
    String column = PHONE.repeat(60);

    ApiException e = refused(column);

    assertThat(e.status()).isEqualTo(400);
    assertThat(unknown(e).field()).isEqualTo(column);
    assertThat(e.getMessage()).contains(column + " (their values").doesNotContain("...");
  }

  @Test
  void anUnknownColumnOfEmojiExactlyAtTheCapIsEchoedWhole() {
    String column = PHONE.repeat(100);

    assertThat(unknown(refused(column)).field()).isEqualTo(column);
  }

  @Test
  void anUnknownColumnOfEmojiJustOverTheCapIsCutAtTheCapWithoutHalfAnEmoji() {
    String column = PHONE.repeat(101);

    String field = unknown(refused(column)).field();

    assertThat(field).isEqualTo(PHONE.repeat(100) + "...");
    assertThat(loneSurrogate(field)).isFalse();
  }

  @Test
  void aCutNeverLeavesALoneSurrogate() {
    String column = "a" + PHONE.repeat(100);

    ApiException e = refused(column);

    assertThat(unknown(e).field()).isEqualTo("a" + PHONE.repeat(99) + "...");
    assertThat(loneSurrogate(unknown(e).field())).isFalse();
    assertThat(loneSurrogate(e.getMessage())).isFalse();
  }

  @Test
  void anIgnoredColumnIsNamedAsTheRefusalWouldNameIt() {
    String column = PHONE.repeat(60);
    String csv =
        "name,phone,company,consentOptIn,consentSource,consentAt,"
            + column
            + "\nAna,+15005550101,Acme,true,form,2026-11-20T10:00:00Z,x\n";

    CsvHeader header = CsvHeader.read(new CsvRecords(new StringReader(csv), 10_000, 100_000), true);

    assertThat(header.ignored()).containsExactly(column);
  }
}

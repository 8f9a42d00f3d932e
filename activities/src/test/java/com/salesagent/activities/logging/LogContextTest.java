package com.salesagent.activities.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.Phones;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class LogContextTest {
  /** Meta's own example of a message id: base64 whose bytes hold the recipient's number. */
  private static final String META_WAMID =
      "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA";

  @Test
  void aPreferenceEventKeyHasItsPhoneNumberMaskedOthersStayWhole() {
    assertThat(LogContext.safe("preference:15551234567:marketing:stop"))
        .isEqualTo("preference:15*****4567:marketing:stop")
        .doesNotContain("5551234");
    assertThat(LogContext.safe("status:wamid.ABC:read")).isEqualTo("status:wamid.ABC:read");
    assertThat(LogContext.safe("message:wamid.IN1")).isEqualTo("message:wamid.IN1");
  }

  @Test
  void aWamidHoldsThePhoneNumberSoLogsKeepOnlyItsTail() {
    String decoded =
        new String(
            Base64.getDecoder().decode(META_WAMID.substring("wamid.".length())),
            StandardCharsets.ISO_8859_1);
    assertThat(decoded).contains("16505076520"); // why: the number is in the id

    String logged = Phones.wamid(META_WAMID);
    assertThat(logged).isEqualTo("wamid.…Q2RTY3RTcA").doesNotContain("MTY1MDUwNzY1MjA");
    assertThat(LogContext.safe("status:" + META_WAMID + ":read"))
        .isEqualTo("status:wamid.…Q2RTY3RTcA:read");
    assertThat(LogContext.safe("message:" + META_WAMID)).isEqualTo("message:wamid.…Q2RTY3RTcA");
    // Short ids (tests, the emulator's old ones) stay whole: nothing to hide in them.
    assertThat(Phones.wamid("wamid.IN1")).isEqualTo("wamid.IN1");
    assertThat(Phones.wamid(null)).isNull();
  }
}

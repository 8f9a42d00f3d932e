package com.salesagent.activities.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogContextTest {
  @Test
  void aPreferenceEventKeyHasItsPhoneNumberMaskedOthersStayWhole() {
    assertThat(LogContext.safe("preference:15551234567:marketing:stop"))
        .isEqualTo("preference:15*****4567:marketing:stop")
        .doesNotContain("5551234");
    assertThat(LogContext.safe("status:wamid.ABC:read")).isEqualTo("status:wamid.ABC:read");
    assertThat(LogContext.safe("message:wamid.IN1")).isEqualTo("message:wamid.IN1");
  }
}

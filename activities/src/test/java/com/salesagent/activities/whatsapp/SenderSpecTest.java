package com.salesagent.activities.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SenderSpecTest {
  @Test
  void parsesNumbersWithTheirTokenVariableAndTier() {
    assertThat(SenderSpec.parseList(" 123:TOKEN_A , 456:TOKEN_B:1000 "))
        .containsExactly(
            new SenderSpec("123", "TOKEN_A", null), new SenderSpec("456", "TOKEN_B", 1000));
    assertThat(SenderSpec.parseList("")).isEmpty();
  }

  @Test
  void aBadEntryIsNamedWithWhatIsWrong() {
    assertThatThrownBy(() -> SenderSpec.parseList("123:TOKEN_A,+5511:TOKEN_B"))
        .hasMessageContaining("entry 2")
        .hasMessageContaining("phoneNumberId");
    assertThatThrownBy(() -> SenderSpec.parseList("123:EAAGm0PX4ZCps"))
        .hasMessageContaining("tokenRef");
    assertThatThrownBy(() -> SenderSpec.parseList("123:T:81")).hasMessageContaining("tier");
    assertThatThrownBy(() -> SenderSpec.parseList("123:T,123:U")).hasMessageContaining("twice");
  }
}

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

  /**
   * The worker sends the named variable's value to the Graph API as the number's token: a reference
   * to the app's own secrets would hand them to a third party on the next send.
   */
  @Test
  void aTokenReferenceNamingTheApplicationsOwnSecretIsRefused() {
    for (String secret :
        java.util.List.of(
            "API_ADMIN_TOKEN",
            "WHATSAPP_APP_SECRET",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "MONGODB_URI",
            "LLM_API_KEY",
            "OPENAI_API_KEY",
            "HUBSPOT_CLIENT_SECRET",
            "PII_HASH_KEY")) {
      org.assertj.core.api.Assertions.assertThat(SenderSpec.problem("123", secret, 80))
          .as(secret)
          .contains("tokenRef")
          .contains("own secrets");
      assertThatThrownBy(() -> SenderSpec.parseList("123:" + secret))
          .as(secret)
          .hasMessageContaining("tokenRef");
    }
    for (String token :
        java.util.List.of("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_TOKEN_SALES", "TOKEN_B")) {
      org.assertj.core.api.Assertions.assertThat(SenderSpec.problem("123", token, 80))
          .as(token)
          .isNull();
    }
  }
}

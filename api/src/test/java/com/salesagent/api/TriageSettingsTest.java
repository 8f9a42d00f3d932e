package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.compose.LlmSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TriageSettingsTest {
  @Test
  void triageCallsAreBoundedToFiveSecondsAndOneRetry() {
    LlmSettings compose =
        new LlmSettings("openai", "gpt-4o-mini", "k", "", Duration.ofSeconds(60), 3);

    LlmSettings triage = ApiWiring.triageSettings(compose);

    assertThat(triage.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(triage.maxRetries()).isEqualTo(1);
    assertThat(triage.label()).isEqualTo(compose.label());
    LlmSettings quick = new LlmSettings("ollama", "m", "", "", Duration.ofSeconds(2), 0);
    assertThat(ApiWiring.triageSettings(quick).timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(ApiWiring.triageSettings(quick).maxRetries()).isZero();
  }
}

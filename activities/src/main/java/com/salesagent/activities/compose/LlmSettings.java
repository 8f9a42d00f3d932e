package com.salesagent.activities.compose;

import java.time.Duration;

/**
 * Which LLM writes free-text messages: {@code none} (the offline composer), {@code openai}, {@code
 * gemini} or {@code ollama}. The key comes from the environment only.
 */
public record LlmSettings(
    String provider,
    String model,
    String apiKey,
    String baseUrl,
    Duration timeout,
    int maxRetries) {
  public boolean enabled() {
    return provider != null && !provider.isBlank() && !"none".equals(provider);
  }

  public String label() {
    return provider + "/" + model;
  }
}

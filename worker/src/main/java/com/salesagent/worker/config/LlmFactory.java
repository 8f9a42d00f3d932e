package com.salesagent.worker.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.salesagent.activities.compose.LlmSettings;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * The LLM for free-text messages (LLM_PROVIDER: none, openai, gemini, ollama). With none, the
 * offline composer writes every message. The key comes from the environment only (LLM_API_KEY).
 */
public class LlmFactory {
  @Pattern(
      regexp = "none|openai|gemini|ollama",
      message = "must be none, openai, gemini or ollama (LLM_PROVIDER)")
  private String provider = "none";

  private String model = "";
  private String apiKey = "";
  private String baseUrl = "";
  @NotNull private Duration timeout = Duration.seconds(20);

  @Min(0)
  @Max(5)
  private int maxRetries = 2;

  @JsonProperty
  public String getProvider() {
    return provider;
  }

  @JsonProperty
  public void setProvider(String provider) {
    this.provider = provider;
  }

  @JsonProperty
  public String getModel() {
    return model;
  }

  @JsonProperty
  public void setModel(String model) {
    this.model = model == null ? "" : model;
  }

  @JsonProperty
  public String getApiKey() {
    return apiKey;
  }

  @JsonProperty
  public void setApiKey(String apiKey) {
    this.apiKey = apiKey == null ? "" : apiKey;
  }

  @JsonProperty
  public String getBaseUrl() {
    return baseUrl;
  }

  @JsonProperty
  public void setBaseUrl(String baseUrl) {
    this.baseUrl = baseUrl == null ? "" : baseUrl;
  }

  @JsonProperty
  public Duration getTimeout() {
    return timeout;
  }

  @JsonProperty
  public void setTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  @JsonProperty
  public int getMaxRetries() {
    return maxRetries;
  }

  @JsonProperty
  public void setMaxRetries(int maxRetries) {
    this.maxRetries = maxRetries;
  }

  @ValidationMethod(message = "LLM_API_KEY is needed for LLM_PROVIDER openai and gemini")
  @JsonIgnore
  public boolean isKeyPresentWhereNeeded() {
    return !("openai".equals(provider) || "gemini".equals(provider)) || !apiKey.isBlank();
  }

  /** A base URL that is no http(s) URL started the process, and every LLM call then failed. */
  @ValidationMethod(message = "LLM_BASE_URL must be an http(s) URL or empty (the provider's own)")
  @JsonIgnore
  public boolean isBaseUrlValid() {
    return baseUrl.isBlank() || HttpUrls.isHttpUrl(baseUrl.strip());
  }

  public LlmSettings toSettings() {
    String m =
        !model.isBlank()
            ? model
            : switch (provider) {
              case "openai" -> "gpt-4o-mini";
              case "gemini" -> "gemini-2.0-flash";
              case "ollama" -> "llama3.1";
              default -> "";
            };
    return new LlmSettings(provider, m, apiKey, baseUrl, timeout.toJavaDuration(), maxRetries);
  }
}

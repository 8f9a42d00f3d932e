package com.salesagent.activities.compose;

import com.salesagent.activities.http.WholeAnswerHttpClient;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * LangChain4j chat models by configuration; LangChain4j retries timeouts and 429s with backoff.
 * Each one's HTTP client is {@link WholeAnswerHttpClient}: the whole answer within the connect time
 * plus the timeout (LangChain4j's own client's timeout ends with the headers, so a provider that
 * stalled the body after them held the activity's thread for good).
 */
public final class ChatModels {
  private ChatModels() {}

  public static ChatModel build(LlmSettings s) {
    return switch (s.provider()) {
      case "openai" -> {
        var b =
            OpenAiChatModel.builder()
                .httpClientBuilder(WholeAnswerHttpClient.builder())
                .apiKey(s.apiKey())
                .modelName(s.model())
                .timeout(s.timeout())
                .maxRetries(s.maxRetries())
                .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA)
                .strictJsonSchema(true)
                .temperature(0.4);
        if (s.baseUrl() != null && !s.baseUrl().isBlank()) {
          b.baseUrl(s.baseUrl());
        }
        yield b.build();
      }
      case "gemini" -> {
        var b =
            GoogleAiGeminiChatModel.builder()
                .httpClientBuilder(WholeAnswerHttpClient.builder())
                .apiKey(s.apiKey())
                .modelName(s.model())
                .timeout(s.timeout())
                .maxRetries(s.maxRetries())
                .temperature(0.4);
        if (s.baseUrl() != null && !s.baseUrl().isBlank()) {
          b.baseUrl(s.baseUrl());
        }
        yield b.build();
      }
      case "ollama" ->
          OllamaChatModel.builder()
              .httpClientBuilder(WholeAnswerHttpClient.builder())
              .baseUrl(
                  s.baseUrl() == null || s.baseUrl().isBlank()
                      ? "http://localhost:11434"
                      : s.baseUrl())
              .modelName(s.model())
              .timeout(s.timeout())
              .maxRetries(s.maxRetries())
              .temperature(0.4)
              .build();
      default ->
          throw new IllegalArgumentException(
              "LLM_PROVIDER must be none, openai, gemini or ollama, not " + s.provider());
    };
  }
}

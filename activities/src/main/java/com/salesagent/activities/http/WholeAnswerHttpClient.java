package com.salesagent.activities.http;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * LangChain4j's HTTP client for the chat models, through {@link WholeAnswer}: the whole answer,
 * body included, within the connect timeout plus the read timeout (both LangChain4j's {@code
 * timeout}) and at most {@link #MAX_BYTES}. LangChain4j's own JDK client gives its timeout to
 * {@code HttpRequest.timeout}, which ends with the headers: a provider (or a proxy) that sent them
 * and then stalled the body held the activity's thread for good. A cut answer is LangChain4j's
 * {@link TimeoutException}, which it retries as it does its own timeouts; an answer that is not 2xx
 * is its {@link HttpException}, as before. Streaming is not offered (no chat model here streams).
 */
public final class WholeAnswerHttpClient implements HttpClient {
  /** A chat answer is a few KiB of JSON; past this the exchange is cancelled. */
  public static final long MAX_BYTES = 4L << 20;

  private final java.net.http.HttpClient http;
  private final Duration readTimeout;
  private final Duration deadline;

  private WholeAnswerHttpClient(Duration connectTimeout, Duration readTimeout) {
    this.http = java.net.http.HttpClient.newBuilder().connectTimeout(connectTimeout).build();
    this.readTimeout = readTimeout;
    this.deadline = connectTimeout.plus(readTimeout);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
      throw new UnsupportedOperationException("multipart requests are not sent by this client");
    }
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(URI.create(request.url())).timeout(readTimeout);
    request.headers().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
    String body = request.body();
    b.method(
        request.method().name(),
        body == null
            ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    HttpResponse<byte[]> response;
    try {
      response = WholeAnswer.send(http, b.build(), deadline, MAX_BYTES);
    } catch (HttpTimeoutException e) {
      throw new TimeoutException(e);
    } catch (IOException e) {
      throw new RuntimeException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw new HttpException(status, new String(response.body(), StandardCharsets.UTF_8));
    }
    return SuccessfulHttpResponse.builder()
        .statusCode(status)
        .headers(response.headers().map())
        .body(response.body())
        .build();
  }

  @Override
  public void execute(
      HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    throw new UnsupportedOperationException("streaming is not offered by this client");
  }

  /** LangChain4j's model builders set both timeouts from their {@code timeout}. */
  public static final class Builder implements HttpClientBuilder {
    private Duration connectTimeout = Duration.ofSeconds(15);
    private Duration readTimeout = Duration.ofSeconds(60);

    @Override
    public Duration connectTimeout() {
      return connectTimeout;
    }

    @Override
    public Builder connectTimeout(Duration timeout) {
      if (timeout != null) {
        this.connectTimeout = timeout;
      }
      return this;
    }

    @Override
    public Duration readTimeout() {
      return readTimeout;
    }

    @Override
    public Builder readTimeout(Duration timeout) {
      if (timeout != null) {
        this.readTimeout = timeout;
      }
      return this;
    }

    @Override
    public WholeAnswerHttpClient build() {
      return new WholeAnswerHttpClient(connectTimeout, readTimeout);
    }
  }
}

package com.salesagent.activities.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP call whose whole answer (status, headers and body) arrives within one deadline and one
 * size cap. {@link HttpRequest.Builder#timeout} alone ends when the headers arrive: a server (or a
 * proxy) that sends its headers and then drips or stalls the body held {@code HttpClient.send} for
 * as long as it liked, forever if it never closed the connection, pinning the caller's thread (an
 * activity slot, the notification dispatcher).
 */
public final class WholeAnswer {
  private WholeAnswer() {}

  /** The answer was longer than the cap: the exchange is cancelled, the rest is not read. */
  public static final class TooLarge extends IOException {
    private final long max;

    TooLarge(long max) {
      super("the answer is longer than " + max + " bytes");
      this.max = max;
    }

    public long max() {
      return max;
    }
  }

  /**
   * Sends {@code request} and reads its answer up to {@code maxBytes}, all within {@code deadline}
   * (counted from this call). Past the deadline the exchange is cancelled and an {@link
   * HttpTimeoutException} is thrown; a longer answer throws {@link TooLarge}; a failure of the
   * exchange is thrown as the {@link IOException} the client reported (a refused connection stays a
   * {@code ConnectException}, a connect timeout an {@code HttpConnectTimeoutException}).
   */
  public static HttpResponse<byte[]> send(
      HttpClient http, HttpRequest request, Duration deadline, long maxBytes)
      throws IOException, InterruptedException {
    return send(http, request, info -> new CappedBody(maxBytes), deadline);
  }

  /**
   * Sends {@code request} and hands its body to {@code body} (e.g. {@code
   * BodyHandlers.discarding()}), the whole exchange within {@code deadline}, as {@link
   * #send(HttpClient, HttpRequest, Duration, long)}.
   */
  public static <T> HttpResponse<T> send(
      HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> body, Duration deadline)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<T>> sent = http.sendAsync(request, body);
    try {
      return sent.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      sent.cancel(true);
      throw new HttpTimeoutException(
          "the answer was not whole within " + deadline.toMillis() + " ms");
    } catch (InterruptedException e) {
      sent.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }

  /** A body read up to {@code max} bytes; one byte more cancels the exchange and fails it. */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long max;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    CappedBody(long max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        if (body.isDone()) {
          return;
        }
        if (out.size() + (long) b.remaining() > max) {
          subscription.cancel();
          body.completeExceptionally(new TooLarge(max));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable error) {
      body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      body.complete(out.toByteArray());
    }
  }
}

package com.salesagent.api.auth;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts failed authentications per client address in a fixed window: past {@code maxFailures} the
 * address is refused (429) until its window ends, right token or not, so guessing the token from
 * one address costs a window per {@code maxFailures} tries. Bounded in memory (10,000 addresses).
 */
public final class FailedAuthThrottle {
  private final int maxFailures;
  private final Duration window;
  private final Cache<String, AtomicInteger> failures;

  public FailedAuthThrottle(int maxFailures, Duration window) {
    this(maxFailures, window, Ticker.systemTicker());
  }

  FailedAuthThrottle(int maxFailures, Duration window, Ticker ticker) {
    this.maxFailures = maxFailures;
    this.window = window;
    this.failures =
        CacheBuilder.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(window)
            .ticker(ticker)
            .build();
  }

  public boolean blocked(String client) {
    AtomicInteger count = failures.getIfPresent(client);
    return count != null && count.get() >= maxFailures;
  }

  public void failed(String client) {
    try {
      failures.get(client, AtomicInteger::new).incrementAndGet();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  public Duration window() {
    return window;
  }
}

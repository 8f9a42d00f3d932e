package com.salesagent.activities.research;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * GETs pages of the public web for research, and nothing else: every host (the first and each
 * redirect's, followed by hand, at most {@link #MAX_REDIRECTS}) is resolved and refused unless all
 * its addresses are public ({@link PublicAddresses}); the connection itself goes through the same
 * check (the client's DNS resolver), so a name that resolves differently the second time cannot
 * reach an internal host. One deadline covers connect, headers and body: a server that drips bytes
 * is cut off at it. Bodies are read up to a size limit.
 */
public final class PublicWebClient implements AutoCloseable {
  public static final int MAX_REDIRECTS = 3;

  /** An answer: the final address, status, content type and (limited) body. */
  public record Page(URI uri, int status, String contentType, byte[] body) {
    public boolean html() {
      String t = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
      return t.startsWith("text/html") || t.startsWith("application/xhtml+xml");
    }
  }

  /** Refused before any connection: a non-public address, a scheme, too many redirects. */
  public static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "web-research-deadlines");
            t.setDaemon(true);
            return t;
          });

  private final PublicAddresses policy;
  private final Duration deadline;
  private final int maxBytes;
  private final String userAgent;
  private final CloseableHttpClient http;

  public PublicWebClient(
      PublicAddresses policy, Duration deadline, int maxBytes, String userAgent) {
    this.policy = policy;
    this.deadline = deadline;
    this.maxBytes = maxBytes;
    this.userAgent = userAgent;
    DnsResolver checked =
        new DnsResolver() {
          @Override
          public InetAddress[] resolve(String host) throws UnknownHostException {
            return publicAddresses(host);
          }

          @Override
          public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
          }
        };
    Timeout t = Timeout.of(deadline);
    this.http =
        HttpClients.custom()
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDnsResolver(checked)
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
                    .build())
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setRedirectsEnabled(false)
                    .setResponseTimeout(t)
                    .setConnectionRequestTimeout(t)
                    .build())
            .build();
  }

  /** The host's addresses when every one of them is public; refused otherwise. */
  InetAddress[] publicAddresses(String host) throws UnknownHostException {
    InetAddress[] all = InetAddress.getAllByName(host);
    for (InetAddress a : all) {
      if (!policy.allowed(a)) {
        throw new UnknownHostException(
            host + " resolves to a non-public address (" + a.getHostAddress() + "): refused");
      }
    }
    return all;
  }

  /** GETs the page, following up to MAX_REDIRECTS redirects, all within one deadline. */
  public Page get(URI start) throws IOException {
    long until = System.nanoTime() + deadline.toNanos();
    URI uri = start;
    for (int hop = 0; ; hop++) {
      check(uri);
      HttpGet get = new HttpGet(uri);
      get.setHeader("User-Agent", userAgent);
      get.setHeader("Accept", "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5");
      long left = until - System.nanoTime();
      if (left <= 0) {
        throw new Refused("deadline of " + deadline.toMillis() + " ms passed");
      }
      ScheduledFuture<?> cut = DEADLINES.schedule(get::cancel, left, TimeUnit.NANOSECONDS);
      try {
        Page page;
        ClassicHttpResponse response = http.executeOpen(null, get, null);
        try {
          page = read(get, response, until);
        } finally {
          try {
            response.close();
          } catch (IOException ignored) {
            // a connection dropped on purpose (body over the limit) complains when closed
          }
        }
        if (!REDIRECTS.contains(page.status())) {
          return page;
        }
        if (hop >= MAX_REDIRECTS) {
          throw new Refused("more than " + MAX_REDIRECTS + " redirects");
        }
        String location = new String(page.body(), StandardCharsets.UTF_8);
        if (location.isBlank()) {
          throw new Refused("a redirect without Location");
        }
        uri = uri.resolve(location.strip());
      } catch (Refused e) {
        throw e;
      } catch (IOException e) {
        if (get.isCancelled()) {
          throw new Refused("deadline of " + deadline.toMillis() + " ms passed");
        }
        throw e;
      } finally {
        cut.cancel(false);
      }
    }
  }

  private void check(URI uri) throws IOException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Refused("only http and https: " + scheme);
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new Refused("no host, or credentials in the address");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    publicAddresses(host);
  }

  /** The body up to maxBytes (the Location for a redirect), read before the deadline. */
  private Page read(HttpGet get, ClassicHttpResponse response, long until) throws IOException {
    int status = response.getCode();
    Header type = response.getFirstHeader("Content-Type");
    String contentType = type == null ? null : type.getValue();
    if (REDIRECTS.contains(status)) {
      Header location = response.getFirstHeader("Location");
      byte[] where =
          location == null ? new byte[0] : location.getValue().getBytes(StandardCharsets.UTF_8);
      return new Page(safeUri(get), status, contentType, where);
    }
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      return new Page(safeUri(get), status, contentType, new byte[0]);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = entity.getContent();
    byte[] buffer = new byte[8192];
    int n = 0;
    while (out.size() < maxBytes
        && (n = in.read(buffer, 0, Math.min(buffer.length, maxBytes - out.size()))) != -1) {
      out.write(buffer, 0, n);
      if (System.nanoTime() > until) {
        get.cancel();
        throw new Refused("deadline passed while reading the body");
      }
    }
    if (n != -1) {
      // More than maxBytes: drop the connection rather than read (or drain) the rest.
      get.cancel();
    } else {
      in.close();
    }
    return new Page(safeUri(get), status, contentType, out.toByteArray());
  }

  private static URI safeUri(HttpGet get) {
    try {
      return get.getUri();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    http.close();
  }
}

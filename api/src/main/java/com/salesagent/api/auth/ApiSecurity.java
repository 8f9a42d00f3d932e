package com.salesagent.api.auth;

import com.salesagent.api.http.RequestGuard;
import com.salesagent.temporal.StartupException;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;

/**
 * Who may drive the agent, and what reaches it: deny-by-default bearer authentication on every
 * Jersey resource but the allow-listed ones, throttled failures, and the body caps and security
 * headers of {@link RequestGuard} in front of everything on the application port.
 */
public final class ApiSecurity {
  /** Generated tokens are 38 characters; a configured one must be at least this long. */
  public static final int MIN_TOKEN_LENGTH = 32;

  /** Every request body but the import's (Meta's webhook payloads are a few KiB). */
  public static final long MAX_BODY = 1024 * 1024;

  /** The streamed lead import (its rows are capped too: {@code LeadImport.MAX_ROWS}). */
  public static final long MAX_IMPORT_BODY = 256L * 1024 * 1024;

  public static final int MAX_FAILED_AUTH_PER_MINUTE = 20;

  private ApiSecurity() {}

  /** The configured token, or a generated one for the embedded default; refuses weak ones. */
  public static String token(String configured, boolean embedded) {
    if (configured == null || configured.isBlank()) {
      if (!embedded) {
        throw new StartupException(
            "API_ADMIN_TOKEN is not set: the server command needs a bearer token for /api");
      }
      byte[] bytes = new byte[16];
      new SecureRandom().nextBytes(bytes);
      return "local-" + HexFormat.of().formatHex(bytes);
    }
    if (configured.length() < MIN_TOKEN_LENGTH) {
      throw new StartupException(
          "API_ADMIN_TOKEN is too short ("
              + configured.length()
              + " characters): use at least "
              + MIN_TOKEN_LENGTH
              + ", e.g. openssl rand -hex 24");
    }
    return configured;
  }

  public static void register(Environment env, String token, String operatorName) {
    register(env, token, operatorName, java.util.Set.of());
  }

  /**
   * {@code TRUSTED_PROXIES}: comma-separated addresses of the reverse proxies in front of the port;
   * start-up refuses an entry that is not an IP address.
   */
  public static java.util.Set<java.net.InetAddress> trustedProxies(String setting) {
    java.util.Set<java.net.InetAddress> out = new java.util.LinkedHashSet<>();
    if (setting == null || setting.isBlank()) {
      return out;
    }
    for (String raw : setting.split(",")) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      if (!com.google.common.net.InetAddresses.isInetAddress(entry)) {
        throw new StartupException(
            "TRUSTED_PROXIES: '" + entry + "' is not an IP address (e.g. 10.0.0.5,::1)");
      }
      out.add(com.google.common.net.InetAddresses.forString(entry));
    }
    return out;
  }

  public static void register(
      Environment env,
      String token,
      String operatorName,
      java.util.Set<java.net.InetAddress> trustedProxies) {
    FailedAuthThrottle throttle =
        new FailedAuthThrottle(MAX_FAILED_AUTH_PER_MINUTE, Duration.ofMinutes(1));
    env.jersey()
        .register(new DenyByDefault(BearerTokenFilter.create(token, operatorName, throttle)));
    env.jersey().register(new AuthValueFactoryProvider.Binder<>(Operator.class));
    env.servlets()
        .addFilter("request-guard", new RequestGuard(MAX_BODY, MAX_IMPORT_BODY, trustedProxies))
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
  }

  /** What a log or banner may show of a secret: enough to tell two apart, nothing to use. */
  public static String fingerprint(String secret) {
    if (secret == null || secret.isEmpty()) {
      return "(not set)";
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 4) + "…";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

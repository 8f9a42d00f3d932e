package com.salesagent.activities.whatsapp;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A Cloud API client per business number, built on first use from the number's token reference (the
 * name of an environment variable; resolved in this process, never written anywhere). The
 * configured number ({@code WHATSAPP_PHONE_NUMBER_ID}) uses {@code WHATSAPP_ACCESS_TOKEN} as it
 * always did. All clients share one HTTP connection pool.
 */
public final class SenderClients {
  /** The environment variable the primary number's token comes from. */
  public static final String PRIMARY_TOKEN_REF = "WHATSAPP_ACCESS_TOKEN";

  private final WhatsAppSettings primary;
  private final Function<String, String> tokens;
  private final HttpClient http;
  private final Duration timeout;
  private final WhatsAppClient primaryClient;
  private final Map<String, WhatsAppClient> clients = new ConcurrentHashMap<>();

  /**
   * {@code tokens}: a token reference to its value, or null when this process has no such variable
   * (System::getenv on the real stack).
   */
  public SenderClients(
      WhatsAppSettings primary, WhatsAppClient primaryClient, Function<String, String> tokens) {
    this.primary = primary;
    this.primaryClient = primaryClient;
    this.tokens = tokens;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.timeout = Duration.ofSeconds(15);
  }

  public String primaryId() {
    return primary.phoneNumberId();
  }

  /**
   * Whether this process can send from the number: its token reference names a variable set here
   * (the primary number's is the configured token). Nothing is built, nothing is read but the
   * variable's presence.
   */
  public boolean resolves(String phoneNumberId, String tokenRef) {
    if (phoneNumberId.equals(primary.phoneNumberId())
        && (tokenRef == null || PRIMARY_TOKEN_REF.equals(tokenRef))) {
      return true;
    }
    String token = tokenRef == null ? null : tokens.apply(tokenRef);
    return token != null && !token.isBlank();
  }

  /** The client for this number, or null when its token reference resolves to nothing here. */
  public WhatsAppClient client(String phoneNumberId, String tokenRef) {
    if (phoneNumberId.equals(primary.phoneNumberId())
        && (tokenRef == null || PRIMARY_TOKEN_REF.equals(tokenRef))) {
      return primaryClient;
    }
    if (tokenRef == null) {
      return null;
    }
    String token = tokens.apply(tokenRef);
    if (token == null || token.isBlank()) {
      return null;
    }
    // Keyed by the token's hash too: a rotated token gets a fresh client.
    return clients.computeIfAbsent(
        phoneNumberId + "|" + tokenRef + "|" + token.hashCode(),
        k ->
            new WhatsAppClient(
                new WhatsAppSettings(primary.baseUrl(), primary.apiVersion(), phoneNumberId, token),
                timeout,
                http));
  }
}

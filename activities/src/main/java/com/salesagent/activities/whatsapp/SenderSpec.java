package com.salesagent.activities.whatsapp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One business number of the pool as configured: its phone-number id, the name of the environment
 * variable that holds its access token (a reference: the token itself is never stored in MongoDB
 * nor logged) and its throughput tier in messages per second (80, or 1,000 after Meta's upgrade;
 * null: not said, 80 for a new number and unchanged for a known one, whose tier Meta's
 * THROUGHPUT_UPGRADE webhook may have raised).
 */
public record SenderSpec(String phoneNumberId, String tokenRef, Integer tier) {
  public static final Pattern PHONE_NUMBER_ID = Pattern.compile("[0-9]{1,32}");

  /** An environment variable name: what a token reference must be. */
  public static final Pattern TOKEN_REF = Pattern.compile("[A-Z_][A-Z0-9_]{0,127}");

  /**
   * The application's own secrets and credentials, which a number's token reference must not name:
   * the worker sends the variable's value to the Graph API as a bearer token, so {@code
   * "tokenRef":"API_ADMIN_TOKEN"} (or an AWS key, the app secret, a database URI) would hand it to
   * a third party on the next send.
   */
  static final Set<String> OWN_SECRETS =
      Set.of(
          "API_ADMIN_TOKEN",
          "WHATSAPP_APP_SECRET",
          "WHATSAPP_VERIFY_TOKEN",
          "MONGODB_URI",
          "HUBSPOT_ACCESS_TOKEN",
          "HUBSPOT_CLIENT_SECRET",
          "NOTIFY_WEBHOOK_SECRET",
          "TEMPORAL_API_KEY",
          "TEMPORAL_TLS_CERT",
          "TEMPORAL_TLS_KEY",
          "TEMPORAL_DB_PASSWORD",
          "LLM_API_KEY",
          "PII_HASH_KEY");

  private static final Pattern SECRET_SHAPED =
      Pattern.compile("AWS_.*|.*(_SECRET|_PASSWORD|_API_KEY|_PRIVATE_KEY|_URI|_URL)");

  /** Whether {@code tokenRef} names one of the application's own secrets, not a number's token. */
  public static boolean namesOwnSecret(String tokenRef) {
    return OWN_SECRETS.contains(tokenRef) || SECRET_SHAPED.matcher(tokenRef).matches();
  }

  public static final Set<Integer> TIERS = Set.of(20, 80, 1000);
  public static final int MAX_SENDERS = 100;

  /** Null when valid, else what is wrong, naming the field. */
  public static String problem(String phoneNumberId, String tokenRef, Integer tier) {
    if (phoneNumberId == null || !PHONE_NUMBER_ID.matcher(phoneNumberId).matches()) {
      return "phoneNumberId must be the numeric phone number id (1-32 digits)";
    }
    if (tokenRef == null || !TOKEN_REF.matcher(tokenRef).matches()) {
      return "tokenRef must name the environment variable holding the access token"
          + " (A-Z, 0-9, _; not the token itself)";
    }
    if (namesOwnSecret(tokenRef)) {
      return "tokenRef must not name one of the application's own secrets or credentials (its"
          + " value is sent to the Graph API as the number's token): name the variable that holds"
          + " this number's access token";
    }
    if (tier != null && !TIERS.contains(tier)) {
      return "tier must be 20, 80 or 1000 (messages per second)";
    }
    return null;
  }

  /**
   * {@code WHATSAPP_SENDERS}: {@code id:TOKEN_VAR[:tier]} entries separated by commas, e.g. {@code
   * 1234567890:WHATSAPP_TOKEN_SALES:80,2345678901:WHATSAPP_TOKEN_SALES2:1000}. Empty: none.
   *
   * @throws IllegalArgumentException naming the entry and what is wrong with it
   */
  public static List<SenderSpec> parseList(String setting) {
    List<SenderSpec> out = new ArrayList<>();
    if (setting == null || setting.isBlank()) {
      return out;
    }
    Set<String> ids = new LinkedHashSet<>();
    for (String raw : setting.split(",")) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      String[] parts = entry.split(":");
      Integer tier = null;
      String problem = null;
      if (parts.length < 2 || parts.length > 3) {
        problem = "must be id:TOKEN_VAR[:tier]";
      } else if (parts.length == 3) {
        try {
          tier = Integer.parseInt(parts[2].trim());
        } catch (NumberFormatException e) {
          problem = "tier must be a number";
        }
      }
      if (problem == null) {
        problem = problem(parts[0].trim(), parts[1].trim(), tier);
      }
      if (problem == null && !ids.add(parts[0].trim())) {
        problem = "phone number id listed twice";
      }
      if (problem != null) {
        throw new IllegalArgumentException(
            "WHATSAPP_SENDERS entry " + (out.size() + 1) + ": " + problem);
      }
      out.add(new SenderSpec(parts[0].trim(), parts[1].trim(), tier));
    }
    if (out.size() > MAX_SENDERS) {
      throw new IllegalArgumentException("WHATSAPP_SENDERS: at most " + MAX_SENDERS + " numbers");
    }
    return out;
  }
}

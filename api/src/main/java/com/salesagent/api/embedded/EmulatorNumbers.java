package com.salesagent.api.embedded;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The business numbers the emulator serves, each with its own access token and display number, as a
 * WhatsApp Business Account with several numbers has. The first is the configured (or generated)
 * one; the embedded stack adds more with {@code WHATSAPP_EMULATOR_NUMBERS}. Their tokens are handed
 * to the in-process worker through token references named {@link #tokenRef(int)}.
 */
public final class EmulatorNumbers {
  /** One number: its phone-number id, bearer token and display number. */
  public record Number(String phoneNumberId, String accessToken, String displayNumber) {}

  private final List<Number> numbers = new ArrayList<>();
  private final Map<String, Number> byId = new ConcurrentHashMap<>();

  EmulatorNumbers(String phoneNumberId, String accessToken) {
    add(new Number(phoneNumberId, accessToken, "1555000" + String.format("%04d", 0)));
  }

  private synchronized void add(Number n) {
    numbers.add(n);
    byId.put(n.phoneNumberId(), n);
  }

  /** A further number with a generated id and token. */
  synchronized Number addGenerated() {
    SecureRandom r = new SecureRandom();
    StringBuilder id = new StringBuilder("1");
    for (int i = 0; i < 14; i++) {
      id.append(r.nextInt(10));
    }
    byte[] t = new byte[16];
    r.nextBytes(t);
    Number n =
        new Number(
            id.toString(),
            "emulator-token-" + HexFormat.of().formatHex(t),
            "1555000" + String.format("%04d", numbers.size()));
    add(n);
    return n;
  }

  /** A further number with a known id and token (kept from an earlier start). */
  synchronized Number addKept(String phoneNumberId, String accessToken) {
    Number n =
        new Number(phoneNumberId, accessToken, "1555000" + String.format("%04d", numbers.size()));
    add(n);
    return n;
  }

  Number get(String phoneNumberId) {
    return byId.get(phoneNumberId);
  }

  public synchronized List<Number> all() {
    return List.copyOf(numbers);
  }

  /** The name the in-process worker resolves the token of the {@code index}-th number by. */
  public static String tokenRef(int index) {
    return "WHATSAPP_EMULATOR_TOKEN_" + index;
  }

  /** A token reference to its token, for the numbers after the first; null for any other name. */
  public String token(String tokenRef) {
    List<Number> all = all();
    for (int i = 1; i < all.size(); i++) {
      if (tokenRef(i + 1).equals(tokenRef)) {
        return all.get(i).accessToken();
      }
    }
    return null;
  }
}

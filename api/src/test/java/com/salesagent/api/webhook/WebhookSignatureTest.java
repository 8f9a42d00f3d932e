package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private final WebhookSignature signature = new WebhookSignature("app-secret");

  @Test
  void aKnownVectorMatches() {
    // echo -n '{"a":1}' | openssl dgst -sha256 -hmac app-secret
    assertThat(signature.sign("{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("sha256=" + Hmac.hex("app-secret", "{\"a\":1}"));
  }

  @Test
  void theSignatureIsOverTheRawBytesNotAReEncoding() {
    byte[] raw = "{\"text\":\"Olá \\u00e9 ✓\"}".getBytes(StandardCharsets.UTF_8);
    String header = signature.sign(raw);

    assertThat(signature.verify(raw, header)).isTrue();
    assertThat(signature.verify(raw, header.toUpperCase().replace("SHA256=", "sha256="))).isTrue();
    byte[] reencoded = "{\"text\":\"Olá é ✓\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(signature.verify(reencoded, header)).isFalse();
  }

  @Test
  void missingOrForeignSignaturesFail() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(signature.verify(body, null)).isFalse();
    assertThat(signature.verify(body, "sha256=00")).isFalse();
    assertThat(signature.verify(body, new WebhookSignature("other").sign(body))).isFalse();
    assertThat(new WebhookSignature("").verify(body, "sha256=" + Hmac.hex("x", "{}"))).isFalse();
  }

  /**
   * Each thread reuses its keyed Mac: bodies signed one after another, by several threads at once
   * and by two secrets on the same threads, each match the independent HMAC (a Mac shared across
   * threads, or one not reset between bodies, would mix them).
   */
  @Test
  void reusedMacsGiveEachBodyItsOwnSignatureOnEveryThread() throws Exception {
    WebhookSignature other = new WebhookSignature("other-secret");
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      var results = new java.util.ArrayList<java.util.concurrent.Future<Boolean>>();
      for (int i = 0; i < 400; i++) {
        String body = "{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i % 97) + "\"}";
        results.add(
            pool.submit(
                () -> {
                  byte[] raw = body.getBytes(StandardCharsets.UTF_8);
                  return signature.sign(raw).equals("sha256=" + Hmac.hex("app-secret", body))
                      && other.sign(raw).equals("sha256=" + Hmac.hex("other-secret", body))
                      && signature.verify(raw, signature.sign(raw))
                      && !other.verify(raw, signature.sign(raw));
                }));
      }
      for (var r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** An independent HMAC for the known-vector check. */
  static final class Hmac {
    static String hex(String key, String data) {
      try {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(
            new javax.crypto.spec.SecretKeySpec(
                key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        StringBuilder s = new StringBuilder();
        for (byte b : mac.doFinal(data.getBytes(StandardCharsets.UTF_8))) {
          s.append(String.format("%02x", b));
        }
        return s.toString();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}

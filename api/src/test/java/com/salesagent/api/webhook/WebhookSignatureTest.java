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

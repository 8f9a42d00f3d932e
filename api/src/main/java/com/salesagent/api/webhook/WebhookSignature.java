package com.salesagent.api.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Meta's X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw body with the app secret.
 *
 * <p>Each thread keeps one keyed {@link Mac} (doFinal leaves it ready for the next body): looking
 * up the provider and keying a new one for every webhook was about a third of the signature's cost
 * in the ingest profile.
 */
public final class WebhookSignature {
  private final byte[] secret;
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  public WebhookSignature(String appSecret) {
    this.secret = appSecret.getBytes(StandardCharsets.UTF_8);
  }

  public String sign(byte[] body) {
    return "sha256=" + HexFormat.of().formatHex(macs.get().doFinal(body));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time comparison over the raw bytes as received. */
  public boolean verify(byte[] body, String header) {
    if (header == null || secret.length == 0) {
      return false;
    }
    return MessageDigest.isEqual(
        sign(body).getBytes(StandardCharsets.US_ASCII),
        header.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
  }
}

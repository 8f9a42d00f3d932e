package com.salesagent.workflows.media;

/**
 * Where an inbound media object went: {@code url} (s3://bucket/key, content-addressed by {@code
 * sha256}), the sniffed content type and the size; or, with {@code status} "refused", why it was
 * not kept (too large, a type WhatsApp does not send, a checksum that does not match).
 */
public record StoredMedia(
    String status, String url, String contentType, long size, String sha256, String reason) {
  public static final String STORED = "stored";
  public static final String REFUSED = "refused";
  public static final String FAILED = "failed";

  public static StoredMedia refused(String reason) {
    return new StoredMedia(REFUSED, null, null, 0, null, reason);
  }
}

package com.salesagent.workflows.media;

/**
 * An image, voice note, video, document or sticker a lead sent, as its webhook named it: {@code
 * messageId} (the inbound message's wamid, the key of its feedback documents), Meta's {@code
 * mediaId}, the message {@code kind} (image, audio, video, document, sticker), the declared MIME
 * type and sha256 (never trusted: the bytes are sniffed and hashed), and the business number it was
 * written to (whose token fetches it).
 */
public record InboundMedia(
    String messageId,
    String mediaId,
    String kind,
    String declaredMime,
    String declaredSha256,
    String businessNumber) {}

package com.salesagent.api.leads;

import java.util.function.BiFunction;
import org.bson.Document;

/**
 * A voice note to send: {@link #make} checks and encodes it (a refusal, 4xx, costs nothing), and
 * {@link #store} puts it in the bucket only once the message may go (its claim won), so a voice
 * note refused as another rep's answer overtook it leaves no object behind.
 */
interface ReplyMedia {
  /** The media document of the voice note for the contact, made by {@code by}; not stored. */
  Document make(Document contact, String by);

  /** Stores what {@link #make} made. */
  void store();

  /**
   * What the voice note says, for a request without {@code requestId} ({@link UnkeyedRequests}):
   * the recording's checksum or the text to speak; null, every such request is a new message.
   */
  default String content() {
    return null;
  }

  /**
   * Who spoke a voice note made from text, once {@link #make} made it: {@code offline} (the offline
   * voice) or {@code provider}; null for a recording.
   */
  default String voice() {
    return null;
  }

  /** The request's field that carried the voice note: the recording's {@code body}. */
  default String field() {
    return "body";
  }

  /** Why the offline voice spoke it in the provider's place (its failure), else null. */
  default String voiceFallback() {
    return null;
  }

  /** Media made and stored in one step (nothing to store after the claim). */
  static ReplyMedia of(BiFunction<Document, String, Document> made) {
    return new ReplyMedia() {
      @Override
      public Document make(Document contact, String by) {
        return made.apply(contact, by);
      }

      @Override
      public void store() {}
    };
  }
}

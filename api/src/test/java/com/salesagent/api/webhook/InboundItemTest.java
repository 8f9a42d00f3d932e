package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.bson.Document;
import org.junit.jupiter.api.Test;

/** What a lead's media message declares is kept to its caps counted in code points. */
class InboundItemTest {
  private static final String EMOJI = new String(Character.toChars(0x1F600));

  private static Document image(String caption, String filename) {
    return new Document("type", "document")
        .append(
            "document",
            new Document("id", "media-1")
                .append("mime_type", "application/pdf")
                .append("caption", caption)
                .append("filename", filename));
  }

  @Test
  void aCaptionOf4096EmojiIsKeptWholeAndALongerOneCutBetweenEmoji() {
    Document whole = InboundItem.media(image(EMOJI.repeat(4096), "a.pdf"), "document");
    Document cut = InboundItem.media(image("a" + EMOJI.repeat(4100), "a.pdf"), "document");

    assertThat(whole.getString("caption")).isEqualTo(EMOJI.repeat(4096));
    assertThat(cut.getString("caption")).isEqualTo("a" + EMOJI.repeat(4095));
  }

  @Test
  void aFilenameIsCutBetweenEmoji() {
    Document cut = InboundItem.media(image(null, "a" + EMOJI.repeat(300)), "document");

    assertThat(cut.getString("filename")).isEqualTo("a" + EMOJI.repeat(254));
  }
}

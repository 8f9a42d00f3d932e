package com.salesagent.activities.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The type of media comes from its bytes: what a renamed or mislabelled file really is. */
class MediaTypesTest {
  static byte[] image(String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), format, out);
    return out.toByteArray();
  }

  /** The first page of an Ogg Opus stream: enough for its magic numbers. */
  static byte[] oggOpus() {
    byte[] page = new byte[64];
    System.arraycopy("OggS".getBytes(StandardCharsets.US_ASCII), 0, page, 0, 4);
    page[5] = 2; // beginning of stream
    page[26] = 1; // one segment
    page[27] = 19;
    System.arraycopy("OpusHead".getBytes(StandardCharsets.US_ASCII), 0, page, 28, 8);
    page[36] = 1; // version
    page[37] = 1; // mono
    return page;
  }

  @Test
  void imagesAreKnownByTheirBytes() throws IOException {
    assertThat(MediaTypes.sniff(image("png"))).isEqualTo("image/png");
    assertThat(MediaTypes.sniff(image("jpg"))).isEqualTo("image/jpeg");
    assertThat(MediaTypes.accepted("image", "image/png")).isTrue();
    assertThat(MediaTypes.extension("image/png")).isEqualTo(".png");
  }

  @Test
  void aVoiceNoteIsOggOpusAndAccepted() {
    String type = MediaTypes.sniff(oggOpus());
    assertThat(type).isEqualTo("audio/opus");
    assertThat(MediaTypes.accepted("audio", type)).isTrue();
    assertThat(MediaTypes.extension(type)).isIn(".opus", ".oga", ".ogg");
    // Another codec in an Ogg container (here: none known) is not taken for a voice note.
    byte[] other = oggOpus();
    System.arraycopy("OtherHd!".getBytes(StandardCharsets.US_ASCII), 0, other, 28, 8);
    assertThat(MediaTypes.sniff(other)).isEqualTo("application/ogg");
    assertThat(MediaTypes.accepted("audio", "application/ogg")).isFalse();
  }

  @Test
  void aProgramSentAsAnImageOrADocumentIsRefused() {
    byte[] exe = new byte[256];
    exe[0] = 'M';
    exe[1] = 'Z';
    exe[0x3c] = (byte) 0x80;
    System.arraycopy("PE\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, exe, 0x80, 4);
    String type = MediaTypes.sniff(exe);
    assertThat(type).isNotIn("image/jpeg", "image/png");
    assertThat(MediaTypes.accepted("image", type)).isFalse();
    assertThat(MediaTypes.accepted("document", type)).isFalse();
    byte[] script = "#!/bin/sh\nrm -rf /\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(MediaTypes.accepted("document", MediaTypes.sniff(script))).isFalse();
  }

  @Test
  void aPdfIsADocumentButNotAnImage() {
    byte[] pdf =
        "%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(MediaTypes.sniff(pdf)).isEqualTo("application/pdf");
    assertThat(MediaTypes.accepted("document", "application/pdf")).isTrue();
    assertThat(MediaTypes.accepted("image", "application/pdf")).isFalse();
  }

  @Test
  void eachKindHasMetasLimit() {
    assertThat(MediaTypes.limit("image")).isEqualTo(5L * 1024 * 1024);
    assertThat(MediaTypes.limit("audio")).isEqualTo(16L * 1024 * 1024);
    assertThat(MediaTypes.limit("document")).isEqualTo(100L * 1024 * 1024);
    assertThat(MediaTypes.isMedia("text")).isFalse();
    assertThatThrownBy(() -> MediaTypes.limit("text")).isInstanceOf(IllegalArgumentException.class);
  }
}

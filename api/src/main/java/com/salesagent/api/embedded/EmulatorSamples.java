package com.salesagent.api.embedded;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * What the emulator serves for a media id of a replayed Meta payload it did not create: content of
 * the declared type (a media id the emulator was told to expect, {@code expect} of its media).
 */
final class EmulatorSamples {
  private EmulatorSamples() {}

  /**
   * Generated content of a declared type: PNG and JPEG images (the seed drawn on them), a PDF with
   * the seed as its text, plain text, and for the types Java cannot write the fixtures under {@code
   * /emulator/} made with ffmpeg: WebP (a sticker), Ogg Opus (the voice note), MP3, M4A, ADTS AAC
   * and an H.264/AAC MP4. Null for any other type (the emulator cannot pretend to have one).
   */
  static byte[] of(String declaredType, String seed) {
    String base = declaredType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
    return switch (base) {
      case "image/png" -> png(seed);
      case "image/jpeg" -> sampleJpeg(seed);
      case "application/pdf" -> samplePdf(seed);
      case "text/plain" ->
          ("WhatsApp emulator sample for media " + seed + "\n").getBytes(StandardCharsets.UTF_8);
      default -> {
        String file = SAMPLE_FILES.get(base);
        yield file == null ? null : fixture(file);
      }
    };
  }

  /**
   * A 320x200 PNG with the seed written on it, colours derived from the seed: the same bytes for
   * the same seed every time.
   */
  static byte[] png(String seed) {
    byte[] h = EmulatorMediaStore.sha256Bytes(seed.getBytes(StandardCharsets.UTF_8));
    BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(new Color(h[0] & 0xff, h[1] & 0xff, h[2] & 0xff));
      g.fillRect(0, 0, 320, 200);
      g.setColor(new Color(h[3] & 0xff, h[4] & 0xff, h[5] & 0xff));
      g.fillOval(200 + (h[6] & 0x3f), 10 + (h[7] & 0x3f), 60, 60);
      g.fillRect(10 + (h[8] & 0x3f), 140, 80, 40);
      g.setColor(Color.WHITE);
      g.fillRect(0, 40, 320, 24 + 18 * ((seed.length() + 31) / 32));
      g.setColor(Color.BLACK);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
      g.setFont(new Font(Font.MONOSPACED, Font.BOLD, 14));
      g.drawString("WhatsApp emulator media", 8, 58);
      g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 12));
      for (int i = 0, line = 0; i < seed.length(); i += 32, line++) {
        g.drawString(seed.substring(i, Math.min(seed.length(), i + 32)), 8, 76 + 18 * line);
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Fixtures for the declared types Java cannot write (made with ffmpeg: see the class comment).
   */
  private static final Map<String, String> SAMPLE_FILES =
      Map.of(
          "image/webp", "/emulator/sample.webp",
          "audio/ogg", "/emulator/voice-note.ogg",
          "audio/opus", "/emulator/voice-note.ogg",
          "audio/mpeg", "/emulator/sample.mp3",
          "audio/mp4", "/emulator/sample.m4a",
          "audio/aac", "/emulator/sample.aac",
          "video/mp4", "/emulator/sample.mp4");

  private static byte[] fixture(String resource) {
    try (InputStream in = EmulatorSamples.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " missing from the classpath");
      }
      byte[] bytes = EmulatorMultipart.readCapped(in, 1024 * 1024);
      if (bytes == null) {
        throw new IllegalStateException(resource + " larger than 1 MB");
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sample PNG's picture as a JPEG. */
  static byte[] sampleJpeg(String seed) {
    try {
      BufferedImage png = ImageIO.read(new java.io.ByteArrayInputStream(png(seed)));
      BufferedImage rgb =
          new BufferedImage(png.getWidth(), png.getHeight(), BufferedImage.TYPE_INT_RGB);
      Graphics2D g = rgb.createGraphics();
      g.drawImage(png, 0, 0, null);
      g.dispose();
      ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
      ImageIO.write(rgb, "jpeg", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A one-page PDF 1.4 whose text names the seed (objects and cross-reference written here). */
  static byte[] samplePdf(String seed) {
    String text = ("WhatsApp emulator document " + seed).replaceAll("[()\\\\]", "_");
    String stream = "BT /F1 14 Tf 40 760 Td (" + text + ") Tj ET";
    String[] objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
          + " /Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + stream.length() + " >>\nstream\n" + stream + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    };
    StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
    int[] offsets = new int[objects.length];
    for (int i = 0; i < objects.length; i++) {
      offsets[i] = pdf.length();
      pdf.append(i + 1).append(" 0 obj\n").append(objects[i]).append("\nendobj\n");
    }
    int xref = pdf.length();
    pdf.append("xref\n0 ").append(objects.length + 1).append("\n0000000000 65535 f \n");
    for (int offset : offsets) {
      pdf.append(String.format("%010d 00000 n \n", offset));
    }
    pdf.append("trailer\n<< /Size ")
        .append(objects.length + 1)
        .append(" /Root 1 0 R >>\nstartxref\n")
        .append(xref)
        .append("\n%%EOF\n");
    return pdf.toString().getBytes(StandardCharsets.ISO_8859_1);
  }
}

package com.salesagent.activities.media;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The offline image card of a message: a 1200x628 PNG (the 1.91:1 of link and header images) with
 * the lead's company, the researched fact the message cites, and the variant's offer, drawn with
 * Java2D. The same input draws the same pixels (no clock, no randomness; the colour comes from the
 * variant's angle), so the same card is stored once under its checksum. Text is cut to fit, never
 * overflowing the card.
 */
public final class CardRenderer {
  public static final int WIDTH = 1200;
  public static final int HEIGHT = 628;
  public static final String CONTENT_TYPE = "image/png";
  public static final String MADE_BY = "card-renderer";

  /** What a card says. */
  public record Card(String company, String fact, String offer) {}

  private CardRenderer() {}

  public static byte[] render(Card card) {
    return render(card, null);
  }

  /**
   * With a {@code background} (a generated illustration, {@link GeneratedBackgrounds}): drawn to
   * cover the card, darkened so the text stays readable; the words are always drawn here, never by
   * an image model (which misspells them).
   */
  public static byte[] render(Card card, BufferedImage background) {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      float hue = (Math.floorMod(String.valueOf(card.offer()).hashCode(), 360)) / 360f;
      Color top = Color.getHSBColor(hue, 0.55f, 0.45f);
      Color bottom = Color.getHSBColor(hue, 0.65f, 0.22f);
      if (background != null) {
        double scale =
            Math.max(
                WIDTH / (double) background.getWidth(), HEIGHT / (double) background.getHeight());
        int w = (int) Math.ceil(background.getWidth() * scale);
        int h = (int) Math.ceil(background.getHeight() * scale);
        g.drawImage(background, (WIDTH - w) / 2, (HEIGHT - h) / 2, w, h, null);
        g.setPaint(
            new GradientPaint(0, 0, new Color(0, 0, 0, 110), 0, HEIGHT, new Color(0, 0, 0, 190)));
      } else {
        g.setPaint(new GradientPaint(0, 0, top, 0, HEIGHT, bottom));
      }
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setColor(new Color(255, 255, 255, 36));
      g.fillRoundRect(48, 48, WIDTH - 96, HEIGHT - 96, 36, 36);

      g.setColor(Color.WHITE);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 56));
      int y = 150;
      y = draw(g, orDefault(card.company(), "Your company"), 96, y, WIDTH - 192, 1);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 34));
      g.setColor(new Color(235, 240, 245));
      y = draw(g, quote(card.fact()), 96, y + 30, WIDTH - 192, 4);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 36));
      g.setColor(new Color(255, 214, 102));
      draw(g, orDefault(card.offer(), ""), 96, Math.max(y + 40, HEIGHT - 130), WIDTH - 192, 1);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String quote(String fact) {
    return fact == null || fact.isBlank() ? "" : "\u201c" + fact.strip() + "\u201d";
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  /** Draws {@code text} wrapped to {@code width}, at most {@code lines} (an ellipsis cuts). */
  private static int draw(Graphics2D g, String text, int x, int y, int width, int lines) {
    FontMetrics m = g.getFontMetrics();
    List<String> wrapped = wrap(text.replaceAll("\\s+", " "), m, width);
    for (int i = 0; i < Math.min(lines, wrapped.size()); i++) {
      String line = wrapped.get(i);
      if (i == lines - 1 && wrapped.size() > lines) {
        while (!line.isEmpty() && m.stringWidth(line + "\u2026") > width) {
          line = line.substring(0, line.length() - 1);
        }
        line = line.stripTrailing() + "\u2026";
      }
      g.drawString(line, x, y);
      y += m.getHeight();
    }
    return y;
  }

  private static List<String> wrap(String text, FontMetrics m, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      String candidate = line.isEmpty() ? word : line + " " + word;
      if (m.stringWidth(candidate) <= width || line.isEmpty()) {
        line = new StringBuilder(candidate);
      } else {
        lines.add(line.toString());
        line = new StringBuilder(word);
      }
    }
    if (!line.isEmpty()) {
      lines.add(line.toString());
    }
    return lines;
  }
}

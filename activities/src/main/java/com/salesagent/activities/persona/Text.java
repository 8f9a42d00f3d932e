package com.salesagent.activities.persona;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/** Text normalisation shared by the persona's parsers, and their resource files. */
final class Text {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}']+");

  private Text() {}

  /** Lower case, accents stripped, every run of non-word characters one space, trimmed. */
  static String normalise(String s) {
    if (s == null) {
      return "";
    }
    String folded =
        MARKS
            .matcher(Normalizer.normalize(s.toLowerCase(Locale.ROOT), Normalizer.Form.NFD))
            .replaceAll("");
    return NON_WORD.matcher(folded.replace('_', ' ')).replaceAll(" ").trim();
  }

  /** How many times a text's entities are decoded and its markup stripped, at most. */
  static final int MAX_DECODINGS = 4;

  /**
   * The words of a text someone wrote to us, without markup: a tag with its attributes, and a
   * script's or a style's content, are dropped (jsoup reads it as a browser would); an element's
   * edge is a line break (a keyphrase never spans a tag), an entity is its character. Text without
   * '<' or '&' is returned as it is, and a '<' or '&' that starts no tag nor entity stays text ("5
   * < 10", "R&D"). Markup written as entities ("&lt;img onerror=...&gt;", or encoded again,
   * "&amp;lt;...") is markup once decoded, so the result is stripped again until nothing changes,
   * {@link #MAX_DECODINGS} times at most; a text still changing after that is markup and nothing
   * else a person writes: none of it is kept.
   */
  static String withoutMarkup(String s) {
    return withoutMarkup(s, '\n');
  }

  /**
   * As {@link #withoutMarkup(String)}, with an element's edge written as {@code edge}: a space
   * keeps a sentence whole around a tag ("We are <b>hiring</b>" is "We are hiring "), for a text
   * that is read as sentences rather than phrases.
   */
  static String withoutMarkup(String s, char edge) {
    String text = s;
    for (int i = 0; i <= MAX_DECODINGS; i++) {
      if (text == null || (text.indexOf('<') < 0 && text.indexOf('&') < 0)) {
        return text;
      }
      String stripped = stripOnce(text, edge);
      if (stripped.equals(text)) {
        return text;
      }
      if (i == MAX_DECODINGS) {
        return "";
      }
      text = stripped;
    }
    return text;
  }

  /** One pass of {@link #withoutMarkup}: tags dropped, entities decoded once. */
  private static String stripOnce(String s, char edge) {
    StringBuilder out = new StringBuilder(s.length());
    NodeTraversor.traverse(
        new NodeVisitor() {
          @Override
          public void head(Node node, int depth) {
            if (node instanceof TextNode text) {
              out.append(text.getWholeText());
            } else if (node instanceof Element && depth > 0) {
              out.append(edge);
            }
          }

          @Override
          public void tail(Node node, int depth) {
            if (node instanceof Element && depth > 0) {
              out.append(edge);
            }
          }
        },
        Jsoup.parseBodyFragment(s).body());
    return out.toString();
  }

  /** Whether {@code phrase} (normalised) occurs in {@code text} (normalised) as whole words. */
  static boolean containsPhrase(String text, String phrase) {
    return !phrase.isEmpty() && (" " + text + " ").contains(" " + phrase + " ");
  }

  /** The non-blank, non-comment lines of a resource on the classpath. */
  static List<String> lines(String resource) {
    InputStream in = Text.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("missing resource " + resource);
    }
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          out.add(t);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}

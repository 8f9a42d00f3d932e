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

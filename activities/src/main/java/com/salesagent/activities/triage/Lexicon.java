package com.salesagent.activities.triage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The phrases of {@link LexiconClassifier}, read from {@code triage/lexicon.txt}: one phrase a
 * line, {@code list | languages | phrase}, {@code #} comments, blank lines skipped. Phrases are
 * folded as replies are (case, accents), so a phrase is written however a person types it. A
 * malformed line (not three fields, an unknown list or language, an empty phrase, a sentiment or
 * stop word that is not one word) fails the load with its line number: a broken file stops the
 * service at start, it never silently drops phrases.
 */
final class Lexicon {
  static final String RESOURCE = "/triage/lexicon.txt";

  /**
   * The languages a phrase may be tagged with: every list is in English, Spanish and Portuguese; a
   * list may have German and French phrases too (the closings do).
   */
  static final Set<String> LANGUAGES = Set.of("en", "es", "pt", "de", "fr");

  /** The lists the classifier reads, each in every language. */
  static final List<String> LISTS =
      List.of(
          "closing",
          "referral",
          "wrong_person",
          "not_now",
          "later",
          "decline",
          "dont_want",
          "meeting",
          "price_question",
          "cost_problem",
          "objection.cost",
          "objection.competitor",
          "objection.timing",
          "objection.other",
          "interested",
          "yes_alone",
          "sentiment.positive",
          "sentiment.negative",
          "keyword.stop");

  /** Lists of single words (the sentiment vote and keywords split the reply into words). */
  private static final Pattern WORD = Pattern.compile("[a-z0-9]+");

  /** list -> language -> phrases, in file order. */
  private final Map<String, Map<String, List<String>>> phrases;

  private Lexicon(Map<String, Map<String, List<String>>> phrases) {
    this.phrases = phrases;
  }

  /** The classpath lexicon. */
  static Lexicon load() {
    InputStream in = Lexicon.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException(RESOURCE + " is missing from the classpath");
    }
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return parse(r.lines().toList(), RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code source} names the file in errors: "triage/lexicon.txt line 12: ...". */
  static Lexicon parse(List<String> lines, String source) {
    Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + " line " + (i + 1) + ": ";
      String[] fields = line.split("\\|", -1);
      if (fields.length != 3) {
        throw new IllegalStateException(
            where + "expected list | languages | phrase, found " + fields.length + " field(s)");
      }
      String list = fields[0].strip();
      if (!LISTS.contains(list)) {
        throw new IllegalStateException(where + "unknown list '" + list + "', one of " + LISTS);
      }
      String phrase = LexiconClassifier.fold(fields[2]);
      if (phrase.isEmpty()) {
        throw new IllegalStateException(where + "empty phrase");
      }
      if ((list.startsWith("sentiment.") || list.equals("keyword.stop"))
          && !WORD.matcher(phrase).matches()) {
        throw new IllegalStateException(
            where + "'" + phrase + "' in " + list + " must be one word (a-z, 0-9)");
      }
      Set<String> langs = new LinkedHashSet<>();
      for (String lang : fields[1].split(",", -1)) {
        String l = lang.strip();
        if (!LANGUAGES.contains(l)) {
          throw new IllegalStateException(
              where + "unknown language '" + l + "', one or more of en, es, pt, de, fr");
        }
        langs.add(l);
      }
      for (String l : langs) {
        out.computeIfAbsent(list, k -> new LinkedHashMap<>())
            .computeIfAbsent(l, k -> new ArrayList<>())
            .add(phrase);
      }
    }
    return new Lexicon(out);
  }

  /** A list's phrases in all languages, each once. */
  List<String> phrases(String list) {
    Set<String> all = new LinkedHashSet<>();
    phrases.getOrDefault(list, Map.of()).values().forEach(all::addAll);
    return List.copyOf(all);
  }

  /** A list's phrases in one language (empty when it has none). */
  List<String> phrases(String list, String language) {
    return Collections.unmodifiableList(
        phrases.getOrDefault(list, Map.of()).getOrDefault(language, List.of()));
  }
}

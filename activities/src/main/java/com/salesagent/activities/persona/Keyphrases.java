package com.salesagent.activities.persona;

import com.salesagent.activities.whatsapp.WhatsAppLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keyphrases by RAKE (Rose et al., 2010): the text is split into candidate phrases at punctuation
 * and at the stop words of its language (en, es, pt: {@code persona/stopwords-*.txt}); each word
 * scores its degree over its frequency, a phrase the sum of its words; the best phrases win. Words
 * of chat filler ("sounds", "great", "really") are stop words, so they never form a phrase. Markup
 * is stripped first ({@link Text#withoutMarkup}): a reply's "<img src=x onerror=...>" gives no
 * "img", "src" or "onerror", nor does the same written as entities ("&lt;img ...&gt;").
 */
public final class Keyphrases {
  /** Longest text read (a reply is capped by WhatsApp at 4,096 characters). */
  static final int MAX_TEXT = 4096;

  static final int MAX_WORDS = 4;
  private static final Pattern PUNCTUATION =
      Pattern.compile("[.,;:!?()\\[\\]{}\"“”«»¿¡/\\\\|\\n\\r\\t…–—-]+");
  private static final Map<String, Set<String>> STOP_WORDS = new HashMap<>();

  static {
    for (String lang : List.of("en", "es", "pt")) {
      Set<String> words = new HashSet<>();
      for (String line : Text.lines("/persona/stopwords-" + lang + ".txt")) {
        for (String w : line.split("\\s+")) {
          words.add(Text.normalise(w));
        }
      }
      STOP_WORDS.put(lang, words);
    }
  }

  private Keyphrases() {}

  /**
   * Up to {@code max} keyphrases of {@code text}, best first, lower case without accents. {@code
   * locale} picks the stop words (en, es, pt); null or another one: the language whose stop words
   * the text uses most.
   */
  public static List<String> extract(String text, String locale, int max) {
    if (text == null || text.isBlank() || max <= 0) {
      return List.of();
    }
    String capped = WhatsAppLimits.cut(text, MAX_TEXT);
    capped = Text.withoutMarkup(capped);
    Set<String> stop = STOP_WORDS.get(language(capped, locale));
    List<List<String>> candidates = new ArrayList<>();
    for (String fragment : PUNCTUATION.split(capped)) {
      List<String> phrase = new ArrayList<>();
      for (String word : Text.normalise(fragment).split(" ")) {
        String w = word.replace("'", "");
        if (w.isEmpty() || stop.contains(word) || stop.contains(w) || !useful(w)) {
          flush(phrase, candidates);
          phrase = new ArrayList<>();
        } else {
          phrase.add(w);
        }
      }
      flush(phrase, candidates);
    }
    Map<String, Integer> frequency = new HashMap<>();
    Map<String, Integer> degree = new HashMap<>();
    for (List<String> phrase : candidates) {
      for (String w : phrase) {
        frequency.merge(w, 1, Integer::sum);
        degree.merge(w, phrase.size(), Integer::sum);
      }
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    for (List<String> phrase : candidates) {
      double score = 0;
      for (String w : phrase) {
        score += (double) degree.get(w) / frequency.get(w);
      }
      scores.merge(String.join(" ", phrase), score, Math::max);
    }
    return scores.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(max)
        .map(Map.Entry::getKey)
        .toList();
  }

  /** Not a number alone and more than two letters (single words shorter say nothing). */
  private static boolean useful(String w) {
    return w.length() > 2 && !w.chars().allMatch(Character::isDigit);
  }

  private static void flush(List<String> phrase, List<List<String>> candidates) {
    if (!phrase.isEmpty() && phrase.size() <= MAX_WORDS) {
      candidates.add(phrase);
    }
  }

  static String language(String text, String locale) {
    if (locale != null) {
      String lang = locale.toLowerCase(Locale.ROOT);
      lang = lang.length() > 2 ? lang.substring(0, 2) : lang;
      if (STOP_WORDS.containsKey(lang)) {
        return lang;
      }
    }
    String best = "en";
    int bestHits = 0;
    String[] words = Text.normalise(text).split(" ");
    for (String lang : List.of("en", "es", "pt")) {
      int hits = 0;
      for (String w : words) {
        hits += STOP_WORDS.get(lang).contains(w) ? 1 : 0;
      }
      if (hits > bestHits) {
        best = lang;
        bestHits = hits;
      }
    }
    return best;
  }
}

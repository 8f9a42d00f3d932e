package com.salesagent.activities.persona;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ordered rules {@code key = term, term, ...} from a resource file, matched against normalised text
 * as whole words or phrases.
 */
final class Vocabulary {
  private final Map<String, List<String>> rules = new LinkedHashMap<>();

  private Vocabulary() {}

  /** The rules of {@code resource} whose key starts with {@code prefix} (prefix removed). */
  static Vocabulary load(String resource, String prefix) {
    Vocabulary v = new Vocabulary();
    for (String line : Text.lines(resource)) {
      int eq = line.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = line.substring(0, eq).strip();
      if (!key.startsWith(prefix)) {
        continue;
      }
      List<String> terms = new ArrayList<>();
      for (String term : line.substring(eq + 1).split(",")) {
        String t = Text.normalise(term);
        if (!t.isEmpty()) {
          terms.add(t);
        }
      }
      v.rules.put(key.substring(prefix.length()), terms);
    }
    return v;
  }

  /** The keys of the rules, in file order. */
  Set<String> keys() {
    return Collections.unmodifiableSet(rules.keySet());
  }

  /** The key of the first rule (file order) with a term in {@code text}; null when none. */
  String first(String text) {
    String t = Text.normalise(text);
    for (Map.Entry<String, List<String>> rule : rules.entrySet()) {
      for (String term : rule.getValue()) {
        if (Text.containsPhrase(t, term)) {
          return rule.getKey();
        }
      }
    }
    return null;
  }

  /**
   * The key whose term equals the whole text, else the one with the longest term inside it (file
   * order breaks ties); null when none.
   */
  String best(String text) {
    String t = Text.normalise(text);
    String best = null;
    int bestLength = 0;
    for (Map.Entry<String, List<String>> rule : rules.entrySet()) {
      for (String term : rule.getValue()) {
        if (t.equals(term)) {
          return rule.getKey();
        }
        if (term.length() > bestLength && Text.containsPhrase(t, term)) {
          best = rule.getKey();
          bestLength = term.length();
        }
      }
    }
    return best;
  }
}

package com.salesagent.activities.lead;

import com.salesagent.activities.compose.UntrustedText;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Scores a composed message before it may go out. Score = sum of the weights of the checks that
 * pass:
 *
 * <ul>
 *   <li>0.15 uses a retrieved fact (the text contains a sentence from the lead's research)
 *   <li>0.15 length within WhatsApp's limits (20 to 1,024 characters: a template body's maximum)
 *   <li>0.20 no unfilled placeholder ("{{" or "}}") and no empty parameter
 *   <li>0.25 no banned phrase (agent_configurations qualityGate.bannedPhrases)
 *   <li>0.25 the language matches the lead's locale (stop-word vote over en, es, pt, fr, de; passes
 *       when the text is too short to tell or the locale is another language)
 * </ul>
 *
 * At or above {@code approveAt} (default 0.8): sent without review; at or above {@code holdAt}
 * (0.5): held for a human; below, or whenever a placeholder is left or the length is out of bounds:
 * rejected and recomposed (a bounded number of times), then held. So a message without a fact still
 * goes (0.85), while a banned phrase or another language holds it for review (0.75).
 *
 * <p>Whatever its score, a message is held for a human when a field filled into it is a stand-in
 * for a missing value ("N/A", "[Company]", check {@code noPlaceholderLikeFill}), or when it carries
 * a link, an e-mail address, a phone number or an instruction-like phrase that its template did not
 * put there (check {@code noUntrustedContent}): such text came from the lead's enrolment or
 * website, and whoever enrolled the number may not be the lead.
 */
public final class QualityGate {
  public record Verdict(double score, String decision, Map<String, Boolean> checks) {}

  private static final Map<String, Set<String>> STOP_WORDS =
      Map.of(
          "en",
              Set.of(
                  "the", "and", "to", "of", "you", "your", "is", "for", "with", "on", "are", "i"),
          "es",
              Set.of("el", "la", "los", "las", "que", "y", "para", "con", "tu", "su", "es", "por"),
          "pt",
              Set.of("o", "os", "que", "e", "em", "para", "com", "você", "seu", "sua", "é", "não"),
          "fr",
              Set.of(
                  "le", "les", "et", "pour", "avec", "vous", "votre", "est", "que", "des", "une"),
          "de",
              Set.of("der", "die", "das", "und", "zu", "für", "mit", "sie", "ihr", "ist", "nicht"));

  /**
   * A field value that stands for a missing one: "N/A", "null", "undefined", "TBD", "xxx", "-",
   * "?", "[Company]", "<name>", "%s", "${name}", "{name}". Filled into a message it reads as a
   * broken mail merge; recomposing cannot fix the data, so such a message is held for a human. Only
   * unambiguous stand-ins: a company called "None" or a lead called "Nil" or "Na" is real.
   */
  static final java.util.regex.Pattern PLACEHOLDER_LIKE =
      java.util.regex.Pattern.compile(
          "(?i)\\s*(n/a|null|undefined|tbd|x{3,}|-+|\\?+|\\[[^\\]]*]|<[^>]*>|%s"
              + "|\\$\\{[^}]*}|\\{[^}]*})\\s*");

  private QualityGate() {}

  public static Verdict score(
      String text,
      String fact,
      List<String> parameters,
      String locale,
      List<String> bannedPhrases,
      double approveAt,
      double holdAt) {
    return score(text, null, fact, parameters, locale, bannedPhrases, approveAt, holdAt);
  }

  /** {@code template}: the body the text was made from (what it may contain verbatim). */
  public static Verdict score(
      String text,
      String template,
      String fact,
      List<String> parameters,
      String locale,
      List<String> bannedPhrases,
      double approveAt,
      double holdAt) {
    Map<String, Boolean> checks = new LinkedHashMap<>();
    checks.put("usesFact", usesFact(text, fact));
    checks.put("length", text.length() >= 20 && text.length() <= 1024);
    checks.put(
        "noPlaceholders",
        !text.contains("{{")
            && !text.contains("}}")
            && parameters.stream().noneMatch(p -> p == null || p.isBlank()));
    String lower = text.toLowerCase(Locale.ROOT);
    checks.put(
        "noBannedPhrase",
        bannedPhrases.stream().noneMatch(b -> lower.contains(b.toLowerCase(Locale.ROOT))));
    checks.put("languageMatchesLocale", languageMatches(lower, locale));
    double score =
        (checks.get("usesFact") ? 0.15 : 0)
            + (checks.get("length") ? 0.15 : 0)
            + (checks.get("noPlaceholders") ? 0.20 : 0)
            + (checks.get("noBannedPhrase") ? 0.25 : 0)
            + (checks.get("languageMatchesLocale") ? 0.25 : 0);
    score = Math.round(score * 100) / 100.0;
    checks.put("noUntrustedContent", UntrustedText.findings(text, template).isEmpty());
    checks.put(
        "noPlaceholderLikeFill",
        parameters.stream().noneMatch(p -> p != null && PLACEHOLDER_LIKE.matcher(p).matches()));
    boolean blocked = !checks.get("noPlaceholders") || !checks.get("length");
    String decision =
        blocked ? "reject" : score >= approveAt ? "approve" : score >= holdAt ? "hold" : "reject";
    if ("approve".equals(decision)
        && (!checks.get("noUntrustedContent") || !checks.get("noPlaceholderLikeFill"))) {
      decision = "hold";
    }
    return new Verdict(score, decision, checks);
  }

  /** The fact verbatim, or (for an LLM's paraphrase) at least four of its longer words. */
  static boolean usesFact(String text, String fact) {
    if (fact == null || fact.isBlank()) {
      return false;
    }
    if (text.contains(fact)) {
      return true;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    long shared =
        Arrays.stream(fact.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
            .filter(w -> w.length() > 3)
            .distinct()
            .filter(lower::contains)
            .count();
    return shared >= 4;
  }

  /** The language the stop words vote for, or null when fewer than two stop words appear. */
  static String detect(String lowerText) {
    String best = null;
    int bestCount = 1;
    for (var entry : STOP_WORDS.entrySet()) {
      int count = 0;
      for (String word : lowerText.split("[^\\p{L}]+")) {
        if (entry.getValue().contains(word)) {
          count++;
        }
      }
      if (count > bestCount) {
        best = entry.getKey();
        bestCount = count;
      }
    }
    return best;
  }

  static boolean languageMatches(String lowerText, String locale) {
    String want = locale == null ? "en" : locale.toLowerCase(Locale.ROOT).split("[-_]")[0];
    if (!STOP_WORDS.containsKey(want)) {
      return true;
    }
    String detected = detect(lowerText);
    return detected == null || detected.equals(want);
  }
}

package com.salesagent.activities.lead;

import com.salesagent.activities.compose.UntrustedText;
import com.salesagent.activities.whatsapp.WhatsAppLimits;
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
 *   <li>0.15 length within WhatsApp's limits (20 to 1,024 characters: a template body's maximum;
 *       counted in code points as {@link WhatsAppLimits} counts, so an emoji is one)
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
 * <p>The offline composer's quoted fact is checked as a quotation ({@link #checkFact}): a fragment
 * ("I saw that Upsilon.") or a restatement of the lead's own profile or the salesperson's notes
 * loses the fact's points and 0.25 more and is held for a human (check {@code
 * factIsQuotableClause}).
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
    int length = WhatsAppLimits.length(text);
    checks.put("length", length >= 20 && length <= WhatsAppLimits.TEMPLATE_BODY);
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
    checks.put(
        "noUntrustedContent",
        UntrustedText.findings(text, template).isEmpty()
            && !UntrustedText.carriesMarkup(text, template));
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

  /** Fewer points and never sent without review: a quoted fact that is not fit to quote. */
  static final double BAD_FACT_PENALTY = 0.25;

  /**
   * The offline composer's quoted fact checked as a quotation: a whole clause ({@link
   * #quotableClause}) that does not restate the lead's own profile or the salesperson's notes
   * ({@code internal}: the texts of those chunks). A fact that fails (check {@code
   * factIsQuotableClause}) loses the fact's points and {@value #BAD_FACT_PENALTY} more, and is at
   * best held for a human: "I saw that Upsilon." or "I saw that Met at the retail fair." must not
   * go out. No fact (the template's wording without one) is not checked.
   */
  static Verdict checkFact(
      Verdict verdict, String fact, List<String> internal, double approveAt, double holdAt) {
    if (fact == null || fact.isBlank()) {
      return verdict;
    }
    boolean ok = quotableClause(fact) && !echoes(fact, internal);
    Map<String, Boolean> checks = new LinkedHashMap<>(verdict.checks());
    checks.put("factIsQuotableClause", ok);
    if (ok) {
      return new Verdict(verdict.score(), verdict.decision(), checks);
    }
    double score =
        verdict.score()
            - (Boolean.TRUE.equals(verdict.checks().get("usesFact")) ? 0.15 : 0)
            - BAD_FACT_PENALTY;
    score = Math.max(0, Math.round(score * 100) / 100.0);
    String decision = "reject".equals(verdict.decision()) || score < holdAt ? "reject" : "hold";
    return new Verdict(score, decision, checks);
  }

  /** Characters of markup, JSON or code: a fact holding one is not a sentence someone wrote. */
  private static final java.util.regex.Pattern NOT_PROSE =
      java.util.regex.Pattern.compile("[{}\\[\\]<>|\\\\=\"_#*^~`]");

  /** Words a whole clause does not end with: a cut one does ("... next year and"). */
  private static final Set<String> DANGLING =
      Set.of(
          "and", "or", "but", "of", "the", "a", "an", "to", "with", "for", "in", "on", "at", "by",
          "from", "that", "which", "their", "its", "de", "da", "do", "das", "dos", "del", "que",
          "y", "e", "o", "ou", "la", "el", "los", "las", "os", "as", "con", "com", "para", "por",
          "em", "en", "um", "uma", "un", "una", "su", "sua", "seu");

  /**
   * A fact fit to follow "I saw that": at least four words, at most {@link UntrustedText#MAX_FACT}
   * characters (code points), prose (no markup, JSON or code characters, balanced parentheses), not
   * ending in a word that leaves it hanging. A fragment such as "Upsilon" or a cut "... next year
   * and" is not.
   */
  static boolean quotableClause(String fact) {
    if (fact == null) {
      return false;
    }
    String f = fact.strip();
    if (f.isEmpty()
        || UntrustedText.length(f) > UntrustedText.MAX_FACT
        || NOT_PROSE.matcher(f).find()) {
      return false;
    }
    if (f.chars().filter(c -> c == '(').count() != f.chars().filter(c -> c == ')').count()) {
      return false;
    }
    String[] words =
        Arrays.stream(f.split("\\s+"))
            .filter(w -> w.codePoints().anyMatch(Character::isLetterOrDigit))
            .toArray(String[]::new);
    if (words.length < 4) {
      return false;
    }
    String last = words[words.length - 1].replaceAll("[^\\p{L}\\p{N}]", "");
    return !DANGLING.contains(last.toLowerCase(Locale.ROOT)) && !f.endsWith(",");
  }

  /**
   * Whether the fact restates one of the texts, or quotes one of four words or more whole (case,
   * punctuation and spacing aside).
   */
  static boolean echoes(String fact, List<String> texts) {
    String f = words(fact);
    if (f.isEmpty() || texts == null) {
      return false;
    }
    for (String t : texts) {
      String w = words(t);
      // The fact inside the text, or the whole text (a sentence, not a bare company name, which
      // research about the company names too) inside the fact.
      if (!w.isEmpty() && (w.contains(f) || (w.split(" ").length >= 4 && f.contains(w)))) {
        return true;
      }
    }
    return false;
  }

  private static String words(String text) {
    return text == null
        ? ""
        : text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
  }

  /**
   * Words that tell a short sentence's language (a fact of a few words, where the message-level
   * stop-word vote would not decide): function words and a few common ones, per language.
   */
  private static final Map<String, Set<String>> FACT_MARKERS =
      Map.of(
          "en",
              Set.of(
                  "the", "and", "to", "of", "is", "are", "was", "were", "has", "have", "had",
                  "with", "for", "at", "in", "on", "their", "they", "its", "it", "new", "will",
                  "this", "that", "from", "by", "an", "our", "we", "his", "her", "he", "she",
                  "after", "into", "next", "year", "more", "opened", "opening", "just"),
          "es",
              Set.of(
                  "el", "los", "las", "y", "del", "con", "por", "una", "un", "su", "sus", "es",
                  "está", "están", "nuevo", "nueva", "nuevos", "nuevas", "van", "tiene", "tienen",
                  "al", "lo", "más", "año", "ellos", "ellas", "hay", "fue", "abrió", "abrirá"),
          "pt",
              Set.of(
                  "o", "os", "e", "do", "da", "dos", "das", "em", "no", "na", "nos", "nas", "um",
                  "uma", "com", "seu", "sua", "é", "não", "vão", "vai", "novo", "nova", "novos",
                  "novas", "mais", "ao", "ano", "eles", "elas", "tem", "têm", "foi", "abriu"),
          "fr",
              Set.of(
                  "le",
                  "les",
                  "et",
                  "pour",
                  "avec",
                  "vous",
                  "votre",
                  "est",
                  "des",
                  "une",
                  "du",
                  "au",
                  "aux",
                  "sont",
                  "nouveau",
                  "nouvelle",
                  "nouvelles",
                  "ils",
                  "elles"),
          "de",
              Set.of(
                  "der", "die", "das", "und", "zu", "für", "mit", "sie", "ihr", "ist", "nicht",
                  "ein", "eine", "im", "den", "dem", "neue", "neuen", "sind", "hat"));

  /**
   * Whether a fact reads in the language of the template it goes into ({@code language}: a code or
   * tag, pt_BR is pt): its own language's words outnumber every other's, and there is at least one.
   * For a language these markers do not know, a fact clearly in one they know (two of its words) is
   * refused; otherwise it passes.
   */
  static boolean factInLanguage(String fact, String language) {
    String want =
        language == null || language.isBlank()
            ? "en"
            : language.strip().split("[-_]")[0].toLowerCase(Locale.ROOT);
    String[] words = fact.toLowerCase(Locale.ROOT).split("[^\\p{L}]+");
    int mine = 0;
    int other = 0;
    for (var entry : FACT_MARKERS.entrySet()) {
      int count = 0;
      for (String w : words) {
        if (entry.getValue().contains(w)) {
          count++;
        }
      }
      if (entry.getKey().equals(want)) {
        mine = count;
      } else {
        other = Math.max(other, count);
      }
    }
    if (!FACT_MARKERS.containsKey(want)) {
      return other < 2;
    }
    return mine >= 1 && mine > other;
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

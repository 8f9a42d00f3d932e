package com.salesagent.activities.persona;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a lead's industry reads inside a message in a template's language ({@code
 * persona/industry-names.txt}): the industry is normalised to the controlled vocabulary ({@link
 * Firmographics#industry}) and named in that language, so a Spanish template says "Empresas de
 * logística", whatever language the enrolment field was written in.
 */
public final class IndustryNames {
  private static final String RESOURCE = "/persona/industry-names.txt";

  /** The languages of the table's columns, in order. */
  private static final List<String> LANGUAGES = List.of("en", "es", "pt", "de", "fr");

  /** language -> canonical industry -> its name. */
  private static final Map<String, Map<String, String>> NAMES = load();

  private IndustryNames() {}

  /**
   * The lead's industry named in {@code language} (a bare language code: en, es, pt, de, fr); null
   * when there is no name to put in a sentence: none given, or an industry outside the vocabulary
   * in any language but English (an English template keeps the lead's own wording, see {@link
   * #outsideVocabulary}), or a language the table lacks.
   */
  public static String in(String rawIndustry, String language) {
    String canonical = Firmographics.industry(rawIndustry);
    if (canonical == null) {
      return null;
    }
    if (Firmographics.OTHER.equals(canonical)) {
      return outsideVocabulary(rawIndustry, language);
    }
    return names(language).get(canonical);
  }

  /**
   * An industry outside the vocabulary has no translation: an English template names it as the
   * lead's record does; another language gets none (its template's wording without an industry),
   * rather than an untranslated noun inside its sentence.
   */
  private static String outsideVocabulary(String rawIndustry, String lang) {
    return "en".equals(lang) ? rawIndustry.strip() : null;
  }

  /** The canonical industries named in {@code language}. */
  static Map<String, String> names(String language) {
    return NAMES.getOrDefault(language, Map.of());
  }

  /** The languages industries are named in. */
  public static List<String> languages() {
    return LANGUAGES;
  }

  private static Map<String, Map<String, String>> load() {
    Map<String, Map<String, String>> out = new HashMap<>();
    for (String line : Text.lines(RESOURCE)) {
      String[] cells = line.split("\\|");
      if (cells.length != LANGUAGES.size() + 1) {
        throw new IllegalStateException(RESOURCE + ": not one name per language: " + line);
      }
      String canonical = cells[0].strip();
      for (int i = 0; i < LANGUAGES.size(); i++) {
        String name = cells[i + 1].strip();
        if (!name.isEmpty()) {
          out.computeIfAbsent(LANGUAGES.get(i), k -> new HashMap<>()).put(canonical, name);
        }
      }
    }
    return out;
  }
}

package com.salesagent.activities.lead;

import com.salesagent.activities.persona.IndustryNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bson.Document;

/**
 * A template filled with the lead's own fields ({@link TemplateComposeActivities}): the values by
 * placeholder (the given name as people and CRMs write it, the industry in the template's
 * language), and each parameter in the shape Meta accepts; the lead as the LLM writer sees it. No
 * state.
 */
final class TemplateValues {
  static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");

  private TemplateValues() {}

  /**
   * The lead as the writer sees it: title, industry, size, and from the persona the seniority and
   * function, research topics, and what its replies said so far (intents, objections), so the
   * wording fits a VP who raised cost differently from a manager who asked for later.
   */
  static String persona(Document c, Document persona) {
    List<String> parts =
        new ArrayList<>(
            Stream.of(c.getString("jobTitle"), c.getString("industry"), c.getString("companySize"))
                .filter(Objects::nonNull)
                .toList());
    if (persona != null) {
      for (String field : List.of("seniority", "function")) {
        if (persona.get(field) instanceof String v && !v.isBlank()) {
          parts.add(field + " " + v);
        }
      }
      for (String[] list :
          new String[][] {
            {"topics", "topics"}, {"objections", "objections so far"}, {"intents", "replies so far"}
          }) {
        List<String> values = persona.getList(list[0], String.class, List.of());
        if (!values.isEmpty()) {
          parts.add(
              list[1] + ": " + String.join(" / ", values.subList(0, Math.min(5, values.size()))));
        }
      }
    }
    return String.join(", ", parts);
  }

  record Filled(String text, List<String> parameters) {}

  /** Replaces each {{name}} and lists the values in order: the template's positional params. */
  static Filled fill(String body, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(body);
    StringBuilder text = new StringBuilder();
    List<String> parameters = new ArrayList<>();
    while (m.find()) {
      String value = parameter(values.getOrDefault(m.group(1), ""));
      parameters.add(value);
      m.appendReplacement(text, Matcher.quoteReplacement(value));
    }
    m.appendTail(text);
    return new Filled(text.toString(), parameters);
  }

  /**
   * A template parameter as Meta accepts it (error 132018 otherwise, and final): one line, no tabs,
   * no runs of more than four spaces. Text messages get the same shape.
   */
  static String parameter(String value) {
    return value == null ? "" : value.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
  }

  /**
   * The lead's fields by placeholder, for a template in {@code language}; a missing one in {@code
   * fallbacks}' wording. The industry is named in the template's language ({@link IndustryNames}),
   * and one without a name there reads as a missing one.
   */
  static Map<String, String> values(Document c, Map<String, String> fallbacks, String language) {
    String name = orElse(c.getString("name"), "").strip();
    String first = name.isEmpty() ? fallbacks.get("firstName") : firstName(name);
    String industry = orElse(c.getString("industry"), null);
    String industryName =
        industry == null ? null : IndustryNames.in(industry, LocalizedTemplates.language(language));
    return Map.of(
        "firstName",
        first,
        "name",
        name.isEmpty() ? fallbacks.get("name") : name,
        "company",
        orElse(c.getString("company"), fallbacks.get("company")),
        "jobTitle",
        orElse(c.getString("jobTitle"), fallbacks.get("jobTitle")),
        "industry",
        industryName == null ? fallbacks.get("industry") : industryName);
  }

  /** What follows a surname after a comma and is no given name ("Bob Lee, Jr."). */
  private static final Set<String> SUFFIXES =
      Set.of(
          "jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "esq", "dds", "cpa", "junior", "filho",
          "neto");

  /** A title the greeting keeps with the surname ("Dr. Ana Souza": "Dr. Souza"). */
  private static final Set<String> TITLES =
      Set.of(
          "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sr", "sra", "srta", "dra", "herr", "frau",
          "m", "mme", "mlle");

  /**
   * The given name of a name as people and CRMs write it: the first word of "Bob Lee", the word
   * after the comma of "Lee, Bob" (Salesforce's and Outlook's order, a CSV's quoted field), the
   * first word before a comma that only adds a suffix ("Bob Lee, Jr."), a title with the surname
   * ("Dr. Souza"); never a trailing comma or semicolon ("Hi Lee,, ..." greeted such leads), nor a
   * word without a letter (an emoji before the name).
   */
  static String firstName(String name) {
    String n = name.strip();
    int comma = n.indexOf(',');
    if (comma >= 0) {
      String before = n.substring(0, comma).strip();
      String after = n.substring(comma + 1).strip();
      String afterWord = after.isEmpty() ? "" : after.split("[\\s,]+")[0];
      boolean suffix = SUFFIXES.contains(bare(afterWord));
      n = before.isEmpty() || (!afterWord.isEmpty() && !suffix) ? after : before;
    }
    // Words without a letter (an emoji, a symbol a CRM's name field was decorated with) are no
    // name: a lead named "<technologist emoji> Zoe <rocket emoji>" was greeted with the emoji.
    String[] all = n.split("\\s+");
    String[] words =
        java.util.Arrays.stream(all)
            .filter(w -> w.codePoints().anyMatch(Character::isLetter))
            .toArray(String[]::new);
    if (words.length == 0) {
      words = all;
    }
    String first = words[0];
    if (words.length > 1 && TITLES.contains(bare(first))) {
      first = first + " " + trimPunctuation(words[words.length - 1]);
    }
    String out = trimPunctuation(first);
    return out.isEmpty() ? name.strip() : out;
  }

  private static String bare(String word) {
    return word.replaceAll("[^\\p{L}]", "").toLowerCase(Locale.ROOT);
  }

  /** Without the commas, semicolons and colons a name's word may end with ("Lee,"). */
  private static String trimPunctuation(String word) {
    return word.replaceAll("[,;:]+$", "").replaceAll("^[,;:]+", "");
  }

  /** The value, or the fallback when it is missing, blank or a stand-in such as "N/A". */
  private static String orElse(String value, String fallback) {
    return value == null || value.isBlank() || QualityGate.PLACEHOLDER_LIKE.matcher(value).matches()
        ? fallback
        : value;
  }
}

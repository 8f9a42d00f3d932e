package com.salesagent.activities.lead;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * The wording of an angle for the lead's persona. Besides its template for a purpose ({@code
 * first_contact}), a variant may hold alternatives for a persona, each its own approved WhatsApp
 * template, keyed {@code <purpose>@<facet>=<value>}: {@code follow_up_read@intent=not_now} (the
 * agreed follow-up after a "not now": "when we last spoke it wasn't the right moment, so I'm
 * checking back in"; seeded), {@code first_contact@seniority=c_level} (a short, outcome-first
 * opener for executives), {@code follow_up_read@objection=cost}, {@code first_contact@topic=hiring}
 * (whose {@code {{fact}}} is the research finding behind that topic). The composer takes the most
 * specific alternative the persona matches, in the order of {@link #FACETS} (what the lead said
 * before what research found, before what the title says), else the plain template.
 */
public final class PersonaWording {
  /**
   * Facets an alternative may name, most specific first. {@code relationship} is not the persona's
   * but the number's history with us ({@link ReturningContacts}: {@code customer}, {@code
   * conversation}), which the composer adds: {@code first_contact@relationship=customer} greets an
   * existing customer.
   */
  public static final List<String> FACETS =
      List.of(
          "relationship",
          "objection",
          "intent",
          "topic",
          "seniority",
          "function",
          "industry",
          "sizeBand");

  /** {@code purpose@facet=value}. */
  public static final Pattern KEY =
      Pattern.compile("([a-z_]{1,40})@([A-Za-z]{1,20})=([a-z0-9][a-z0-9_-]{0,59})");

  private static final Set<String> LISTS = Set.of("objection", "intent", "topic");

  private PersonaWording() {}

  /** The template chosen and the alternative's {@code facet=value}, null for the plain template. */
  public record Chosen(Document template, String qualifier) {}

  /**
   * The template for {@code purpose}: the most specific alternative whose facet value the persona
   * has, else the plain one (null when the variant has neither).
   */
  public static Chosen choose(Document templates, String purpose, Document persona) {
    Document plain = templates == null ? null : templates.get(purpose, Document.class);
    if (templates == null || persona == null) {
      return new Chosen(plain, null);
    }
    String best = null;
    int bestRank = Integer.MAX_VALUE;
    for (String key : templates.keySet()) {
      Matcher m = KEY.matcher(key);
      if (!m.matches()
          || !m.group(1).equals(purpose)
          || !(templates.get(key) instanceof Document)) {
        continue;
      }
      int rank = FACETS.indexOf(m.group(2));
      if (rank >= 0
          && rank < bestRank
          && sameLanguage(templates.get(key, Document.class), plain)
          && has(persona, m.group(2), m.group(3))) {
        best = key;
        bestRank = rank;
      }
    }
    return best == null
        ? new Chosen(plain, null)
        : new Chosen(templates.get(best, Document.class), best.substring(purpose.length() + 1));
  }

  /**
   * An alternative in the plain template's language only: a translation merged over the variant's
   * own templates must not bring back an English alternative for a Portuguese lead.
   */
  private static boolean sameLanguage(Document alternative, Document plain) {
    return plain == null
        || LocalizedTemplates.language(alternative.getString("language"))
            .equals(LocalizedTemplates.language(plain.getString("language")));
  }

  /** Whether the persona has the value: in its list (objections, intents, topics) or as its own. */
  static boolean has(Document persona, String facet, String value) {
    if (LISTS.contains(facet)) {
      List<?> values = persona.getList(facet + "s", Object.class, List.of());
      return values.stream().anyMatch(v -> value.equals(normal(v)));
    }
    return value.equals(normal(persona.get(facet)));
  }

  private static String normal(Object v) {
    return v instanceof String s ? s.toLowerCase(Locale.ROOT) : null;
  }

  /** The facet and value of a qualifier "topic=hiring", or null when it names another facet. */
  static String topic(String qualifier) {
    return qualifier != null && qualifier.startsWith("topic=")
        ? qualifier.substring("topic=".length())
        : null;
  }
}

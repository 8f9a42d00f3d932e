package com.salesagent.activities.persona;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * The searchable fields of a persona, derived from its evidence: one value per firmographic facet,
 * a set per conversational facet, and {@code searchText} (title, industry, topic labels,
 * keyphrases; normalised) for the free-text query.
 */
public final class PersonaFields {
  /** Facet name to its field; the array-valued ones are {@link #ARRAYS}. */
  public static final Map<String, String> FACETS =
      Map.of(
          "industry", "industry",
          "sizeBand", "sizeBand",
          "seniority", "seniority",
          "function", "function",
          "country", "country",
          "topic", "topics",
          "objection", "objections",
          "intent", "intents",
          "sentiment", "sentiment");

  public static final Set<String> ARRAYS = Set.of("topics", "objections", "intents");

  /**
   * Facets known only from a lead's replies: a persona has them once it replied, so their reply
   * rate is 1 by construction; their buckets say what share of the replies they are instead.
   */
  public static final Set<String> FROM_REPLIES = Set.of("objection", "intent", "sentiment");

  /** The order facets are listed in when a request names none. */
  public static final List<String> DEFAULT_FACETS =
      List.of("industry", "sizeBand", "seniority", "function", "topic", "objection", "intent");

  /**
   * The values a facet can have where its vocabulary is closed, as they are stored: industry (the
   * controlled vocabulary and {@link Firmographics#OTHER}), sizeBand, seniority, function (from the
   * job title), and objection, intent and sentiment (as replies are triaged). {@code country} is
   * closed too (a region code libphonenumber knows, stored upper case); {@code topic} is the
   * operators' editable list ({@link Topics}), read from the database.
   */
  public static final Map<String, List<String>> CLOSED =
      Map.of(
          "industry",
          List.copyOf(
              new LinkedHashSet<>(
                  concat(List.copyOf(Firmographics.industries()), List.of(Firmographics.OTHER)))),
          "sizeBand",
          Firmographics.SIZE_BANDS,
          "seniority",
          List.copyOf(Firmographics.seniorities()),
          "function",
          List.copyOf(Firmographics.functions()),
          "objection",
          com.salesagent.activities.triage.Triage.OBJECTIONS,
          "intent",
          com.salesagent.activities.triage.Triage.INTENTS,
          "sentiment",
          com.salesagent.activities.triage.Triage.SENTIMENTS);

  /** The facet whose values are region codes ("BR"), stored upper case. */
  public static final String COUNTRY = "country";

  /** The facet whose values are the operators' topic ids ({@link Topics}). */
  public static final String TOPIC = "topic";

  /**
   * A facet value of a request as it is stored, whatever its case: {@code seniority=VP} is {@code
   * vp}, {@code country=br} is {@code BR}; null when the facet's vocabulary is closed and has no
   * such value. A topic is left as given ({@link PersonaSearch} reads it against the topic list).
   * Matching the stored spelling keeps the search on the facets' indexes (no case-insensitive
   * regular expression scanning them).
   */
  public static String canonical(String facet, String value) {
    if (value == null) {
      return null;
    }
    List<String> closed = CLOSED.get(facet);
    if (closed != null) {
      for (String v : closed) {
        if (v.equalsIgnoreCase(value)) {
          return v;
        }
      }
      return null;
    }
    if (COUNTRY.equals(facet)) {
      String region = value.toUpperCase(java.util.Locale.ROOT);
      return com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance()
              .getSupportedRegions()
              .contains(region)
          ? region
          : null;
    }
    return value;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static final List<String> SINGLE =
      List.of("industry", "sizeBand", "seniority", "function", "country", "timezone", "sentiment");

  private PersonaFields() {}

  /** Sets the facet fields and the search text of {@code p} from its {@code evidence}. */
  public static void derive(Document p) {
    Document ev = p.get("evidence", new Document());
    for (String field : SINGLE) {
      Document a = ev.get(field, Document.class);
      p.put(field, a == null ? null : a.get("value"));
    }
    p.put("topics", values(ev, "topics"));
    p.put("objections", values(ev, "objections"));
    p.put("intents", values(ev, "intents"));
    List<String> phrases = values(ev, "keyphrases");
    p.put("keyphrases", phrases);
    StringBuilder text = new StringBuilder();
    append(text, p.getString("jobTitle"));
    append(text, p.getString("industryRaw"));
    append(text, p.getString("industry"));
    for (Document t : ev.getList("topics", Document.class, List.of())) {
      append(text, t.getString("label"));
      append(text, t.getString("value"));
    }
    phrases.forEach(s -> append(text, s));
    p.getList("keywords", String.class, List.of()).forEach(s -> append(text, s));
    p.put("searchText", text.toString());
  }

  private static void append(StringBuilder text, String s) {
    String n = Text.normalise(s);
    if (!n.isEmpty()) {
      // "|" keeps a phrase query from matching across two attributes
      text.append(text.length() == 0 ? "" : " | ").append(n);
    }
  }

  /** The distinct values of an evidence list, first seen first. */
  private static List<String> values(Document ev, String field) {
    Set<String> out = new LinkedHashSet<>();
    for (Document d : ev.getList(field, Document.class, List.of())) {
      Object v = d.get("value");
      if (v != null) {
        out.add(v.toString());
      }
    }
    return new ArrayList<>(out);
  }

  /** A free-text query in the form {@code searchText} has (so "Scaling_Challenges" matches). */
  public static String normaliseQuery(String q) {
    return Text.normalise(q);
  }
}

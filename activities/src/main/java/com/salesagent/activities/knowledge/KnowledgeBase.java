package com.salesagent.activities.knowledge;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bson.Document;

/**
 * The product knowledge the agent may answer from ({@code knowledge_base}), edited by operators:
 * {@code _id} a short id, {@code kind} (faq, objection, pricing, product, booking), {@code title},
 * {@code text} (the approved answer, said as is), {@code language} ("en", "es", "pt"...); optional
 * {@code keywords} (words in the entry's language a reply that it answers would use: what the
 * lexical check of languages the embedding model does not cover matches, beside the title) and, for
 * an objection's answer, {@code objection}: the subtype it answers ({@link #OBJECTIONS}). Only what
 * an entry states may go into an answer.
 */
public final class KnowledgeBase {
  public static final String COLLECTION = "knowledge_base";
  public static final Set<String> KINDS =
      Set.of("faq", "objection", "pricing", "product", "booking");

  /**
   * The objection subtypes an entry may answer: the triage's named ones ({@code Triage.objection}:
   * cost, competitor, timing; its "other" names none). A reply's objection of one of these is
   * answered by an entry of that subtype only.
   */
  public static final List<String> OBJECTIONS = List.of("cost", "competitor", "timing");

  /** Whether this is one of {@link #OBJECTIONS} (null is not). */
  public static boolean isObjection(String subtype) {
    return subtype != null && OBJECTIONS.contains(subtype);
  }

  public static final int MAX_KEYWORDS = 40;
  public static final int MAX_KEYWORD = 60;
  public static final int MAX_ENTRIES = 2000;
  public static final int MAX_TITLE = 200;
  public static final int MAX_TEXT = 4000;

  private final MongoCollection<Document> entries;

  public KnowledgeBase(MongoDatabase db) {
    this.entries = db.getCollection(COLLECTION);
  }

  public MongoCollection<Document> collection() {
    return entries;
  }

  public List<Document> all() {
    return entries.find().sort(Sorts.ascending("_id")).limit(MAX_ENTRIES).into(new ArrayList<>());
  }

  /** The entries in the lead's language ("pt-BR" and "pt_BR" read "pt"). */
  public List<Document> inLanguage(String locale) {
    return entries
        .find(Filters.eq("language", language(locale)))
        .sort(Sorts.ascending("_id"))
        .limit(MAX_ENTRIES)
        .into(new ArrayList<>());
  }

  /**
   * How a customer-care draft opens in the lead's language (a converted customer is thanked as one;
   * nothing else is claimed): English where the language has no opening of its own.
   */
  static String careOpening(String language) {
    return switch (language) {
      case "es" -> "Gracias por escribirnos y por ser nuestro cliente. ";
      case "pt" -> "Obrigado por escrever e por ser nosso cliente. ";
      default -> "Thank you for writing, and for being our customer. ";
    };
  }

  /** The language part of a locale, lower case; "en" when none. */
  public static String language(String locale) {
    if (locale == null || locale.isBlank()) {
      return "en";
    }
    String l = locale.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    int dash = l.indexOf('-');
    return dash > 0 ? l.substring(0, dash) : l;
  }
}

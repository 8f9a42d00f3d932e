package com.salesagent.activities.lead;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * Which translation of a variant's templates a lead gets. Meta approves a template per language
 * code, so a variant keeps its templates ({@code templates}, in the variant's {@code locale}) and
 * their translations ({@code translations.<code>.<purpose>}, e.g. {@code translations.pt_BR}).
 *
 * <p>A lead whose locale is {@code pt-BR} gets {@code pt_BR}, else {@code pt}, else another
 * region's Portuguese ({@code pt_PT}); only when the variant has no Portuguese at all, the
 * configured fallback ({@code agent_configurations.compose.fallbackLocale}, default en) — which the
 * quality gate then holds for review, since its language is not the lead's. A translation without a
 * template for a purpose uses the variant's own for that purpose.
 *
 * <p>When a lead's field is missing, each placeholder has a fallback wording: the template's own
 * {@code defaults} first, then its language's ({@link #fallbacks}), so no message reads "Companies
 * in growing like Acme". When research has no sentence fit to quote, {@code {{fact}}} gets its
 * language's wording without a fact ("I saw that you're open to hearing from us on WhatsApp"), or
 * the template's own {@code defaults.fact}: never the lead's own fields or the salesperson's notes
 * read back to it.
 */
public final class LocalizedTemplates {
  /**
   * The templates by purpose, and the translation's language code ({@code null}: the variant's).
   */
  public record Choice(String code, Document templates) {}

  /**
   * Each language's wording for a missing field. Without a research fact, {@code {{fact}}} (which
   * follows "I saw that", "vi que") says what is true of every lead, its opt-in to WhatsApp
   * messages, rather than news that is none ("I saw that we haven't spoken yet").
   */
  private static final Map<String, Map<String, String>> FALLBACKS =
      Map.of(
          "en",
          Map.of(
              "firstName", "there",
              "name", "there",
              "company", "your company",
              "jobTitle", "someone in your role",
              "industry", "your industry",
              "fact", "you're open to hearing from us on WhatsApp"),
          "es",
          Map.of(
              "firstName", "equipo",
              "name", "equipo",
              "company", "su empresa",
              "jobTitle", "alguien en su cargo",
              "industry", "su sector",
              "fact", "acepta recibir nuestros mensajes por WhatsApp"),
          "pt",
          Map.of(
              "firstName", "equipe",
              "name", "equipe",
              "company", "sua empresa",
              "jobTitle", "alguém na sua função",
              "industry", "seu setor",
              "fact", "você aceita receber nossas mensagens pelo WhatsApp"),
          "de",
          Map.of(
              "firstName", "Team",
              "name", "Team",
              "company", "Ihr Unternehmen",
              "jobTitle", "jemand in Ihrer Position",
              "industry", "Ihre Branche",
              "fact", "Sie offen für Nachrichten von uns über WhatsApp sind"),
          "fr",
          Map.of(
              "firstName", "à toute l'équipe",
              "name", "à toute l'équipe",
              "company", "votre entreprise",
              "jobTitle", "quelqu'un à votre poste",
              "industry", "votre secteur",
              "fact", "vous acceptez de recevoir nos messages sur WhatsApp"));

  /** Stands for the variant's own templates among the candidates. */
  private static final String BASE = "\u0000base";

  private LocalizedTemplates() {}

  /** The language part of a BCP 47 tag or a template code: pt-BR, pt_BR and pt are pt. */
  static String language(String tagOrCode) {
    return tagOrCode == null || tagOrCode.isBlank()
        ? "en"
        : tagOrCode.strip().split("[-_]")[0].toLowerCase(Locale.ROOT);
  }

  /** A BCP 47 tag as a template code: pt-BR is pt_BR, es is es. */
  static String code(String tag) {
    String[] parts = tag.strip().split("[-_]");
    String lang = parts[0].toLowerCase(Locale.ROOT);
    return parts.length > 1 && parts[1].length() == 2
        ? lang + "_" + parts[1].toUpperCase(Locale.ROOT)
        : lang;
  }

  public static Choice choose(Document variant, String leadLocale, String fallbackLocale) {
    Document base = variant.get("templates", Document.class);
    Document translations = variant.get("translations", new Document());
    String baseLocale = variant.getString("locale");
    String baseLanguage = language(baseLocale);
    String baseCode = baseLocale == null || baseLocale.isBlank() ? "en" : code(baseLocale);
    for (String wanted : new String[] {leadLocale, fallbackLocale}) {
      if (wanted == null || wanted.isBlank()) {
        continue;
      }
      String lang = language(wanted);
      // The lead's own region first (a translation, or the variant's own templates in it), then
      // the bare language, then another region of it.
      if (baseCode.equals(code(wanted)) && !translations.containsKey(code(wanted))) {
        return new Choice(null, base);
      }
      Set<String> candidates = new LinkedHashSet<>();
      candidates.add(code(wanted));
      candidates.add(lang);
      if (baseLanguage.equals(lang)) {
        candidates.add(BASE); // the variant's own language, before another region's translation
      }
      for (String key : translations.keySet()) {
        if (key.startsWith(lang + "_")) {
          candidates.add(key);
        }
      }
      for (String c : candidates) {
        if (BASE.equals(c)) {
          return new Choice(null, base);
        }
        if (translations.get(c) instanceof Document t && !t.isEmpty()) {
          Document merged = new Document(base == null ? Map.of() : base);
          t.forEach(
              (purpose, template) -> {
                if (template instanceof Document d) {
                  Document copy = new Document(d);
                  if (copy.getString("language") == null) {
                    copy.put("language", c);
                  }
                  merged.put(purpose, copy);
                }
              });
          return new Choice(c, merged);
        }
      }
      if (lang.equals(baseLanguage)) {
        return new Choice(null, base);
      }
    }
    return new Choice(null, base);
  }

  /**
   * The wording for each placeholder when the lead's field is missing: the template's {@code
   * defaults}, else its language's, else English.
   */
  public static Map<String, String> fallbacks(Document template) {
    String lang = language(template == null ? null : template.getString("language"));
    Map<String, String> out = new HashMap<>(FALLBACKS.getOrDefault(lang, FALLBACKS.get("en")));
    if (template != null && template.get("defaults") instanceof Document d) {
      d.forEach(
          (k, v) -> {
            if (v instanceof String s && !s.isBlank()) {
              out.put(k, s);
            }
          });
    }
    return out;
  }

  /** The language codes the built-in fallback wordings cover. */
  public static List<String> languages() {
    return new ArrayList<>(FALLBACKS.keySet());
  }
}

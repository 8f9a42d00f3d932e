package com.salesagent.api.variants;

import static com.salesagent.api.variants.VariantResource.MAX_DEFAULT;
import static com.salesagent.api.variants.VariantResource.MAX_TRANSLATIONS;
import static com.salesagent.api.variants.VariantResource.MODALITIES;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.salesagent.activities.lead.PersonaWording;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.persona.Segments;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import com.salesagent.api.variants.VariantResource.Template;
import com.salesagent.api.variants.VariantResource.VariantRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * A variant as {@code POST} and {@code PUT /api/variants} take it ({@link VariantResource}): its
 * checks, each a {@link FieldError} naming the field (422), the segments no lead can be in, and the
 * document stored.
 */
final class VariantRequests {
  private VariantRequests() {}

  static final Set<String> PLACEHOLDERS =
      Set.of("firstName", "name", "company", "jobTitle", "industry", "fact");
  static final Set<String> PURPOSES =
      Set.of("first_contact", "follow_up_read", "follow_up_unread", "re_engagement");

  /**
   * Meta's template language codes: a language (two letters, three for a few such as fil)
   * optionally with an upper-case region, e.g. en, en_US, pt_BR. Meta matches the code to the
   * approved translation exactly: en and en_US are different translations.
   */
  static final Pattern TEMPLATE_LANGUAGE = Pattern.compile("[a-z]{2,3}(_[A-Z]{2})?");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*(\\w*)\\s*}}");

  /** Meta's template names: lower-case letters, digits and underscores, at most 512. */
  private static final Pattern TEMPLATE_NAME = Pattern.compile("[a-z0-9_]{1,512}");

  /**
   * The most characters a template's body may have in WhatsApp Manager, counted in code points as
   * every other capped text is ({@link ReadableText#length}: an emoji or a CJK extension letter is
   * one, a combining mark one of its own). Meta says "1024 characters" without saying what it
   * counts.
   */
  static final int MAX_TEMPLATE_BODY = 1024;

  /** The longest angle: one line, the variant's name on the dashboard (an offer takes 120). */
  static final int MAX_ANGLE = 120;

  /** The most segments a variant may list. */
  static final int MAX_SEGMENTS = 100;

  /**
   * The language of a variant's own templates: a language, optionally with its region (en, pt-BR,
   * pt_BR), as the template choice reads it; another value matched no lead's language.
   */
  static final Pattern LOCALE = Pattern.compile("[a-z]{2,3}([-_][A-Za-z]{2})?");

  /** The largest weight: a share among the pool's variants, not an amount. */
  static final double MAX_WEIGHT = 1000;

  /**
   * The variant's segments that no lead can be in: a lead's segment is an operator's segment
   * (enabled or not: it may be enabled later) or its company-size band, the built-in catch-all, so
   * any other name (a typo, a segment not created yet) would leave the variant never picked. One
   * error naming them all; none when every one is known or {@code *}.
   */
  static List<FieldError> unknownSegments(MongoDatabase db, VariantRequest r) {
    if (r == null || r.segments() == null || r.segments().isEmpty()) {
      return List.of(); // validate names the missing field
    }
    Set<String> unknown = new LinkedHashSet<>();
    for (String s : r.segments()) {
      if (s == null || s.isBlank()) {
        return List.of(new FieldError("segments", "segment ids are non-empty strings"));
      }
      if (!"*".equals(s) && !Segments.BUILT_IN.contains(s)) {
        unknown.add(s);
      }
    }
    if (!unknown.isEmpty()) {
      db.getCollection(Collections.SEGMENTS)
          .find(Filters.in("segmentId", unknown))
          .projection(Projections.include("segmentId"))
          .forEach(d -> unknown.remove(d.getString("segmentId")));
    }
    if (unknown.isEmpty()) {
      return List.of();
    }
    return List.of(
        new FieldError(
            "segments",
            "no such segment: "
                + String.join(", ", unknown)
                + "; use an operator's segment (GET /api/segments), a company-size band ("
                + String.join(", ", new TreeSet<>(Segments.BUILT_IN))
                + ") or \"*\" for all"));
  }

  static List<FieldError> validate(VariantRequest r, String pathId) {
    List<FieldError> errors = new ArrayList<>();
    if (r == null) {
      errors.add(new FieldError("body", "a JSON variant is required"));
      return errors;
    }
    String id = pathId != null ? pathId : r.variantId();
    if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
      errors.add(new FieldError("variantId", "1-64 letters, digits, . _ -"));
    }
    if (pathId != null && r.variantId() != null && !pathId.equals(r.variantId())) {
      errors.add(new FieldError("variantId", "differs from the path"));
    }
    if (r.angle() == null || r.angle().isBlank()) {
      errors.add(new FieldError("angle", "required: what the message is about, e.g. cost savings"));
    } else if (ReadableText.length(r.angle().strip()) > MAX_ANGLE) {
      errors.add(
          new FieldError(
              "angle",
              "at most " + MAX_ANGLE + " characters (the variant's name on the dashboard)"));
    } else {
      ReadableText.checkLine(errors, "angle", r.angle().strip());
    }
    if (r.locale() != null && !LOCALE.matcher(r.locale()).matches()) {
      errors.add(
          new FieldError(
              "locale",
              "the language of the variant's own templates, such as en, pt-BR or pt_BR (default"
                  + " en)"));
    }
    if (r.segments() == null || r.segments().isEmpty()) {
      errors.add(new FieldError("segments", "at least one segment, or [\"*\"] for all"));
    } else if (r.segments().size() > MAX_SEGMENTS) {
      errors.add(new FieldError("segments", "at most " + MAX_SEGMENTS + " segments"));
    }
    if (r.weight() != null
        && !(Double.isFinite(r.weight()) && r.weight() >= 0 && r.weight() <= MAX_WEIGHT)) {
      errors.add(new FieldError("weight", "must be >= 0 and <= 1000 (a share of the pool)"));
    }
    if (r.modality() != null && !MODALITIES.contains(r.modality())) {
      errors.add(new FieldError("modality", "one of " + MODALITIES));
    }
    if (r.offer() != null && ReadableText.length(r.offer()) > 120) {
      errors.add(new FieldError("offer", "at most 120 characters (it is drawn on the card)"));
    } else if (r.offer() != null) {
      ReadableText.checkLine(errors, "offer", r.offer().strip());
    }
    if (r.templates() == null || r.templates().get("first_contact") == null) {
      errors.add(new FieldError("templates.first_contact", "required"));
    } else if (r.templates().get("follow_up_read") == null
        && r.templates().get("follow_up_unread") == null) {
      // Each follow-up falls back to the other, and a re-engagement to either: with neither, every
      // lead on the variant failed at its first follow-up (or a rep's re-engagement).
      errors.add(
          new FieldError(
              "templates.follow_up_read",
              "required, or follow_up_unread: the follow-ups and re-engagements use it (each"
                  + " falls back to the other)"));
    }
    if (r.templates() != null) {
      r.templates().forEach((purpose, t) -> validate("templates." + purpose, purpose, t, errors));
    }
    if (r.translations() != null) {
      if (r.translations().size() > MAX_TRANSLATIONS) {
        errors.add(new FieldError("translations", "at most " + MAX_TRANSLATIONS + " languages"));
      }
      r.translations()
          .forEach(
              (code, byPurpose) -> {
                String field = "translations." + code;
                if (!TEMPLATE_LANGUAGE.matcher(code).matches()) {
                  errors.add(
                      new FieldError(
                          field,
                          "a WhatsApp template language code such as es or pt_BR (ll or ll_CC)"));
                  return;
                }
                if (byPurpose == null || byPurpose.isEmpty()) {
                  errors.add(new FieldError(field, "at least one template"));
                  return;
                }
                byPurpose.forEach(
                    (purpose, t) -> validate(field + "." + purpose, purpose, t, errors));
              });
    }
    return errors;
  }

  /** One template: its purpose, name, language code, header, body's placeholders, defaults. */
  private static void validate(String field, String key, Template t, List<FieldError> errors) {
    Matcher alternative = PersonaWording.KEY.matcher(key);
    String purpose = alternative.matches() ? alternative.group(1) : key;
    if (!PURPOSES.contains(purpose)) {
      errors.add(
          new FieldError(
              field,
              "unknown purpose; use "
                  + PURPOSES
                  + ", or purpose@facet=value for a persona's wording"
                  + " (e.g. first_contact@seniority=c_level)"));
      return;
    }
    if (alternative.matches() && !PersonaWording.FACETS.contains(alternative.group(2))) {
      errors.add(
          new FieldError(field, "unknown persona facet; use one of " + PersonaWording.FACETS));
      return;
    }
    if (t == null || t.name() == null || t.name().isBlank()) {
      errors.add(new FieldError(field + ".name", "the approved template's name"));
    } else if (!TEMPLATE_NAME.matcher(t.name()).matches()) {
      errors.add(
          new FieldError(
              field + ".name",
              "a WhatsApp template name: lower-case letters, digits and underscores (at most 512),"
                  + " exactly as approved in WhatsApp Manager"));
    }
    if (t != null && t.language() != null && !TEMPLATE_LANGUAGE.matcher(t.language()).matches()) {
      errors.add(
          new FieldError(
              field + ".language",
              "a WhatsApp template language code such as en or en_US (ll or ll_CC),"
                  + " exactly as the translation approved in WhatsApp Manager"));
    }
    if (t != null && t.header() != null && !"image".equals(t.header())) {
      errors.add(
          new FieldError(
              field + ".header",
              "\"image\" for a template approved with an image header, or absent"));
    }
    if (t == null || t.body() == null || t.body().isBlank()) {
      errors.add(new FieldError(field + ".body", "required"));
      return;
    }
    if (ReadableText.length(t.body()) > MAX_TEMPLATE_BODY) {
      errors.add(
          new FieldError(
              field + ".body",
              "at most "
                  + MAX_TEMPLATE_BODY
                  + " characters (WhatsApp's limit for a template body; an emoji is one)"));
    }
    if (ReadableText.unreadable(t.body())) {
      errors.add(new FieldError(field + ".body", ReadableText.MESSAGE));
    }
    String outsidePlaceholders = PLACEHOLDER.matcher(t.body()).replaceAll("");
    if (outsidePlaceholders.contains("{{") || outsidePlaceholders.contains("}}")) {
      errors.add(
          new FieldError(
              field + ".body",
              "a {{ or }} that is not part of a {{placeholder}}: the lead would read it as written"));
    }
    Matcher m = PLACEHOLDER.matcher(t.body());
    while (m.find()) {
      if (!PLACEHOLDERS.contains(m.group(1))) {
        errors.add(
            new FieldError(
                field + ".body",
                "unknown placeholder {{" + m.group(1) + "}}; use " + PLACEHOLDERS));
      }
    }
    if (t.defaults() != null) {
      t.defaults()
          .forEach(
              (placeholder, wording) -> {
                if (!PLACEHOLDERS.contains(placeholder) || "fact".equals(placeholder)) {
                  errors.add(
                      new FieldError(
                          field + ".defaults." + placeholder,
                          "a lead field's placeholder: firstName, name, company,"
                              + " jobTitle or industry"));
                } else if (ReadableText.unreadable(wording)) {
                  errors.add(
                      new FieldError(field + ".defaults." + placeholder, ReadableText.MESSAGE));
                } else if (wording == null
                    || wording.isBlank()
                    || ReadableText.length(wording) > MAX_DEFAULT
                    || wording.contains("{{")) {
                  errors.add(
                      new FieldError(
                          field + ".defaults." + placeholder,
                          "the wording used when the lead has no "
                              + placeholder
                              + ": 1 to "
                              + MAX_DEFAULT
                              + " characters, no placeholders"));
                }
              });
    }
  }

  private static Document template(Template t, String defaultLanguage) {
    Document d =
        new Document("name", t.name())
            .append("language", t.language() == null ? defaultLanguage : t.language())
            .append("body", t.body())
            .append("header", t.header());
    if (t.defaults() != null && !t.defaults().isEmpty()) {
      d.append("defaults", new Document(new LinkedHashMap<>(t.defaults())));
    }
    return d;
  }

  static Document toDocument(VariantRequest r, String variantId, boolean enabled) {
    Document templates = new Document();
    r.templates().forEach((purpose, t) -> templates.append(purpose, template(t, "en")));
    Document translations = new Document();
    if (r.translations() != null) {
      r.translations()
          .forEach(
              (code, byPurpose) -> {
                Document d = new Document();
                byPurpose.forEach((purpose, t) -> d.append(purpose, template(t, code)));
                translations.append(code, d);
              });
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("variantId", variantId);
    fields.put("segments", r.segments());
    fields.put("angle", r.angle());
    fields.put("locale", r.locale() == null ? "en" : r.locale());
    fields.put("enabled", enabled);
    fields.put("weight", r.weight() == null ? 1.0 : r.weight());
    fields.put("templates", templates);
    fields.put("translations", translations);
    fields.put("modality", r.modality() == null ? "text" : r.modality());
    if (r.offer() != null) {
      fields.put("offer", r.offer());
    }
    return new Document(fields);
  }
}

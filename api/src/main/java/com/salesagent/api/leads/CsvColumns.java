package com.salesagent.api.leads;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The columns of a CSV import, and the names CRMs' exports and spreadsheets give them: HubSpot's
 * and Salesforce's ("First Name", "Phone Number", "Job Title", "Company Name"), and a Brazilian or
 * Spanish sheet's ("Nome", "Telefone", "Cargo"; "Nombre", "Teléfono", "Puesto"). A header is read
 * whatever its case, accents, spaces, underscores and hyphens ("job_title", "Job Title", "WhatsApp
 * Opt-In"). A name some exports split in two ({@link #FIRST_NAME}, {@link #LAST_NAME}) is joined.
 */
public final class CsvColumns {
  /** The import's own names, as the README lists them (and any alias below). */
  static final List<String> COLUMNS =
      List.of(
          "leadId",
          "name",
          "phone",
          "company",
          "jobTitle",
          "industry",
          "companySize",
          "timezone",
          "locale",
          "notes",
          "website",
          "researchText",
          "campaignId",
          "consentOptIn",
          "consentSource",
          "consentAt");

  /** The parts of a name, joined into {@code name} (a header may not give both). */
  static final String FIRST_NAME = "firstName";

  static final String LAST_NAME = "lastName";

  private static final Map<String, String> ALIASES = new HashMap<>();

  static {
    alias("leadId", "lead id", "id do lead", "id del lead");
    alias(
        "name", "full name", "contact name", "nome", "nome completo", "nombre", "nombre completo");
    alias(FIRST_NAME, "first name", "given name", "primeiro nome");
    alias(LAST_NAME, "last name", "surname", "family name", "sobrenome", "apellido", "apellidos");
    alias(
        "phone",
        "phone number",
        "mobile",
        "mobile phone",
        "mobile phone number",
        "cell phone",
        "whatsapp",
        "whatsapp number",
        "telefone",
        "celular",
        "telefono",
        "movil",
        "numero de telefone",
        "numero de telefono");
    alias(
        "company",
        "company name",
        "organization",
        "organisation",
        "account name",
        "empresa",
        "nome da empresa",
        "compania",
        "nombre de la empresa");
    alias("jobTitle", "job title", "title", "position", "role", "cargo", "puesto");
    alias("industry", "sector", "setor", "industria", "ramo");
    alias(
        "companySize",
        "company size",
        "employees",
        "number of employees",
        "headcount",
        "funcionarios",
        "numero de funcionarios",
        "empleados",
        "numero de empleados",
        "tamanho da empresa",
        "tamano de la empresa");
    alias("timezone", "time zone", "tz", "fuso horario", "zona horaria");
    alias("locale", "language", "idioma", "lingua");
    alias("notes", "note", "comments", "notas", "observacoes", "observaciones");
    alias("website", "web", "url", "site", "sitio", "sitio web", "website url");
    alias("researchText", "research text", "research", "pesquisa", "investigacion");
    alias("campaignId", "campaign id", "campaign", "campanha", "campana");
    alias(
        "consentOptIn",
        "consent opt-in",
        "opt-in",
        "whatsapp opt-in",
        "consent",
        "consentimento",
        "consentimiento");
    alias(
        "consentSource",
        "consent source",
        "opt-in source",
        "origem do consentimento",
        "origen del consentimiento");
    alias(
        "consentAt",
        "consent at",
        "consent date",
        "opt-in date",
        "data do consentimento",
        "fecha del consentimiento");
  }

  private CsvColumns() {}

  private static void alias(String column, String... names) {
    ALIASES.put(key(column), column);
    for (String name : names) {
      String previous = ALIASES.put(key(name), column);
      if (previous != null && !previous.equals(column)) {
        throw new IllegalStateException(name + " names both " + previous + " and " + column);
      }
    }
  }

  /**
   * The column of the import a lead's field is read from ({@code consent.at} is {@code consentAt}),
   * or null for a field no column gives ({@code row}, a name given in parts).
   */
  static String ofField(String field) {
    if (field == null) {
      return null;
    }
    String column =
        switch (field) {
          case "consent.whatsappOptIn" -> "consentOptIn";
          case "consent.source" -> "consentSource";
          case "consent.at" -> "consentAt";
          default -> field;
        };
    return COLUMNS.contains(column) ? column : null;
  }

  /** The import's column a header names, or null for none. */
  public static String canonical(String header) {
    return ALIASES.get(key(header));
  }

  /** A header as compared: no accents, lower case, letters and digits only. */
  private static String key(String header) {
    return Normalizer.normalize(header, Normalizer.Form.NFD)
        .replaceAll("\\p{M}+", "")
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9]", "");
  }

  /** The name of a row: its {@code name}, else its first and last names joined; null if none. */
  static String name(Map<String, String> row) {
    String name = row.get("name");
    if (name != null || (row.get(FIRST_NAME) == null && row.get(LAST_NAME) == null)) {
      return name;
    }
    String joined =
        String.join(
                " ",
                java.util.stream.Stream.of(row.get(FIRST_NAME), row.get(LAST_NAME))
                    .filter(p -> p != null && !p.isBlank())
                    .map(String::strip)
                    .toList())
            .strip();
    return joined.isEmpty() ? null : joined;
  }
}

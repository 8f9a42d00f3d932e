package com.salesagent.activities.persona;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Enrolment fields to facets: the controlled vocabulary, size bands, titles, country. */
class FirmographicsTest {
  @ParameterizedTest
  @CsvSource({
    "software, saas",
    "SaaS, saas",
    "B2B Software, saas",
    "B2B SaaS platform, saas",
    "Software empresarial, saas",
    "Fintech, fintech",
    "Retail, retail",
    "Varejo, retail",
    "E-commerce, ecommerce",
    "Comércio eletrônico, ecommerce",
    "Online retail, ecommerce",
    "Healthcare, healthcare",
    "Logística, logistics",
    "Basket weaving, other"
  })
  void industriesMapToTheControlledVocabulary(String raw, String canonical) {
    assertThat(Firmographics.industry(raw)).isEqualTo(canonical);
  }

  @Test
  void noIndustryIsNoValue() {
    assertThat(Firmographics.industry(null)).isNull();
    assertThat(Firmographics.industry("  ")).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "VP of Engineering; vp; engineering",
        "Vice President, Engineering; vp; engineering",
        "CTO; c_level; engineering",
        "Chief Technology Officer; c_level; engineering",
        "CEO & Founder; c_level; general_management",
        "Head of Sales; head; sales",
        "Director of Marketing; director; marketing",
        "Engineering Manager; manager; engineering",
        "Senior Software Engineer; ic; engineering",
        "Account Executive; ic; sales",
        "CFO; c_level; finance",
        "Head of People; head; hr",
        "Director de Ingeniería; director; engineering",
        "Vicepresidente de Ventas; vp; sales",
        "Gerente de Operaciones; manager; operations",
        "Diretor de Tecnologia; director; engineering",
        "Gerente de Vendas; manager; sales",
        "Head of IT; head; it",
        // A woman's title is a title too (Portuguese and Spanish inflect them).
        "Sócia; c_level; general_management",
        "Sócia-fundadora; c_level; general_management",
        "Proprietária; c_level; general_management",
        "Dueña; c_level; general_management",
        "Presidenta; c_level; general_management",
        "Vicepresidenta de Ventas; vp; sales",
        "Coordinadora de Marketing; manager; marketing",
        "Supervisora de Operações; manager; operations",
        "Ejecutiva de Ventas; ic; sales",
        "Executiva de Contas; ic; sales"
      })
  void titlesGiveSeniorityAndFunction(String title, String seniority, String function) {
    assertThat(Firmographics.seniority(title)).as(title).isEqualTo(seniority);
    assertThat(Firmographics.function(title)).as(title).isEqualTo(function);
  }

  @Test
  void anUnknownTitleSaysNothing() {
    assertThat(Firmographics.seniority("Wizard")).isNull();
    assertThat(Firmographics.function("Wizard")).isNull();
    assertThat(Firmographics.seniority(null)).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "5, 1-9",
    "40, 10-49",
    "50, 50-199",
    "200-500, 200-999",
    "'1,200', 1000-4999",
    "5k, 5000+",
    "12000 employees, 5000+"
  })
  void companySizesFallIntoBands(String size, String band) {
    assertThat(Firmographics.sizeBand(size)).isEqualTo(band);
  }

  @Test
  void aSizeWithoutANumberHasNoBand() {
    assertThat(Firmographics.sizeBand("large")).isNull();
    assertThat(Firmographics.sizeBand(null)).isNull();
  }

  @Test
  void theCountryComesFromThePhone() {
    assertThat(Firmographics.country("+5511998765432")).isEqualTo("BR");
    assertThat(Firmographics.country("+34612345678")).isEqualTo("ES");
    assertThat(Firmographics.country("+16502530000")).isEqualTo("US");
    assertThat(Firmographics.country("not a number")).isNull();
    assertThat(Firmographics.country(null)).isNull();
  }
}

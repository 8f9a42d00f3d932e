package com.salesagent.activities.persona;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The industry as a message names it, in the template's language: "Empresas de logística", never
 * "Empresas de logistics" (what an exploratory test found sent).
 */
class IndustryNamesTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "logistics; en; logistics",
        "logistics; es; logística",
        "logistics; pt; logística",
        "logistics; de; Logistik",
        "logistics; fr; logistique",
        "Logística; en; logistics",
        "retail; es; comercio minorista",
        "varejo; pt; varejo",
        "Retail; de; Einzelhandel",
        "retail; fr; commerce de détail",
        "B2B SaaS; es; software",
        "Healthcare; pt; saúde",
        "real estate; es; bienes raíces",
        "Real Estate; fr; immobilier",
        "financial services; de; Finanzdienstleistungen"
      })
  void aKnownIndustryIsNamedInTheTemplatesLanguageWhateverLanguageTheFieldWasWrittenIn(
      String raw, String language, String named) {
    assertThat(IndustryNames.in(raw, language)).isEqualTo(named);
  }

  @Test
  void everyIndustryOfTheVocabularyHasANameInEveryLanguageAndNoneIsTheEnglishNounElsewhere() {
    for (String language : IndustryNames.languages()) {
      Map<String, String> names = IndustryNames.names(language);
      assertThat(names.keySet())
          .as(language)
          .containsExactlyInAnyOrderElementsOf(Firmographics.industries());
    }
    // The words the exploratory test saw spliced into Spanish and Portuguese sentences.
    for (String language : new String[] {"es", "pt", "de", "fr"}) {
      assertThat(IndustryNames.names(language).values())
          .as(language)
          .doesNotContain(
              "logistics", "retail", "healthcare", "real estate", "manufacturing", "insurance");
    }
  }

  @Test
  void anIndustryOutsideTheVocabularyKeepsItsWordsInEnglishOnlyAndNoneIsNoName() {
    assertThat(IndustryNames.in("Basket weaving", "en")).isEqualTo("Basket weaving");
    assertThat(IndustryNames.in("Basket weaving", "es")).isNull();
    assertThat(IndustryNames.in("Basket weaving", "pt")).isNull();
    assertThat(IndustryNames.in("Basket weaving", "de")).isNull();
    assertThat(IndustryNames.in("Basket weaving", "fr")).isNull();
    assertThat(IndustryNames.in(null, "es")).isNull();
    assertThat(IndustryNames.in(" ", "en")).isNull();
    // A language the table lacks names nothing.
    assertThat(IndustryNames.in("logistics", "it")).isNull();
  }
}

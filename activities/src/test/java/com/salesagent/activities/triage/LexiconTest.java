package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The phrase file of the offline classifier, {@code triage/lexicon.txt}. */
class LexiconTest {

  /** Every list the classifier reads has phrases in each language it triages. */
  @Test
  void everyListHasPhrasesInEnglishSpanishAndPortuguese() {
    Lexicon lexicon = Lexicon.load();
    for (String list : Lexicon.LISTS) {
      for (String language : List.of("en", "es", "pt")) {
        assertThat(lexicon.phrases(list, language)).as(list + " in " + language).isNotEmpty();
      }
    }
  }

  /** A phrase is stored as replies are read: case, accents and spaces folded, commas kept. */
  @Test
  void phrasesAreFoldedAndMayHoldCommasAndSeveralLanguages() {
    Lexicon lexicon =
        Lexicon.parse(
            List.of(
                "# a comment",
                "",
                "decline | pt | Não,   Obrigado",
                "cost_problem | es,pt | Caro",
                "  # an indented comment"),
            "test");
    assertThat(lexicon.phrases("decline", "pt")).containsExactly("nao, obrigado");
    assertThat(lexicon.phrases("cost_problem", "es")).containsExactly("caro");
    assertThat(lexicon.phrases("cost_problem", "pt")).containsExactly("caro");
    assertThat(lexicon.phrases("cost_problem")).containsExactly("caro");
    assertThat(lexicon.phrases("decline", "en")).isEmpty();
  }

  /** A malformed line fails the load, naming its line (comments and blank lines counted). */
  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "interested | en ; two fields",
        "interested | en | yes | please ; four fields",
        "interestd | en | yes ; unknown list",
        "interested | it | sì ; unknown language",
        "interested | en, | yes ; empty language",
        "interested | en |   ; empty phrase",
        "sentiment.positive | en | very good ; two words in a word list"
      })
  void aMalformedLineFailsWithItsLineNumber(String bad, String why) {
    List<String> lines = List.of("# header", "", "interested | en | tell me more", bad);
    assertThatThrownBy(() -> Lexicon.parse(lines, "triage/lexicon.txt"))
        .as(why)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("triage/lexicon.txt line 4: ");
  }
}

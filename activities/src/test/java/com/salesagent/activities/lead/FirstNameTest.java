package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code {{firstName}}} from the lead's name as CRMs and spreadsheets write it. A name written
 * "Last, First" (Salesforce's and Outlook's export, a CSV's quoted "Lee, Bob") once greeted every
 * lead "Hi Lee,, ...": the surname and a second comma.
 */
class FirstNameTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Bob Lee|Bob",
        "Lee, Bob|Bob",
        "Lee, Bob 4958|Bob",
        "Souza,Ana Maria|Ana",
        "  Lee ,  Bob  |Bob",
        "Bob Lee, Jr.|Bob",
        "Ana Souza, PhD|Ana",
        "Lee,|Lee",
        "Ana,|Ana",
        "Dr. Ana Souza|Dr. Souza",
        "Mrs Lee|Mrs Lee",
        "Dr.|Dr.",
        "Ana; Bob|Ana",
        "O'Brien, Seán|Seán",
        "Jean-Luc Picard|Jean-Luc",
        "Ana|Ana",
        "\uD83D\uDC69\uD83C\uDFFD\u200D\uD83D\uDCBB Zo\u00eb \uD83D\uDE80|Zo\u00eb",
        "\uD83D\uDE80 \u2605 Dr. Ana Souza|Dr. Souza",
        "\u0645\u062d\u0645\u062f \u0639\u0628\u062f \u0627\u0644\u0644\u0647|\u0645\u062d\u0645\u062f",
        "\u2605 \u2606|\u2605"
      })
  void theFirstNameIsTheGivenNameWhateverTheOrder(String name, String first) {
    Map<String, String> values =
        TemplateValues.values(
            new Document("name", name).append("company", "Acme"),
            LocalizedTemplates.fallbacks(new Document("language", "en")),
            "en");
    assertThat(values.get("firstName")).as(name).isEqualTo(first);
  }
}

package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A research sentence opening with a word in "-mos" is in the lead's own voice when that word is a
 * verb ("Estamos", "Somos", "Vamos", "Abrimos"), not when it is a name or a plural adjective
 * ("Ramos", "Cosmos", "Próximos", "Últimos"): those were dropped as if the lead had said them.
 */
class FirstPersonPluralTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Estamos expandindo a equipe. | pt_BR | true",
        "Somos líderes em logística. | pt_BR | true",
        "Vamos abrir uma nova filial em Recife. | pt_BR | true",
        "Abrimos tres tiendas este año. | es | true",
        "Ofrecemos envíos a toda España. | es | true",
        "Ramos Distribuidora abriu três lojas em Recife. | pt_BR | false",
        "Cosmos Engenharia venceu o prêmio de inovação. | pt_BR | false",
        "Próximos lançamentos incluem um aplicativo. | pt_BR | false",
        "Últimos resultados mostram crescimento de 20%. | pt_BR | false",
        "Mismos precios en todas las tiendas desde enero. | es | false",
        "Máximos históricos de ventas en 2025. | es | false",
        "Mos Logística abriu um centro em Campinas. | pt_BR | false"
      })
  void aMosWordIsTheFirstPersonOnlyAsAVerb(String sentence, String language, boolean first) {
    assertThat(ComposeFacts.firstPersonPlural(sentence, language)).as(sentence).isEqualTo(first);
  }
}

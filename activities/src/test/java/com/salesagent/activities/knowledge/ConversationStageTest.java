package com.salesagent.activities.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.triage.LexiconClassifier;
import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stage a reply reaches as the offline triage reads it. "Firmamos" and "assinamos" (we sign)
 * are close cues, but "ya firmamos con otra empresa" (we already signed with another) is a
 * competitor: the draft answered it as a lead ready to start, with the price list and booking link.
 */
class ConversationStageTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Ya firmamos con otra empresa | handle_objection",
        "Ya cerramos con otro proveedor el mes pasado | handle_objection",
        "Já assinamos com outra empresa | handle_objection",
        "Já fechamos com outra empresa | handle_objection",
        "We already signed with another vendor | handle_objection",
        "¿Firmamos el contrato el lunes? | close",
        "Assinamos hoje? | close"
      })
  void alreadySignedElsewhereIsAnObjectionNotAClose(String text, String stage) {
    String intent = LexiconClassifier.classify(text, false, LocalDate.of(2026, 11, 25)).intent();
    assertThat(ConversationStage.of(intent, text)).as(text + " (" + intent + ")").isEqualTo(stage);
  }
}

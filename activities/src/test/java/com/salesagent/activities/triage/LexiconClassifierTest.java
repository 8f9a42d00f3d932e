package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A fixed set of replies in English, Spanish and Portuguese. */
class LexiconClassifierTest {
  static final LocalDate TODAY = LocalDate.of(2026, 11, 25);

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Sounds interesting, tell me more | interested | ",
        "Yes, let's talk on Thursday | interested | ",
        "Me interesa, cuéntame más | interested | ",
        "Tenho interesse, pode enviar a proposta | interested | ",
        "Not now, maybe next quarter | not_now | ",
        "Ahora no, escríbeme en marzo | not_now | ",
        "Agora não, fala comigo mês que vem | not_now | ",
        "It's too expensive for us | objection | cost",
        "No tenemos presupuesto este año | objection | cost",
        "We already use another provider | objection | competitor",
        "Já usamos outro fornecedor | objection | competitor",
        "Sorry, wrong person, I no longer work there | wrong_person | ",
        "Número errado | wrong_person | ",
        "Who is this? | other | "
      })
  void repliesAreTriaged(String text, String intent, String objection) {
    Triage t = LexiconClassifier.classify(text, false, TODAY);
    assertThat(t.intent()).as(text).isEqualTo(intent);
    assertThat(t.objection())
        .as(text)
        .isEqualTo(objection == null || objection.isBlank() ? null : objection);
    assertThat(t.classifier()).isEqualTo("lexicon-v1");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Not now, maybe next quarter | 2027-01-01",
        "Ahora no, escríbeme en marzo | 2027-03-01",
        "Agora não, fala comigo mês que vem | 2026-12-01",
        "Busy right now, try 2027-02-15 | 2027-02-15",
        "Not now, next week | 2026-11-30",
        "Ahora no, escríbeme el mes que viene | 2026-12-01",
        "Ahora no, la semana que viene | 2026-11-30",
        "Agora não, semana que vem | 2026-11-30",
        "Ahora no, el año que viene | 2027-01-01",
        "Agora não, ano que vem | 2027-01-01"
      })
  void notNowNamesTheDateToComeBack(String text, String date) {
    assertThat(LexiconClassifier.classify(text, false, TODAY).notBefore())
        .isEqualTo(LocalDate.parse(date));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"STOP", "no más", "please remove me"})
  void optOutsAreTriagedAsSuch(String text) {
    Triage t = LexiconClassifier.classify(text, true, TODAY);
    assertThat(t.intent()).isEqualTo("opt_out");
    assertThat(t.sentiment()).isEqualTo("negative");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Great, thanks! Send me the pricing | positive",
        "This is spam, never message me | negative",
        "Who is this? | neutral"
      })
  void sentimentAndKeywords(String text, String sentiment) {
    Triage t = LexiconClassifier.classify(text, false, TODAY);
    assertThat(t.sentiment()).isEqualTo(sentiment);
    assertThat(t.keywords()).doesNotContain("the", "this");
  }
}

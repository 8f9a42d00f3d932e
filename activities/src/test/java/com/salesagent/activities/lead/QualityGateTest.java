package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class QualityGateTest {
  static final List<String> BANNED = List.of("guaranteed", "act now");
  static final String FACT = "they are opening 12 new stores next year";
  static final String GOOD =
      "Hi Ana, I saw that "
          + FACT
          + ". Companies in retail like Acme cut their cost per lead"
          + " with WhatsApp. Worth a quick look at how it works for your team?";

  private static QualityGate.Verdict score(String text, String fact, String locale) {
    return QualityGate.score(text, fact, List.of("Ana", "x"), locale, BANNED, 0.8, 0.5);
  }

  @Test
  void aGoodMessageIsApprovedWithFullScore() {
    QualityGate.Verdict v = score(GOOD, FACT, "en");
    assertThat(v.score()).isEqualTo(1.0);
    assertThat(v.decision()).isEqualTo("approve");
  }

  @Test
  void withoutAFactItStillGoes() {
    assertThat(score(GOOD, null, "en").score()).isEqualTo(0.85);
    assertThat(score(GOOD, null, "en").decision()).isEqualTo("approve");
  }

  @Test
  void aBannedPhraseOrAnotherLanguageIsHeldForReview() {
    QualityGate.Verdict banned = score(GOOD + " Results guaranteed.", FACT, "en");
    QualityGate.Verdict language = score(GOOD, FACT, "pt-BR");

    assertThat(banned.decision()).isEqualTo("hold");
    assertThat(banned.checks()).containsEntry("noBannedPhrase", false);
    assertThat(language.decision()).isEqualTo("hold");
    assertThat(language.checks()).containsEntry("languageMatchesLocale", false);
  }

  @Test
  void aLeftPlaceholderOrABadLengthIsRejected() {
    assertThat(score("Hi {{firstName}}, " + GOOD, FACT, "en").decision()).isEqualTo("reject");
    assertThat(score("Hi", null, "en").decision()).isEqualTo("reject");
    assertThat(score("x".repeat(1100) + " " + FACT, FACT, "en").decision()).isEqualTo("reject");
  }

  @Test
  void languagesAreToldApartByStopWords() {
    assertThat(QualityGate.detect("olá, você tem um minuto para falar sobre a sua equipe e o"))
        .isEqualTo("pt");
    assertThat(QualityGate.detect("hola, tienes un minuto para hablar con el equipo y los"))
        .isEqualTo("es");
    assertThat(QualityGate.detect("bonjour, avez-vous une minute pour parler avec votre équipe et"))
        .isEqualTo("fr");
    assertThat(QualityGate.detect("ok")).isNull();
  }
}

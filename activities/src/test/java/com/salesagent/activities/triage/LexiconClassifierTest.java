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
        "Not right now, try me next Monday | not_now | ",
        "Not at the moment, maybe in a few weeks | not_now | ",
        "Ahora mismo no, escríbeme en dos semanas | not_now | ",
        "Por enquanto não, me chama depois do Natal | not_now | ",
        "Who is this? | other | ",
        // Asking for a call is interest, whenever it is proposed; a "not now" still wins.
        "Interesting! We spend a lot on SDRs. Could we talk next Tuesday at 3pm? Also what does"
            + " it cost? | interested | ",
        "Can we talk next week? | interested | ",
        "Could we schedule a call next month? | interested | ",
        "Podemos conversar semana que vem? | interested | ",
        "¿Podemos hablar la semana que viene? | interested | ",
        "Not now, but let's talk next month | not_now | ",
        "Sure, book a call for Monday | interested | ",
        "Vamos marcar uma reunião na quinta? | interested | ",
        "Agendemos una llamada el lunes | interested | ",
        // A call asked for with another verb (found by the QA walk: triaged other).
        "can we do a call tomorrow? | interested | ",
        "Could we have a quick call on Friday? | interested | ",
        "Let's get on a call next week | interested | ",
        "Can you do a call at 3pm? | interested | ",
        "¿Podemos hacer una llamada mañana? | interested | ",
        "Podemos fazer uma call amanhã? | interested | ",
        "Dá pra fazer uma ligação amanhã? | interested | ",
        // Asking the price is a buying question; a price that is a problem is an objection.
        "How much does it cost? | interested | ",
        "What's the price for 50 users? | interested | ",
        "Quanto custa? | interested | ",
        "¿Cuánto cuesta al mes? | interested | ",
        "Qual o preço? | interested | ",
        "How much is it? Probably too expensive for us | objection | cost",
        "Quanto custa? Não temos orçamento este ano | objection | cost",
        "The price is a problem for us | objection | cost",
        "Interesting | interested | ",
        "Interessante, me conta mais | interested | ",
        "Muy interesante | interested | ",
        "Cara, quanto custa? | interested | ",
        // A polite no is not interest, nor an objection to argue with.
        "Not interested, thanks | not_interested | ",
        "We're not interested at this time | not_interested | ",
        "No me interesa, gracias | not_interested | ",
        "Não tenho interesse | not_interested | ",
        "No thanks | not_interested | ",
        "Não, obrigado | not_interested | ",
        "Not interested now, maybe next year | not_now | ",
        // Asking for a proposal or more information is interest too.
        "Can you send a proposal? | interested | ",
        "Send me more info by email please | interested | ",
        "Me manda mais informações | interested | ",
        "Mándame info por correo | interested | ",
        "Pode mandar uma proposta? | interested | ",
        // "Not before" or an absence until a date is a "not now".
        "Sounds good but not before Q2 | not_now | ",
        "I'm on vacation until January 10 | not_now | ",
        "Estou de férias até dia 10 de janeiro | not_now | ",
        "Estoy de vacaciones hasta el 10 de enero | not_now | ",
        // A phrase in quotes or brackets is still the phrase.
        "A price list with 'too expensive' written across it | objection | cost",
        "(not interested) | not_interested | ",
        // A bare no to "worth a quick look?" is a no.
        "No | not_interested | ",
        "Não. | not_interested | ",
        "nope | not_interested | ",
        "No, gracias. | not_interested | ",
        "No problem, send it over | interested | "
      })
  void repliesAreTriaged(String text, String intent, String objection) {
    Triage t = LexiconClassifier.classify(text, false, TODAY);
    assertThat(t.intent()).as(text).isEqualTo(intent);
    assertThat(t.objection())
        .as(text)
        .isEqualTo(objection == null || objection.isBlank() ? null : objection);
    assertThat(t.classifier()).isEqualTo("lexicon-v1");
  }

  /**
   * Interest said the way Spanish and Portuguese speakers say it ("Estoy interesado", "Estamos
   * interessados", "Nos interesa"), and interest denied with words between the negation and the
   * interest ("not really interested", "Não seria interessante"): the first were "other", the
   * second read as interest.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Estoy interesado | interested",
        "Estoy interesada, ¿cómo seguimos? | interested",
        "Estamos interesados | interested",
        "Nos interesa | interested",
        "Tengo interés | interested",
        "Estou interessado | interested",
        "Estou interessada! | interested",
        "Estamos interessados, como funciona? | interested",
        "Me interessa | interested",
        "Nos interessa sim | interested",
        "Quero saber mais | interested",
        "Quiero saber más | interested",
        "I'm not really interested | not_interested",
        "We are no longer interested | not_interested",
        "I don't think we're interested | not_interested",
        "We wouldn’t be interested | not_interested",
        "Not that interesting for us | not_interested",
        "No estoy interesado | not_interested",
        "No tengo interés | not_interested",
        "No tenemos interés, gracias | not_interested",
        "Ya no nos interesa | not_interested",
        "No es interesante para nosotros | not_interested",
        "Não estou interessado | not_interested",
        "Não seria interessante para nós | not_interested",
        "No estamos interesados por ahora, quizás el mes que viene | not_now",
        "No problem, I'm interested | interested",
        "No, pero nos interesa, ¿cómo funciona? | interested"
      })
  void interestSaidOrDeniedInEachLanguage(String text, String intent) {
    assertThat(LexiconClassifier.classify(text, false, TODAY).intent()).as(text).isEqualTo(intent);
  }

  /**
   * Everyday ways of saying "not the moment", asking for details or a demonstration, or proposing a
   * talk, that read as "other" (a person to answer, or the lead ended) in Spanish and Portuguese.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "No es el momento | not_now",
        "Ahora no es buen momento | not_now",
        "Não é o momento | not_now",
        "Não é um bom momento, fala comigo em março | not_now",
        "It's not a good time | not_now",
        "Not the right time for us | not_now",
        "Manda mais detalhes | interested",
        "Me envía más detalles | interested",
        "Send me more details | interested",
        "Quero uma demonstração | interested",
        "Quisiera una demostración | interested",
        "Bora conversar | interested",
        "¿Me llamas mañana? | interested"
      })
  void everydayWordingInEachLanguage(String text, String intent) {
    assertThat(LexiconClassifier.classify(text, false, TODAY).intent()).as(text).isEqualTo(intent);
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
        "Agora não, ano que vem | 2027-01-01",
        // "may" and "march" are words before they are months: only a date's context makes them one
        "Not now, but you may write again next week | 2026-11-30",
        "Not now, maybe in May | 2027-05-01",
        "Not now, maybe mid March | 2027-03-15",
        "Not now, try me after January | 2027-02-01",
        // the day the lead names, not the first of its month
        "Busy until 15 January, not now | 2027-01-15",
        "Not now, March 10th works | 2027-03-10",
        "Not now, the 2nd of December | 2026-12-02",
        "I'm on vacation until January 10 | 2027-01-10",
        "Ahora no, el 3 de febrero | 2027-02-03",
        "Agora não, dia 20 de janeiro | 2027-01-20",
        // a day of the month named alone: the next such day (the reply came on the 25th)
        "Estou de férias, volto dia 15 | 2026-12-15",
        "Agora não, me chama no dia 28 | 2026-11-28",
        "Estoy de vacaciones hasta el día 2 | 2026-12-02",
        "On vacation, back on the 3rd | 2026-12-03",
        "Not now, try me on the 31st | 2026-12-31",
        // so many days, weeks or months from the reply
        "Not now, call me in 2 weeks | 2026-12-09",
        "Not now, maybe in three months | 2027-02-25",
        "Ahora no, en dos meses | 2027-01-25",
        "Agora não, daqui a duas semanas | 2026-12-09",
        "Agora não, em 10 dias | 2026-12-05",
        // a weekday: the next one after the reply's day (a Wednesday)
        "Not right now, try me next Monday | 2026-11-30",
        "Not now, Friday maybe | 2026-11-27",
        "Ahora no, el lunes | 2026-11-30",
        "Agora não, na sexta-feira | 2026-11-27",
        // after the year's end
        "not now, try me after Christmas | 2027-01-07",
        "Agora não, depois do Natal | 2027-01-07",
        "Ahora no, después de Año Nuevo | 2027-01-07"
      })
  void notNowNamesTheDateToComeBack(String text, String date) {
    assertThat(LexiconClassifier.classify(text, false, TODAY).notBefore())
        .isEqualTo(LocalDate.parse(date));
  }

  /** A "not now" whose words name no day snoozes nothing: no date is made up from a stray word. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Not now, I may be free later this year",
        "Not now, we march on with our current tool",
        "Agora não, fale com o Marco",
        "Not now, maybe in a while",
        "Not now, the 15 of us are busy",
        "Agora não, dia 15:30 talvez"
      })
  void notNowWithoutADayNamesNone(String text) {
    Triage t = LexiconClassifier.classify(text, false, TODAY);
    assertThat(t.intent()).as(text).isEqualTo("not_now");
    assertThat(t.notBefore()).as(text).isNull();
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

package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Replies a Brazilian, Spanish or English sales team sees every day that the offline classifier
 * read wrong (each row failed before its fix), and the guards around them.
 */
class LexiconClassifierGapsTest {
  static final LocalDate TODAY = LocalDate.of(2026, 11, 25);

  private static Triage triage(String text) {
    return LexiconClassifier.classify(text, false, TODAY);
  }

  /**
   * "I don't want it" (or "we don't need it", "estamos bien así") alone is a no; a "don't want"
   * followed by a question or interest is not ("No quiero molestar, pero ¿cuánto cuesta?" asks the
   * price).
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Não quero | not_interested",
        "No quiero | not_interested",
        "I don't want it | not_interested",
        "Não quero, obrigado | not_interested",
        "No queremos, gracias | not_interested",
        "We don't need it | not_interested",
        "I don't want a demo | not_interested",
        "No quiero la demo, gracias | not_interested",
        "Não precisamos disso | not_interested",
        "No lo necesitamos | not_interested",
        "Estamos bien así, gracias | not_interested",
        "Por ahora estamos bien | not_interested",
        "Estamos bem assim, obrigado | not_interested",
        "Estamos servidos | not_interested",
        "No quiero molestar, pero ¿cuánto cuesta? | interested",
        "Não quero incomodar, mas quanto custa? | interested",
        "I don't want to bother you, how much is it? | interested",
        "Não quero perder a oportunidade, me manda a proposta | interested",
        "I don't want to miss this, can we talk? | interested"
      })
  void dontWantAloneIsANo(String text, String intent) {
    assertThat(triage(text).intent()).as(text).isEqualTo(intent);
  }

  /**
   * "I'll think about it", "I'll get back to you" is a "not now" that names no day (snoozed for
   * NOT_NOW_SNOOZE, not ended).
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Vou pensar",
        "Vou pensar e te aviso",
        "Lo voy a pensar",
        "Déjame pensarlo",
        "I'll think about it",
        "Let me think about it",
        "Interessante, vou pensar",
        "Sí, pero no ahora",
        "Sim, mas não agora",
        "Pode ser, mais pra frente",
        "I'll get back to you",
        "We'll let you know",
        "Depois te falo",
        "Luego te digo",
        "Ya te aviso"
      })
  void thinkingItOverIsANotNowWithoutADay(String text) {
    Triage t = triage(text);
    assertThat(t.intent()).as(text).isEqualTo("not_now");
    assertThat(t.notBefore()).as(text).isNull();
  }

  /**
   * A hedge ("maybe", "pode ser", "puede ser") alone is neither a yes nor a no: {@code other},
   * which a person answers (the draft asks what they need) without marking the lead interested;
   * with interest or a question it is read by that.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Maybe | other",
        "Could be | other",
        "Pode ser | other",
        "Puede ser | other",
        "Talvez | other",
        "Quizás | other",
        "Pode ser interessante | interested",
        "Maybe, how much is it? | interested",
        "Puede ser, mándame más información | interested"
      })
  void aHedgeAloneIsForAPerson(String text, String intent) {
    assertThat(triage(text).intent()).as(text).isEqualTo(intent);
  }

  /**
   * "X, but Y" is read by Y when Y decides anything ("Interesting, but we're too small for this" is
   * an objection, not interest); an explicit "not now" anywhere still wins; a rhetorical "isn't it
   * interesting?" is no denial.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Isn't it interesting? | interested | ",
        "Interesting! | interested | ",
        "Wouldn't that be interesting for our team? | interested | ",
        "It isn't interesting for us | not_interested | ",
        "Interesting, but we're too small for this | objection | other",
        "Interesante, pero somos muy pequeños para esto | objection | other",
        "Interessante, mas somos pequenos demais para isso | objection | other",
        "Interesting, but it's too expensive | objection | cost",
        "Parece interesante, pero ya trabajamos con otro proveedor | objection | competitor",
        "Gostei, mas já trabalhamos com outra empresa | objection | competitor",
        "Not interested, but thanks | not_interested | ",
        "Sounds good, but not now | not_now | ",
        "Me interesa más adelante | not_now | ",
        "Interessante, mas detalhes por favor | interested | "
      })
  void butClauseDecides(String text, String intent, String objection) {
    Triage t = triage(text);
    assertThat(t.intent()).as(text).isEqualTo(intent);
    assertThat(t.objection())
        .as(text)
        .isEqualTo(objection == null || objection.isBlank() ? null : objection);
  }

  /**
   * A lead who names someone else to talk to is a referral: {@code other} (a person follows it up,
   * the lead goes on) with the keyword {@code referral} first, even when they also say they are the
   * wrong person (which alone ends the lead with nobody to answer).
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Talk to my colleague Pedro",
        "Fale com o João, ele cuida disso",
        "Habla con María",
        "Wrong person, please talk to my colleague Pedro",
        "Ya no trabajo ahí, habla con María",
        "Não trabalho mais lá, fale com a Ana do comercial",
        "Please reach out to our CTO, he handles this",
        "Quien se encarga de eso es Carlos"
      })
  void aReferralGoesToAPerson(String text) {
    Triage t = triage(text);
    assertThat(t.intent()).as(text).isEqualTo("other");
    assertThat(t.keywords()).as(text).first().isEqualTo("referral");
  }

  /**
   * A referral phrase the lead says of themselves ("I'll talk to my team") or that names us ("fala
   * com a gente") is no referral.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "I'll talk to my team and get back to you",
        "Let me talk to my boss first",
        "Can I talk to my partner first?",
        "Vou falar com meu sócio",
        "Preciso falar com o meu chefe antes",
        "¿Podemos hablar con usted el lunes?",
        "Fala com a gente na segunda"
      })
  void noReferralWhenTheLeadDoesItThemselves(String text) {
    assertThat(triage(text).keywords()).as(text).doesNotContain("referral");
  }

  /** Wrong person or number without anyone named stays wrong person; talking to us is interest. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Wrong number | wrong_person",
        "Ya no trabajo ahí | wrong_person",
        "Happy to talk to you next week | interested",
        "Agora não, fale com o Marco | not_now"
      })
  void noReferralWithoutSomeoneElse(String text, String intent) {
    assertThat(triage(text).intent()).as(text).isEqualTo(intent);
  }

  /**
   * A one-word yes in Spanish or Portuguese ("Bora", "Dale", "Claro", "Vamos") is interest; the
   * price asked as an investment ("Qual o investimento?") is a buying question; "me chama" asks for
   * a call.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Bora! | interested",
        "Vamos! | interested",
        "Vamos conversar | interested",
        "Dale | interested",
        "Claro | interested",
        "Sure | interested",
        "Com certeza | interested",
        "Por supuesto | interested",
        "Qual o investimento? | interested",
        "Quanto é o investimento mensal? | interested",
        "Me chama amanhã às 10 | interested",
        "Fala comigo amanhã | interested",
        "Vamos ver | other",
        "No vamos a cambiar de proveedor | other",
        // asking for a trial is a buying question
        "Tem teste grátis? | interested",
        "Is there a free trial? | interested",
        "¿Tienen prueba gratis? | interested",
        "Vocês têm período de teste? | interested",
        "We don't need a free trial | not_interested"
      })
  void everydayYesAndPrice(String text, String intent) {
    assertThat(triage(text).intent()).as(text).isEqualTo(intent);
  }

  /**
   * A call asked for in other words is interest; a call refused ("Don't call me", "Não precisa me
   * ligar") is none (both "Don't call me" and "Please don't call me" were read as interest): a
   * person reads it.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Pode me ligar amanhã às 10? | interested",
        "Você pode me ligar depois? | interested",
        "Me ligue amanhã | interested",
        "¿Puedes llamarme mañana? | interested",
        "¿Me puedes llamar el lunes? | interested",
        "Give me a call tomorrow | interested",
        "No, call me tomorrow | interested",
        "Don't call me | other",
        "Please don't call me, send it by email | other",
        "Não precisa me ligar | other",
        "Não precisa me ligar, manda por escrito | other",
        "No hace falta llamarme | other",
        "Never call me | other"
      })
  void aCallAskedForOrRefused(String text, String intent) {
    assertThat(triage(text).intent()).as(text).isEqualTo(intent);
  }

  /**
   * "We already work with you" names us: a customer of ours writing, for a person, not the
   * competitor objection ("Já fechamos com vocês" drafted the answer to a competitor).
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Já fechamos com vocês | other | ",
        "Já usamos vocês | other | ",
        "We already work with you | other | ",
        "Ya trabajamos con ustedes | other | ",
        "Já trabalhamos com a Totvs | objection | competitor",
        "We already use HubSpot | objection | competitor",
        "Ya cerramos con otro proveedor | objection | competitor"
      })
  void aCustomerOfOursIsNoCompetitorObjection(String text, String intent, String objection) {
    Triage t = triage(text);
    assertThat(t.intent()).as(text).isEqualTo(intent);
    assertThat(t.objection()).as(text).isEqualTo(objection);
  }

  /**
   * A reply that is only thanks, a goodbye, an "ok" or an acknowledging emoji ("Ok, thanks. Bye",
   * "👍", "gracias, saludos", "danke, tschüss") is a {@code closing}: nothing for a person to
   * answer (it read as other, and reopened a lead that had said no for a person to answer). Thanks
   * with anything else in it is read by the rest ("thanks, what does it cost?" asks the price).
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Ok, thanks. Bye | closing",
        "thanks | closing",
        "Thank you! | closing",
        "ok thank you | closing",
        "👍 | closing",
        "👍🏽👍🏽 | closing",
        "🙏 | closing",
        "Thanks 🙏 | closing",
        "Ok | closing",
        "gracias, saludos | closing",
        "Muchas gracias. ¡Hasta luego! | closing",
        "obrigado | closing",
        "Valeu, tchau! | closing",
        "Obrigada, abraço | closing",
        "danke, tschüss | closing",
        "Vielen Dank! | closing",
        "merci, au revoir | closing",
        "Merci beaucoup, bonne journée | closing",
        "thanks, what does it cost? | interested",
        "ok, let's talk | interested",
        "Thanks, send me more info | interested",
        "Gracias, ¿quién eres? | other",
        "Obrigado, mas não tenho interesse | not_interested",
        "No thanks | not_interested",
        "Thanks? | other",
        "Sure | interested",
        "🤔 | other",
        "👎 | other"
      })
  void aClosingAloneIsNothingToAnswer(String text, String intent) {
    assertThat(triage(text).intent()).as(text).isEqualTo(intent);
  }

  /**
   * A no with a request after its "but" ("not interested, but send me the invoice") is no interest
   * (the clause after the "but" read as interest): {@code other}, a person answers the request and
   * the lead is not marked interested. A "but" that turns a no round in so many words ("No, pero
   * nos interesa"), and a "not now" with a time, still decide as before.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not interested, but send me the invoice | other",
        "Not interested but please send me the invoice | other",
        "No thanks, but send me your deck for later | other",
        "We're not interested, but can you send me the contract copy? | other",
        "No me interesa, pero mándame la factura | other",
        "No estoy interesado, pero envíeme la factura | other",
        "Não tenho interesse, mas me manda a nota fiscal | other",
        "Não quero, mas pode enviar o boleto | other",
        "No, pero nos interesa, ¿cómo funciona? | interested",
        "No, but I'm interested | interested",
        "I was not sure, but yes let's talk | interested",
        "Not now, but in March | not_now",
        "Not now, but let's talk next month | not_now",
        "No estamos interesados, pero quizás el mes que viene | not_now",
        "Not interested, but thanks | not_interested"
      })
  void aNoWithARequestIsNoInterest(String text, String intent) {
    assertThat(triage(text).intent()).as(text).isEqualTo(intent);
  }
}

package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OptOutDetectorTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "STOP",
        "stop",
        " Stop. ",
        "unsubscribe",
        "please remove me",
        "Please remove me from this list",
        "don't message me again",
        "no más",
        "No mas mensajes",
        "para",
        "darme de baja",
        "parar",
        "não quero mais",
        "arrêter",
        "désabonner",
        "STOPP",
        // Polite and plural forms, and the phrase inside a sentence (as the README promises).
        "No me escriban más",
        "Por favor no me escriba más",
        "Dejen de escribirme, gracias",
        "No quiero recibir más mensajes",
        "Bitte keine Nachrichten mehr",
        "Bitte nicht mehr kontaktieren",
        "Por favor, não me mandem mais mensagens",
        "Parem de me enviar mensagens",
        "Me tire dessa lista",
        "Merci de ne plus me contacter",
        "Arrêtez de m'écrire",
        "Je ne veux plus recevoir de messages",
        "STOP. I'm not interested",
        // The polite French imperative, as "arrête" is the familiar one; the Portuguese plural.
        "Arrêtez",
        "Arrêtez !",
        "Parem",
        // A keyboard in full-width mode (Chinese, Japanese) or an app's styled letters.
        "ＳＴＯＰ",
        "Ｓｔｏｐ！",
        "𝐒𝐓𝐎𝐏",
        // Said twice or thrice, as people do when they mean it.
        "Stop stop",
        "STOP STOP STOP",
        // Meta's quick-reply label on marketing templates, typed or tapped, and its payload form
        "Stop promotions",
        "STOP_PROMOTIONS",
        "Please stop the marketing messages",
        "No more promotions, thanks",
        "Detener promociones",
        "No quiero más promociones",
        "Parar promoções",
        "Não quero mais promoções",
        "Werbung stoppen",
        "Arrêter les promotions",
        "Basta, gracias",
        "Para!",
        "Bitte schreiben Sie mir nicht mehr",
        "Kontaktieren Sie mich bitte nicht mehr",
        // English "write" as the other languages' escribir, escrever, schreiben, écrire.
        "Stop writing to me",
        "Not interested, stop writing me please",
        "Please don't write to me again",
        "Do not write me anymore",
        // Calling it spam (a person who feels so reports the number next: Meta's quality).
        "Spam",
        "SPAM!",
        "This is spam",
        "Isso é spam, obrigado",
        "Esto es spam",
        // A long message that says it (over 120 characters: it used to be never read).
        "Olha, eu já recebi muitas mensagens de vocês nas últimas semanas e agradeço o interesse,"
            + " mas por favor, não me mande mais nada, obrigado."
      })
  void optOutsInSeveralLanguagesAreRecognised(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Sounds interesting, tell me more",
        "Can you send me pricing?",
        "Not now, maybe next quarter",
        "We can't stop growing, let's talk",
        "Paraguay office is interested",
        "Ich habe keine Fragen mehr, wann können wir starten?",
        "Não tenho mais dúvidas, vamos fechar",
        "Je ne veux plus attendre, appelez-moi",
        // A keyword as the first word of an ordinary sentence is no opt-out.
        "End of next week works better for me - can we talk then?",
        "Para quando seria a conversa? Tenho interesse.",
        "Cancel my Thursday slot and book Friday instead, please",
        "Quit my old job last month, now I run procurement here",
        "Basta una llamada de 10 minutos para verlo",
        "Sair da planilha seria ótimo, como funciona?",
        "Your promotions stopped working for us last year, what changed?",
        "Don't write to me in Spanish, English is better",
        "We never stop writing code, that's why we need help",
        "",
        "👍",
        // Spam named without saying that this is: a question, a worry.
        "Não é spam? Quem é você?",
        "Is this spam?",
        "Your spam filter caught the first message"
      })
  void ordinaryRepliesAreNotOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * Phones type typographic apostrophes: iOS's keyboard turns "don't" into "don\u2019t" (smart
   * punctuation, on by default), others send U+2018, U+02BC or a backtick. They read as "'":
   * before, every phrase with an apostrophe ("don\u2019t message me", "Arr\u00eatez de
   * m\u2019\u00e9crire") was read as an ordinary reply and the number was never suppressed.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Don\u2019t message me again",
        "Please don\u2019t contact me",
        "Don\u2019t write to me anymore",
        "Don\u2018t contact me",
        "Don\u02BCt contact me",
        "Don`t contact me",
        "Don\u00B4t text me",
        "Arr\u00eatez de m\u2019\u00e9crire",
      })
  void typographicApostrophesReadAsApostrophes(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * French elides "me" before a vowel: "Ne m'\u00e9crivez plus", never "ne me \u00e9crivez plus".
   * The phrases knew only the unelided form, so the way a French lead writes it was an ordinary
   * reply.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Ne m'\u00e9crivez plus",
        "Merci de ne plus m'\u00e9crire",
        "Ne m'envoyez plus de messages",
        "Merci de ne plus m'envoyer de messages",
        "Ne m\u2019\u00e9cris plus"
      })
  void frenchElidedFormsAreOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * Characters one does not see: a zero-width space, joiner or soft hyphen inside "STOP" (pasted,
   * or put there by a keyboard), a line separator (U+2028) or an ideographic full stop ending the
   * first clause, quotes around the word. Each left a stop unread.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "S\u200BTOP",
        "Sto\u200Cp",
        "S\u2060TOP",
        "S\u00ADTOP",
        "UNSUB\u200DSCRIBE",
        "STOP\u2028I'm not interested",
        "STOP\u2029Not interested",
        "Stop\u3002\u8c22\u8c22",
        "'STOP'",
        "\u2018STOP\u2019"
      })
  void invisibleCharactersAndOtherClauseEndsKeepAStop(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Stop\u200Bping by our booth next week?",
        "'Stop' is what my last vendor said, yours looks better",
        "Let's talk\u2028STOP by Friday"
      })
  void neitherMakesAnOrdinaryReplyAStop(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * STOP as a later sentence or clause ("No thanks. STOP", "Who is this? STOP") and "stop" with
   * "it", "now" or a short please or thanks: each was an ordinary reply, since a keyword was read
   * only as the first clause. A later clause counts when it is only a word that means nothing but
   * stop (stop, unsubscribe, opt out and their kin), not cancel, end, quit, para or spam.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "No thanks. STOP",
        "Not interested, please stop",
        "Not interested. Stop.",
        "Who is this? STOP",
        "I'm not interested. Unsubscribe",
        "Wrong number. Stop",
        "Thanks but no thanks - STOP",
        "Stop pls",
        "Stop thx",
        "Stop it",
        "Stop now",
        "Stop this please"
      })
  void stopAsALaterClauseOrWithAFewWordsIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Booked for Tuesday. Cancel the Thursday one",
        "I have two slots booked. Cancel.",
        "Which plan would fit? Quit asking me about budget, it's approved",
        "Got it. End of story, we buy",
        "Is it spam? Spam filters caught it",
        "Tudo certo? Para mim sim",
        "Cancel it",
        "We tried, it didn't work. Stop and think about why"
      })
  void aLaterClauseThatMayMeanSomethingElseIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * How leads say stop in their own words, each read before as an ordinary reply: Brazil's "Pare de
   * mandar mensagem" and "Me tira dessa lista", Spain's "Quítame de la lista", "Hören Sie auf, mir
   * zu schreiben", "Retirez-moi de votre liste", "Delete my number".
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Pare de mandar mensagem",
        "Não tenho interesse, pare de mandar mensagem",
        "Para de mandar mensagens",
        "Não me mande mensagens",
        "Me remove da lista",
        "Me tira dessa lista por favor",
        "Remova meu número",
        "No me interesa, dejen de mandar mensajes",
        "No quiero que me escriban",
        "Bórrame de la lista",
        "Quítame de la lista",
        "Sácame de tu lista",
        "Hören Sie auf, mir zu schreiben",
        "Bitte entfernen Sie mich",
        "Keine weiteren Nachrichten",
        "Retirez-moi de votre liste",
        "I don't want these messages",
        "Delete my number",
        "Unsubscribe from this list"
      })
  void commonPhrasingsInEveryLanguageAreOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Para mandar mensagem ao time, qual número uso?",
        "Remova o item 3 da proposta, o resto está ok",
        "Quítame la duda: ¿cuánto cuesta?",
        "Hören Sie, wann können wir sprechen?",
        "Keine weiteren Fragen, schicken Sie den Vertrag",
        "I don't want these features, only the CRM sync",
        "Delete my old e-mail from the invoice please"
      })
  void wordsNearThosePhrasingsAreNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * Ordinary replies the widened detector read as opt-outs, each suppressing the number for good:
   * another vendor unsubscribed from, audio instead of text, an invoice by mail, an old number, a
   * CC, and "stop" as the first or a middle clause of a sentence that goes on.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "We want to unsubscribe from HubSpot and move to you",
        "N\u00e3o me mande mensagens de \u00e1udio, s\u00f3 texto",
        "Pare de enviar \u00e1udio, prefiro texto",
        "No quiero que me manden la factura por correo",
        "Remova meu n\u00famero antigo, o novo \u00e9 11 98765-4321",
        "Please delete my number ending 1234 from the old account",
        "Bitte entfernen Sie mich aus dem CC",
        "Stop it, you're making me blush",
        "Wait, stop, I meant Tuesday",
        "I can't... stop... laughing"
      })
  void whatTheWideningMisreadIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** The carrier keyword STOPALL and English "stop spamming / calling / bothering me". */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "STOPALL",
        "stopall",
        "stop spamming me",
        "stop calling me",
        "stop bothering me",
        "stop msging me",
        "stop messaging me",
        "Not interested. STOPALL",
        "Please stop calling me again",
        "Stop spamming us, we are not interested"
      })
  void carrierKeywordAndPlainEnglishStopsAreOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * The same phrases with what makes them a stop: the list or database a number is removed from,
   * the messages not to send, the end of the clause; STOP as the last clause or the first alone.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Unsubscribe me from your list",
        "Please unsubscribe from the mailing list",
        "Delete my number from your database",
        "Delete my number please",
        "Please delete my number, thanks",
        "Remova meu n\u00famero, por favor",
        "Remova meu n\u00famero da lista",
        "Bitte entfernen Sie mich aus Ihrem Verteiler",
        "Bitte entfernen Sie mich aus der Liste",
        "Entfernen Sie mich bitte",
        "Pare de enviar mensagens",
        "Pare de enviar",
        "Parem de mandar isso",
        "N\u00e3o me mande mensagens de propaganda",
        "No quiero que me manden m\u00e1s mensajes",
        "No quiero que me contacten m\u00e1s",
        "STOP. Not interested",
        "Stop, not interested",
        "Who is this? Stop it"
      })
  void thePhrasesWithTheirObjectStayOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * English "remove me" and "take me off" about something else than our messages: the CC, an
   * invoice, a call, a meeting invite. They matched anywhere and suppressed the number for good.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Remove me from the CC please",
        "take me off the CC",
        "Can you remove me from the invoice and add my colleague",
        "Take me off the 9am call, I'll join at 10",
        "Remove me from the CC list, Maria handles this now",
        "Please take me off the meeting invite and send it to Ana",
        "Remove me from the system integration call, Joe will join",
        "Please don't remove me from your list, I'm interested"
      })
  void removeMeFromSomethingElseIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * "Remove me" and "take me off" ending a clause (maybe with please, now or thanks) or with a
   * list, database, contacts or records as their object, anything after it.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Please remove me",
        "Remove me please",
        "Remove me now!",
        "Take me off",
        "Who is this? Take me off, thanks",
        "Not interested, please remove me",
        "remove me from your list",
        "take me off your mailing list",
        "take me off this list",
        "Remove me from your database",
        "Remove me from your contacts",
        "remove me from your system",
        "Remove me from your records",
        "Remove me from your WhatsApp list",
        "remove me from here",
        "take me off of your list",
        "Take me off your list and stop texting",
        "Please remove me from your list, I'm not interested",
        "remove me from your list im not interested",
        "Take me off your mailing list permanently",
        "Remove me from your leads list",
        "take me off your prospect list please",
        "Unsubscribe me",
        "Opt me out"
      })
  void removeMeEndingAClauseOrFromAListIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * STOP followed by a sign-off ("Hi, STOP. Thanks") or by a sentence after "stop it / now" as the
   * whole first sentence ("STOP IT. Not interested"): each was an ordinary reply, since only the
   * last clause with words was read, and the first only for a keyword alone.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Hi, STOP. Thanks",
        "Who is this?? STOP!! Thank you",
        "Hallo, bitte abmelden. Danke!",
        "Stop now. Who gave you my number?",
        "STOP IT. Not interested",
        "Not interested. Stop. Ok bye",
        "Stop calling me. Thanks"
      })
  void stopBeforeASignOffOrStopItAsTheFirstSentenceIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * A number or a person removed from our channel, newsletter or marketing, however it is named:
   * each was an ordinary reply, since the phrase wanted a list or database as its object.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Remova meu n\u00famero dos seus contatos",
        "Remova meu n\u00famero das suas listas",
        "Delete my number from your WhatsApp",
        "I want to unsubscribe from WhatsApp marketing",
        "Unsubscribe from marketing",
        "Bitte entfernen Sie mich aus dem Newsletter",
        "Bitte entfernen Sie mich aus der WhatsApp-Liste",
        "Unsubscribe from the newsletter",
        // "delete my number" asked for after other words still is one
        "I want you to delete my number",
        "Not interested and delete my number",
        "Can you please delete my number?"
      })
  void aNumberRemovedFromOurChannelOrMarketingIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * Ordinary replies read as opt-outs: "won't stop bothering me" anywhere, "delete my number" asked
   * about or refused, "stop calling me" followed by a wish to be messaged, another vendor left for
   * us, another channel preferred.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "My kids won't stop bothering me, can we talk at 8?",
        "Did you delete my number?",
        "Please don't delete my number",
        "Stop calling me, text me here instead",
        "We want to unsubscribe from them and move to you",
        "We will unsubscribe from it all and switch to you next month",
        "No quiero que me manden nada por correo, prefiero WhatsApp",
        "Unsubscribe from marketing automation tools is hard, can you help?",
        "Stop it... you're making me blush",
        "Please don't delete my number from your list, I'm interested",
        "N\u00e3o remova meu n\u00famero",
        "Por favor, n\u00e3o me tire da lista"
      })
  void questionsRefusalsAndOtherChannelsAreNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * "Stop texting me" and its kin said to us: as a clause of its own, maybe asked ("can you stop
   * texting me", "I need you to stop messaging me"), with our messages as its object.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Please stop texting me",
        "stop messaging me",
        "Can you stop texting me?",
        "Could you please stop contacting me",
        "Not interested, stop sending me messages",
        "Stop sending me these messages, thanks",
        "Who is this? Stop texting me",
        "I need you to stop messaging me",
        "Stop texting me, call me instead",
        "Stop sending",
        "I said stop texting me!"
      })
  void stopTextingMeSaidToUsIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * "stop texting / sending / messaging" about someone else or going on with something else: it
   * matched anywhere in the message, and each of these suppressed the number for good.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "My kids won't stop texting me",
        "I can't stop sending memes lol",
        "My kids won't stop texting me, can we talk at 8?",
        "Can you stop texting me at night? Mornings are fine",
        "Please don't stop messaging me, I love the updates",
        "Stop sending me the PDF, I have it already",
        "Our clients never stop contacting support, can you help with that?",
        "Why would I stop messaging you? Send the proposal"
      })
  void stopTextingSaidAboutSomethingElseIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * Letters that look like Latin ones: small capitals, negative squared and circled letters (no
   * compatibility form: NFKC leaves them), squared and circled ones (NFKC reads them already), and
   * Cyrillic, Greek or Lisu look-alikes inside or as a Latin word ("S\u0422\u041e\u0420" with
   * Cyrillic Te, O, Er). Each was an ordinary reply.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\uA731\u1D1B\u1D0F\u1D18",
        "\uD83C\uDD82\uD83C\uDD83\uD83C\uDD7E\uD83C\uDD7F",
        "\uD83C\uDD62\uD83C\uDD63\uD83C\uDD5E\uD83C\uDD5F",
        "\uD83C\uDD42\uD83C\uDD43\uD83C\uDD3E\uD83C\uDD3F",
        "\u24C8\u24C9\u24C4\u24C5",
        "S\u0422\u041e\u0420",
        "s\u0442\u043e\u0440",
        "\u0405\u0422\u041e\u0420",
        "Not interested. S\u0422\u041e\u0420",
        "unsubs\u0441ribe",
        "\u1D1C\u0274\uA731\u1D1C\u0299\uA731\u1D04\u0280\u026A\u0299\u1D07",
        "\uA4E2\uA4D4\uA4F3\uA4D1",
        "r\u0435move me from your list"
      })
  void lookAlikeLettersReadAsTheLatinOnes(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * The look-alikes read as Latin letters change no rule: Russian and Greek that are no stop, a
   * Cyrillic letter in an ordinary English word, small capitals that go on after a comma.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u0421\u043f\u0430\u0441\u0438\u0431\u043e, \u0438\u043d\u0442\u0435\u0440"
            + "\u0435\u0441\u043d\u043e",
        "\u0421\u0422\u041e\u041f\u0420\u041e\u0426\u0415\u041d\u0422\u041d\u042b\u0419"
            + " \u0440\u0435\u0437\u0443\u043b\u044c\u0442\u0430\u0442?",
        "\u0395\u03c5\u03c7\u03b1\u03c1\u03b9\u03c3\u03c4\u03ce, \u03b5\u03bd\u03b4"
            + "\u03b9\u03b1\u03c6\u03ad\u03c1\u03bf\u03bc\u03b1\u03b9",
        "\u03a4\u039f \u03a0\u03a1\u039f\u03aa\u039f\u039d \u03a3\u0391\u03a3",
        "Send me the \u0420DF please",
        "\u1D1B\u029C\u1D00\u0274\u1D0B\uA731, \u026A\u0274\u1D1B\u1D07\u0280\u1D07\uA731"
            + "\u1D1B\u1D07\u1D05",
        "\uA731\u1D1B\u1D0F\u1D18 \u026A\u1D1B, \u028F\u1D0F\u1D1C'\u0280\u1D07 \u1D0D"
            + "\u1D00\u1D0B\u026A\u0274\u0262 \u1D0D\u1D07 \u0299\u029F\u1D1C\uA731\u029C"
      })
  void lookAlikesReadAsLatinMakeNoOrdinaryReplyAStop(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * Russian, Chinese and Italian stops, and the stop sign emoji alone: each was an ordinary reply.
   * Russian "\u0441\u0442\u043e\u043f" counts as "stop it" does: the whole first sentence or the
   * last clause, since it is also "wait" ("\u0421\u0442\u043e\u043f, \u044f ...").
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u0441\u0442\u043e\u043f",
        "\u0421\u0422\u041e\u041f!",
        "\u041d\u0435 \u0438\u043d\u0442\u0435\u0440\u0435\u0441\u043d\u043e. \u0421"
            + "\u0442\u043e\u043f",
        "\u043e\u0442\u043f\u0438\u0441\u0430\u0442\u044c\u0441\u044f",
        "\u0425\u043e\u0447\u0443 \u043e\u0442\u043f\u0438\u0441\u0430\u0442\u044c\u0441"
            + "\u044f",
        "\u043d\u0435 \u043f\u0438\u0448\u0438\u0442\u0435 \u043c\u043d\u0435",
        "\u041f\u043e\u0436\u0430\u043b\u0443\u0439\u0441\u0442\u0430, \u043d\u0435 \u043f"
            + "\u0438\u0448\u0438\u0442\u0435 \u043c\u043d\u0435 \u0431\u043e\u043b\u044c"
            + "\u0448\u0435",
        "\u9000\u8ba2",
        "\u53d6\u6d88\u8ba2\u9605",
        "\u522b\u518d\u53d1\u4e86",
        "\u8bf7\u9000\u8ba2",
        "\u9000\u8ba2\uff0c\u8c22\u8c22",
        "\u4e0d\u8981\u518d\u7ed9\u6211\u53d1\u6d88\u606f\u4e86",
        "non scrivermi pi\u00f9",
        "Non scrivermi pi\u00f9, grazie",
        "cancellami",
        "Cancellami dalla vostra lista",
        "basta messaggi",
        "Basta con i messaggi!",
        "Non voglio pi\u00f9 ricevere messaggi",
        "\uD83D\uDED1",
        "\uD83D\uDED1\uD83D\uDED1",
        "\uD83D\uDED1\uFE0F \uD83D\uDED1\uFE0F"
      })
  void russianChineseItalianAndTheStopSignAreOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * Their words in ordinary replies: Russian "\u0441\u0442\u043e\u043f" as "wait", writing asked
   * for elsewhere or later, the quote not to be sent again, a booking cancelled, voice messages,
   * the stop sign among other things.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u0421\u0442\u043e\u043f, \u044f \u043f\u0435\u0440\u0435\u043f\u0443\u0442"
            + "\u0430\u043b \u0432\u0440\u0435\u043c\u044f",
        "\u041f\u043e\u0434\u043e\u0436\u0434\u0438\u0442\u0435, \u0441\u0442\u043e\u043f,"
            + " \u044f \u0438\u043c\u0435\u043b \u0432 \u0432\u0438\u0434\u0443 \u0432"
            + "\u0442\u043e\u0440\u043d\u0438\u043a",
        "\u041d\u0435 \u043f\u0438\u0448\u0438\u0442\u0435 \u043c\u043d\u0435 \u043d"
            + "\u0430 \u043f\u043e\u0447\u0442\u0443, \u043b\u0443\u0447\u0448\u0435 \u0441"
            + "\u044e\u0434\u0430",
        "\u041a\u0430\u043a \u043e\u0442\u043f\u0438\u0441\u0430\u0442\u044c\u0441\u044f"
            + " \u043e\u0442 \u043a\u043e\u043d\u043a\u0443\u0440\u0435\u043d\u0442\u043e"
            + "\u0432?",
        "\u62a5\u4ef7\u5355\u522b\u518d\u53d1\u4e86\uff0c\u6211\u5df2\u7ecf\u6536\u5230" + "\u4e86",
        "\u6211\u60f3\u8ba2\u9605",
        "\u8c22\u8c22\uff0c\u6211\u5f88\u611f\u5174\u8da3",
        "Non scrivermi pi\u00f9 tardi delle 18",
        "Non scrivermi pi\u00f9 di una volta a settimana",
        "Non scrivermi pi\u00f9 su email, usa WhatsApp",
        "Cancellami l'appuntamento di gioved\u00ec, grazie",
        "Basta messaggi vocali, scrivimi pure",
        "Non scrivermi pi\u00f9 messaggi vocali, preferisco il testo",
        "Toglimi una curiosit\u00e0: quanto costa?",
        "Basta una chiamata di 10 minuti",
        "The \uD83D\uDED1 sign at the corner, meet there?",
        "\uD83D\uDEA6\uD83D\uDED1"
      })
  void theirWordsInOrdinaryRepliesAreNoOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** An ordinary paragraph past the bounds of the clause loop (600 characters normalised). */
  private static final String LONG =
      "Thanks for the message about the new pricing, we looked at it with the team and the"
          + " numbers are not far from what we pay today, but the contract terms matter more. "
              .repeat(8);

  /**
   * A long message ending with a stop: its last clauses are read from its end, as a short one's
   * are. Past {@value OptOutDetector#PHRASE_TEXT} characters only the first clause was read, and
   * "... STOP" was an ordinary reply; a refused message of 65,536 characters too.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        ". STOP",
        " Not interested. Unsubscribe",
        " Please remove me",
        " No thanks. STOP. Thanks",
        " Stop texting me!"
      })
  void aLongMessageEndingWithAStopIsAnOptOut(String end) {
    assertThat(OptOutDetector.normalise(LONG).length()).isGreaterThan(OptOutDetector.PHRASE_TEXT);
    assertThat(OptOutDetector.isOptOut(LONG + end)).as(end).isTrue();
    String refused = "word, ".repeat(11_000) + LONG + end;
    assertThat(refused.length()).isGreaterThan(65_536);
    assertThat(OptOutDetector.isOptOut(refused)).as(end).isTrue();
  }

  /** The same rules read the end of a long message: a stop that goes on, or is not said to us. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        " Wait, stop, I meant Tuesday",
        " Stop calling me, text me here instead",
        " My kids won't stop texting me",
        " And honestly we could never stop",
        " Stop it, you're making me blush"
      })
  void aLongMessageEndingWithAnOrdinaryClauseIsNoOptOut(String end) {
    assertThat(OptOutDetector.isOptOut(LONG + end)).as(end).isFalse();
    assertThat(OptOutDetector.isOptOut("word, ".repeat(11_000) + LONG + end)).as(end).isFalse();
  }

  /**
   * Only whole clauses are read from a long message's end: the clause its cut falls in is not ("My
   * kids won't [cut]stop texting me" is no "stop texting me").
   */
  @org.junit.jupiter.api.Test
  void theEndOfALongMessageIsReadInWholeClauses() {
    String end = "stop texting me. STOP";
    String text = "My kids won't " + "x".repeat(5_000) + " " + end;
    String cut = "x".repeat(OptOutDetector.TAIL_TEXT - end.length() - 1) + " " + end;
    assertThat(OptOutDetector.lastClauses(text)).isEqualTo(" STOP");
    // the clause the cut falls in starts within the window's reach (OptOutWindows.REACH), right
    // after "a.": it is read whole now (it was left out, " STOP", when the window was cut at a
    // word whatever the clause)
    assertThat(OptOutDetector.lastClauses("a. " + cut)).isEqualTo(" " + cut);
    // one that starts further back than the reach is still cut there, and left out
    String farther = "a. " + "w".repeat(OptOutWindows.REACH) + " " + cut;
    assertThat(OptOutDetector.lastClauses(farther)).isEqualTo(" STOP");
    // a cut right after a clause's end keeps the clause after it
    assertThat(OptOutDetector.lastClauses("a." + cut)).isEqualTo(cut);
  }

  /**
   * A refused message can be 65,536 characters (the webhook's StopFence reads it): one that
   * normalises short but is mostly punctuation is read as no stop, and a STOP after a run of spaces
   * still counts. (Its cost, no longer split into tens of thousands of clauses, is not timed here:
   * speed is for benchmarks; the helper measured 50 reads at 3.9 s before the bound.)
   */
  @org.junit.jupiter.api.Test
  void aLongPunctuatedTextIsNoStopAndAStopAfterSpacesStillIs() {
    String noise = "a!".repeat(20) + "!".repeat(65_000) + " ok";
    assertThat(OptOutDetector.isOptOut(noise)).isFalse();
    assertThat(OptOutDetector.isOptOut("No thanks." + " ".repeat(5_000) + "STOP")).isTrue();
  }

  /**
   * "Stop texting / messaging / contacting" with us as its object (me, us, this number, our
   * messages) wherever it stands in the clause, as the detector read it before it was limited to a
   * clause of its own: each of these was an ordinary reply, and the number kept getting messages.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "stop texting me I'm not interested",
        "Stop texting this number",
        "stop sending me these stupid messages",
        "Stop messaging me on WhatsApp",
        "stop contacting me about this",
        "please stop sending me messages about your product",
        "I told you to stop texting me",
        "stop texting and calling me",
        "Not interested stop texting me",
        "If you don't stop texting me I'll report you"
      })
  void stopTextingUsWithMoreWordsIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * The same words not asked of us: negated, said of someone else, a question about why we stopped,
   * limited to a time of day, or something else than our messages sent.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "My kids won't stop texting me",
        "I can't stop sending memes lol",
        "Please don't stop messaging me",
        "Can you stop texting me at night? Mornings are fine",
        "Why did you stop texting me? I was about to answer",
        "My kids stop texting me when they're at school",
        "Stop texting me on weekends, weekdays are fine",
        "Stop sending me the invoice twice, once is enough",
        "They never stop contacting me, can your tool help?",
        "My kids won't ever stop texting me, call me at 8"
      })
  void stopTextingNotAskedOfUsIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * Russian "стоп" is also "wait": as the first sentence of a message that goes on it was read as a
   * stop, and these replies suppressed the number for good. It counts alone, said again, or as the
   * last clause (a thanks after it does not hide it).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u0421\u0442\u043e\u043f. \u0414\u0430\u0432\u0430\u0439\u0442\u0435"
            + " \u0441\u043e\u0437\u0432\u043e\u043d\u0438\u043c\u0441\u044f"
            + " \u0437\u0430\u0432\u0442\u0440\u0430",
        "\u0421\u0442\u043e\u043f! \u042f \u043e\u0448\u0438\u0431\u0441\u044f,"
            + " \u0432\u0441\u0442\u0440\u0435\u0447\u0430 \u0432 \u0441\u0440\u0435\u0434\u0443",
        "\u0421\u0442\u043e\u043f. \u042f \u043f\u0435\u0440\u0435\u043f\u0443\u0442\u0430\u043b"
            + " \u0432\u0440\u0435\u043c\u044f, \u0434\u0430\u0432\u0430\u0439\u0442\u0435"
            + " \u0432\u043e \u0432\u0442\u043e\u0440\u043d\u0438\u043a"
      })
  void russianStopFollowedByMoreIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** "Стоп" alone, said again, as the last clause or before a thanks. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u0421\u0442\u043e\u043f",
        "\u0421\u0442\u043e\u043f \u0441\u0442\u043e\u043f",
        "\u041d\u0435 \u0438\u043d\u0442\u0435\u0440\u0435\u0441\u043d\u043e,"
            + " \u0441\u0442\u043e\u043f",
        "\u0421\u0442\u043e\u043f. \u0421\u043f\u0430\u0441\u0438\u0431\u043e",
        "\u0421\u0442\u043e\u043f, \u0441\u043f\u0430\u0441\u0438\u0431\u043e"
      })
  void russianStopAloneOrLastIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * Chinese "don't send it again" about a duplicate, followed by more: not our messages stopped.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u4e0d\u8981\u518d\u53d1\u4e86\uff0c\u6211\u5df2\u7ecf\u6536\u5230\u4e86",
        "\u4e0d\u8981\u518d\u53d1\u9001\u4e86\uff0c\u62a5\u4ef7\u6211\u6536\u5230\u4e86",
        "\u4e0d\u8981\u518d\u53d1\u4e86,\u6211\u4e0b\u5348\u7ed9\u4f60\u6253\u7535\u8bdd"
      })
  void chineseDoNotSendAgainAboutADuplicateIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * Chinese stops: "don't send again" alone or with "to me" or messages as its object, and
   * unsubscribe.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u522b\u518d\u53d1\u4e86",
        "\u4e0d\u8981\u518d\u53d1\u4e86\uff0c\u8c22\u8c22",
        "\u522b\u518d\u7ed9\u6211\u53d1\u4e86\uff0c\u6211\u6ca1\u5174\u8da3",
        "\u4e0d\u8981\u518d\u53d1\u6d88\u606f\u4e86\uff0c\u6211\u4e0d\u9700\u8981",
        "\u8bf7\u9000\u8ba2",
        "\u9000\u8ba2",
        "\u53d6\u6d88\u8ba2\u9605"
      })
  void chineseStopsStayOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * Russian "don't write" with nothing that says to whom or for how long: while driving, or here
   * rather than by e-mail. Each suppressed the number.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u041d\u0435 \u043f\u0438\u0448\u0438\u0442\u0435, \u044f \u0437\u0430"
            + " \u0440\u0443\u043b\u0451\u043c",
        "\u041d\u0435 \u043f\u0438\u0448\u0438\u0442\u0435 \u0441\u044e\u0434\u0430,"
            + " \u043f\u0438\u0448\u0438\u0442\u0435 \u043d\u0430 \u043f\u043e\u0447\u0442\u0443"
      })
  void russianDoNotWriteAloneIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * Russian stops that were ordinary replies: messages not to be sent, a mailing list to be taken
   * off, "don't bother me", "don't write to me any more".
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u041d\u0435 \u043f\u0440\u0438\u0441\u044b\u043b\u0430\u0439\u0442\u0435"
            + " \u043c\u043d\u0435 \u0431\u043e\u043b\u044c\u0448\u0435"
            + " \u0441\u043e\u043e\u0431\u0449\u0435\u043d\u0438\u0439",
        "\u0423\u0434\u0430\u043b\u0438\u0442\u0435 \u043c\u0435\u043d\u044f \u0438\u0437"
            + " \u0440\u0430\u0441\u0441\u044b\u043b\u043a\u0438",
        "\u041d\u0435 \u0431\u0435\u0441\u043f\u043e\u043a\u043e\u0439\u0442\u0435"
            + " \u043c\u0435\u043d\u044f",
        "\u0411\u043e\u043b\u044c\u0448\u0435 \u043d\u0435 \u043f\u0438\u0448\u0438\u0442\u0435"
            + " \u043c\u043d\u0435",
        "\u041d\u0435 \u043f\u0438\u0448\u0438\u0442\u0435 \u043c\u043d\u0435"
            + " \u0431\u043e\u043b\u044c\u0448\u0435"
      })
  void russianStopsWithAnObjectAreOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** Italian stops that were ordinary replies. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Non mandarmi pi\u00f9 messaggi",
        "Non inviatemi pi\u00f9 messaggi",
        "Smettetela di scrivermi",
        "Smettila di mandarmi messaggi",
        "Non voglio pi\u00f9 messaggi"
      })
  void italianStopsAreOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * Italian replies read as stops: messages no more but a call asked for, or no more until Monday.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Basta messaggi, chiamami domani",
        "Non scrivermi pi\u00f9, chiamami",
        "Non scrivetemi pi\u00f9 fino a luned\u00ec",
        "Smettila di mandarmi messaggi vocali, scrivi"
      })
  void italianNoMoreMessagesButCallMeIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * A first clause that is a keyword stays an opt-out whatever "I meant" follows it. A rule that
   * read "Stop, I meant Tuesday" as a correction (reverted in the same session) let these through
   * (a later review ran them: each was read as an ordinary reply); a missed STOP is worse than the
   * rare "Stop, I meant Tuesday" suppressed, so the keyword alone as the first clause counts.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Stop, I mean it",
        "Stop, I mean, who is this?",
        "Stop. I meant to say not interested",
        "STOP. I mean it!",
        "Stop. Sorry, wrong number",
        "Stop. Wait, who is this?",
        "Cancel, I meant it",
        "Stop, i meant to opt out",
        "Stop. I meant optout",
        "Stop. I meant cancel",
        "Stop. I meant never text me again",
        "Stop, I meant forever",
        "Stop, I meant all of them",
        "Unsubscribe. I meant to do this weeks ago",
        "STOP. I meant to reply earlier",
        "Stop, sorry I meant to send that earlier",
        "Stop, wrong time to text me"
      })
  void aKeywordFollowedByAnythingSaidAfterItStaysAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** About 750 characters of an ordinary reply: past the phrase bound, under the clause bound. */
  private static final String SENTENCE =
      "Thanks for the message about the new pricing, we looked at it with the team and the"
          + " numbers are not far from what we pay today. ";

  private static final String PARAGRAPH = SENTENCE.repeat(6);

  /**
   * A long message that ends with a phrase: past {@value OptOutDetector#PHRASE_TEXT} characters its
   * phrases were not read at all, only its clauses, and these endings were ordinary replies.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        " Unsubscribe me.",
        " Do not contact me again.",
        " Leave me alone.",
        " No me escriban m\u00e1s.",
        " Non scrivermi pi\u00f9",
        " This is spam"
      })
  void aLongMessageEndingWithAPhraseIsAnOptOut(String text) {
    String message = PARAGRAPH + text;
    assertThat(OptOutDetector.normalise(message).length())
        .isBetween(OptOutDetector.PHRASE_TEXT, OptOutDetector.CLAUSE_TEXT);
    assertThat(OptOutDetector.isOptOut(message)).as(text).isTrue();
    assertThat(OptOutDetector.isOptOut("word, ".repeat(11_000) + message)).as(text).isTrue();
  }

  /** The phrases read at a long message's end keep their guards. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        " Is this spam?",
        " Don't write to me in Spanish, English is better",
        " My kids won't stop texting me",
        " Please don't stop messaging me",
        " Non scrivermi pi\u00f9 tardi delle 18",
        " Stop sending me the PDF, I have it"
      })
  void aLongMessageEndingWithANearPhraseIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(PARAGRAPH + text)).as(text).isFalse();
    assertThat(OptOutDetector.isOptOut("word, ".repeat(11_000) + PARAGRAPH + text))
        .as(text)
        .isFalse();
  }

  /** About 740 characters of an ordinary reply after a stop: past the phrase bound. */
  private static final String AFTER = SENTENCE.repeat(6);

  /** About 850 characters of chatter with no clause end at all. */
  private static final String CHATTER =
      "we talked about the offer with the team and we think it could work for us next year "
          .repeat(10);

  /**
   * A long message that starts with a stop: only the whole clauses of its last {@value
   * OptOutDetector#TAIL_TEXT} characters were read, and each of these was an ordinary reply.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Stop texting me. ",
        "Stop texting me I'm not interested. ",
        "Unsubscribe me. ",
        "Please remove me from your list. ",
        "No me escriban m\u00e1s. ",
        "STOP, not interested. "
      })
  void aLongMessageStartingWithAStopIsAnOptOut(String start) {
    String message = start + AFTER;
    assertThat(message.length()).isGreaterThan(OptOutDetector.PHRASE_TEXT + 100);
    assertThat(OptOutDetector.isOptOut(message)).as(start).isTrue();
  }

  /** A long message's end with no clause end is read from a word boundary. */
  @ParameterizedTest
  @ValueSource(strings = {"please unsubscribe me", "so leave me alone", "do not contact me again"})
  void aLongMessageEndingWithAStopAndNoClauseEndIsAnOptOut(String end) {
    assertThat(OptOutDetector.isOptOut(CHATTER + end)).as(end).isTrue();
    assertThat(OptOutDetector.isOptOut(AFTER + CHATTER + end)).as(end).isTrue();
  }

  /** The start and the end of a long message keep the rules of a short one. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Stop calling me, text me here instead. ",
        "Stop it, you're making me blush. ",
        "My kids won't stop texting me. ",
        "Can you stop texting me at night? ",
        "Wait, stop, I meant Tuesday. ",
        "Stop sending me the PDF, I have it. "
      })
  void aLongMessageStartingWithAnOrdinaryClauseIsNoOptOut(String start) {
    assertThat(OptOutDetector.isOptOut(start + AFTER)).as(start).isFalse();
    assertThat(OptOutDetector.isOptOut(start + CHATTER)).as(start).isFalse();
  }

  /** A cut inside a clause makes no stop of its part: "My kids won't [cut]stop texting me". */
  @ParameterizedTest
  @ValueSource(strings = {"my kids won't stop texting me", "my boss won't stop calling me"})
  void aLongMessageEndingInAClauseCutByTheWindowIsNoOptOut(String end) {
    assertThat(OptOutDetector.isOptOut(CHATTER + end)).as(end).isFalse();
    String head = "x".repeat(OptOutDetector.TAIL_TEXT - 12) + " my kids won't ";
    assertThat(OptOutDetector.isOptOut(head + "stop texting me " + CHATTER)).isFalse();
  }

  /**
   * A sentence that starts with a word that means nothing but stop, wherever it stands: as a middle
   * sentence it was read by no rule (neither the first clause nor the last).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "No thanks. STOP, not interested",
        "Hi. STOP. I never signed up for this",
        "Who is this? UNSUBSCRIBE. I never gave you my number",
        "Hi. STOPALL. Wrong number",
        "Wrong number! Stop please. Who gave you this?",
        "Hello. Stop it. I never signed up",
        "Merci. Arr\u00eatez. Je ne suis pas int\u00e9ress\u00e9",
        "Hallo. Abmelden! Kein Interesse",
        "\u8c22\u8c22\u3002\u9000\u8ba2\u3002\u6211\u6ca1\u5174\u8da3",
        "No.\nStop\nI don't know you",
        // a stop that goes on with a no
        "Hi. Stop, I never signed up for this",
        "Hello. Unsubscribe, not interested thanks",
        "Who is this? Stop, wrong number",
        "Hey. STOP, don't text me again",
        "Hi. Stop it. Who gave you my number?",
        "Ok. Stop, leave me alone"
      })
  void aStopSentenceInTheMiddleIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** A middle sentence that says something else, or "стоп" (also "wait"), stays a reply. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u041f\u0440\u0438\u0432\u0435\u0442. \u0421\u0442\u043e\u043f. \u0414\u0430\u0432"
            + "\u0430\u0439\u0442\u0435 \u0441\u043e\u0437\u0432\u043e\u043d\u0438\u043c\u0441"
            + "\u044f \u0437\u0430\u0432\u0442\u0440\u0430",
        "Sounds good. Stop by our booth at 3, we'll talk",
        "Great. Stop and think about why, then call me",
        "Check www.stop.com for details, then call me",
        "Ok. I can't... stop... laughing",
        "Hi. Cancel. I meant the Thursday slot",
        "Thanks. Stop it, you're making me blush",
        "Hi. Stop it... you're making me blush",
        // a sentence that goes on after the stop with something but a no (second review)
        "Oh wait. Stop, I meant Tuesday",
        "Hi! Stop, I'm confused, which company is this?",
        "Interested! Stop, actually, let me check with my boss first.",
        "Sounds good. Stop it. I'm kidding, send it over!",
        "We do retros every sprint. Stop, start, continue.",
        "We use HubSpot. Unsubscribe, in our app, is one click. How does yours work?",
        "Good question. Opt-out, as I said, is handled by IT."
      })
  void aMiddleSentenceThatIsNoStopIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * "Stop texting me" said of someone else: the guard named the words that make it so (won't, kids,
   * they...), and missed these; it reads the words that say it to us instead.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "My boss wouldn't stop texting me",
        "I asked my ex to stop texting me",
        "I wish my ex would stop texting me",
        "My ex won't stop messaging me lol",
        "The bank would not stop calling and texting me, so I switched",
        "Recruiters keep asking me to stop contacting them",
        "My clients begged me to stop sending them offers",
        "People just stop texting me, why?",
        "The guy I dated would not stop messaging me"
      })
  void stopTextingMeSaidOfSomeoneElseIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** The ways of saying it to us that the allow-list reads. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "You need to stop texting me",
        "I want you to stop texting me",
        "I wish you would stop texting me",
        "Can you please stop messaging me about this",
        "Will you stop texting me already",
        "Seriously stop texting me I'm not interested",
        "For the last time stop texting me",
        "Hey, stop texting me I'm not interested",
        "I've told you twice to stop messaging me about your product",
        "Why can't you stop texting me about this",
        "I'd appreciate it if you would stop texting me about it",
        "Ok stop sending me messages about the webinar",
        "Dude stop texting me about the demo",
        "You keep texting me stop texting me",
        "I don't care stop contacting me"
      })
  void stopTextingMeSaidToUsInOtherWordsIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** Russian, Chinese and German phrasings that were ordinary replies. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u0425\u0432\u0430\u0442\u0438\u0442 \u043c\u043d\u0435 \u043f\u0438\u0441\u0430\u0442"
            + "\u044c",
        "\u0425\u0432\u0430\u0442\u0438\u0442 \u043f\u0438\u0441\u0430\u0442\u044c \u043c\u043d"
            + "\u0435",
        "\u0425\u0432\u0430\u0442\u0438\u0442 \u043c\u043d\u0435 \u043f\u0438\u0441\u0430\u0442"
            + "\u044c, \u043c\u043d\u0435 \u043d\u0435 \u0438\u043d\u0442\u0435\u0440\u0435\u0441"
            + "\u043d\u043e",
        "\u041f\u0435\u0440\u0435\u0441\u0442\u0430\u043d\u044c\u0442\u0435 \u043c\u043d\u0435"
            + " \u043f\u0438\u0441\u0430\u0442\u044c!",
        "\u4e0d\u8981\u518d\u8054\u7cfb\u6211",
        "\u8bf7\u4e0d\u8981\u518d\u8054\u7cfb\u6211",
        "\u522b\u518d\u8054\u7cfb\u6211\u4e86\uff0c\u8c22\u8c22",
        "\u505c\u6b62\u53d1\u9001",
        "\u8bf7\u505c\u6b62\u53d1\u9001",
        "H\u00f6ren Sie auf, mir Nachrichten zu schicken",
        "H\u00f6r auf, mir zu schreiben",
        "H\u00f6rt auf, mir Nachrichten zu senden"
      })
  void russianChineseAndGermanPhrasingsAreOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** Their near neighbours: a question, a duplicate, writing for a call, an invoice. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u4e0d\u8981\u518d\u53d1\u4e86\uff0c\u6211\u5df2\u7ecf\u6536\u5230\u4e86",
        "\u600e\u4e48\u9000\u8ba2?",
        "\u041a\u0430\u043a \u043e\u0442\u043f\u0438\u0441\u0430\u0442\u044c\u0441\u044f?",
        "\u0425\u0432\u0430\u0442\u0438\u0442 \u043f\u0438\u0441\u0430\u0442\u044c, \u0434\u0430"
            + "\u0432\u0430\u0439\u0442\u0435 \u0441\u043e\u0437\u0432\u043e\u043d\u0438\u043c"
            + "\u0441\u044f",
        "\u505c\u6b62\u53d1\u9001\u62a5\u4ef7\u5355",
        "H\u00f6ren Sie auf, mir die Rechnung doppelt zu schicken"
      })
  void theirNearNeighboursAreNoOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** Digits for letters, as a whole message or a sentence alone: each was an ordinary reply. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "ST0P",
        "5TOP",
        "UNSUBSCR1BE",
        "st0p",
        "STOPA11",
        "Hi. ST0P. Not interested",
        "Not interested. 5TOP"
      })
  void digitsForLettersInAStopWordAreAStop(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** Digits in other words, or a word that is no stop, change nothing. */
  @ParameterizedTest
  @ValueSource(strings = {"ST0Pwatch", "5G works for us", "3pm works", "Room 5T0P please"})
  void digitsInOtherWordsAreNoStop(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * The answer on a thread with the JVM's default 1 MB stack, as the webhook's: a repeated keyword
   * or stop sign recursed once per repeat in the regex engine, and 8,192 characters of "st0p " (or
   * 2,048 stop signs) threw a StackOverflowError past the webhook's stop check.
   */
  private static boolean optOutOnADefaultStack(String text) throws InterruptedException {
    Boolean[] answer = new Boolean[1];
    Throwable[] thrown = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                answer[0] = OptOutDetector.isOptOut(text);
              } catch (Throwable e) {
                thrown[0] = e;
              }
            },
            "opt-out",
            1 << 20);
    t.start();
    t.join();
    assertThat(thrown[0]).as("thrown").isNull();
    return answer[0];
  }

  @ParameterizedTest
  @CsvSource({
    "'stop ', 8192",
    "'st0p ', 8192",
    "'s\u0422\u041e\u0420 ', 8192",
    "'\ud83d\uded1', 2048",
    "'\ud83d\uded1 ', 8192",
    "'stop ', 65536",
    "'st0p ', 65536",
    "'s\u0422\u041e\u0420 ', 65536",
    "'\ud83d\uded1', 32768",
    "'stop unsubscribe ', 65536",
    "'stop all ', 65536",
  })
  void aStopSaidAgainUpToTheWebhooksLongestTextIsAnOptOutAndNeverThrows(String word, int length)
      throws InterruptedException {
    String unit = unescape(word);
    // whole repeats, at least the length: the last word not cut
    String text = unit.repeat((length + unit.length() - 1) / unit.length()).strip();
    assertThat(optOutOnADefaultStack(text)).as("%s x %d", word, length).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "'stop ', 8192",
    "'st0p ', 8192",
    "'s\u0422\u041e\u0420 ', 8192",
    "'\ud83d\uded1', 8192",
    "'stop ', 65536",
    "'st0p ', 65536",
    "'s\u0422\u041e\u0420 ', 65536",
    "'\ud83d\uded1', 65536",
    "'thanks ', 65536",
    "'stop texting me please ', 65536",
  })
  void aRepeatCutAtAnyLengthNeverThrows(String word, int length) throws InterruptedException {
    String unit = unescape(word);
    // cut at the length, as the reviewer's probe did: the last word may be cut ("... stop st")
    optOutOnADefaultStack(unit.repeat(length / unit.length() + 1).substring(0, length));
  }

  @ParameterizedTest
  @ValueSource(strings = {"stop hello", "\ud83d\uded1 hello", "thanks hello"})
  void aRepeatEndingInAnOrdinaryWordIsNoOptOut(String end) throws InterruptedException {
    String text = unescape(end);
    String run = text.substring(0, text.indexOf(' ') + 1).repeat(65536 / 5);
    assertThat(optOutOnADefaultStack(run + text)).as(end).isFalse();
  }

  private static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith("\\u", i)) {
        out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        out.append(s.charAt(i));
      }
    }
    return out.toString();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I'm busy stop texting me",
        "I don't know you stop texting me",
        "I dont know who you are stop messaging me",
        "I never signed up stop texting me",
        "wrong person stop messaging me",
        "go away stop texting me",
        "fuck off stop texting me",
        "For the love of god stop texting me",
        "I already told you stop texting me",
        "How many times do I have to say stop texting me",
        "what part of stop texting me don't you understand",
        "I wish you would stop texting me",
      })
  void aSentenceRunOnIntoStopTextingMeIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "My kids won't stop texting me",
        "I asked my ex to stop texting me",
        "I wish my ex would stop texting me",
        "Tell her to stop texting me",
        "how do I get my mom to stop texting me",
        "My boss wouldn't stop texting me",
        "Please don't stop messaging me",
        "Why did you stop texting me?",
        "She'll stop texting me once the deal is done",
        "My sister never stops texting me",
      })
  void stopTextingMeAfterAWordThatMakesItSomeoneElsesIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }
}

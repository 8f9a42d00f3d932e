package com.salesagent.activities.triage;

import java.util.regex.Pattern;

/**
 * Deterministic opt-outs in common languages: the backstop that stays whatever a classifier says.
 * The text is read as it shows ({@link OptOutText}: full-width, styled, small-capital and
 * look-alike letters as Latin ones). Two kinds, accents and case ignored:
 *
 * <ul>
 *   <li>a keyword that means stop only alone ("STOP", "para", "basta", "sair", "arrêtez", "STOPP",
 *       "отписаться", "退订"), maybe said again ("STOP STOP"), in any width or styled letters
 *       ("ＳＴＯＰ", "𝐒𝐓𝐎𝐏", "ꜱᴛᴏᴘ", "🆂🆃🅾🅿", "SТОР" with Cyrillic letters), as the message's
 *       first sentence or clause (the stop sign "🛑" only as the whole message), maybe with
 *       "please" or "thanks": "STOP. I'm not interested" and "Basta, gracias" are opt-outs, but
 *       "End of next week works better" and "Para quando seria a conversa?" are ordinary replies
 *       (they were opt-outs, and the interested lead's number was suppressed for good); a word that
 *       means only stop with "it", "this" or "now" as the whole first sentence ("STOP IT. Not
 *       interested", ended by ". ! ?" or the text's end, not by a comma: "Stop it, you're making me
 *       blush" is none), or as the last clause with words but thanks or a sign-off ("Hi, STOP.
 *       Thanks");
 *   <li>a phrase that means stop wherever it stands in a message of up to {@value #PHRASE_TEXT}
 *       characters (of a longer one, in the whole clauses of its end), polite and plural forms
 *       included ("unsubscribe me", "No me escriban más", "Bitte schreiben Sie mir nicht mehr",
 *       "não me mande mais nada", "ne plus me contacter", "non scrivermi più"), and Meta's "Stop
 *       promotions" quick reply on marketing templates in its languages, and "stop texting me" with
 *       us as its object ({@link OptOutPhrases#STOP_US}); Russian "стоп" (also "wait") alone, said
 *       again or as the last clause; Russian, Chinese and Italian phrases that name no list as a
 *       clause of their own ("не пишите мне", "别再给我发消息了", "cancellami"), Chinese "别再发了" only as the
 *       last one.
 * </ul>
 */
public final class OptOutDetector {
  /** The longest message whose phrases are read (a long one may still say stop in the middle). */
  static final int PHRASE_TEXT = 600;

  /** The longest text (stripped, before normalising) whose clauses are read one by one. */
  static final int CLAUSE_TEXT = 4 * PHRASE_TEXT;

  /** The end of a longer text whose whole clauses are read, as a short text's are. */
  static final int TAIL_TEXT = PHRASE_TEXT;

  private static final String KEYWORD =
      "(stop|stop all|stopall|unsubscribe|cancel|end|quit|optout|opt out|opt-out"
          + "|para|pare|parem|basta|no mas|baja|darme de baja|dar de baja"
          + "|sair|parar|cancelar|nao quero mais|descadastrar"
          + "|arret|arrete|arretez|arreter|desabonner|desinscrire"
          + "|stopp|abmelden|abbestellen|spam"
          // Russian "unsubscribe", Chinese "unsubscribe" (the carriers' keyword) and "cancel the
          // subscription"; not Russian "стоп", which is also "wait" (ONLY_STOP)
          + "|отписаться|退订|取消订阅)";

  /** A keyword alone, maybe said again ("STOP STOP STOP"), maybe with please or thanks. */
  private static final Pattern ALONE =
      Pattern.compile(
          "^(please |pls |por favor |bitte |s'il vous plait )?"
              + KEYWORD
              + "( "
              + KEYWORD
              + ")*"
              + "( please| por favor| bitte| thanks| thank you| gracias| obrigad[oa]| merci"
              + "| danke| grazie| пожалуиста| спасибо)*$");

  /** Words that mean nothing but stop, unlike cancel, end, quit, para or spam. */
  private static final String ONLY_STOP =
      "(stop|stop all|stopall|unsubscribe|optout|opt out|opt-out|stopp|arretez|desabonner"
          + "|desinscrire|abmelden|abbestellen|descadastrar"
          // Russian "стоп" only so: the whole first sentence or the last clause ("Стоп, я
          // перепутал время" is "wait", as "Wait, stop, I meant Tuesday")
          + "|стоп|отписаться|退订|取消订阅)";

  /**
   * Such a word alone, in any clause ("No thanks. STOP", "Who is this? STOP"), maybe with "it",
   * "this" or "now" ("Stop it") and a please or thanks, short ones too ("Stop pls", "Stop thx").
   */
  private static final Pattern STOP_CLAUSE =
      Pattern.compile(
          "^(please |pls |plz |por favor |bitte |s'il vous plait |пожалуиста )?"
              + ONLY_STOP
              + "( "
              + ONLY_STOP
              + ")*( it| this| now)?"
              + "( please| pls| plz| por favor| bitte| thanks| thank you| thx| gracias"
              + "| obrigad[oa]| merci| danke| grazie| пожалуиста| спасибо)*$");

  /** A clause of nothing but thanks or a sign-off ("Thanks", "Ok bye", "Danke schön"). */
  private static final String SIGN_OFF_WORD =
      "(thanks|thank you|thank u|thx|ty|tks|many|a lot|very much|so much|obrigad[oa]|muito"
          + "|valeu|gracias|muchas|danke|schon|vielen dank|merci|beaucoup|bye|goodbye|ok|okay"
          + "|cheers|regards|best|kind|tchau|adios|ciao|au revoir|tschuss|saludos|grazie"
          + "|спасибо|пока|до свидания|谢谢|谢谢你|多谢|再见|拜拜)";

  private static final Pattern SIGN_OFF =
      Pattern.compile("^" + SIGN_OFF_WORD + "( " + SIGN_OFF_WORD + ")*$");

  /** The stop sign emoji (U+1F6D1, maybe as an emoji: U+FE0F), alone or said again. */
  private static final Pattern STOP_SIGNS =
      Pattern.compile("[\\s\\p{P}]*(\\x{1F6D1}\\x{FE0F}?[\\s\\p{P}]*)+");

  private OptOutDetector() {}

  public static boolean isOptOut(String text) {
    if (text == null) {
      return false;
    }
    // As it reads: typographic apostrophes, full-width, styled, small-capital and look-alike
    // letters, invisible characters (OptOutText).
    text = OptOutText.readable(text);
    // The stop sign alone, maybe said again: "🛑", "🛑🛑".
    if (STOP_SIGNS.matcher(text).matches()) {
      return true;
    }
    String first = normalise(firstClause(text));
    if (!first.isEmpty() && ALONE.matcher(first).matches()) {
      return true;
    }
    // "Stop it" or "Stop now" as the whole first sentence ("STOP IT. Not interested"), not as a
    // clause that goes on after a comma or a dash ("Stop it, you're making me blush"); Russian
    // "стоп" not so, since it is also "wait" ("Стоп. Давайте созвонимся завтра"): alone, said
    // again or as the last clause (below).
    if (!first.isEmpty()
        && !first.contains("стоп")
        && STOP_CLAUSE.matcher(first).matches()
        && firstEndsSentence(text)) {
      return true;
    }
    String t = normalise(text);
    if (t.isEmpty()) {
      return false;
    }
    boolean phrasesRead = t.length() <= PHRASE_TEXT;
    if (phrasesRead && OptOutPhrases.PHRASES.stream().anyMatch(p -> p.matcher(t).matches())) {
      return true;
    }
    // The clauses one by one, of a text whose normalised form is short (above) and whose own
    // length (runs of spaces as one) is bounded too: a refused message of 65,536 punctuation
    // marks and a few letters normalises short, and was split into tens of thousands of
    // clauses, each normalised. Of a longer text, the whole clauses of its end: "... STOP" or
    // "... Please remove me" after a long paragraph was read as an ordinary reply.
    String raw = SPACE_RUN.matcher(text.strip()).replaceAll(" ");
    String clauses = phrasesRead && raw.length() <= CLAUSE_TEXT ? raw : lastClauses(raw);
    // The phrases of a longer text's end too (bounded as the clauses are): "... Leave me alone."
    // or "... Unsubscribe me." after a long paragraph was read as an ordinary reply.
    String tail = phrasesRead ? "" : normalise(clauses);
    if (!tail.isEmpty()
        && OptOutPhrases.PHRASES.stream().anyMatch(p -> p.matcher(tail).matches())) {
      return true;
    }
    String last = "";
    for (String clause : CLAUSE_END.split(clauses)) {
      if (!WORD.matcher(clause).find()) {
        continue;
      }
      String c = normalise(clause);
      if (OptOutPhrases.CLAUSE_PHRASES.stream().anyMatch(p -> p.matcher(c).matches())) {
        return true;
      }
      // a sign-off after the stop does not hide it: "Hi, STOP. Thanks"
      if (!SIGN_OFF.matcher(c).matches()) {
        last = c;
      }
    }
    // STOP with a few words, "stop calling me" or Chinese "别再发了", only as the last clause with
    // words but thanks or a sign-off ("No thanks. STOP", "Stop it", "Hi, STOP. Thanks"): as the
    // first or a middle one it is often no opt-out ("Stop it, you're making me blush", "Wait,
    // stop, I meant Tuesday", "Stop calling me, text me here instead", "不要再发了，我已经收到了"),
    // and the keyword alone as the first clause is read above.
    String lastClause = last;
    return STOP_CLAUSE.matcher(last).matches()
        || OptOutPhrases.LAST_CLAUSES.stream().anyMatch(p -> p.matcher(lastClause).matches());
  }

  /**
   * The whole clauses in the last {@value #TAIL_TEXT} characters of a text: not the one the cut
   * falls in ("My kids won't [cut]stop texting me" is no "stop texting me").
   */
  static String lastClauses(String raw) {
    if (raw.length() <= TAIL_TEXT) {
      return raw;
    }
    int cut = raw.length() - TAIL_TEXT;
    String tail = raw.substring(cut);
    if (CLAUSE_END.matcher(raw.substring(cut - 1, cut)).matches()) {
      return tail;
    }
    java.util.regex.Matcher end = CLAUSE_END.matcher(tail);
    return end.find() ? tail.substring(end.end()) : "";
  }

  /** The text up to its first sentence or clause end ("STOP. I'm..." -> "STOP"). */
  static String firstClause(String text) {
    String trimmed = LEADING_PUNCT.matcher(text.strip()).replaceFirst("");
    // Line and paragraph separators (U+2028, U+2029, NEL) and the ideographic full stop end a
    // clause as a line break and a full stop do.
    return CLAUSE_END.split(trimmed, 2)[0];
  }

  /**
   * Whether the first clause ends a sentence: the text's end, a full stop (not an ellipsis), "!",
   * "?" or a line break; not a comma, colon, semicolon or dash.
   */
  static boolean firstEndsSentence(String text) {
    String trimmed = LEADING_PUNCT.matcher(text.strip()).replaceFirst("");
    java.util.regex.Matcher m = CLAUSE_END.matcher(trimmed);
    if (!m.find()) {
      return true;
    }
    String end = m.group();
    if (end.equals(".")) {
      return !trimmed.startsWith(".", m.end());
    }
    return !end.equals(",") && !end.equals(";") && !end.equals(":") && !end.equals(" - ");
  }

  private static final Pattern CLAUSE_END =
      Pattern.compile("[.!?;,:\\n\\r\\u0085\\u2028\\u2029\\u3001\\u3002]| - ");

  private static final Pattern LEADING_PUNCT = Pattern.compile("^[\\p{Punct}¡¿\\s]+");
  private static final Pattern SPACE_RUN = Pattern.compile("\\h{2,}");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]");

  static String normalise(String text) {
    return OptOutText.normalise(text);
  }
}

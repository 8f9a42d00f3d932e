package com.salesagent.activities.triage;

import com.salesagent.activities.triage.OptOutWindows.Clause;
import com.salesagent.activities.triage.OptOutWindows.Window;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Deterministic opt-outs in common languages: the backstop that stays whatever a classifier says.
 * The text is read as it shows ({@link OptOutText}: full-width, styled, small-capital and
 * look-alike letters as Latin ones). Two kinds, accents and case ignored:
 *
 * <ul>
 *   <li>a keyword that means stop only alone ("STOP", "para", "basta", "sair", "arrêtez", "STOPP",
 *       "austragen", "отписаться", "退订"; the carriers' "TD" and "REVOKE" only as the whole
 *       message), maybe said again ("STOP STOP"), in any width or styled letters ("ＳＴＯＰ",
 *       "𝐒𝐓𝐎𝐏", "ꜱᴛᴏᴘ", "🆂🆃🅾🅿", "SТОР" with Cyrillic letters), as the message's first
 *       sentence or clause (the stop sign "🛑" only as the whole message), maybe with "please" or
 *       "thanks": "STOP. I'm not interested" and "Basta, gracias" are opt-outs, but "End of next
 *       week works better" and "Para quando seria a conversa?" are ordinary replies (they were
 *       opt-outs, and the interested lead's number was suppressed for good); a word that means only
 *       stop with "it", "this" or "now" as the whole first sentence ("STOP IT. Not interested",
 *       ended by ". ! ?" or the text's end, not by a comma: "Stop it, you're making me blush" is
 *       none), or as the last clause with words but thanks or a sign-off ("Hi, STOP. Thanks"),
 *       maybe run on after a greeting, a please or a no ("not interested stop", "I said stop":
 *       {@link OptOutKeywords#RUN_ON_STOP}); stretched ("stooop") or with "svp" or "per favore"
 *       too; a word that means only stop (not "стоп") at the start of any later sentence ("No
 *       thanks. STOP, not interested", "Hi. STOP. I never signed up"), not after a comma ("Wait,
 *       stop, I meant Tuesday");
 *   <li>a phrase that means stop wherever it stands in a message of up to {@value #PHRASE_TEXT}
 *       characters (of a longer one, window after window of {@value OptOutWindows#SPAN} characters,
 *       each taken to the end of the clause the cut falls in within {@value OptOutWindows#REACH}
 *       more, else cut at a word, all of it up to {@value OptOutWindows#READ_TEXT} characters, and
 *       its end: {@link OptOutWindows}), polite and plural forms included ("unsubscribe me", "No me
 *       escriban más", "Bitte schreiben Sie mir nicht mehr", "não me mande mais nada", "ne plus me
 *       contacter", "non scrivermi più"), and Meta's "Stop promotions" quick reply on marketing
 *       templates in its languages, and "stop texting me" with us as its object ({@link
 *       OptOutStopUs#STOP_US}); Russian "стоп" (also "wait") alone, said again or as the last
 *       clause; Russian, Chinese and Italian phrases that name no list as a clause of their own
 *       ("не пишите мне", "Хватит мне писать", "别再给我发消息了", "不要再联系我", "停止发送", "cancellami"), Chinese
 *       "别再发了" only as the last one.
 * </ul>
 *
 * <p>A stop listed as a step of a numbered or bulleted list with other steps ("1. Start the
 * engine\n2. Stop\n3. Check the oil") is left out first, and a list option that means stop chosen
 * alone ("3. Quit", "3) Basta", "3 Stop", "Option 3: Quit", "3️⃣ Quit") is a stop ({@link
 * OptOutLists}); "I told you to stop" in five languages (a told or said verb in the past, then a
 * word that means stop: "Told u to stop!!", "J'ai dit stop") is {@link OptOutToldYou}'s. A stop
 * word about something being sent ("Stop, don't send the invoice yet") stays a stop: no rule told
 * it from "Stop. Don't send your pitch" without missing real stops. "Don't text me at this number"
 * stays a stop when another number is given ("... Use 555 0199 instead"): a stop suppresses the
 * number that wrote, which they asked us to leave.
 */
public final class OptOutDetector {
  /** The longest message whose phrases are read (a long one may still say stop in the middle). */
  static final int PHRASE_TEXT = 600;

  /** The longest text (stripped, before normalising) whose clauses are read one by one. */
  static final int CLAUSE_TEXT = 4 * PHRASE_TEXT;

  /** The start and the end of a longer text whose clauses are read, as a short text's are. */
  static final int TAIL_TEXT = OptOutWindows.SPAN;

  /** The stop sign emoji. */
  private static final int STOP_SIGN = 0x1F6D1;

  /** What makes a character show as an emoji. */
  private static final int EMOJI_PRESENTATION = 0xFE0F;

  private OptOutDetector() {}

  public static boolean isOptOut(String text) {
    if (text == null) {
      return false;
    }
    String given = text;
    // As it reads: typographic apostrophes, full-width, styled, small-capital and look-alike
    // letters, invisible characters (OptOutText).
    text = OptOutText.readable(text);
    // A stop listed as a step ("1. Start the engine\n2. Stop\n3. Check the oil") is no stop.
    text = OptOutLists.withoutStepStops(text);
    // A list's last item a stop: "1) I'm busy\n2) I'm not the owner\n3) Stop"; a list's option
    // that means stop chosen alone: "3. Quit", "3) Basta".
    if (OptOutLists.endsWithStopItem(text) || OptOutLists.isChosenStopOption(text)) {
      return true;
    }
    // Any other list ending with "- Stop" lists it as a step ("Retro board columns:\n- Start\n-
    // Continue\n- Stop"): its last line is no stop clause.
    boolean dashStep = OptOutLists.endsWithDashItem(text);
    // The stop sign alone, maybe said again: "🛑", "🛑🛑".
    if (stopSigns(text)) {
      return true;
    }
    String first = normalise(firstClause(text));
    if (!first.isEmpty() && OptOutKeywords.ALONE.matcher(first).matches()) {
      return true;
    }
    // "Stop it" or "Stop now" as the whole first sentence ("STOP IT. Not interested"), not as a
    // clause that goes on after a comma or a dash ("Stop it, you're making me blush"); Russian
    // "стоп" not so, since it is also "wait" ("Стоп. Давайте созвонимся завтра"): alone, said
    // again or as the last clause (below).
    if (!first.isEmpty()
        && !first.contains("стоп")
        && OptOutKeywords.STOP_CLAUSE.matcher(first).matches()
        && firstEndsSentence(text)) {
      return true;
    }
    String t = normalise(text);
    if (t.isEmpty()) {
      return false;
    }
    // the carrier keyword "TD" only as the whole message
    if (OptOutKeywords.WHOLE_MESSAGE.matcher(t).matches()) {
      return true;
    }
    boolean phrasesRead = t.length() <= PHRASE_TEXT;
    // "I told you to stop" with nothing else said ("I asked you to stop. Not interested", "Te dije
    // que pararas"): OptOutToldYou
    if (phrasesRead && (phrases(t) || OptOutToldYou.toldText(t, given))) {
      return true;
    }
    // The clauses one by one, of a text whose normalised form is short (above) and whose own
    // length (runs of spaces as one) is bounded too: a refused message of 65,536 punctuation
    // marks and a few letters normalises short, and was split into tens of thousands of
    // clauses, each normalised. Of a longer text, window after window, all of it up to
    // OptOutWindows.READ_TEXT characters and its end (OptOutWindows), each with its phrases: "...
    // STOP", "... Leave me alone." after a long paragraph, "Stop texting me." before one, and
    // "Stop texting me." between two, were read as ordinary replies.
    String raw = SPACE_RUN.matcher(text.strip()).replaceAll(" ");
    // All of the message as given up to READ_TEXT characters is read, however long its reading:
    // a text that grows when read ("㎧" reads "m∕s") had a part of its middle read by no window.
    List<Window> windows =
        OptOutWindows.of(
            raw,
            phrasesRead && raw.length() <= CLAUSE_TEXT,
            OptOutWindows.readTo(given, raw.length()));
    String last = "";
    // whether every clause before the last says nothing but hello, thanks or no
    boolean quietBefore = true;
    for (Window w : windows) {
      if (!phrasesRead && phrases(OptOutWindows.read(w))) {
        return true;
      }
      quietBefore &= last.isEmpty() || quiet(last);
      last = "";
      List<Clause> clauses = OptOutWindows.clauses(w);
      for (int i = 0; i < clauses.size(); i++) {
        Clause clause = clauses.get(i);
        String c = clause.text();
        Clause before = i > 0 ? clauses.get(i - 1) : null;
        Clause next = i + 1 < clauses.size() ? clauses.get(i + 1) : null;
        if (anyMatch(OptOutPhrases.CLAUSE_PHRASES, c)
            || (!(dashStep && next == null) && stopSentence(before, clause, next))
            || dontTextMeSentence(clause)
            || (OptOutPhrases.NO_ME_ESCRIBAN.matcher(c).matches()
                && !OptOutPhrases.CALL_OR_OTHER.matcher(t).matches())) {
          return true;
        }
        // a sign-off after the stop does not hide it: "Hi, STOP. Thanks"
        if (!OptOutKeywords.SIGN_OFF.matcher(c).matches()) {
          quietBefore &= last.isEmpty() || quiet(last);
          last = c;
        }
      }
    }
    // STOP with a few words, "stop calling me" or Chinese "别再发了", only as the last clause with
    // words but thanks or a sign-off ("No thanks. STOP", "Stop it", "Hi, STOP. Thanks"): as the
    // first or a middle one it is often no opt-out ("Stop it, you're making me blush", "Wait,
    // stop, I meant Tuesday", "Stop calling me, text me here instead", "不要再发了，我已经收到了"),
    // and the keyword alone as the first clause is read above.
    String lastClause = last;
    return (!dashStep
            && (OptOutKeywords.STOP_CLAUSE.matcher(last).matches()
                || OptOutKeywords.RUN_ON_STOP.matcher(last).matches()))
        || OptOutKeywords.RUN_ON_REVOKE.matcher(last).matches()
        // "I told you to stop" with nothing else said: "The installer kept drilling. I told you to
        // stop!" is about something else
        || (quietBefore && OptOutKeywords.TOLD_YOU_TO_STOP.matcher(last).matches())
        || OptOutPhrases.LAST_CLAUSES.stream().anyMatch(p -> p.matcher(lastClause).matches());
  }

  /** A clause of a greeting, a please or a no ("Hi", "Seriously", "Not interested"). */
  private static boolean quiet(String clause) {
    return OptOutKeywords.QUIET.matcher(clause).matches()
        || OptOutKeywords.REFUSAL.matcher(clause).matches();
  }

  /**
   * The stop sign emoji (U+1F6D1, maybe as an emoji: U+FE0F), alone or said again, with spaces or
   * punctuation around: walked code point by code point (a regex repeating a group recursed once a
   * sign, and 2,048 of them threw a StackOverflowError).
   */
  static boolean stopSigns(String text) {
    boolean sign = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == STOP_SIGN) {
        sign = true;
        if (i < text.length() && text.charAt(i) == EMOJI_PRESENTATION) {
          i++;
        }
      } else if (!Character.isWhitespace(cp) && !isPunctuation(cp)) {
        return false;
      }
    }
    return sign;
  }

  /** A Unicode punctuation mark (\p{P}). */
  private static boolean isPunctuation(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION ->
          true;
      default -> false;
    };
  }

  /**
   * A sentence of nothing but a word that means stop ("Hi. STOP. I never signed up", "Who is this?
   * UNSUBSCRIBE. ..."), wherever it stands; or such a word, or it with "it", "this" or "now", that
   * the next clause says no with ("No thanks. STOP, not interested", "Hello. Stop it. I never
   * signed up"); or the carriers' REVOKE so ("Hi. REVOKE. I never agreed to this"). Not "стоп",
   * also "wait" ("Привет. Стоп. Давайте созвонимся"); not a clause after a comma ("Wait, stop, I
   * meant Tuesday") or an ellipsis ("I can't... stop... laughing"); not a sentence that goes on
   * with something else ("Oh wait. Stop, I meant Tuesday", "Interested! Stop, actually, let me
   * check with my boss first", "We do retros. Stop, start, continue") nor "Stop it." before
   * anything but a no ("Sounds good. Stop it. I'm kidding, send it over!"). Such a word ending a
   * sentence after a comma is one with a no before or after it ("Listen, STOP. I'm not interested",
   * "Not interested, stop. We met at the fair"), not "Wait, stop. I meant Tuesday".
   */
  private static boolean stopSentence(Clause before, Clause clause, Clause next) {
    String c = clause.text();
    boolean refusalNext = next != null && OptOutKeywords.REFUSAL.matcher(next.text()).matches();
    // beside a stop after a comma and beside REVOKE, only a no that is its whole clause
    boolean wholeRefusalNext =
        next != null
            && next.endsSentence()
            && OptOutKeywords.WHOLE_REFUSAL.matcher(next.text()).matches();
    if (!clause.startsSentence()) {
      boolean refusalBefore =
          before != null
              && before.startsSentence()
              && OptOutKeywords.WHOLE_REFUSAL.matcher(before.text()).matches();
      return clause.endsSentence()
          && (refusalBefore || wholeRefusalNext)
          && OptOutKeywords.STOP_IT_SENTENCE.matcher(c).matches();
    }
    if (clause.endsSentence() && OptOutKeywords.STOP_SENTENCE.matcher(c).matches()) {
      return true;
    }
    return (wholeRefusalNext && OptOutKeywords.REVOKE_SENTENCE.matcher(c).matches())
        || (refusalNext
            && (OptOutKeywords.STOP_SENTENCE.matcher(c).matches()
                || (clause.endsSentence()
                    && OptOutKeywords.STOP_IT_SENTENCE.matcher(c).matches())));
  }

  /**
   * "Don't text me" ending its sentence: read as a clause, as the normalised text has no full stops
   * and took the next sentence for a time ("Don't text me. At night or any other time."); "Never
   * text me again" starting a sentence ("Who are you? Never text me again.").
   */
  private static boolean dontTextMeSentence(Clause clause) {
    return (clause.endsSentence()
            && (DONT_US_ENDS.matcher(clause.text()).matches()
                || PT_ENDS.matcher(clause.text()).matches()))
        || (clause.startsSentence() && NEVER_TEXT_STARTS.matcher(clause.text()).matches());
  }

  private static final Pattern NEVER_TEXT_STARTS = Pattern.compile(OptOutStopUs.NEVER_TEXT_STARTS);

  private static final Pattern DONT_US_ENDS = Pattern.compile(OptOutStopUs.DONT_US_ENDS);

  /** Portuguese "Não quero receber mensagens" ending its sentence ("... Nas próximas semanas"). */
  private static final Pattern PT_ENDS =
      Pattern.compile(
          "^(.* )?(?<!\\b(voce|ele|ela|eles|elas|ninguem) )nao (quero|desejo) receber (mais )?"
              + "(mensagens|msgs|promocoes|propagandas?)( (de voces|obrigad[oa]|por favor|pf))*$");

  /** Whether a phrase that means stop wherever it stands is in the normalised text. */
  private static boolean phrases(String t) {
    return anyMatch(OptOutPhrases.PHRASES, t) || anyMatch(OptOutToldYou.PHRASES, t);
  }

  private static boolean anyMatch(List<Pattern> patterns, String text) {
    return patterns.stream().anyMatch(p -> p.matcher(text).matches());
  }

  /**
   * The whole clauses in the last {@value OptOutWindows#SPAN} characters of a text: not the one the
   * cut falls in ("My kids won't [cut]stop texting me" is no "stop texting me").
   */
  static String lastClauses(String raw) {
    return OptOutWindows.lastClauses(raw);
  }

  /** The text up to its first sentence or clause end ("STOP. I'm..." -> "STOP"). */
  static String firstClause(String text) {
    String trimmed = LEADING_PUNCT.matcher(text.strip()).replaceFirst("");
    // Line and paragraph separators (U+2028, U+2029, NEL) and the ideographic full stop end a
    // clause as a line break and a full stop do; the full stop of a file name does not
    // ("Stop.js is failing").
    java.util.regex.Matcher m = firstEnd(trimmed);
    return m == null ? trimmed : trimmed.substring(0, m.start());
  }

  /** The first clause end, not a file name's full stop ("Stop.js", "unsubscribe.html"). */
  private static java.util.regex.Matcher firstEnd(String trimmed) {
    java.util.regex.Matcher m = CLAUSE_END.matcher(trimmed);
    while (m.find()) {
      if (!OptOutWindows.namesAFile(trimmed, m.start())) {
        return m;
      }
    }
    return null;
  }

  /** The text after its first clause and the clause end ("Stop! Wait, ..." -> "Wait, ..."). */
  static String afterFirstClause(String text) {
    String trimmed = LEADING_PUNCT.matcher(text.strip()).replaceFirst("");
    java.util.regex.Matcher m = firstEnd(trimmed);
    return m == null ? "" : trimmed.substring(m.end()).strip();
  }

  /**
   * Whether the first clause ends a sentence: the text's end, a full stop (not an ellipsis), "!",
   * "?" or a line break; not a comma, colon, semicolon or dash.
   */
  static boolean firstEndsSentence(String text) {
    String trimmed = LEADING_PUNCT.matcher(text.strip()).replaceFirst("");
    java.util.regex.Matcher m = firstEnd(trimmed);
    if (m == null) {
      return true;
    }
    String end = m.group();
    if (end.equals(".")) {
      return !trimmed.startsWith(".", m.end());
    }
    return !end.equals(",") && !end.equals(";") && !end.equals(":") && !end.equals(" - ");
  }

  private static final Pattern CLAUSE_END = OptOutWindows.CLAUSE_END;

  private static final Pattern LEADING_PUNCT = Pattern.compile("^[\\p{Punct}¡¿\\s]+");
  private static final Pattern SPACE_RUN = Pattern.compile("\\h{2,}");

  static String normalise(String text) {
    return OptOutText.normalise(text);
  }
}

package com.salesagent.activities.triage;

import java.util.regex.Pattern;

/**
 * The keyword tables of {@link OptOutDetector}: the words that mean stop said alone, each matched
 * against one normalised clause or sentence, and the sign-offs that may follow a stop.
 */
final class OptOutKeywords {
  private OptOutKeywords() {}

  private static final String KEYWORD =
      "(stop all|stop|stopall|unsubscribe|cancel|end|quit|optout|opt out|opt-out"
          + "|para|pare|parem|basta|no mas|baja|darme de baja|dar de baja"
          + "|sair|parar|cancelar|nao quero mais|descadastrar"
          + "|arret|arrete|arretez|arreter|desabonner|desinscrire"
          + "|stopp|abmelden|abbestellen|austragen|spam"
          // Russian "unsubscribe", Chinese "unsubscribe" (the carriers' keyword) and "cancel the
          // subscription"; not Russian "стоп", which is also "wait" (ONLY_STOP)
          + "|отписаться|退订|取消订阅)";

  /** The courtesy that may come before a keyword said alone. */
  private static final String PLEASE =
      "(please |pls |plz |por favor |bitte |s'il vous plait |s'il te plait |svp |stp |per favore"
          + " |per piacere |пожалуиста )?";

  /**
   * The courtesy that may come after it. Each repeated part of these patterns is possessive and
   * ends at a word's end ({@link #again}): a message of 8,192 or 65,536 characters of "stop stop
   * ..." recursed once per word in the regex engine and threw a StackOverflowError.
   */
  private static final String THANKS =
      again(
              "please|pls|plz|por favor|bitte|thanks|thank you|thx|gracias|obrigad[oa]|merci"
                  + "|danke|grazie|s'il vous plait|s'il te plait|svp|stp|per favore|per piacere"
                  + "|пожалуиста|спасибо")
          + "$";

  /**
   * Words said again, each after a space: possessive, so the regex engine walks them in a loop
   * instead of a recursion per word, and each a whole word (the longer of two that start alike
   * first: "stop all" before "stop").
   */
  static String again(String words) {
    return "(?: (?:" + words + ")(?= |$))*+";
  }

  /**
   * A keyword alone as the message's first clause, maybe said again ("STOP STOP STOP"), maybe with
   * please or thanks.
   */
  static final Pattern ALONE =
      Pattern.compile(
          "^(please |pls |por favor |bitte |s'il vous plait |s'il te plait |svp |per favore"
              + " |per piacere )?"
              + KEYWORD
              // REVOKE said again after a keyword: "STOP REVOKE"
              + again("revoke all|revoke|" + KEYWORD)
              + again(
                  "please|por favor|bitte|thanks|thank you|gracias|obrigad[oa]|merci|danke|grazie"
                      + "|s'il vous plait|s'il te plait|svp|stp|per favore|per piacere"
                      + "|пожалуиста|спасибо")
              + "$");

  /**
   * Words that mean nothing but stop, unlike cancel, end, quit, para or spam; not Russian "стоп",
   * which is also "wait" ("Стоп, я перепутал время", as "Wait, stop, I meant Tuesday").
   */
  static final String STOP_WORD =
      "(stop all|stop|stopall|unsubscribe|optout|opt out|opt-out|stopp|arretez|desabonner"
          + "|desinscrire|abmelden|abbestellen|austragen|descadastrar|отписаться|退订|取消订阅)";

  /**
   * What may come before a word that means only stop in a sentence run on with no stop: a greeting,
   * a please, a refusal or "I said" ("not interested stop", "Hi unsubscribe", "I said stop"); the
   * longer of two that start alike first.
   */
  private static final String LEAD =
      "hi|hello|hey|ok|okay|please|pls|plz|no thanks|no thank you|no|nope|not interested"
          + "|i'm not interested|im not interested|i am not interested|wrong number|i said"
          + "|i already said|i told you|seriously";

  /**
   * "I told you to", "I asked you to": before a stop word, a stop only when nothing else is said
   * ({@link #TOLD_YOU_TO_STOP}).
   */
  private static final String TOLD_YOU_TO =
      "i told you to|i already told you to|i asked you to|i already asked you to|i've told you to"
          + "|i have told you to";

  /**
   * A word that means only stop after a greeting, a please or a refusal, run on with no stop, as
   * the last clause: "not interested stop", "Hi please stop", "I said stop", "I told you to stop",
   * "Hi unsubscribe"; not "ok stop by tomorrow" (it goes on), "Don't stop" or "bus stop" (no such
   * word before it).
   */
  static final Pattern RUN_ON_STOP =
      Pattern.compile(
          "^(?:"
              + LEAD
              + ")"
              + again(LEAD)
              + " "
              + PLEASE
              + STOP_WORD
              + again(STOP_WORD)
              + "( it| this| now)?"
              + THANKS);

  /**
   * "I told you to stop", as the last clause of a message that says nothing else but greetings,
   * thanks or a no ({@link #QUIET}): "i told you to stop", "I told you to stop, thanks". Not after
   * something else ("The installer kept drilling. I told you to stop!", "Did the order ship? I
   * asked you to stop it"), nor "... to stop by the office" (it goes on).
   */
  static final Pattern TOLD_YOU_TO_STOP =
      Pattern.compile(
          "^((?:"
              + LEAD
              + ")"
              + again(LEAD)
              + " )?(?:"
              + TOLD_YOU_TO
              + ") "
              + PLEASE
              + STOP_WORD
              + again(STOP_WORD)
              + "( it| this| now)?"
              + THANKS);

  /** A clause that says nothing but a greeting, a please or a no ("Hi", "Seriously", "No"). */
  static final Pattern QUIET = Pattern.compile("^(?:" + LEAD + ")" + again(LEAD) + "$");

  /** Those words and Russian "стоп": only the whole first sentence or the last clause. */
  private static final String ONLY_STOP = "(" + STOP_WORD + "|стоп)";

  /**
   * Such a word alone, in any clause ("No thanks. STOP", "Who is this? STOP"), maybe with "it",
   * "this" or "now" ("Stop it") and a please or thanks, short ones too ("Stop pls", "Stop thx").
   */
  static final Pattern STOP_CLAUSE =
      Pattern.compile("^" + PLEASE + ONLY_STOP + again(ONLY_STOP) + "( it| this| now)?" + THANKS);

  /**
   * Such a word alone but "стоп", at a sentence's start wherever the sentence stands, whatever
   * follows it in the sentence: "No thanks. STOP, not interested", "Hi. STOP. I never signed up".
   */
  static final Pattern STOP_SENTENCE =
      Pattern.compile("^" + PLEASE + STOP_WORD + again(STOP_WORD) + THANKS);

  /** STOP_CLAUSE without "стоп": the whole of a sentence ("Hello. Stop it. I never signed up"). */
  static final Pattern STOP_IT_SENTENCE =
      Pattern.compile("^" + PLEASE + STOP_WORD + again(STOP_WORD) + "( it| this| now)?" + THANKS);

  /**
   * A clause that says no, after a stop that goes on ("STOP, not interested", "Stop it. I never
   * signed up"): what makes a stop in the middle of a message an opt-out and not "Stop, I meant
   * Tuesday".
   */
  static final Pattern REFUSAL =
      Pattern.compile(
          "^(please )?(no )?(i'?m |i am |im )?(not interested|no thanks?|no thank you"
              + "|(i )?never (signed up|gave you|asked)|(i )?did ?n'?t (sign up|ask)"
              // "I never agreed" to us, not to a term ("Stop, I didn't agree to that date")
              + "|(i )?(never|did ?n'?t) (agreed?|consent(ed)?|opt(ed)? in)"
              + "(?=$|[^\\p{L}\\p{N}]*$| to this\\b| to (these|your) (messages|marketing)\\b)"
              + "|wrong number"
              + "|leave me alone|remove me|take me off|(do not|don'?t|dont) (text|message|contact"
              + "|write|msg|send)|who (is this|are you|gave you)|(i )?don'?t know you"
              + "|kein interesse|je ne suis pas interesse|pas interesse|no me interesa"
              + "|nao tenho interesse|nao estou interessad[oa]|non mi interessa|не интересно"
              + "|мне не интересно|我没兴趣|不感兴趣)([^\\p{L}\\p{N}].*)?$");

  /**
   * A no that is the whole of its clause: what a stop after a comma ("Listen, STOP. I'm not
   * interested", "Not interested, stop") or REVOKE ("Hi. REVOKE. I never agreed to this") needs
   * beside it to be an opt-out. Not a no that goes on ("Hold on, stop. Don't send the PDF, send the
   * link", "Okay, stop. Remove me from the CC", "Revoke. I never agreed to the new terms").
   */
  static final Pattern WHOLE_REFUSAL =
      Pattern.compile(
          "^(please )?(no )?(i'?m |i am |im )?(not interested( at all)?|no thanks?|no thank you"
              + "|leave me alone|who (is this|are you)|(i )?don'?t know you|wrong number"
              + "|(i )?(never|did ?n'?t) (signed up|sign up|agreed|agree|consented|consent"
              + "|opted in|opt in)( (to|for) (this|these messages|your messages|marketing|your marketing"
              + "|this list|your list))?"
              + "|(do not|don'?t|dont) (text|message|contact|msg) me( again| anymore| ever again)?"
              + "|kein interesse|je ne suis pas interesse|pas interesse|no me interesa"
              + "|nao tenho interesse|nao estou interessad[oa]|non mi interessa|не интересно"
              + "|мне не интересно|我没兴趣|不感兴趣)"
              + THANKS);

  /**
   * A carrier keyword that means stop only as the whole message: "TD" (and not "TD Bank", "TD, can
   * you call me?"), also with the Chinese "unsubscribe" ("TD退订", as Chinese carriers ask it);
   * "REVOKE", the carriers' keyword for consent withdrawn, maybe with please or thanks (not "Please
   * revoke. The old quote had the wrong VAT", "Revoke, revise, resend - that's our approval flow";
   * "revoke my consent" is a phrase).
   */
  static final Pattern WHOLE_MESSAGE =
      Pattern.compile(
          "^(td|td ?退订|退订 ?td|(please |pls )?revoke( all)?(?: (revoke|stop)( all)?)*+( please| thanks| thank you)?)$");

  /**
   * The carriers' REVOKE as a sentence of its own, which a no after it makes a stop ("Hi. REVOKE. I
   * never agreed to this"); not "Please revoke. The old quote had the wrong VAT".
   */
  static final Pattern REVOKE_SENTENCE =
      Pattern.compile("^(please |pls )?revoke( all)?" + again("revoke all|revoke") + THANKS);

  /**
   * REVOKE run on after "I said" or "I told you", as the last clause: "I said revoke"; not "I said
   * revoke the old link".
   */
  static final Pattern RUN_ON_REVOKE =
      Pattern.compile(
          "^(i said|i already said|i told you|i told you to|i already told you|i've told you"
              + "|i have told you|i asked you to) (please )?revoke( all)?"
              + THANKS);

  /** A clause of nothing but thanks or a sign-off ("Thanks", "Ok bye", "Danke schön"). */
  private static final String SIGN_OFF_WORD =
      "(thanks|thank you|thank u|thx|ty|tks|many|a lot|very much|so much|obrigad[oa]|muito"
          + "|valeu|gracias|muchas|danke|schon|vielen dank|merci|beaucoup|bye|goodbye|ok|okay"
          + "|cheers|regards|best|kind|tchau|adios|ciao|au revoir|tschuss|saludos|grazie"
          + "|спасибо|пока|до свидания|谢谢|谢谢你|多谢|再见|拜拜)";

  static final Pattern SIGN_OFF = Pattern.compile("^" + SIGN_OFF_WORD + again(SIGN_OFF_WORD) + "$");
}

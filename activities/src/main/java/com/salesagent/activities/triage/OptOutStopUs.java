package com.salesagent.activities.triage;

/**
 * The "stop texting me" phrases of {@link OptOutPhrases}: the words that say it to us ({@link
 * #STOP_US}), what limits it to a time ({@link #NOT_A_TIME}), and "never text me again" ({@link
 * #NEVER_TEXT}).
 */
final class OptOutStopUs {
  private OptOutStopUs() {}

  /** What we send, named: "messages", "texts", "promotions", "spam". */
  static final String MESSAGES =
      "(messages|msgs|texts|spam|promotions|promos|ads|offers|junk|crap|garbage|marketing)\\b";

  /** A clock time in two groups, as the normalised text has "12:30": "12 30", "9 05". */
  private static final String CLOCK = "([01]?\\d|2[0-3]) [0-5]\\d";

  /**
   * A phone number, not a time: seven digits or more, maybe in groups ("555 0134", "+1 555-0134");
   * "6 30" and "1830" are times, and so are two clock times ("12 30 12 45", "9 30 10 00").
   */
  private static final String PHONE_NUMBER =
      "(?!" + CLOCK + "( | to | and |-)" + CLOCK + "(?!\\d))(\\d[ -]?){6}\\d";

  /** How often it was asked: "I've told you twice to stop". */
  private static final String TIMES =
      "( (already|before|again|twice|nicely|politely|many times|so many times|a million times"
          + "|\\d+ times))*";

  /**
   * What says "stop texting me" to us, right before it: a clause's start ("Stop texting me I'm not
   * interested"), a please, a greeting or a refusal ("Not interested stop texting me"), the end of
   * a sentence run on ("You keep texting me stop texting me"), a question, wish or order put to
   * "you" ("Can you stop", "I told you to stop", "I want you to stop", "You need to stop", "I wish
   * you would stop"), maybe then "please", "just" or "seriously". Nothing else: not a third person
   * ("My boss wouldn't stop texting me", "I asked my ex to stop texting me", "I wish my ex would
   * stop texting me", "My kids won't stop texting me"), a negation ("Please don't stop messaging
   * me") or a question about why we stopped.
   */
  static final String ADDRESSED =
      "(^|\\b(please|pls|plz|kindly|and|so|then|also|ok|okay|hey|hi|hello|dude|man|bro|guys|sir"
          + "|look|listen|lol|omg|wtf|ffs|yo|ugh|bruh|gosh|jeez|geez|dear|sorry|seriously|no|nope"
          + "|stop|enough|not interested|no thanks|no thank you|thanks|thank you|bye"
          // the end of a sentence run on with no stop: "You keep texting me stop texting me",
          // "I don't care stop contacting me"
          + "|me|it|this|that|anymore|already|care|number|spam"
          + "|wrong number|(i'm|im|i am) not interested|(i'm|im|i am) done|who is this|who's this"
          + "|who are you|i said|i said to|for the (last|final|second|third|\\d+\\w*) time"
          + "|once again|one more time"
          + "|(can|could|will|would|won't|wont|can't|cant) (you|u|ya)( ever)?"
          + "|why (don't|dont|can't|cant|won't|wont) (you|u)"
          + "|(i )?(want|need|would like|'d like|wish|beg|begged|told|asked) (you|u|ya)"
          + TIMES
          + " to|(i've|ive|i have)( already)? (told|asked|begged) (you|u|ya)"
          + TIMES
          + " to|(i'm|im|i am) (asking|telling|begging) (you|u|ya)"
          + TIMES
          + " to|i (wish|hope) (you|u) (would|will|could)|i wish (you'd|youd)"
          + "|(you|u) (need to|have to|got to|gotta|must|should|better|'d better|had better"
          + "|ought to|can|will|just need to)"
          + "|(appreciate it|appreciate|be grateful|be great) if (you|u|you'd|youd)"
          + "( would| could| can| will)?"
          + ") )((please|pls|plz|kindly|just|now|seriously|again|already) )*";

  /**
   * A sentence run on into "stop texting me" with no stop: "I'm busy stop texting me", "wrong
   * person stop messaging me", "For the love of god stop texting me"; any word before "stop" but
   * one that makes it someone else's doing or a negation ("My kids won't stop texting me", "I asked
   * my ex to stop texting me", "I wish my ex would stop texting me", "how do I get my mom to stop
   * texting me", "Please don't stop messaging me"), a word that tells how often ("People just stop
   * texting me"), a question about us ("Why did you stop texting me?"; what is put to "you" is
   * {@link #ADDRESSED}'s), or a window's cut ("My kids won't [cut]stop texting me").
   */
  private static final String RUN_ON =
      "(?<=[\\p{L}\\p{N}] )(?<!(\\b(to|won't|wont|wouldn't|wouldnt|can't|cant|couldn't|couldnt"
          + "|don't|dont|didn't|didnt|never|not|would|will|could|should|might|must|did|does|do"
          + "|gonna|wanna|make|makes|made|let|lets|get|gets|got|help|helps|keep|keeps|he|she|they"
          + "|we|who|people|just|ever|always|finally|eventually|suddenly|sometimes|usually|often"
          + "|(did|do|does|when|why|how|would|will|could|should|can|might|must) (you|u|ya))"
          + "|'ll|'d) )";

  /**
   * "Stop texting me" and its kin with us as its object (me, us, this number, our messages),
   * wherever it stands but said to us ({@link #ADDRESSED}): "stop texting me I'm not interested",
   * "I told you to stop texting me", "stop sending me these stupid messages", "stop texting and
   * calling me". Not limited to a time ("Can you stop texting me at night?"), not something else
   * sent ("Stop sending me the PDF").
   */
  static final String STOP_US =
      "("
          + ADDRESSED
          + "|"
          + RUN_ON
          + ")(?:stop|quit) ((texting|messaging|msging|contacting|spamming|bothering|harassing"
          + "|pestering)"
          + "( (and|or|&) (calling|texting|messaging|emailing|e-mailing|contacting))?"
          + "|(calling|emailing|e-mailing) (and|or|&) (texting|messaging|contacting))"
          + " (me|us|this number|my number|this phone|my phone)\\b"
          + "|"
          + ADDRESSED
          + "(?:stop|quit) sending ((me|us|this number) ((these|those|the|your|all|all these|all those|all"
          + " the|all your|any|any more|more|so many|such) )?|(these|those|your|all these|all"
          + " those|all your|so many|such) )(\\p{L}+ )?"
          + MESSAGES
          // bare at the text's start: "Stop sending messages I'm not interested"; not "When do
          // you stop sending messages?"
          + "|^((please|pls|plz|just|kindly|so|ok|okay) )*stop sending "
          + MESSAGES
          // a threat is a stop too: "If you don't stop texting me I'll report you"
          + "|if (you|u) (don't|dont|do not) stop (texting|messaging|contacting|spamming"
          + "|bothering) (me|us)\\b";

  /**
   * What limits "stop texting me" or "don't text me" to a time: "at night", "before 9", "on
   * weekends"; not "at all", "at any of my numbers", "at this number" nor a number ("at 555 0134").
   */
  static final String NOT_A_TIME =
      "(?! (at(?! all\\b| any(?! (time|point|hour|moment) (after|before|past|between|during"
          + "|until|from)\\b)\\b| (this|that|my|the) (number|phone)\\b| "
          + PHONE_NUMBER
          + ")|during|before|after|until|till|til"
          + "|while|when|past|between|so early|so late"
          + "|this early|this late|in the (morning|evening|afternoon|night)|every (night|morning"
          + "|evening)|on (weekends?|the weekend|weekdays|sundays?|saturdays?|holidays?|mondays?"
          + "|tuesdays?|wednesdays?|thursdays?|fridays?))\\b)";

  /** A time of day, a part of a day or of a week, or a weekday: "6pm", "9", "noon", "night". */
  private static final String TIME_WORD =
      "((?!"
          + PHONE_NUMBER
          + ")\\d+\\w*|noon|midday|midnight|dark|bedtime|lunch|lunchtime|dinner|dinnertime|breakfast"
          + "|(the )?(morning|evening|afternoon|night|weekend|weekday)s?|work|school"
          + "|(work|working|business|office|school) hours|hours"
          + "|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?)";

  /**
   * What limits "don't text me" to a time, right after it: a clock time or a part of a day or week
   * ("after 6pm", "before 9am", "at night", "on weekends", "during work hours", "while I'm
   * driving", "when I'm at the gym", "between 12 and 2"); not a phone number ("at 555 0134"). Not
   * "at any time", "at this number", "after this", "after today", "until I message you" nor "when
   * you have offers": the matching runs on a normalised text with no full stops, so a wider limit
   * took the next sentence for one ("Don't text me. At this point it's harassment").
   */
  static final String DONT_TIME =
      "(?! ((at|after|before|until|till|til|past|from|by) "
          + TIME_WORD
          // "when I'm driving", as "while I'm driving"; not "when you have offers"
          + "|during(?! any\\b)|while(?! any\\b)"
          // not after "ever ... again" nor with "anywhere else" ("Don't ever text me again when
          // I'm at work or anywhere else")
          + "|(?<!ever (text|txt|message|msg|contact|email) (me|us) again )when (i'm|im|i am)"
          + "(?!.*\\b(anywhere else|or anywhere|any other time)\\b)|between "
          + TIME_WORD
          + "|so early|so late|this early|this late|in the (morning|evening|afternoon|night)"
          + "|every (night|morning|evening|weekend)|(on )?(the )?weekends?|(on )?weekdays"
          + "|(on )?(mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?)"
          + "|on (the )?holidays?)\\b)";

  /**
   * "Don't text / contact / message / email me" (and "never text me again", "do not text this
   * number"), a wish put to us: not a statement ("You never text me back", "I don't text this
   * number").
   */
  static final String DONT_US =
      "\\b(?<!\\b(i|we|you|u|they|he|she|who|why|would|will|did|do|does|people|just|can|could) )"
          + "(never( ever)?|(do not|don'?t)( ever)?) (text|txt|message|msg|contact|email|e-mail"
          + "|sms|whatsapp) (me|us|this number|my number|this phone)"
          + "( (ever )?again| anymore| any more| ever)?+\\b";

  /**
   * "Don't text me" whose sentence ends right after it (maybe with "again", "please" or thanks): a
   * stop whatever the next sentence says ("Don't text me. At night or any other time."); not a
   * statement ("I don't text this number").
   */
  static final String DONT_US_ENDS =
      "^(.* )?(?<!\\b(i|we|you|u|they|he|she|who|people) )(do not|don'?t)( ever)? (text|txt|message"
          + "|msg|contact|email|e-mail|sms|whatsapp) (me|us|this number|my number|this phone)"
          + "( (ever )?again| anymore| any more| ever)?( (please|pls|thanks|thank you|ok|okay))*$";

  /**
   * What makes "stop texting me" a wish to hear less often, not a stop: "Can you stop texting me so
   * often?", "Can you stop texting me every day? Once a week is fine"; not "so much" or "all the
   * time", which say stop as often as not.
   */
  static final String NOT_HOW_OFTEN =
      "(?! ((so|this|that) (often|frequently)|as often|every (single )?day|everyday|daily"
          + "|(twice|several times|multiple times|\\d+ times) a (day|week))\\b)";

  /**
   * A wish to hear less often is asked ("Can you stop ...?") or says what is fine ("once a week",
   * "less often"): without either, "Stop texting me every day" stays a stop.
   */
  static final String NOT_ASKED_LESS =
      "(?!.*\\b((can|could|would|will) (you|u)( (please|pls|plz|kindly|just))* stop"
          + "|once (a|per|every) (day|week|month|fortnight)|less (often|frequently)|fewer)\\b)";

  /**
   * A no anywhere in the text: with it, "stop texting me so often" stays a stop ("Stop texting me
   * every day, I'm not interested").
   */
  static final String A_NO =
      "(?=.*\\b(not interested|no thanks|no thank you|leave me alone|go away|wrong number"
          + "|never signed up|(don'?t|do not) know (you|who)|who (is|are) (this|you)|unsubscribe"
          + "|spam|(fuck|piss|back) off|remove me|not buying)\\b)";

  /**
   * "Never text me again", "Don't ever text me again", "Please do not text this number", "dont msg
   * me": a wish put to us, not a statement ("You never text me back", "I don't text this number")
   * nor a time ("Don't text this number after 6pm, call me instead").
   */
  static final String NEVER_TEXT = DONT_US + DONT_TIME;

  /**
   * "Never text me again" starting a sentence, read as a clause: after a first sentence the
   * normalised text reads "who are you never text me again", where "you never text me" is a
   * statement ("Who are you? Never text me again.", "Thank you. Never text me again").
   */
  static final String NEVER_TEXT_STARTS =
      "^((please|pls|plz|kindly|just|so|and|now|then) )*" + NEVER_TEXT + ".*";
}

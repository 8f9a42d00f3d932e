package com.salesagent.activities.triage;

import java.util.List;
import java.util.regex.Pattern;

/**
 * "I told you to stop" for {@link OptOutDetector}, in English, Spanish, Portuguese, German and
 * French, read as one rule: a verb of telling, saying or asking in the past ("told", "said",
 * "asked", "dije", "he dicho", "falei", "pedi", "gesagt", "j'ai dit"), with or without its subject
 * ("Told you to stop", "Hab doch gesagt"), contractions and informal spellings ("I've", "u", "pra",
 * "hab", "j'ai", "t'ai"), how often it was said ("already", "multiple times", "mil vezes", "schon",
 * "déjà"), then right after it (a pronoun, "to", "que", "para", "dass", "de" between) a word or
 * verb that means stop in that same language, or a word that means only stop in any ({@link
 * #SAID_STOP}: "stop", "quit", "pares", "parar", "aufhören", "stopp", "d'arrêter"; not "Eu disse
 * que para", it stops there), maybe with what is to stop when that is writing to me ("messaging
 * me", "de mandar mensagem", "de m'écrire", "mir zu schreiben"). It is a stop as the whole message
 * with nothing else said but a greeting, a no, thanks or how often ({@link #TOLD_TEXT}: "I've told
 * you to stop multiple times", "J'ai dit stop", "Já falei pra parar de mandar mensagem", "I told
 * you to stop, idiot"); and told to stop writing to me, with a "me", wherever it stands ({@link
 * #PHRASES}: "Ya te dije que dejes de escribirme", "Já pedi para parar de me mandar mensagens, vou
 * denunciar"). Each is matched against a normalised text.
 *
 * <p>Not a stop when it goes on with something else to stop or to do ("I told you to stop by the
 * office on Friday", "I told you to stop worrying about the price", "Te dije que pararas en la
 * gasolinera"), when it follows something else ("The installer kept drilling. I told you to
 * stop!"), when someone else was told ("I told my team to stop") or when nothing is to stop ("Told
 * you the price was too high"). "I told you to stop by on Tuesday" and "I said stop by the office"
 * stay replies: "stop by" with a time or a place is a visit, never an opt-out, and the "by" that
 * follows is what tells it from "I told you to stop" (a false stop suppresses an interested lead's
 * number for good). A message that ends right at "stop by" is no case of this rule either.
 */
final class OptOutToldYou {
  private OptOutToldYou() {}

  /** How often, or how plainly, it was said: "already", "twice", "multiple times", "mil vezes". */
  private static final String TIMES =
      "(?: (?:already|before|twice|again|nicely|politely|clearly|literally|just|even"
          + "|(?:so |too |like )?(?:many|multiple|several|a million|a thousand|a hundred"
          + "|\\d+|two|three|four|five|ten|100) times"
          + "|ya|antes|varias veces|mil veces|muchas veces|\\d+ veces|mas de una vez"
          + "|ja|varias vezes|mil vezes|muitas vezes|\\d+ vezes|mais de uma vez"
          + "|doch|schon|bereits|mehrmals|mehrfach|oft genug|tausendmal|zigmal|x mal|nun|eigentlich"
          + "|deja|plusieurs fois|mille fois|cent fois|\\d+ fois|pourtant|bien|clairement))*";

  /** English: "I told you to", "Told u", "I've asked you twice to", "I said", "said to". */
  private static final String EN =
      "(?:(?:(?:i|we)(?:'ve|ve|'d| have| had)? )?(?:(?:already|just|literally|clearly|even|also"
          + "|politely|nicely) )*(?:told|asked|begged|warned)(?:you| (?:you|u|ya|y'all|yall|you guys))"
          + TIMES
          + "(?: (?:to|2))?"
          + "|(?:(?:i|we)(?:'ve|ve| have| had)? )?(?:(?:already|just|literally|clearly) )*said"
          + "(?: (?:it|this))?"
          + TIMES
          + "(?: to)?"
          + "|how many (?:more )?times (?:do i (?:have|need) to|must i|should i|have i|did i"
          + "|will i have to|do we have to|have we)(?: already)? (?:say|tell you(?: to)?"
          + "|ask you(?: to)?|told you(?: to)?|asked you(?: to)?|said(?: to)?))";

  /** Spanish: "Te dije que", "Ya te lo he dicho", "¿Cuántas veces te tengo que decir que". */
  private static final String ES =
      "(?:(?:yo )?(?:ya )?(?:(?:te|t|le|les|os) )?(?:lo )?(?:dije|dijimos|he dicho|hemos dicho"
          + "|habia dicho|pedi|pedimos|he pedido|hemos pedido|avise|he avisado)"
          + "|cuantas veces (?:te |le |les )?(?:tengo que|debo|tendre que) (?:decir|pedir)"
          + "(?:te|le|les|lo|telo|selo)?)"
          + TIMES
          + "(?: (?:que|q|k))?";

  /** Portuguese: "Já falei pra", "Eu te disse que", "Quantas vezes preciso dizer para". */
  private static final String PT =
      "(?:(?:eu )?(?:ja )?(?:(?:te|lhe|lhes|vos) )?(?:disse|falei|pedi|mandei|avisei|dissemos"
          + "|falamos|pedimos|tinha dito|tinha falado|tinha pedido)"
          + "|quantas vezes (?:eu )?(?:tenho que|tenho de|preciso|vou ter que) (?:te |lhe )?"
          + "(?:dizer|pedir|falar))"
          + TIMES
          + "(?: (?:para|pra|pro|p|que|q|k))?(?: (?:voce|voces|vc|vcs|ce|vce))?";

  /** German: "Ich habe Ihnen schon gesagt, dass Sie", "Hab doch gesagt", "Sagte ich doch". */
  private static final String DE =
      "(?:(?:(?:ich|wir) )?(?:habe|hab|hatte|habs|hab's|haben|hatten)(?: (?:ich|wir))?"
          + "(?: (?:es|ihnen|dir|euch|das))*"
          + TIMES
          + " (?:gesagt|gebeten|geschrieben)"
          + "|(?:(?:ich|wir) (?:sagte|sagten|schrieb)|(?:sagte|sagten|schrieb) (?:ich|wir))"
          + "(?: (?:es|ihnen|dir|euch))*"
          + "|(?:habe|hab|hatte) (?:ich|wir) (?:(?:es|ihnen|dir|euch) )?nicht(?: schon)?"
          + " (?:gesagt|gebeten|geschrieben)"
          + "|wie oft (?:muss|soll) ich (?:(?:es|ihnen|dir|euch|noch) )*(?:sagen|schreiben))"
          + TIMES
          + "(?: nein)?"
          + "(?: (?:dass )?(?:sie|du|ihr)(?: (?:sollen|sollst|sollt|mussen|musst))?)?"
          + "(?: (?:doch|bitte|endlich|jetzt|einfach|mal))*";

  /**
   * French: "Je vous ai dit", "J'ai dit", "Je te l'ai déjà dit", "Combien de fois dois-je dire".
   */
  private static final String FR =
      "(?:(?:je |j'|j)?(?:vous |te |t'|nous |l')*(?:ai|avais|avons)"
          + TIMES
          + " (?:dit|demande|ecrit|repete)"
          + "|combien de fois (?:dois-je|je dois|faut-il|il faut) (?:vous |te )?(?:dire|demander"
          + "|repeter))"
          + TIMES;

  /** Writing to me, in English: "texting me", "messaging", "sending me messages". */
  private static final String EN_WRITING =
      "(?: (?:texting|messaging|msging|contacting|spamming|bothering|harassing|pestering|calling"
          + "|emailing|e-mailing|writing(?: to)?|sending(?: me)?(?: (?:messages|texts|msgs|this"
          + "|these|stuff|spam))?)(?: (?:me|us|this number|my number))?)?";

  /** A please or a now before the stop: "please stop", "por favor pares", "bitte aufhören". */
  private static final String PLEASE =
      "(?:(?:please|pls|just|now|seriously|por favor|bitte|svp) )*";

  /** A word that means only stop, in every language: "stop", "stopp", "unsubscribe". */
  private static final String ONLY_STOP =
      OptOutKeywords.STOP_WORD + OptOutKeywords.again(OptOutKeywords.STOP_WORD);

  /**
   * English: "stop", "stop it", "quit messaging me", "f*cking stop", "not to text me". Not "not to
   * call me": "I told you not to call me" is as often "text me instead" as "Don't call me" is.
   */
  private static final String EN_STOP =
      "(?:(?:fucking|f cking|freaking|effing) )?(?:"
          + OptOutKeywords.STOP_WORD
          + "|quit|cease)"
          + OptOutKeywords.again(OptOutKeywords.STOP_WORD)
          + "(?: (?:it|this|that|now))?"
          + EN_WRITING
          + "|not to (?:text|message|msg|contact|write to|email|bother) (?:me|us)"
          + "(?: (?:again|anymore|any more|ever again))?"
          + "|leave me alone";

  /**
   * Spanish: "pares", "basta", "dejes de escribirme", "pararas de escribirme", "no me escribas".
   */
  private static final String ES_STOP =
      "(?:pararas|parases|pares|parara|pararan|paren|parar|para|pare|basta|te detengas"
          + "|se detenga|se detengan|me dejes en paz|me dejen en paz)"
          + "|(?:dejes|dejaras|dejen|dejaran|deje|dejara|dejar|pararas|pares|paren|parar|pare"
          + "|parara) de (?:escribirme|contactarme|molestarme|llamarme|enviarme|mandarme|escribir"
          + "|mandar|enviar)(?: (?:mensajes|msjs|whatsapps|nada))?"
          + "|no me (?:escribas|escriban|escribieras|escribieran|mandes|manden|envies|envien"
          + "|contactes|contacten|molestes|molesten|llames)(?: (?:mas|mensajes|nada))*";

  /** Portuguese writing to me: "de mandar mensagem", "de me encher o saco". */
  private static final String PT_WRITING =
      " de (?:me )?(?:mandar|enviar|escrever|contatar|chamar|encher|perturbar|incomodar)"
          + "(?: (?:mensagem|mensagens|msg|msgs|mais|nada|o saco))*";

  /**
   * Portuguese: "parar", "pare", "parar com isso", "parar de mandar mensagem", "não me mandar
   * mais". Not "para" nor "chega" right after "que": "Eu disse que para" (it stops there), "Já te
   * falei que chega" (it arrives).
   */
  private static final String PT_STOP =
      "(?:parar|pare|parasse|parassem|pararem|parem|(?<!que |q |k )(?:para|chega))"
          + "(?:"
          + PT_WRITING
          + "| com isso)?"
          + "|para"
          + PT_WRITING
          + "|nao quero(?: mais)?(?: (?:mensagem|mensagens|msg|msgs))? (?:para|pare|parem)"
          + PT_WRITING
          + "|(?:nao|n) (?:me )?(?:mandar|mande|mandem|manda|enviar|envie|enviem|escrever|escreva"
          + "|escrevam|chamar|contatar|perturbar|incomodar)(?: (?:mais|mensagem|mensagens|msg|msgs"
          + "|nada))*";

  /** German: "aufhören", "hör auf", "Schluss", "mir nicht mehr schreiben". */
  private static final String DE_STOP =
      "(?:aufhoren|aufhorst|aufhort|hor auf|hort auf|horen sie auf|schluss|lass mich in ruhe"
          + "|lassen sie mich in ruhe|mich in ruhe lassen)"
          + "(?: (?:mir|mich|uns)(?: zu)? (?:schreiben|kontaktieren|nerven|anzurufen|anrufen"
          + "|anzuschreiben|anschreiben))?"
          + "|(?:mir|uns) (?:nicht mehr|keine nachrichten mehr)(?: zu)? (?:schreiben|schicken"
          + "|senden)|mich nicht mehr (?:zu )?(?:kontaktieren|anschreiben|nerven|anrufen)";

  /**
   * French: "d'arrêter", "arrêtez de m'écrire", "de ne plus m'écrire", "que je ne voulais plus".
   */
  private static final String FR_STOP =
      "(?:d'arreter|de cesser|de stopper|arrete|arretez|arreter)(?: (?:tout|ca))?"
          + "(?: (?:de|d') ?(?:m'ecrire|m'envoyer(?: des)? (?:messages|sms|textos)|me contacter"
          + "|me harceler|me deranger|m'appeler|me spammer))?"
          + "|de ne plus (?:m'ecrire|me contacter|m'envoyer(?: de)? (?:messages|sms)|m'appeler"
          + "|me deranger|me harceler)|de me laisser tranquille|de me foutre la paix"
          + "|que je ne (?:veux|voulais|souhaite|souhaitais) plus (?:de messages|de sms"
          + "|recevoir de messages|recevoir vos messages|etre contacte|etre contactee)";

  /**
   * What was said, then right after it a word or verb that means stop in that same language (or a
   * word that means only stop, in any): "te dije que pares", not "Eu disse que para".
   */
  private static final String SAID_STOP =
      "(?:"
          + EN
          + " "
          + PLEASE
          + "(?:"
          + EN_STOP
          + ")|"
          + ES
          + " "
          + PLEASE
          + "(?:"
          + ONLY_STOP
          + "|"
          + ES_STOP
          + ")|"
          + PT
          + " "
          + PLEASE
          + "(?:"
          + ONLY_STOP
          + "|"
          + PT_STOP
          + ")|"
          + DE
          + " "
          + PLEASE
          + "(?:"
          + ONLY_STOP
          + "|"
          + DE_STOP
          + ")|"
          + FR
          + " "
          + PLEASE
          + "(?:"
          + ONLY_STOP
          + "|"
          + FR_STOP
          + "))(?: (?:sollen|sollst|sollt))?";

  /** What may come before it: a greeting, a no, a "but" or "look". */
  private static final String BEFORE =
      "(?:(?:hi|hello|hey|ok|okay|please|pls|seriously|no|nope|but|look|listen|dude|man|sir|bro"
          + "|omg|wtf|ffs|ugh|come on|mate|again|hola|pero|mira|oye|oi|ola|olha|mas|gente|hallo"
          + "|aber|nein|mensch|bonjour|salut|mais|non|nao|alors|bah|por favor|bitte|svp"
          + "|s'il vous plait|ecoutez|ecoute) )*+";

  /**
   * What may come after it: a no, thanks, how often ("multiple times", "mil vezes"), an insult, a
   * go away or a threat ("idiot", "go away", "are you deaf", "pesado", "chato", "verdammt",
   * "connard", "vou denunciar").
   */
  private static final String AFTER =
      OptOutKeywords.again(
          "already|again|before|twice|please|pls|thanks|thank you|not interested|no thanks"
              + "|no thank you|leave me alone|i'm not interested|im not interested"
              + "|i am not interested|no|seriously|now|ok|dude|man|bro|ffs|wtf|omg"
              + "|anymore|any more|for the last time|for the (?:second|third|fourth|\\d+\\w*) time"
              + "|(?:so |too |like )?(?:many|multiple|several|a million|a thousand|a hundred|\\d+"
              + "|two|three|four|five|ten|100) times|times"
              + "|(?:you )?(?:idiot|moron|jerk|asshole|dumbass|loser|creep)|go away|get lost"
              + "|are you deaf|can't you read|cant you read"
              + "|i'll report you|i will report you|i'll block you|i will block you"
              + "|te voy a (?:denunciar|bloquear|reportar)|voy a (?:denunciar|bloquear|reportar)"
              + "|vou (?:te )?(?:denunciar|bloquear|reportar)"
              + "|ya|de nuevo|otra vez|por favor|gracias|no me interesa|no estoy interesad[oa]"
              + "|varias veces|mil veces|muchas veces|\\d+ veces|mas de una vez"
              + "|idiota|pesad[oa]s?|imbecil|estupid[oa]|pendejo|cabron|joder|carajo|vete"
              + "|ja|de novo|obrigad[oa]|nao tenho interesse|nao estou interessad[oa]|varias vezes"
              + "|mil vezes|muitas vezes|\\d+ vezes|mais de uma vez|porra|caramba|poxa|caralho"
              + "|chat[oa]s?|saco|merda|pqp"
              + "|schon|nochmal|bitte|danke|kein interesse|mehrmals|endlich|doch|verdammt"
              + "|verdammt nochmal|mensch|scheisse"
              + "|deja|encore|merci|pas interesse|je ne suis pas interesse|s'il vous plait|svp"
              + "|plusieurs fois|mille fois|hein|connard|connasse|bordel|putain|merde|abruti"
              + "|"
              + OptOutKeywords.STOP_WORD);

  /**
   * "I told you to stop" as the whole message, with a greeting, a no, thanks or how often, or an
   * insult.
   */
  static final Pattern TOLD_TEXT = Pattern.compile("^" + BEFORE + SAID_STOP + AFTER + "$");

  /**
   * A French past participle in the text as given ("J'ai dit arrêté"): "arrêté" and "arrête" read
   * alike once the accents go, and only the imperative is told to stop.
   */
  private static final Pattern FR_PARTICIPLE =
      Pattern.compile("(?iu)\\barr[eê]t(?:é|ée|és|ées)(?![\\p{L}])");

  /** Whether the message is "I told you to stop" ({@link #TOLD_TEXT}); {@code t} normalised. */
  static boolean toldText(String t, String given) {
    return TOLD_TEXT.matcher(t).matches() && !FR_PARTICIPLE.matcher(given).find();
  }

  /** Told to stop writing to me, wherever it stands. */
  static final List<Pattern> PHRASES =
      List.of(
          Pattern.compile(
              ".*\\b(?:dije|pedi|dicho|pedido|dijimos|pedimos)(?: (?:ya|antes|varias veces|mil"
                  + " veces|muchas veces))* que (?:dejes|dejaras|dejen|dejaran|deje|dejara) de"
                  + " (?:escribirme|contactarme|molestarme|enviarme|mandarme|(?:mandar|enviar)"
                  + " mensajes)\\b.*"),
          Pattern.compile(
              ".*\\b(?:disse|pedi|falei|pedimos|dissemos)(?: (?:ja|antes|varias vezes|mil vezes))*"
                  + " (?:para|pra|que) (?:(?:voce|voces|vc|vcs) )?(?:parar|parasse|parassem|pararem"
                  + "|parem|pare) de me (?:mandar|enviar|escrever|contatar|chamar)\\b.*"),
          Pattern.compile(
              ".*\\b(?:dit|demande)(?: (?:deja|plusieurs fois))* (?:d'arreter|de cesser|de stopper)"
                  + " de (?:m'ecrire|m'envoyer|me contacter|me harceler|me"
                  + " deranger|m'appeler)\\b.*"));
}

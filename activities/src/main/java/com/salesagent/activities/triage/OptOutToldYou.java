package com.salesagent.activities.triage;

import java.util.List;
import java.util.regex.Pattern;

/**
 * "I told you to stop" for {@link OptOutDetector}, in English, Spanish, Portuguese, German and
 * French: as the whole message with nothing else said but a greeting, a no or thanks ({@link
 * #TOLD_TEXT}: "I asked you to stop. Not interested", "how many times do I have to say stop", "Te
 * dije que pararas", "Eu disse para parar", "Ich hab doch gesagt hör auf", "Je vous ai dit
 * d'arrêter"), not about something else ("I told you to stop by the office", "Te dije que pararas
 * en la gasolinera"); and told to stop writing to me, wherever it stands ({@link #PHRASES}: "Ya te
 * dije que dejes de escribirme", "Já pedi para parar de me mandar mensagens", "Je t'ai déjà dit
 * d'arrêter de m'écrire"). Each is matched against a normalised text.
 */
final class OptOutToldYou {
  private OptOutToldYou() {}

  /** A word that means only stop, said once or again, maybe with "it", "this" or "now". */
  private static final String STOP =
      "(?:please )?"
          + OptOutKeywords.STOP_WORD
          + OptOutKeywords.again(OptOutKeywords.STOP_WORD)
          + "(?: it| this| now)?";

  /** How often it was said: "already", "twice", "many times". */
  private static final String TIMES =
      "(?: (?:already|before|twice|again|nicely|politely|many times|so many times|a million times"
          + "|\\d+ times))*";

  /** "I told you to stop", "I said stop", "How many times do I have to say stop". */
  private static final String EN =
      "(?:(?:i|we)(?:'ve|ve| have)?(?: already| just)? (?:told|asked|begged) (?:you|u|ya)"
          + TIMES
          + " to|(?:i|we) (?:already |just )?said(?: to)?"
          + "|how many times (?:do i (?:have|need) to|must i|should i|have i|did i|will i have to)"
          + "(?: already)? (?:say|tell you(?: to)?|ask you(?: to)?|told you(?: to)?"
          + "|asked you(?: to)?|said(?: to)?)) "
          + STOP;

  /** "Te dije que pararas", "Ya te lo dije, que pares". */
  private static final String ES =
      "(?:(?:ya )?(?:(?:te|le|les|os) )?(?:lo )?(?:dije|pedi|he dicho|he pedido|dijimos|pedimos)"
          + "|cuantas veces (?:te )?(?:tengo que|debo) (?:decir|pedir)(?:te)?)"
          + "(?: (?:ya|antes|varias veces|mil veces|muchas veces))* que (?:pararas|parases|pares"
          + "|parara|pararan|paren|te detengas|se detenga)";

  /** "Eu disse para parar", "Já pedi pra você parar". */
  private static final String PT =
      "(?:(?:eu )?(?:ja )?(?:(?:te|lhe|lhes|vos) )?(?:disse|pedi|falei|mandei|avisei|pedimos"
          + "|dissemos)|quantas vezes (?:eu )?(?:tenho que|preciso) (?:dizer|pedir|falar))"
          + "(?: (?:ja|antes|varias vezes|mil vezes))* (?:para|pra|que) (?:(?:voce|voces|vc|vcs) )?"
          + "(?:parar|parasse|parassem|pararem|parem|pare)";

  /** "Ich habe gesagt, Sie sollen aufhören", "Ich hab doch gesagt hör auf". */
  private static final String DE =
      "(?:ich (?:habe|hab|hatte|habs)(?: es)?(?: (?:ihnen|dir|euch))?(?: (?:doch|schon|bereits|ja"
          + "|mehrmals|mehrfach|oft genug|tausendmal))* gesagt|wie oft (?:muss|soll) ich (?:(?:es"
          + "|ihnen|dir|euch|noch) )*(?:sagen|schreiben))(?: (?:doch|schon|bereits|ja))*"
          + "(?: (?:dass )?(?:sie|du|ihr)(?: (?:sollen|sollst|sollt|mussen|musst))?)?"
          + "(?: (?:doch|bitte|endlich|jetzt|einfach))*"
          + " (?:aufhoren|aufhorst|aufhort|hor auf|hort auf|horen sie auf|stopp)"
          + "(?: (?:sollen|sollst|sollt))?";

  /** "Je vous ai dit d'arrêter", "Combien de fois dois-je te dire d'arrêter". */
  private static final String FR =
      "(?:(?:je )?(?:vous |t'|te )?(?:ai|avais)(?: (?:deja|plusieurs fois|mille fois|pourtant"
          + "|bien))* (?:dit|demande)|combien de fois (?:dois-je|je dois|faut-il) (?:vous |te )?"
          + "(?:dire|demander))(?: (?:deja|plusieurs fois))* (?:d'arreter|de cesser|de stopper)";

  /** What may come before it: a greeting, a no, a "but" or "look". */
  private static final String BEFORE =
      "(?:(?:hi|hello|hey|ok|okay|please|pls|seriously|no|nope|but|look|listen|dude|man|sir"
          + "|hola|pero|mira|oi|ola|olha|mas|hallo|aber|nein|bonjour|salut|mais|non|nao"
          + "|por favor|bitte|svp|s'il vous plait|ecoutez|ecoute) )*+";

  /** What may come after it: a no, thanks, "already" or "again". */
  private static final String AFTER =
      OptOutKeywords.again(
          "already|again|please|pls|thanks|thank you|not interested|no thanks|no thank you"
              + "|leave me alone|i'm not interested|im not interested|i am not interested|no"
              + "|seriously|now|ok|ya|de nuevo|otra vez|por favor|gracias|no me interesa"
              + "|no estoy interesad[oa]|ja|de novo|obrigad[oa]|nao tenho interesse"
              + "|nao estou interessad[oa]|schon|nochmal|bitte|danke|kein interesse|deja|encore"
              + "|merci|pas interesse|je ne suis pas interesse|s'il vous plait|svp");

  /** "I told you to stop" as the whole message, with a greeting, a no or thanks. */
  static final Pattern TOLD_TEXT =
      Pattern.compile(
          "^" + BEFORE + "(?:" + EN + "|" + ES + "|" + PT + "|" + DE + "|" + FR + ")" + AFTER
              + "$");

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
                  + " de (?:m'ecrire|m'envoyer|me contacter|me harceler|me deranger|m'appeler)\\b.*"));
}

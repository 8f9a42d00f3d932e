package com.salesagent.activities.triage;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Deterministic opt-outs in common languages: the backstop that stays whatever a classifier says.
 * Two kinds, accents and case ignored:
 *
 * <ul>
 *   <li>a keyword that means stop only alone ("STOP", "para", "basta", "sair", "arrêtez", "STOPP"),
 *       maybe said again ("STOP STOP"), in any width or styled letters ("ＳＴＯＰ", "𝐒𝐓𝐎𝐏"), as the
 *       message's first sentence or clause, maybe with "please" or "thanks": "STOP. I'm not
 *       interested" and "Basta, gracias" are opt-outs, but "End of next week works better" and
 *       "Para quando seria a conversa?" are ordinary replies (they were opt-outs, and the
 *       interested lead's number was suppressed for good);
 *   <li>a phrase that means stop wherever it stands in a message of up to {@value #PHRASE_TEXT}
 *       characters, polite and plural forms included ("please remove me", "No me escriban más",
 *       "Bitte schreiben Sie mir nicht mehr", "não me mande mais nada", "ne plus me contacter"),
 *       and Meta's "Stop promotions" quick reply on marketing templates in its languages.
 * </ul>
 */
public final class OptOutDetector {
  /** The longest message whose phrases are read (a long one may still say stop in the middle). */
  static final int PHRASE_TEXT = 600;

  private static final String KEYWORD =
      "(stop|stop all|unsubscribe|cancel|end|quit|optout|opt out|opt-out"
          + "|para|pare|parem|basta|no mas|baja|darme de baja|dar de baja"
          + "|sair|parar|cancelar|nao quero mais|descadastrar"
          + "|arret|arrete|arretez|arreter|desabonner|desinscrire"
          + "|stopp|abmelden|abbestellen|spam)";

  /** A keyword alone, maybe said again ("STOP STOP STOP"), maybe with please or thanks. */
  private static final Pattern ALONE =
      Pattern.compile(
          "^(please |pls |por favor |bitte |s'il vous plait )?"
              + KEYWORD
              + "( "
              + KEYWORD
              + ")*"
              + "( please| por favor| bitte| thanks| thank you| gracias| obrigad[oa]| merci"
              + "| danke)*$");

  /** Words that mean nothing but stop, unlike cancel, end, quit, para or spam. */
  private static final String ONLY_STOP =
      "(stop|stop all|unsubscribe|optout|opt out|opt-out|stopp|arretez|desabonner|desinscrire"
          + "|abmelden|abbestellen|descadastrar)";

  /**
   * Such a word alone, in any clause ("No thanks. STOP", "Who is this? STOP"), maybe with "it",
   * "this" or "now" ("Stop it") and a please or thanks, short ones too ("Stop pls", "Stop thx").
   */
  private static final Pattern STOP_CLAUSE =
      Pattern.compile(
          "^(please |pls |plz |por favor |bitte |s'il vous plait )?"
              + ONLY_STOP
              + "( "
              + ONLY_STOP
              + ")*( it| this| now)?"
              + "( please| pls| plz| por favor| bitte| thanks| thank you| thx| gracias"
              + "| obrigad[oa]| merci| danke)*$");

  private static final List<Pattern> PHRASES =
      List.of(
          Pattern.compile(
              ".*\\b(remove me|take me off|unsubscribe me|opt me out"
                  + "|do not (contact|message|text|email) me|don'?t (contact|message|text|email) me"
                  + "|stop (messaging|texting|sending|contacting)|no more messages"
                  // "write", as escribir, escrever, schreiben and écrire are read; "don't write to
                  // me" only with again/anymore ("don't write to me in Spanish" is no opt-out)
                  + "|stop writing (to )?(me|us)"
                  + "|(do not|don'?t) write (to )?(me|us) (again|anymore|any more)"
                  + "|leave me alone|(this|that) is spam|(isso|isto) e spam|(esto|eso) es spam"
                  // Meta's "Stop promotions" quick reply on marketing templates, and its kin
                  + "|stop (the |all |your )?(promotions?|promos?|marketing|offers|ads|advertising)"
                  + "( messages)?|no more (promotions|promos|marketing|offers|ads)"
                  + "|unsubscribe( me)? from|(delete|remove|erase) my (number|contact|details)"
                  + "|(i )?(don'?t|do not) want (these|your|any more|any) (messages|texts))\\b.*"),
          Pattern.compile(
              ".*\\b(no me (escribas|escriba|escriban|contactes|contacte|contacten|mandes|mande"
                  + "|manden|envies|envie|envien) mas|no me escribas"
                  + "|(deja|dejen|dejad|deje) de (escribirme|contactarme|enviarme|mandarme"
                  + "|(mandar|enviar) mensajes)"
                  + "|no quiero que me (escriban|escribas|contacten|contactes|manden|mandes|envien)"
                  + "|(quitame|quitenme|borrame|borrenme|sacame|saquenme|eliminame|eliminenme)"
                  + " de (la|su|tu|esta|vuestra) lista"
                  + "|no (quiero|deseo) (recibir )?mas mensajes|no mas mensajes"
                  + "|darme de baja|dar de baja|dame de baja|denme de baja"
                  + "|(detener|parar|cancelar) (las )?promociones"
                  + "|no (quiero|deseo) (recibir )?mas promociones|no mas promociones)\\b.*"),
          Pattern.compile(
              ".*\\b(nao me (mande|mandem|envie|enviem|escreva|escrevam|contate|contatem|chame)"
                  + " mais|(pare|parem|para) de me (enviar|mandar|escrever|contatar)"
                  + "|(pare|parem) de (enviar|mandar|escrever|chamar)"
                  + "|para de (mandar|enviar) mensage(m|ns)"
                  + "|nao me (mande|mandem|envie|enviem) mensage(m|ns)"
                  + "|(me )?(tire|tira|tirem|remova|remove|removam|exclua|exclui)"
                  + " (d[ae]ss?a|da|desta|da sua|de sua) lista"
                  + "|(remova|remove|apague|apaga|exclua|exclui) (o )?meu (numero|contato)"
                  + "|nao (quero|desejo) (receber )?mais mensagens|nao quero mais receber"
                  + "|me descadastr[ae]\\w*"
                  + "|(parar|interromper|cancelar) (as )?promocoes"
                  + "|nao (quero|desejo) (receber )?mais promocoes)\\b.*"),
          Pattern.compile(
              ".*\\b(keine (nachrichten|werbung|sms|mails|e-mails) mehr"
                  + "|nicht mehr (kontaktieren|anschreiben|schreiben)"
                  + "|(schreiben|kontaktieren|kontaktiere|schreib|schreibt) (sie )?(mir|mich|uns)"
                  + " (bitte )?nicht mehr|(melden|tragen) sie mich (ab|aus)"
                  + "|werbung (stoppen|beenden|abbestellen)"
                  + "|keine weiteren (nachrichten|werbung|sms|mails|e-mails)"
                  + "|(horen|hort|hor) (sie )?auf (mir|mich|uns) zu (schreiben|kontaktieren)"
                  + "|(entfernen|loschen) sie (mich|meine nummer))\\b.*"),
          Pattern.compile(
              ".*\\b(ne (plus )?me (contactez|contacter|ecrivez|ecrire) plus|ne plus me (contacter"
                  + "|ecrire)"
                  // "me" elided before a vowel, as French writes it: "Ne m'écrivez plus"
                  + "|ne m'(ecrivez|ecris|envoyez|envoie) plus|ne plus m'(ecrire|envoyer)"
                  + "|(arretez|arrete|cessez) de (m'ecrire|m'envoyer|me contacter)"
                  + "|(retirez|supprimez|enlevez)-? ?moi de (votre|vos|la|cette) listes?"
                  + "|je ne veux plus (recevoir|de messages)|desabonnez-? ?moi"
                  + "|desinscrivez-? ?moi|(arreter|stopper) les (promotions|promos|offres))\\b.*"));

  /** Characters phones and apps send for an apostrophe (’ ‘ ‛ ʼ ʻ ` ´ ′ ＇). */
  private static final Pattern APOSTROPHES =
      Pattern.compile("[\\u2018\\u2019\\u201B\\u02BC\\u02BB`\\u00B4\\u2032\\uFF07]");

  private static final Pattern FORMAT = Pattern.compile("\\p{Cf}");

  private OptOutDetector() {}

  public static boolean isOptOut(String text) {
    if (text == null) {
      return false;
    }
    // A typographic apostrophe is an apostrophe: iOS's keyboard sends "don’t" (smart
    // punctuation), others U+2018, U+02BC, a backtick or an acute accent; every phrase with an
    // apostrophe missed them. Before NFKC, which makes the acute a space and a combining mark.
    text = APOSTROPHES.matcher(text).replaceAll("'");
    // Compatibility forms read as the letters they show: a full-width keyboard's "ＳＴＯＰ！", an
    // app's bold "𝐒𝐓𝐎𝐏" (they were no opt-out, and the number stayed on every list).
    text = Normalizer.normalize(text, Normalizer.Form.NFKC);
    // Invisible format characters (a zero-width space or joiner, a soft hyphen, a word joiner)
    // are not there for the reader: "S\u200BTOP" is STOP (it read as "s top", no opt-out).
    text = FORMAT.matcher(text).replaceAll("");
    String first = normalise(firstClause(text));
    if (!first.isEmpty() && ALONE.matcher(first).matches()) {
      return true;
    }
    String t = normalise(text);
    if (t.isEmpty() || t.length() > PHRASE_TEXT) {
      return false;
    }
    for (String clause : CLAUSE_END.split(text)) {
      String c = normalise(clause);
      if (!c.isEmpty() && STOP_CLAUSE.matcher(c).matches()) {
        return true;
      }
    }
    return PHRASES.stream().anyMatch(p -> p.matcher(t).matches());
  }

  /** The text up to its first sentence or clause end ("STOP. I'm..." -> "STOP"). */
  static String firstClause(String text) {
    String trimmed = text.strip().replaceFirst("^[\\p{Punct}¡¿\\s]+", "");
    // Line and paragraph separators (U+2028, U+2029, NEL) and the ideographic full stop end a
    // clause as a line break and a full stop do.
    return CLAUSE_END.split(trimmed, 2)[0];
  }

  private static final Pattern CLAUSE_END =
      Pattern.compile("[.!?;,:\\n\\r\\u0085\\u2028\\u2029\\u3002]| - ");

  static String normalise(String text) {
    String folded = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
    return folded
        .toLowerCase(Locale.ROOT)
        // an apostrophe inside a word stays ("don't", "m'ecrire"); quotes around one go ("'STOP'")
        .replaceAll("(?<![\\p{L}\\p{N}])'|'(?![\\p{L}\\p{N}])", " ")
        .replaceAll("[^\\p{L}\\p{N}' -]+", " ")
        .replaceAll("\\s+", " ")
        .trim();
  }
}

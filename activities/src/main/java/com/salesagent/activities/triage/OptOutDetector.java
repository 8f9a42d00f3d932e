package com.salesagent.activities.triage;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Deterministic opt-out keywords in common languages: the backstop that stays whatever a classifier
 * says. Matches a short message that is, or starts with, a stop phrase ("STOP", "para", "no más",
 * "please remove me", "désabonner", ...), accents and case ignored.
 */
public final class OptOutDetector {
  private static final List<Pattern> PATTERNS =
      List.of(
          Pattern.compile(
              "^(stop|stop all|unsubscribe|cancel|end|quit|optout|opt out|opt-out)\\b.*"),
          Pattern.compile(
              ".*\\b(remove me|take me off|do not (contact|message|text) me"
                  + "|don'?t (contact|message|text) me|stop (messaging|texting|sending)"
                  + "|no more messages|leave me alone)\\b.*"),
          Pattern.compile(
              "^(para|pare|basta|no mas|no me escribas|no quiero mas mensajes"
                  + "|darme de baja|dar de baja|baja)\\b.*"),
          Pattern.compile("^(sair|parar|cancelar|nao quero mais|descadastrar)\\b.*"),
          Pattern.compile("^(arret|arreter|stop|desabonner|desinscrire|ne plus me contacter)\\b.*"),
          Pattern.compile("^(stopp|abmelden|keine nachrichten mehr|abbestellen)\\b.*"),
          // Unambiguous phrases anywhere in a short message, polite and plural forms included:
          // "Por favor no me escriba más", "Bitte keine Nachrichten mehr", "Parem de me enviar".
          Pattern.compile(
              ".*\\b(no me (escribas|escriba|escriban|contactes|contacte|contacten|mandes|mande"
                  + "|manden|envies|envie|envien) mas"
                  + "|(deja|dejen|dejad) de (escribirme|contactarme|enviarme|mandarme)"
                  + "|no (quiero|deseo) (recibir )?mas mensajes)\\b.*"),
          Pattern.compile(
              ".*\\b(nao me (mande|mandem|envie|enviem|escreva|escrevam|contate|contatem|chame)"
                  + " mais|(pare|parem|para) de me (enviar|mandar|escrever|contatar)"
                  + "|(me )?(tire|tirem|remova|removam) (d[ae]ss?a|da) lista"
                  + "|nao (quero|desejo) (receber )?mais mensagens)\\b.*"),
          Pattern.compile(
              ".*\\b(keine (nachrichten|werbung|sms|mails|e-mails) mehr"
                  + "|nicht mehr (kontaktieren|anschreiben|schreiben)"
                  + "|(melden|tragen) sie mich (ab|aus))\\b.*"),
          Pattern.compile(
              ".*\\b(ne (plus )?me (contactez|contacter|ecrivez|ecrire) plus|ne plus me (contacter"
                  + "|ecrire)|(arretez|arrete|cessez) de (m'ecrire|m'envoyer|me contacter)"
                  + "|je ne veux plus (recevoir|de messages))\\b.*"));

  private OptOutDetector() {}

  public static boolean isOptOut(String text) {
    if (text == null) {
      return false;
    }
    String t = normalise(text);
    if (t.isEmpty() || t.length() > 120) {
      return false;
    }
    return PATTERNS.stream().anyMatch(p -> p.matcher(t).matches());
  }

  static String normalise(String text) {
    String folded = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
    return folded
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N}' -]+", " ")
        .replaceAll("\\s+", " ")
        .trim();
  }
}

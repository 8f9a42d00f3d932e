package com.salesagent.activities.triage;

import java.text.Normalizer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The offline reply classifier: deterministic lexicons in English, Spanish and Portuguese (accents
 * and case folded). Rules, first match wins: opt-out (the same keyword backstop the webhook uses),
 * wrong person, an explicit "not now" (with the day it names, {@link NamedDate}), a polite no ("not
 * interested", also with words between: {@code not_interested}, or "not now" when it names a later
 * time), a call asked for or the price asked (interested, unless the price is called a problem), a
 * later time named (not now), objection (cost, competitor, timing), interested; anything else is
 * "other". Sentiment is a word-list vote. Keywords are the reply's longer words minus stop words.
 */
public final class LexiconClassifier {
  public static final String NAME = "lexicon-v1";

  private static final List<String> WRONG_PERSON =
      List.of(
          "wrong person",
          "wrong number",
          "not the right person",
          "not my area",
          "no longer work",
          "persona equivocada",
          "numero equivocado",
          "no trabajo",
          "pessoa errada",
          "numero errado",
          "nao trabalho mais");

  /** A "not now" said in so many words: it wins over a meeting proposed in the same reply. */
  private static final List<String> NOT_NOW =
      List.of(
          "not now",
          "not right now",
          "not at the moment",
          "not this week",
          "not this month",
          "maybe later",
          "busy right now",
          "not a good time",
          "not the right time",
          "not the right moment",
          "ahora no",
          "no es el momento",
          "no es buen momento",
          "no es un buen momento",
          "nao e o momento",
          "nao e um bom momento",
          "nao e bom momento",
          "ahora mismo no",
          "por ahora no",
          "en este momento no",
          "not before",
          "not until",
          "no antes de",
          "nao antes de",
          "agora nao",
          "no momento nao",
          "por enquanto nao",
          "neste momento nao");

  /**
   * A later time named without a "not now": a deferral unless the reply asks for a call or the
   * price ("can we talk next week?" is interest, not a snooze).
   */
  private static final List<String> LATER =
      List.of(
          "next quarter",
          "next month",
          "next week",
          "next year",
          "later this year",
          "after the holidays",
          "get back to me",
          "on vacation",
          "on holiday",
          "out of office",
          "de vacaciones",
          "de ferias",
          "mas adelante",
          "el proximo mes",
          "el mes que viene",
          "mes que viene",
          "semana que viene",
          "ano que viene",
          "proximo trimestre",
          "la proxima semana",
          "mais tarde",
          "mes que vem",
          "semana que vem",
          "ano que vem",
          "proximo mes",
          "proxima semana");

  /**
   * A polite no: "not interested" must not read as "interested". An objection (of kind other) for a
   * person to answer; with a later time named it is a "not now".
   */
  private static final List<String> DECLINE =
      List.of(
          "not interested",
          "no interest",
          "not for us",
          "not looking for",
          "no thanks",
          "no, thanks",
          "no thank you",
          "no, thank you",
          "no me interesa",
          "no nos interesa",
          "no estamos interesados",
          "no estoy interesado",
          "no estoy interesada",
          "sin interes",
          "no es para nosotros",
          "no gracias",
          "no, gracias",
          "nao me interessa",
          "nao nos interessa",
          "nao tenho interesse",
          "nao temos interesse",
          "nao estamos interessados",
          "sem interesse",
          "nao e para nos",
          "nao obrigado",
          "nao, obrigado",
          "nao obrigada",
          "nao, obrigada");

  /** A reply that is a no and nothing else (the message asked "worth a quick look?"). */
  private static final java.util.regex.Pattern BARE_NO =
      java.util.regex.Pattern.compile(
          "(no|nope|nah|nao)[.!]*(,? (thanks|thank you|gracias|obrigad[oa]))?[.!]*");

  /**
   * Interest denied with up to two words between the negation and the interest ("not really
   * interested", "don't think we're interested", "no longer interested", "No estoy interesado",
   * "Não seria interessante"): a polite no as {@link #DECLINE}. A comma after the negation ends it
   * ("No, but I'm interested", "No problem, interested"); "no doubt" is no negation.
   */
  private static final Pattern NEGATED_INTEREST =
      Pattern.compile(
          "(?:(?<![a-z0-9])(?:not|never|no(?! doubt)|nao|nunca)|n['’]t)"
              + "\\s+(?:[a-z'’]+\\s+){0,2}(?:interest|interes)[a-z]*");

  /** Asking for a call or a meeting, whenever it is proposed. */
  private static final List<String> MEETING =
      List.of(
          "can we talk",
          "could we talk",
          "can we chat",
          "could we chat",
          "can we meet",
          "could we meet",
          "let's meet",
          "lets meet",
          "let's talk",
          "lets talk",
          "schedule a call",
          "schedule a meeting",
          "book a call",
          "book a meeting",
          "set up a call",
          "set up a meeting",
          "jump on a call",
          "hop on a call",
          "free for a call",
          "happy to chat",
          "happy to talk",
          "call me",
          "podemos hablar",
          "podriamos hablar",
          "hablemos",
          "podemos reunirnos",
          "agendar una llamada",
          "agendar una reunion",
          "agendemos",
          "llamame",
          "me llamas",
          "podemos conversar",
          "bora conversar",
          "podemos falar",
          "vamos conversar",
          "vamos marcar",
          "marcar uma reuniao",
          "marcar uma call",
          "agendar uma reuniao",
          "agendar uma call",
          "agendar uma ligacao",
          "me liga");

  /** Asking what it costs: a buying question unless the price is called a problem. */
  private static final List<String> PRICE_QUESTION =
      List.of(
          "how much",
          "what does it cost",
          "what does this cost",
          "what's the price",
          "whats the price",
          "what is the price",
          "what's the cost",
          "what is the cost",
          "pricing",
          "price list",
          "a quote",
          "cuanto cuesta",
          "cuanto vale",
          "cuanto cobran",
          "cual es el precio",
          "que precio",
          "quanto custa",
          "quanto sai",
          "quanto e",
          "qual o preco",
          "qual e o preco",
          "qual o valor",
          "qual e o valor");

  /** A price called a problem: the cost objection even when the price was also asked. */
  private static final List<String> COST_PROBLEM =
      List.of(
          "expensive",
          "too much",
          "budget",
          "afford",
          "price is",
          "prices are",
          "cost is",
          "costs too",
          "caro",
          "presupuesto",
          "precio es",
          "orcamento",
          "preco e",
          "nao cabe");

  private static final Map<String, List<String>> OBJECTIONS =
      Map.of(
          "cost",
              List.of(
                  "expensive",
                  "too much",
                  "budget",
                  "price",
                  "cost",
                  "caro",
                  "presupuesto",
                  "precio",
                  "orcamento",
                  "preco",
                  "custo"),
          "competitor",
              List.of(
                  "already use",
                  "already have",
                  "we use",
                  "competitor",
                  "another provider",
                  "ya usamos",
                  "ya tenemos",
                  "otro proveedor",
                  "ja usamos",
                  "ja temos",
                  "outro fornecedor"),
          "timing",
              List.of(
                  "no time",
                  "bad timing",
                  "not a priority",
                  "sin tiempo",
                  "no es prioridad",
                  "sem tempo",
                  "nao e prioridade"));
  private static final List<String> INTERESTED =
      List.of(
          "interested",
          "interesting",
          "interesante",
          "interessante",
          "tell me more",
          "send it over",
          "go ahead",
          "pode mandar",
          "adelante",
          "more info",
          "more information",
          "more details",
          "mas detalles",
          "mais detalhes",
          "demostracion",
          "demonstracao",
          "a proposal",
          "mas info",
          "mas informacion",
          "una propuesta",
          "mandame",
          "mais info",
          "mais informacoes",
          "uma proposta",
          "me manda",
          "sounds good",
          "sounds great",
          "sounds interesting",
          "let's talk",
          "lets talk",
          "call me",
          "send me",
          "pricing",
          "demo",
          "yes",
          "me interesa",
          "nos interesa",
          "interesado",
          "interesada",
          "interesados",
          "interesadas",
          "tengo interes",
          "tenemos interes",
          "quiero saber mas",
          "queremos saber mas",
          "me gustaria saber mas",
          "cuentame mas",
          "hablemos",
          "llamame",
          "si,",
          "envieme",
          "tenho interesse",
          "temos interesse",
          "me interessa",
          "nos interessa",
          "interessado",
          "interessada",
          "interessados",
          "interessadas",
          "quero saber mais",
          "queremos saber mais",
          "gostaria de saber mais",
          "me conta mais",
          "vamos conversar",
          "me liga",
          "sim",
          "pode enviar");
  private static final Set<String> POSITIVE =
      Set.of(
          "great",
          "good",
          "interested",
          "love",
          "thanks",
          "thank",
          "yes",
          "perfect",
          "excellent",
          "gracias",
          "genial",
          "perfecto",
          "obrigado",
          "obrigada",
          "otimo",
          "perfeito",
          "legal",
          "sim");
  private static final Set<String> NEGATIVE =
      Set.of(
          "no",
          "not",
          "never",
          "stop",
          "expensive",
          "bad",
          "annoying",
          "spam",
          "unfortunately",
          "nunca",
          "caro",
          "molesto",
          "nao",
          "infelizmente",
          "chato");
  private static final Set<String> STOP_WORDS =
      Set.of(
          "the", "and", "you", "your", "for", "with", "this", "that", "are", "have", "what", "can",
          "but", "not", "que", "para", "com", "por", "una", "uno", "los", "las", "del", "mais",
          "uma", "voce", "usted", "esto", "isso", "then", "will", "would", "could");

  private LexiconClassifier() {}

  /** {@code today}: the day the reply arrived, for relative dates. */
  public static Triage classify(String text, boolean optOut, LocalDate today) {
    String t = fold(text == null ? "" : text);
    List<String> keywords = keywords(t);
    String sentiment = sentiment(t);
    if (optOut) {
      return new Triage("opt_out", null, "negative", keywords, null, NAME);
    }
    if (containsAny(t, WRONG_PERSON)) {
      return new Triage("wrong_person", null, sentiment, keywords, null, NAME);
    }
    if (containsAny(t, NOT_NOW)) {
      return new Triage("not_now", null, sentiment, keywords, NamedDate.in(t, today), NAME);
    }
    if (containsAny(t, DECLINE)
        || BARE_NO.matcher(t).matches()
        || NEGATED_INTEREST.matcher(t).find()) {
      return containsAny(t, LATER)
          ? new Triage("not_now", null, sentiment, keywords, NamedDate.in(t, today), NAME)
          : new Triage("not_interested", null, negative(sentiment), keywords, null, NAME);
    }
    if (containsAny(t, MEETING)
        || (containsAny(t, PRICE_QUESTION) && !containsAny(t, COST_PROBLEM))) {
      return interested(keywords);
    }
    if (containsAny(t, LATER)) {
      return new Triage("not_now", null, sentiment, keywords, NamedDate.in(t, today), NAME);
    }
    for (String kind : List.of("cost", "competitor", "timing")) {
      if (containsAny(t, OBJECTIONS.get(kind))) {
        return new Triage("objection", kind, sentiment, keywords, null, NAME);
      }
    }
    if (containsAny(t, INTERESTED)) {
      return interested(keywords);
    }
    return new Triage("other", null, sentiment, keywords, null, NAME);
  }

  private static Triage interested(List<String> keywords) {
    return new Triage("interested", null, "positive", keywords, null, NAME);
  }

  /** A decline is not positive, whatever thanks it says. */
  private static String negative(String sentiment) {
    return "positive".equals(sentiment) ? "neutral" : sentiment;
  }

  private static String sentiment(String t) {
    int score = 0;
    for (String w : t.split("[^a-z]+")) {
      score += POSITIVE.contains(w) ? 1 : NEGATIVE.contains(w) ? -1 : 0;
    }
    return score > 0 ? "positive" : score < 0 ? "negative" : "neutral";
  }

  private static List<String> keywords(String t) {
    Set<String> out = new LinkedHashSet<>();
    for (String w : t.split("[^a-z0-9]+")) {
      if (w.length() > 3 && !STOP_WORDS.contains(w)) {
        out.add(w);
      }
    }
    return new ArrayList<>(out).subList(0, Math.min(out.size(), 10));
  }

  /**
   * Whether a phrase stands in the text as words: what is around it is no letter or digit (a space,
   * punctuation, a quote: "'too expensive'" is the phrase "too expensive").
   */
  private static boolean containsAny(String t, List<String> phrases) {
    for (String p : phrases) {
      for (int at = t.indexOf(p); at >= 0; at = t.indexOf(p, at + 1)) {
        int end = at + p.length();
        if ((at == 0 || !Character.isLetterOrDigit(t.charAt(at - 1)))
            && (end == t.length() || !Character.isLetterOrDigit(t.charAt(end)))) {
          return true;
        }
      }
    }
    return false;
  }

  static String fold(String text) {
    return Normalizer.normalize(text, Normalizer.Form.NFD)
        .replaceAll("\\p{M}+", "")
        .toLowerCase(Locale.ROOT)
        // Spanish opens a question or an exclamation with its own mark; quotes and brackets
        // open a phrase too: none of them may hide the phrase's first word.
        .replaceAll("[¿¡\"“”«»()\\[\\]]", " ")
        .replaceAll("\\s+", " ")
        .trim();
  }
}

package com.salesagent.activities.triage;

import java.text.Normalizer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The offline reply classifier: deterministic lexicons in English, Spanish and Portuguese (accents
 * and case folded). Rules, first match wins: opt-out (the same keyword backstop the webhook uses),
 * wrong person, not now (with the day it names, {@link NamedDate}), objection (cost, timing,
 * competitor), interested; anything else is "other". Sentiment is a word-list vote. Keywords are
 * the reply's longer words minus stop words.
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
  private static final List<String> NOT_NOW =
      List.of(
          "not now",
          "not right now",
          "not at the moment",
          "not this week",
          "not this month",
          "maybe later",
          "next quarter",
          "next month",
          "next week",
          "next year",
          "later this year",
          "busy right now",
          "after the holidays",
          "get back to me",
          "ahora no",
          "ahora mismo no",
          "por ahora no",
          "en este momento no",
          "mas adelante",
          "el proximo mes",
          "el mes que viene",
          "mes que viene",
          "semana que viene",
          "ano que viene",
          "proximo trimestre",
          "la proxima semana",
          "agora nao",
          "no momento nao",
          "por enquanto nao",
          "neste momento nao",
          "mais tarde",
          "mes que vem",
          "semana que vem",
          "ano que vem",
          "proximo mes",
          "proxima semana",
          "proximo trimestre");
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
          "tell me more",
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
          "cuentame mas",
          "hablemos",
          "llamame",
          "si,",
          "envieme",
          "tenho interesse",
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
    for (String kind : List.of("cost", "competitor", "timing")) {
      if (containsAny(t, OBJECTIONS.get(kind))) {
        return new Triage("objection", kind, sentiment, keywords, null, NAME);
      }
    }
    if (containsAny(t, INTERESTED)) {
      return new Triage(
          "interested",
          null,
          "positive".equals(sentiment) ? sentiment : "positive",
          keywords,
          null,
          NAME);
    }
    return new Triage("other", null, sentiment, keywords, null, NAME);
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

  private static boolean containsAny(String t, List<String> phrases) {
    String padded = " " + t + " ";
    return phrases.stream()
        .anyMatch(
            p ->
                padded.contains(" " + p + " ")
                    || padded.contains(" " + p + ",")
                    || padded.contains(" " + p + ".")
                    || padded.contains(" " + p + "!")
                    || padded.contains(" " + p + "?"));
  }

  static String fold(String text) {
    return Normalizer.normalize(text, Normalizer.Form.NFD)
        .replaceAll("\\p{M}+", "")
        .toLowerCase(Locale.ROOT)
        .replaceAll("\\s+", " ")
        .trim();
  }
}

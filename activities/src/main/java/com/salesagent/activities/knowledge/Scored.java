package com.salesagent.activities.knowledge;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bson.Document;

/**
 * An entry's score for the reply, and in a language the embedding model does not cover the words it
 * shares with the reply ({@link SharedWords}; null in English); with the ways a draft picks among
 * ranked entries (by shared words, by objection subtype, by the conversation's stage).
 */
record Scored(Document entry, double score, SharedWords.Match words) {
  Scored(Document entry, double score) {
    this(entry, score, null);
  }

  /**
   * In a language the embedding model does not cover its cosine is close to random, so an entry's
   * score there rests on the content words it shares with the reply ({@link SharedWords}): {@link
   * SharedWords#WEIGHT} of it the share of the reply's content words found in the entry's title or
   * keywords, the rest the cosine (a tie-breaker). Best first.
   */
  static List<Scored> byWords(String text, String language, List<Scored> ranked) {
    SharedWords.Words reply = SharedWords.words(text, language);
    List<Scored> out = new ArrayList<>();
    for (Scored s : ranked) {
      SharedWords.Match m =
          SharedWords.match(
              reply,
              SharedWords.ofEntry(
                  s.entry().getString("title"),
                  s.entry().getList("keywords", String.class, List.of()),
                  language));
      out.add(new Scored(s.entry(), SharedWords.combined(m, s.score()), m));
    }
    out.sort(Comparator.comparingDouble(Scored::score).reversed());
    return out;
  }

  /**
   * The entries that may answer an objection of this subtype, best first: the objection entries of
   * that subtype, then those that name no subtype (written before subtypes existed, or for any
   * objection). Empty when none: another subtype's answer never answers it.
   */
  static List<Scored> answering(List<Scored> ranked, String objection) {
    List<Scored> typed = new ArrayList<>();
    List<Scored> untyped = new ArrayList<>();
    for (Scored s : ranked) {
      if (!"objection".equals(s.entry().getString("kind"))) {
        continue;
      }
      String subtype = s.entry().getString("objection");
      if (objection.equals(subtype)) {
        typed.add(s);
      } else if (!KnowledgeBase.isObjection(subtype)) {
        untyped.add(s);
      }
    }
    typed.addAll(untyped);
    return typed;
  }

  /**
   * The best entry for the stage: the kinds that fit it get a small lift (0.03 per place in {@link
   * ConversationStage#kinds}), so a near tie goes to the fitting kind (an objection's answer over
   * the price list) while a clearly better match of another kind still wins.
   */
  static Scored preferred(List<Scored> ranked, String stage) {
    List<String> kinds = ConversationStage.kinds(stage);
    Scored best = ranked.get(0);
    double bestLifted = -1;
    for (Scored s : ranked) {
      int place = kinds.indexOf(s.entry().getString("kind"));
      double lifted = s.score() + (place < 0 ? 0 : 0.03 * (kinds.size() - place));
      if (lifted > bestLifted) {
        bestLifted = lifted;
        best = s;
      }
    }
    return best;
  }

  static double scoreOf(List<Scored> ranked, Document entry) {
    return of(ranked, entry).score();
  }

  static Scored of(List<Scored> ranked, Document entry) {
    return ranked.stream()
        .filter(s -> s.entry().get("_id").equals(entry.get("_id")))
        .findFirst()
        .orElse(new Scored(entry, 0));
  }
}

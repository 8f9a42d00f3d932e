package com.salesagent.activities.knowledge;

import com.salesagent.activities.research.Embeddings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quality gate of a written draft: nothing claimed that the knowledge entries it was given do
 * not say. Every number (a price, a percentage, a count), every link and every promise word (free,
 * guarantee, refund, discount...) must appear in an entry (numbers may also come from the lead's
 * own message); and every statement of five words or more must be near an entry's sentence in
 * meaning (cosine with the embedding model at least {@link #SUPPORT}). The score is the share of
 * statements so supported; a draft passes with every literal check passed and a score of at least
 * {@link #PASS}. Questions back to the lead are not claims.
 */
final class DraftGate {
  /** The least similarity of a statement to an entry sentence that supports it. */
  static final double SUPPORT = 0.5;

  /** The least share of supported statements. */
  static final double PASS = 0.75;

  private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");
  private static final Pattern LINK = Pattern.compile("https?://\\S+");
  private static final List<String> PROMISES =
      List.of(
          "free",
          "guarantee",
          "refund",
          "discount",
          "money back",
          "risk-free",
          "no cost",
          "cancel anytime",
          "%",
          "lifetime",
          "unlimited");

  record Verdict(boolean pass, double score, Map<String, Object> checks, String why) {}

  private DraftGate() {}

  static Verdict check(
      String draft,
      List<String> entries,
      String leadMessage,
      Function<List<String>, List<float[]>> embed) {
    return check(draft, entries, List.of(), leadMessage, embed);
  }

  /**
   * {@code context}: sentences about the lead (its research) a statement may rest on, never a
   * number, a link or a promise (those only from the entries or the lead's own message); and at
   * least one statement must rest on an entry, so a draft that only restates research fails.
   */
  static Verdict check(
      String draft,
      List<String> entries,
      List<String> context,
      String leadMessage,
      Function<List<String>, List<float[]>> embed) {
    Map<String, Object> checks = new LinkedHashMap<>();
    String sources = String.join("\n", entries).toLowerCase(Locale.ROOT);
    String lead = leadMessage == null ? "" : leadMessage.toLowerCase(Locale.ROOT);
    String text = draft.toLowerCase(Locale.ROOT);
    List<String> why = new ArrayList<>();
    List<String> numbers = new ArrayList<>();
    Matcher n = NUMBER.matcher(LINK.matcher(text).replaceAll(" "));
    while (n.find()) {
      String number = n.group();
      if (!containsNumber(sources, number) && !containsNumber(lead, number)) {
        numbers.add(number);
      }
    }
    checks.put("unsupportedNumbers", numbers);
    if (!numbers.isEmpty()) {
      why.add("numbers no entry states: " + numbers);
    }
    List<String> links = new ArrayList<>();
    Matcher l = LINK.matcher(draft);
    while (l.find()) {
      String link = l.group().replaceAll("[).,;:!?]+$", "");
      if (!sources.contains(link.toLowerCase(Locale.ROOT))) {
        links.add(link);
      }
    }
    checks.put("unsupportedLinks", links);
    if (!links.isEmpty()) {
      why.add("links no entry gives: " + links);
    }
    List<String> promises = new ArrayList<>();
    for (String p : PROMISES) {
      if (text.contains(p) && !sources.contains(p)) {
        promises.add(p);
      }
    }
    checks.put("unsupportedPromises", promises);
    if (!promises.isEmpty()) {
      why.add("promises no entry makes: " + promises);
    }
    List<String> claims = new ArrayList<>();
    for (String sentence : sentences(draft)) {
      if (!sentence.endsWith("?") && sentence.split("\\s+").length >= 5) {
        claims.add(sentence);
      }
    }
    List<String> support = new ArrayList<>();
    for (String entry : entries) {
      support.addAll(sentences(entry));
    }
    int fromEntries = support.size();
    for (String c : context) {
      support.addAll(sentences(c));
    }
    int supported = 0;
    int onEntries = 0;
    List<String> unsupported = new ArrayList<>();
    if (!claims.isEmpty() && !support.isEmpty()) {
      List<float[]> claimVectors = embed.apply(claims);
      List<float[]> supportVectors = embed.apply(support);
      for (int i = 0; i < claims.size(); i++) {
        double best = 0;
        double bestEntry = 0;
        for (int j = 0; j < supportVectors.size(); j++) {
          double c = Embeddings.cosine(claimVectors.get(i), supportVectors.get(j));
          best = Math.max(best, c);
          if (j < fromEntries) {
            bestEntry = Math.max(bestEntry, c);
          }
        }
        if (best >= SUPPORT) {
          supported++;
        } else {
          unsupported.add(claims.get(i));
        }
        if (bestEntry >= SUPPORT) {
          onEntries++;
        }
      }
    }
    double score = claims.isEmpty() ? 1.0 : (double) supported / claims.size();
    checks.put("statements", claims.size());
    checks.put("unsupportedStatements", unsupported);
    if (score < PASS) {
      why.add("statements no entry supports: " + unsupported);
    }
    checks.put("statementsOnEntries", onEntries);
    if (!claims.isEmpty() && onEntries == 0 && score >= PASS) {
      why.add("no statement rests on a knowledge entry");
    }
    return new Verdict(
        why.isEmpty(), Math.round(score * 1000) / 1000.0, checks, String.join("; ", why));
  }

  private static boolean containsNumber(String text, String number) {
    return Pattern.compile("(?<![\\d.,])" + Pattern.quote(number) + "(?![\\d])")
        .matcher(text)
        .find();
  }

  static List<String> sentences(String text) {
    List<String> out = new ArrayList<>();
    for (String s : LINK.matcher(text).replaceAll("LINK").split("(?<=[.!?])\\s+|\\n+")) {
      String t = s.strip();
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }
}

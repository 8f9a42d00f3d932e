package com.salesagent.activities.triage;

import java.text.Normalizer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline reply classifier: deterministic lexicons in English, Spanish and Portuguese (accents
 * and case folded; closings in German and French too). Rules, first match wins: opt-out (the same
 * keyword backstop the webhook uses); a closing, the whole reply thanks, bye, ok or acknowledging
 * emoji ({@link Triage#CLOSING}, {@link #isClosing}); in "X, but Y" the clause after the last "but"
 * when it decides anything, unless the reply says "not now" ({@link #afterTheLastBut}), and a no
 * said before it with interest after it is other (a request after a no, "not interested, but send
 * me the invoice", is for a person, not interest); then on the clause or the whole reply: someone
 * else named to talk to (a referral: other, keyword {@link #REFERRAL} first), wrong person, an
 * explicit "not now" (with the day it names, {@link NamedDate}; "I'll think about it" names none),
 * a polite no ("not interested", also with words between, and "I don't want it" alone: {@code
 * not_interested}, or "not now" when it names a later time), a call asked for or the price asked
 * (interested, unless the price is called a problem), a later time named (not now), objection
 * (cost, competitor, timing, other), interested (also a yes that is the whole reply: "Bora!",
 * "Claro"); anything else is "other", a hedge alone ("Maybe", "Pode ser") included: a person
 * answers it. Sentiment is a word-list vote. Keywords are the reply's longer words minus stop
 * words. The phrases of each rule are data, {@code triage/lexicon.txt} ({@link Lexicon}); the
 * rules, their order, the negation patterns and word boundaries are here.
 */
public final class LexiconClassifier {
  public static final String NAME = "lexicon-v1";

  /** The keyword that marks a referral ("Talk to my colleague Pedro"), first of an other's. */
  public static final String REFERRAL = "referral";

  private static final Lexicon LEXICON = Lexicon.load();

  /** Thanks, goodbyes and "ok"s, longest first: a reply made of these alone is a closing. */
  private static final List<String> CLOSINGS =
      LEXICON.phrases("closing").stream()
          .sorted(java.util.Comparator.comparingInt(String::length).reversed())
          .toList();

  /**
   * Emoji that acknowledge (thumbs up, folded hands, OK hand, smiles, a wave, a handshake, a check
   * mark, a heart), with their skin tones; a thumbs down or a thinking face is no acknowledgement.
   */
  private static final Pattern ACK_EMOJI =
      Pattern.compile(
          "(?:[\\x{1F44D}\\x{1F64F}\\x{1F44C}\\x{1F642}\\x{1F60A}\\x{263A}\\x{1F600}\\x{1F603}"
              + "\\x{1F604}\\x{1F601}\\x{1F44B}\\x{1F91D}\\x{2705}\\x{2714}\\x{1F4AA}\\x{1F64C}"
              + "\\x{2764}\\x{2665}\\x{1F609}\\x{1F44F}\\x{1F919}\\x{270C}\\x{1FAE1}]"
              + "[\\x{1F3FB}-\\x{1F3FF}\\x{FE0F}]*)+");

  private static final List<String> WRONG_PERSON = LEXICON.phrases("wrong_person");

  /** A "not now" said in so many words: it wins over a meeting proposed in the same reply. */
  private static final List<String> NOT_NOW = LEXICON.phrases("not_now");

  /**
   * A later time named without a "not now": a deferral unless the reply asks for a call or the
   * price ("can we talk next week?" is interest, not a snooze).
   */
  private static final List<String> LATER = LEXICON.phrases("later");

  /**
   * A polite no: "not interested" must not read as "interested". An objection (of kind other) for a
   * person to answer; with a later time named it is a "not now".
   */
  private static final List<String> DECLINE = LEXICON.phrases("decline");

  /** A reply that is a no and nothing else (the message asked "worth a quick look?"). */
  private static final java.util.regex.Pattern BARE_NO =
      java.util.regex.Pattern.compile(
          "(no|nope|nah|nao)[.!]*(,? (thanks|thank you|gracias|obrigad[oa]))?[.!]*");

  /**
   * Interest denied with up to two words between the negation and the interest ("not really
   * interested", "don't think we're interested", "no longer interested", "No estoy interesado",
   * "Não seria interessante"): a polite no as {@link #DECLINE}. A comma after the negation ends it
   * ("No, but I'm interested", "No problem, interested"); "no doubt" is no negation, nor a question
   * turned round ("Isn't it interesting?", "Wouldn't that be interesting?").
   */
  private static final Pattern NEGATED_INTEREST =
      Pattern.compile(
          "(?:(?<![a-z0-9])(?:not|never|no(?! doubt)|nao|nunca)|n['’]t(?!\\s+(?:it|that|this)\\b))"
              + "\\s+(?:[a-z'’]+\\s+){0,2}(?:interest|interes)[a-z]*");

  /**
   * Someone else named to talk to ("Talk to my colleague Pedro", "Fale com o João"): a person
   * follows it up (intent other, keyword referral), even beside a "wrong person".
   */
  private static final List<String> REFERRALS = LEXICON.phrases("referral");

  /** "I don't want it", "Não quero": a no when alone ({@link #dontWantAlone}). */
  private static final List<String> DONT_WANT = LEXICON.phrases("dont_want");

  /** A yes in one word or two that is the whole reply ("Bora!", "Claro", "Sure"). */
  private static final Set<String> YES_ALONE = Set.copyOf(LEXICON.phrases("yes_alone"));

  /** Asking for a call or a meeting, whenever it is proposed. */
  private static final List<String> MEETING = LEXICON.phrases("meeting");

  /** Asking what it costs: a buying question unless the price is called a problem. */
  private static final List<String> PRICE_QUESTION = LEXICON.phrases("price_question");

  /** A price called a problem: the cost objection even when the price was also asked. */
  private static final List<String> COST_PROBLEM = LEXICON.phrases("cost_problem");

  /** The objections, tried in this order. */
  private static final Map<String, List<String>> OBJECTIONS =
      Map.of(
          "cost", LEXICON.phrases("objection.cost"),
          "competitor", LEXICON.phrases("objection.competitor"),
          "timing", LEXICON.phrases("objection.timing"),
          "other", LEXICON.phrases("objection.other"));

  private static final List<String> INTERESTED = LEXICON.phrases("interested");
  private static final Set<String> POSITIVE = Set.copyOf(LEXICON.phrases("sentiment.positive"));
  private static final Set<String> NEGATIVE = Set.copyOf(LEXICON.phrases("sentiment.negative"));
  private static final Set<String> STOP_WORDS = Set.copyOf(LEXICON.phrases("keyword.stop"));

  private LexiconClassifier() {}

  /** {@code today}: the day the reply arrived, for relative dates. */
  public static Triage classify(String text, boolean optOut, LocalDate today) {
    String t = fold(text == null ? "" : text);
    List<String> keywords = keywords(t);
    String sentiment = sentiment(t);
    if (optOut) {
      return new Triage("opt_out", null, "negative", keywords, null, NAME);
    }
    if (isClosing(t)) {
      return new Triage(Triage.CLOSING, null, sentiment, keywords, null, NAME);
    }
    String after = afterTheLastBut(t);
    if (after != null && !containsAny(t, NOT_NOW)) {
      Triage decided = read(after, t, keywords, sentiment, today);
      if ("interested".equals(decided.intent()) && declines(beforeTheLastBut(t))) {
        // A no, then a request ("not interested, but send me the invoice"): a person answers
        // the request; the lead is not interested.
        return new Triage("other", null, sentiment, keywords, null, NAME);
      }
      if (!"other".equals(decided.intent()) || referral(after)) {
        return decided;
      }
    }
    return read(t, t, keywords, sentiment, today);
  }

  /**
   * "X, but Y": the clause after the last "but" ("pero"; the Portuguese "mas" after a comma only,
   * as the Spanish "más" means more: "me interesa más adelante"), or null when there is none. When
   * that clause decides anything (any intent but {@code other}) it is the reply's reading: the
   * decision usually follows the "but" ("Interesting, but we're too small for this" is an
   * objection, "No, pero nos interesa" interest), except interest after a no said in so many words
   * ({@link #declines}: "No me interesa, pero mándame la factura" is other). An explicit "not now"
   * anywhere still wins ("Not now, but let's talk next month").
   */
  static String afterTheLastBut(String t) {
    Matcher m = BUT.matcher(t);
    int end = -1;
    while (m.find()) {
      end = m.end();
    }
    if (end < 0) {
      return null;
    }
    String after = t.substring(end).strip();
    return after.isEmpty() ? null : after;
  }

  /**
   * Whether the reply (folded) is a closing and nothing else: acknowledging emoji and the phrases
   * of the {@code closing} list ("ok", "thanks", "bye", "gracias", "saludos", "obrigado", "tchau",
   * "danke", "merci", "au revoir"), with commas, full stops and exclamation marks between; a
   * question mark, any other word or emoji makes it none.
   */
  static boolean isClosing(String t) {
    boolean acknowledged = ACK_EMOJI.matcher(t).find();
    String rest = ACK_EMOJI.matcher(t).replaceAll(" ");
    rest = rest.replaceAll("[.,;:!\\-~…*]+", " ").replaceAll("\\s+", " ").strip();
    boolean said = false;
    while (!rest.isEmpty()) {
      String next = null;
      for (String p : CLOSINGS) {
        if (rest.startsWith(p) && (rest.length() == p.length() || rest.charAt(p.length()) == ' ')) {
          next = p;
          break;
        }
      }
      if (next == null) {
        return false;
      }
      said = true;
      rest = rest.substring(next.length()).strip();
    }
    return said || acknowledged;
  }

  /**
   * A no said in so many words before a "but": a polite no ("not interested", "no thanks", "no me
   * interesa"), interest denied ("not really interested"), or "I don't want it" ending the clause
   * ("Não quero, mas ..."; not "No quiero molestar, pero ...", which asks leave to ask). A bare
   * "No," is none: "No, pero nos interesa" turns round.
   */
  private static boolean declines(String before) {
    int end = endOfFirst(before, DONT_WANT);
    return containsAny(before, DECLINE)
        || NEGATED_INTEREST.matcher(before).find()
        || (end >= 0 && IT_AT_MOST.matcher(before.substring(end)).matches());
  }

  /** What may follow "I don't want" to end a clause that refuses: "it", "isso", "eso", nothing. */
  private static final Pattern IT_AT_MOST =
      Pattern.compile("\\s*(?:(?:it|this|that|isso|isto|disso|eso|esto|nada)\\b)?[\\s.,;!]*");

  /** The reply before its last "but" ({@link #afterTheLastBut}), or the whole reply without one. */
  static String beforeTheLastBut(String t) {
    Matcher m = BUT.matcher(t);
    int start = t.length();
    while (m.find()) {
      start = m.start();
    }
    return t.substring(0, start);
  }

  private static final Pattern BUT =
      Pattern.compile("(?:(?<![a-z0-9'’])(?:but|pero|however|porem)|,\\s*mas)(?![a-z0-9])");

  /**
   * The rules, first match wins, on {@code c} (the reply, or the clause after its last "but");
   * {@code t} is the whole reply for the day a "not now" names.
   */
  private static Triage read(
      String c, String t, List<String> keywords, String sentiment, LocalDate today) {
    if (referral(c)) {
      return new Triage("other", null, sentiment, referralFirst(keywords), null, NAME);
    }
    if (containsAny(c, WRONG_PERSON)) {
      return new Triage("wrong_person", null, sentiment, keywords, null, NAME);
    }
    if (containsAny(c, NOT_NOW)) {
      return new Triage("not_now", null, sentiment, keywords, NamedDate.in(t, today), NAME);
    }
    if (containsAny(c, DECLINE)
        || BARE_NO.matcher(c).matches()
        || NEGATED_INTEREST.matcher(c).find()
        || dontWantAlone(c)) {
      return containsAny(c, LATER)
          ? new Triage("not_now", null, sentiment, keywords, NamedDate.in(t, today), NAME)
          : new Triage("not_interested", null, negative(sentiment), keywords, null, NAME);
    }
    if (containsAnyUnnegated(c, MEETING)
        || (containsAny(c, PRICE_QUESTION) && !containsAny(c, COST_PROBLEM))) {
      return interested(keywords);
    }
    if (containsAny(c, LATER)) {
      return new Triage("not_now", null, sentiment, keywords, NamedDate.in(t, today), NAME);
    }
    for (String kind : List.of("cost", "competitor", "timing", "other")) {
      if ("competitor".equals(kind)
          ? containsAnyNotNamingUs(c, OBJECTIONS.get(kind))
          : containsAny(c, OBJECTIONS.get(kind))) {
        return new Triage("objection", kind, sentiment, keywords, null, NAME);
      }
    }
    if (containsAnyUnnegated(c, INTERESTED) || YES_ALONE.contains(c.replaceAll("[\\s.!]+$", ""))) {
      return interested(keywords);
    }
    return new Triage("other", null, sentiment, keywords, null, NAME);
  }

  /**
   * "I don't want it", "Não quero", "No quiero" are a no, unless what follows asks or shows
   * interest ("No quiero molestar, ¿cuánto cuesta?", "Não quero perder a oportunidade, me manda a
   * proposta"): a question mark, a call or the price asked after it, or interest beyond its first
   * two words (those are what is not wanted: "I don't want a demo" is a no).
   */
  private static boolean dontWantAlone(String c) {
    int end = endOfFirst(c, DONT_WANT);
    if (end < 0) {
      return false;
    }
    String rest = c.substring(end);
    String beyondObject = rest.replaceFirst("^\\s*(?:[^\\s,.;!?]+\\s*){0,2}", "");
    return !(rest.contains("?")
        || containsAny(rest, MEETING)
        || containsAny(rest, PRICE_QUESTION)
        || containsAny(beyondObject, INTERESTED));
  }

  /**
   * Someone else named to talk to, and no "not now" ("Agora não, fale com o Marco" is one). A
   * phrase the lead says of themselves ("I'll talk to my team", "Vou falar com meu sócio", "Podemos
   * hablar con usted") or that names us ("fala com a gente") is none.
   */
  private static boolean referral(String c) {
    if (containsAny(c, NOT_NOW)) {
      return false;
    }
    return containsAnyWhere(
        c,
        REFERRALS,
        (before, after) ->
            !SELF_BEFORE.matcher(before).find() && !US_AFTER.matcher(after).lookingAt());
  }

  /**
   * The lead doing it themselves, up to two words before a referral phrase: "I'll", "I need to",
   * "let me", "vou", "podemos" ("can I talk to my boss" has "i" just before).
   */
  private static final Pattern SELF_BEFORE =
      Pattern.compile(
          "(?<![a-z0-9'’])(?:i|we|i['’]ll|we['’]ll|i['’]d|we['’]d|i['’]m|let me|let us|gonna"
              + "|vou|vamos|voy a|vamos a|tengo que|tenemos que|tenho que|temos que|preciso"
              + "|precisamos|quiero|queremos|quero|deixa eu|dejame|podemos|podriamos|puedo"
              + "|posso)\\s+(?:[a-z'’]+\\s+){0,2}$");

  /** Us named after a referral phrase: "fala com a gente", "hablar con usted", "talk to you". */
  private static final Pattern US_AFTER =
      Pattern.compile("\\s+(?:a gente|nos|voces?|vcs?|usted(?:es)?|ustedes|you|conosco)(?![a-z])");

  /**
   * {@link #containsAny}, but not where the phrase names us next: "Já fechamos com vocês", "We
   * already work with you", "Ya usamos ustedes" say the lead is a customer of ours, not of a
   * competitor (they were read as the competitor objection).
   */
  private static boolean containsAnyNotNamingUs(String c, List<String> phrases) {
    return containsAnyWhere(c, phrases, (before, after) -> !US_AFTER.matcher(after).lookingAt());
  }

  /**
   * {@link #containsAny}, but not where a negation stands up to two words before the phrase: "Don't
   * call me", "Não precisa me ligar", "No hace falta llamarme" ask for no call (they were read as
   * interest). A comma after the negation ends it ("No, call me tomorrow" asks for one).
   */
  private static boolean containsAnyUnnegated(String c, List<String> phrases) {
    return containsAnyWhere(c, phrases, (before, after) -> !NEGATION_BEFORE.matcher(before).find());
  }

  /**
   * Whether a phrase stands in the text as words at a place {@code keep} accepts, given the text
   * before it and after it.
   */
  private static boolean containsAnyWhere(
      String c, List<String> phrases, java.util.function.BiPredicate<String, String> keep) {
    for (String p : phrases) {
      for (int at = c.indexOf(p); at >= 0; at = c.indexOf(p, at + 1)) {
        int end = at + p.length();
        if ((at == 0 || !Character.isLetterOrDigit(c.charAt(at - 1)))
            && (end == c.length() || !Character.isLetterOrDigit(c.charAt(end)))
            && keep.test(c.substring(0, at), c.substring(end))) {
          return true;
        }
      }
    }
    return false;
  }

  /** A negation just before a phrase, up to two words between ("don't", "não precisa", "no"). */
  private static final Pattern NEGATION_BEFORE =
      Pattern.compile(
          "(?<![a-z0-9'’])(?:don['’]?t|do not|please don['’]?t|never|no need to|not|no|nao|nunca"
              + "|sem|sin|jamais|jamas)\\s+(?:[a-z'’]+\\s+){0,2}$");

  /** Whether the lexicon read a reply as a referral: other, with {@link #REFERRAL} first. */
  static boolean isReferral(Triage t) {
    return "other".equals(t.intent())
        && !t.keywords().isEmpty()
        && REFERRAL.equals(t.keywords().get(0));
  }

  /** A referral's keywords: {@code referral} first (the lead page shows them beside the intent). */
  private static List<String> referralFirst(List<String> keywords) {
    List<String> out = new ArrayList<>();
    out.add(REFERRAL);
    keywords.stream().filter(k -> !REFERRAL.equals(k)).limit(9).forEach(out::add);
    return out;
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
    return endOfFirst(t, phrases) >= 0;
  }

  /** Where the earliest phrase standing in the text as words ends, or -1. */
  private static int endOfFirst(String t, List<String> phrases) {
    int first = -1;
    int firstEnd = -1;
    for (String p : phrases) {
      for (int at = t.indexOf(p); at >= 0; at = t.indexOf(p, at + 1)) {
        int end = at + p.length();
        if ((at == 0 || !Character.isLetterOrDigit(t.charAt(at - 1)))
            && (end == t.length() || !Character.isLetterOrDigit(t.charAt(end)))) {
          if (first < 0 || at < first) {
            first = at;
            firstEnd = end;
          }
          break;
        }
      }
    }
    return firstEnd;
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

package com.salesagent.activities.knowledge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import opennlp.tools.stemmer.snowball.SnowballStemmer;

/**
 * The lexical relevance check of a draft in a language the embedding model does not cover
 * (all-MiniLM-L6-v2 is English-only: in Portuguese it put "Quem é você?" nearer the booking entry
 * than "Podemos falar na segunda?"). A reply's <em>content words</em> are its words less the stop
 * words of its language and of English ({@code knowledge/stopwords-*.txt}: articles, pronouns,
 * auxiliaries, question words, greetings, thanks) and single letters; in a language without a list
 * (only en, es and pt have one) words of three letters or fewer are dropped instead. A content word
 * matches an entry when its Snowball stem (OpenNLP's stemmers, accents folded, typed with or
 * without accents) is one of the stems of the entry's title or keywords. The check's score is the
 * share of the reply's content words the entry matches: a reply with no content word ("Quem é
 * você?") matches nothing.
 */
final class SharedWords {
  /** The languages whose drafts rest on the embedding model alone (it covers English only). */
  static final Set<String> EMBEDDED = Set.of("en");

  /**
   * The weight of the shared words in a draft's score elsewhere ({@link #combined}): the rest is
   * the embedding's cosine, which only breaks near ties there. With no shared word an entry scores
   * at most 0.25, below the 0.35 cut-off: nothing is drafted from an entry that shares no word.
   */
  static final double WEIGHT = 0.75;

  /**
   * The lexical bar of auto-send: a draft matched on shared words goes out without a person only
   * when at least this many of the reply's content words are in the entry ...
   */
  static final int AUTO_SEND_MIN_SHARED = 2;

  /** ... and they are at least this share of the reply's content words. */
  static final double AUTO_SEND_MIN_SHARE = 0.75;

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final Map<String, Set<String>> STOP_WORDS = new LinkedHashMap<>();
  private static final Map<String, SnowballStemmer.ALGORITHM> STEMMERS =
      Map.ofEntries(
          Map.entry("en", SnowballStemmer.ALGORITHM.ENGLISH),
          Map.entry("es", SnowballStemmer.ALGORITHM.SPANISH),
          Map.entry("pt", SnowballStemmer.ALGORITHM.PORTUGUESE),
          Map.entry("fr", SnowballStemmer.ALGORITHM.FRENCH),
          Map.entry("it", SnowballStemmer.ALGORITHM.ITALIAN),
          Map.entry("de", SnowballStemmer.ALGORITHM.GERMAN),
          Map.entry("nl", SnowballStemmer.ALGORITHM.DUTCH),
          Map.entry("ca", SnowballStemmer.ALGORITHM.CATALAN),
          Map.entry("da", SnowballStemmer.ALGORITHM.DANISH),
          Map.entry("fi", SnowballStemmer.ALGORITHM.FINNISH),
          Map.entry("hu", SnowballStemmer.ALGORITHM.HUNGARIAN),
          Map.entry("no", SnowballStemmer.ALGORITHM.NORWEGIAN),
          Map.entry("ro", SnowballStemmer.ALGORITHM.ROMANIAN),
          Map.entry("ru", SnowballStemmer.ALGORITHM.RUSSIAN),
          Map.entry("sv", SnowballStemmer.ALGORITHM.SWEDISH),
          Map.entry("tr", SnowballStemmer.ALGORITHM.TURKISH));

  static {
    for (String language : List.of("en", "es", "pt")) {
      STOP_WORDS.put(language, read("/knowledge/stopwords-" + language + ".txt"));
    }
  }

  /** How an entry matched a reply: the reply's content words it shares, and their share. */
  record Match(List<String> shared, int words) {
    static final Match NONE = new Match(List.of(), 0);

    double share() {
      return words == 0 ? 0 : (double) shared.size() / words;
    }

    /** Whether a draft matched this way may go out without a person (see the bar above). */
    boolean clearsAutoSendBar() {
      return shared.size() >= AUTO_SEND_MIN_SHARED && share() >= AUTO_SEND_MIN_SHARE;
    }
  }

  /** A text's content words (folded), each with the stems it matches by. */
  record Words(Map<String, Set<String>> stems) {
    Set<String> allStems() {
      Set<String> all = new HashSet<>();
      stems.values().forEach(all::addAll);
      return all;
    }
  }

  private SharedWords() {}

  /** Whether drafts in this language are matched on shared words too. */
  static boolean applies(String language) {
    return !EMBEDDED.contains(language);
  }

  /** The content words of a text in this language. */
  static Words words(String text, String language) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    if (text == null) {
      return new Words(out);
    }
    Set<String> stop = new HashSet<>(STOP_WORDS.get("en"));
    Set<String> own = STOP_WORDS.get(language);
    if (own != null) {
      stop.addAll(own);
    }
    SnowballStemmer.ALGORITHM algorithm = STEMMERS.get(language);
    SnowballStemmer stemmer = algorithm == null ? null : new SnowballStemmer(algorithm);
    Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) {
      String word = m.group();
      String folded = fold(word);
      if (folded.length() < 2
          || stop.contains(folded)
          || (own == null && folded.length() <= 3)
          || out.containsKey(folded)) {
        continue;
      }
      Set<String> stems = new HashSet<>();
      // As written (the stemmer knows the language's accents) and as typed without them.
      stems.add(fold(stem(stemmer, word)));
      stems.add(fold(stem(stemmer, folded)));
      out.put(folded, stems);
    }
    return new Words(out);
  }

  /** The content words of an entry's question: its title and its keywords. */
  static Words ofEntry(String title, Collection<String> keywords, String language) {
    StringBuilder b = new StringBuilder(title == null ? "" : title);
    if (keywords != null) {
      keywords.forEach(k -> b.append('\n').append(k));
    }
    return words(b.toString(), language);
  }

  /** Which of the reply's content words the entry has. */
  static Match match(Words reply, Words entry) {
    Set<String> stems = entry.allStems();
    List<String> shared = new ArrayList<>();
    reply
        .stems()
        .forEach(
            (word, own) -> {
              if (own.stream().anyMatch(stems::contains)) {
                shared.add(word);
              }
            });
    return new Match(List.copyOf(shared), reply.stems().size());
  }

  /** A draft's score from shared words and the embedding's cosine. */
  static double combined(Match match, double cosine) {
    return WEIGHT * match.share() + (1 - WEIGHT) * cosine;
  }

  private static String stem(SnowballStemmer stemmer, String word) {
    return stemmer == null ? word : String.valueOf(stemmer.stem(word));
  }

  static String fold(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
  }

  private static Set<String> read(String resource) {
    Set<String> words = new HashSet<>();
    try (InputStream in = SharedWords.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#")) {
          continue;
        }
        for (String w : line.strip().split("\\s+")) {
          if (!w.isEmpty()) {
            words.add(fold(w.toLowerCase(Locale.ROOT)));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return words;
  }
}

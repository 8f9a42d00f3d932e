package com.salesagent.activities.triage;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a message whose clauses {@link OptOutDetector} reads, and those clauses: a short
 * message whole; of a longer one, window after window, all of it up to {@value #READ_TEXT}
 * characters, and its last {@value #SPAN} characters: each window of {@value #SPAN} characters
 * taken on to the clause end nearest the cut (the last one back to it) within {@value #REACH} more
 * characters, else cut at a word or clause boundary. A clause a cut falls in is read with {@link
 * #CUT} where the cut is, so that a rule for a clause's start or end does not take the cut for one
 * ("My kids won't [cut]stop texting me" is no "stop texting me"), while a phrase that stands
 * anywhere is still read ("... chatter with no full stop please unsubscribe me").
 */
final class OptOutWindows {
  private OptOutWindows() {}

  /** The characters of a long message's start and of its end that are read. */
  static final int SPAN = OptOutDetector.PHRASE_TEXT;

  /** Where a window cuts a clause, in its normalised text (no normalised text holds it). */
  static final String CUT = "\u2026";

  static final Pattern CLAUSE_END =
      Pattern.compile("[.!?;,:\\n\\r\\u0085\\u2028\\u2029\\u3001\\u3002]| - ");

  /** Ends a sentence: not a comma, colon, semicolon or dash, nor a full stop of "..." or "a.b". */
  private static final Pattern SENTENCE_END =
      Pattern.compile("[!?\\n\\r\\u0085\\u2028\\u2029\\u3002]|(?<!\\.)\\.(?!\\.)(?=\\s|$)");

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]");

  private static final Pattern WORD_JOIN = Pattern.compile("\\.[\\p{L}\\p{N}]");

  /**
   * How far a window reaches past its {@value #SPAN} characters, to end (or start) at a clause's
   * end so that the cut does not change what the clause at it means ("Can you stop texting me [cut]
   * at night?", "Please don't [cut] delete my number from your list"); a clause longer than that is
   * cut at a word, as before. A window reads at most {@code SPAN + REACH} characters.
   */
  static final int REACH = 200;

  /**
   * A part of a message: its text, whether a cut falls inside its first or last clause, and whether
   * its first clause starts a sentence (not after a comma, colon or dash).
   */
  record Window(String text, boolean cutAtStart, boolean cutAtEnd, boolean startsSentence) {}

  /**
   * A clause normalised (with {@link #CUT} where cut), and whether it starts or ends a sentence.
   */
  record Clause(String text, boolean startsSentence, boolean endsSentence) {}

  /**
   * The most of a long text (stripped, runs of spaces as one) read from its start, window after
   * window: the webhook's longest text (a text body or a caption of up to 8,192 characters). Of a
   * longer text, only that and its end are read, so the work stays bounded.
   */
  static final int READ_TEXT = 8_192;

  /**
   * The message whole; or, window after window, all of it up to {@value #READ_TEXT} characters and
   * its end: each window of {@value #SPAN} characters taken on to the end of the sentence (else of
   * the clause) within {@value #REACH} more, the next one starting there (after a window cut at a
   * word, {@value #REACH} characters back, so a phrase at the cut is read whole by the next). Only
   * the start and the end were read, and a stop in the middle of a long message was none.
   */
  static List<Window> of(String raw, boolean whole) {
    return of(raw, whole, READ_TEXT);
  }

  /**
   * As {@link #of(String, boolean)}, reading window after window up to {@code readTo} characters of
   * the read text ({@link #readTo}).
   */
  static List<Window> of(String raw, boolean whole, int readTo) {
    if (whole || raw.length() <= SPAN) {
      return List.of(new Window(raw, false, false, true));
    }
    Window tail = tail(raw);
    int tailStart = raw.length() - tail.text().length();
    List<Window> out = new ArrayList<>();
    int start = 0;
    boolean cutAtStart = false;
    boolean startsSentence = true;
    while (start < Math.min(tailStart, readTo)) {
      int end = windowEnd(raw, start);
      boolean cutAtEnd = end < raw.length() && !atClauseEnd(raw, end);
      out.add(new Window(raw.substring(start, end), cutAtStart, cutAtEnd, startsSentence));
      if (end == raw.length()) {
        return out;
      }
      if (cutAtEnd) {
        // back, so that the clause the cut falls in is read whole by the next window
        int back = end - REACH;
        start = back;
        while (start < end && !boundary(raw, start)) {
          start++;
        }
        if (start == end && !boundary(raw, end)) {
          // no boundary (Chinese, one long word): where it falls
          start = Character.isLowSurrogate(raw.charAt(back)) ? back + 1 : back;
        }
        cutAtStart = !clauseEnd(raw.charAt(start - 1));
        startsSentence = !cutAtStart && sentenceEnd(raw, start - 1);
      } else {
        cutAtStart = false;
        startsSentence = endsSentenceBefore(raw, end);
        start = end;
      }
    }
    out.add(tail);
    return out;
  }

  /**
   * How much of the read text (its length {@code readLength}) the windows read: what the message's
   * first {@value #READ_TEXT} characters as given come to once read, and no less than {@value
   * #READ_TEXT}. The cap counted the read text, and a message that grows when read (NFKC makes "㎧"
   * "m∕s", "ﬃ" "ffi", "﷽" 18 characters) had a part of its middle, within the webhook's longest
   * text, read by no window. Bounded at twice {@value #READ_TEXT}: NFKC makes a character up to 18
   * ("﷽"), and reading all a message of those came to seconds of CPU before the webhook answers; a
   * message that grows more than twice when read has the rest of its middle read by no window.
   */
  static int readTo(String given, int readLength) {
    if (given.length() <= READ_TEXT) {
      return Math.max(READ_TEXT, Math.min(2 * READ_TEXT, readLength));
    }
    int cut = Character.isLowSurrogate(given.charAt(READ_TEXT)) ? READ_TEXT - 1 : READ_TEXT;
    String head = OptOutText.readable(given.substring(0, cut)).stripLeading();
    return Math.max(
        READ_TEXT, Math.min(2 * READ_TEXT, SPACE_RUN.matcher(head).replaceAll(" ").length()));
  }

  private static final Pattern SPACE_RUN = Pattern.compile("\\h{2,}");

  /**
   * Where the window from {@code start} ends: {@value #SPAN} characters on, then on to the end of
   * the sentence the cut falls in when it ends within {@value #REACH} more, else of the clause;
   * else back from there to a word or clause boundary (not before the span's end), else where the
   * reach ends.
   */
  private static int windowEnd(String raw, int start) {
    int limit = Math.min(raw.length(), start + SPAN + REACH);
    int from = start + SPAN - 1;
    if (from >= raw.length()) {
      return raw.length();
    }
    // to a sentence's end first, not a comma's: "No thanks. STOP[cut], not interested." read as
    // "STOP," with nothing after it was no stop sentence
    Matcher sentence = SENTENCE_END.matcher(raw).region(from, limit);
    sentence.useTransparentBounds(true);
    while (sentence.find()) {
      if (!joinsWords(raw, sentence.start())) {
        return dotsAfter(raw, sentence.start(), sentence.end(), limit);
      }
    }
    Matcher m = CLAUSE_END.matcher(raw).region(from, limit);
    while (m.find()) {
      if (!joinsWords(raw, m.start())) {
        // an ellipsis whole, so it reads as one ("I can't... stop")
        return dotsAfter(raw, m.start(), m.end(), limit);
      }
    }
    if (limit == raw.length()) {
      return limit;
    }
    int end = limit;
    while (end > start + SPAN && !boundary(raw, end)) {
      end--;
    }
    if (end == start + SPAN && !boundary(raw, end)) {
      // no boundary (Chinese, one long word): where it falls
      end = Character.isLowSurrogate(raw.charAt(limit)) ? limit - 1 : limit;
    }
    return end;
  }

  /** Whether a clause end comes right before the index or right after it, spaces aside. */
  private static boolean atClauseEnd(String raw, int end) {
    int before = end;
    while (before > 0 && Character.isWhitespace(raw.charAt(before - 1))) {
      before--;
    }
    int after = end;
    while (after < raw.length() && Character.isWhitespace(raw.charAt(after))) {
      after++;
    }
    return (before > 0 && clauseEnd(raw.charAt(before - 1)))
        || (after < raw.length() && clauseEnd(raw.charAt(after)));
  }

  /** Whether the clause end right before the index (spaces aside) ends a sentence. */
  private static boolean endsSentenceBefore(String raw, int end) {
    int i = end;
    while (i > 0 && Character.isWhitespace(raw.charAt(i - 1))) {
      i--;
    }
    return i > 0 && sentenceEnd(raw, i - 1);
  }

  /**
   * The last {@value #SPAN} characters, back to the start of the clause the cut falls in when it
   * starts within {@value #REACH} more; else on from there to a word or clause boundary, cut in its
   * first clause unless a clause end comes right before it. Its first clause starts a sentence only
   * after a sentence's end: "Wait, [cut] stop. I meant Tuesday" is no stop sentence.
   */
  static Window tail(String raw) {
    int cut = raw.length() - SPAN;
    int from = Math.max(1, cut - REACH);
    Matcher m = CLAUSE_END.matcher(raw).region(from, cut);
    int end = -1;
    int start = -1;
    while (m.find()) {
      if (!joinsWords(raw, m.start())) {
        end = m.start();
        start = dotsAfter(raw, m.start(), m.end(), raw.length());
      }
    }
    if (start >= 0) {
      return new Window(raw.substring(start), false, false, sentenceEnd(raw, end));
    }
    start = from;
    while (start < raw.length() && !boundary(raw, start)) {
      start++;
    }
    if (start == raw.length()) {
      start = Character.isLowSurrogate(raw.charAt(from)) ? from + 1 : from;
    }
    boolean whole = clauseEnd(raw.charAt(start - 1));
    return new Window(raw.substring(start), !whole, false, whole && sentenceEnd(raw, start - 1));
  }

  /**
   * A file's extension after a full stop, in lower case as file names have it: "Stop.js",
   * "unsubscribe.html", "stop.sh"; not a word ("Stop.Not interested", "stop.not interested",
   * "Unsubscribe.Go away").
   */
  private static final Pattern FILE_EXTENSION =
      Pattern.compile(
          "\\.(js|mjs|cjs|ts|tsx|jsx|py|sh|rb|java|kt|php|cs|cpp|html?|css|json|xml|ya?ml|md"
              + "|txt|csv|pdf|docx?|xlsx?|pptx?|png|jpe?g|gif|svg|exe|bat|ps1|dll|jar|sql|cfg|ini"
              + "|vue|apk)(?![\\p{L}\\p{N}])");

  /** Whether the full stop at the index joins a file's name to its extension ("Stop.js"). */
  static boolean namesAFile(String raw, int i) {
    return raw.charAt(i) == '.'
        && i > 0
        && Character.isLetterOrDigit(raw.charAt(i - 1))
        && FILE_EXTENSION.matcher(raw).region(i, raw.length()).lookingAt();
  }

  /** A full stop inside a word ("3.30", "Stop.js"): no clause end. */
  private static boolean joinsWords(String raw, int i) {
    return raw.charAt(i) == '.'
        && i + 1 < raw.length()
        && Character.isLetterOrDigit(raw.charAt(i + 1));
  }

  /** The end of a clause end, over the full stops of an ellipsis after it (up to the limit). */
  private static int dotsAfter(String raw, int start, int end, int limit) {
    if (raw.charAt(start) != '.') {
      return end;
    }
    while (end < limit && raw.charAt(end) == '.') {
      end++;
    }
    return end;
  }

  /** Whether the clause end at the index ends a sentence (as {@link #clauses} reads it). */
  private static boolean sentenceEnd(String raw, int i) {
    return SENTENCE_END.matcher(raw).region(i, raw.length()).useTransparentBounds(true).lookingAt();
  }

  /** Whether a word or a clause ends before the index or starts there. */
  private static boolean boundary(String raw, int i) {
    char before = raw.charAt(i - 1);
    char at = raw.charAt(i);
    return Character.isWhitespace(before)
        || Character.isWhitespace(at)
        || clauseEnd(before)
        || clauseEnd(at);
  }

  private static boolean clauseEnd(char c) {
    return CLAUSE_END.matcher(String.valueOf(c)).matches();
  }

  /** The whole clauses of the end: not the one the cut falls in. */
  static String lastClauses(String raw) {
    if (raw.length() <= SPAN) {
      return raw;
    }
    Window tail = tail(raw);
    if (!tail.cutAtStart()) {
      return tail.text();
    }
    Matcher end = CLAUSE_END.matcher(tail.text());
    return end.find() ? tail.text().substring(end.end()) : "";
  }

  /** A window's text normalised, with {@link #CUT} where it is cut. */
  static String read(Window w) {
    return read(w.text(), w.cutAtStart(), w.cutAtEnd());
  }

  private static String read(String text, boolean cutAtStart, boolean cutAtEnd) {
    String n = OptOutText.normalise(text);
    return (cutAtStart ? CUT + " " : "") + n + (cutAtEnd ? " " + CUT : "");
  }

  /** The window's clauses with words, normalised, in order. */
  static List<Clause> clauses(Window w) {
    List<Clause> out = new ArrayList<>();
    String text = w.text();
    Matcher ends = CLAUSE_END.matcher(text);
    Matcher sentenceEnd = SENTENCE_END.matcher(text).useTransparentBounds(true);
    int from = 0;
    boolean startsSentence = w.startsSentence();
    while (from <= text.length()) {
      boolean found = ends.find(from);
      int to = found ? ends.start() : text.length();
      boolean last = !found;
      boolean endsSentence =
          found ? sentenceEnd.region(ends.start(), text.length()).lookingAt() : !w.cutAtEnd();
      // "Stop.js", "3.30": a full stop inside a word ends no word
      boolean endsWord = !found || !WORD_JOIN.matcher(text).region(to, text.length()).lookingAt();
      String clause = text.substring(from, to);
      if (WORD.matcher(clause).find()) {
        out.add(
            new Clause(
                read(clause, from == 0 && w.cutAtStart(), last && w.cutAtEnd()),
                startsSentence && endsWord,
                endsSentence));
        startsSentence = false;
      }
      startsSentence |= endsSentence;
      if (last) {
        break;
      }
      from = Math.max(ends.end(), to + 1);
    }
    return out;
  }
}

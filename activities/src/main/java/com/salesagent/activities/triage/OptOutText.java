package com.salesagent.activities.triage;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.text.SpoofChecker;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message read as the letters it shows, for {@link OptOutDetector}: typographic apostrophes as
 * "'", compatibility forms (full-width, bold, squared, circled letters) by NFKC, invisible format
 * characters dropped, and look-alike letters as the Latin ones: small capitals ("ꜱᴛᴏᴘ"), negative
 * squared and circled letters ("🆂🆃🅾🅿"), and Cyrillic, Greek or other letters Unicode lists as
 * confusable with Latin ones ("SТОР" with Cyrillic Т О Р) in a word that is Latin otherwise, or
 * whose every letter is such a look-alike when it then spells a word that means stop ("ЅТОР"), and
 * a word of letters and digits that spells one with its digits read as letters ("ST0P"). A Russian
 * or Greek word stays as written ("Стоп", "Спасибо", and "не", though it looks like "he"), so its
 * own language's phrases read it.
 */
final class OptOutText {
  private OptOutText() {}

  /** Characters phones and apps send for an apostrophe (’ ‘ ‛ ʼ ʻ ` ´ ′ ＇). */
  private static final Pattern APOSTROPHES =
      Pattern.compile("[\\u2018\\u2019\\u201B\\u02BC\\u02BB`\\u00B4\\u2032\\uFF07]");

  private static final Pattern FORMAT = Pattern.compile("\\p{Cf}");

  /**
   * Unicode's confusables (UTS #39), loaded once: building the checker reads ICU's data (~50 ms the
   * first time); a skeleton is a lookup after that.
   */
  private static final SpoofChecker CONFUSABLES =
      new SpoofChecker.Builder().setChecks(SpoofChecker.CONFUSABLE).build();

  /**
   * Letters with no compatibility form, by their Unicode names: "LATIN LETTER SMALL CAPITAL T" (ᴛ),
   * "NEGATIVE SQUARED LATIN CAPITAL LETTER S" (🆂), "NEGATIVE CIRCLED LATIN CAPITAL LETTER S" (🅢).
   * NFKC leaves them as they are, and the confusables map only a few small capitals.
   */
  private static final Pattern LETTER_NAME =
      Pattern.compile(
          "LATIN LETTER SMALL CAPITAL ([A-Z])|NEGATIVE (?:SQUARED|CIRCLED) LATIN CAPITAL LETTER"
              + " ([A-Z])");

  /**
   * The blocks those letters are in: IPA Extensions, Phonetic Extensions, Latin Extended-D and
   * Enclosed Alphanumeric Supplement.
   */
  private static final int[][] LETTER_BLOCKS = {
    {0x0250, 0x02AF}, {0x1D00, 0x1D7F}, {0xA720, 0xA7FF}, {0x1F100, 0x1F1FF}
  };

  private static final Map<Integer, String> LETTER_FORMS = letterForms();

  private static Map<Integer, String> letterForms() {
    Map<Integer, String> forms = new HashMap<>();
    for (int[] block : LETTER_BLOCKS) {
      for (int cp = block[0]; cp <= block[1]; cp++) {
        String name = UCharacter.getName(cp);
        Matcher m = name == null ? null : LETTER_NAME.matcher(name);
        if (m != null && m.matches()) {
          forms.put(cp, m.group(1) != null ? m.group(1).toLowerCase(Locale.ROOT) : m.group(2));
        }
      }
    }
    return Map.copyOf(forms);
  }

  /** A word: letters and their marks. */
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{M}]+");

  private static final Pattern ASCII_LETTERS = Pattern.compile("[A-Za-z]+");

  /**
   * The words a word of look-alikes only ("ЅТОР", all Cyrillic) is read as: the ones that mean
   * nothing but stop. A Russian word of look-alikes is Russian otherwise ("не", "он", "сор").
   */
  private static final Pattern STOP_WORD =
      Pattern.compile("(?i)stop|stopp|stopall|unsubscribe|optout|spam");

  /**
   * The text as it reads: apostrophes, NFKC, no format characters, look-alike letters as Latin
   * ones.
   */
  static String readable(String text) {
    // A typographic apostrophe is an apostrophe: iOS's keyboard sends "don’t" (smart
    // punctuation), others U+2018, U+02BC, a backtick or an acute accent; every phrase with an
    // apostrophe missed them. Before NFKC, which makes the acute a space and a combining mark.
    text = APOSTROPHES.matcher(text).replaceAll("'");
    // Compatibility forms read as the letters they show: a full-width keyboard's "ＳＴＯＰ！", an
    // app's bold "𝐒𝐓𝐎𝐏", squared "🅂🅃🄾🄿" (they were no opt-out, and the number stayed on
    // every
    // list).
    text = Normalizer.normalize(text, Normalizer.Form.NFKC);
    // Invisible format characters (a zero-width space or joiner, a soft hyphen, a word joiner)
    // are not there for the reader: "S\u200BTOP" is STOP (it read as "s top", no opt-out).
    text = FORMAT.matcher(text).replaceAll("");
    return stretched(digitsAsLetters(lookAlikesAsLatin(letterForms(text))));
  }

  /** A letter said three times or more in a row: "stooop", "STOPPPP". */
  private static final Pattern LETTER_RUN = Pattern.compile("(?i)(\\p{L})\\1{2,}");

  /**
   * A whole word with a letter stretched ("stooop", "STOOOP", "stopppp", "unsubscribeee") as the
   * word that means stop it spells with each such run said once or twice; any other word as written
   * ("Sooo good", "Whaaat").
   */
  private static String stretched(String text) {
    if (!LETTER_RUN.matcher(text).find()) {
      return text;
    }
    Matcher words = WORD.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    int done = 0;
    while (words.find()) {
      String word = words.group();
      for (String run : new String[] {"$1", "$1$1"}) {
        String read = LETTER_RUN.matcher(word).replaceAll(run);
        if (!read.equals(word) && STOP_WORD.matcher(read).matches()) {
          out.append(text, done, words.start()).append(read);
          done = words.end();
          break;
        }
      }
    }
    return out.append(text, done, text.length()).toString();
  }

  /** A word of letters and digits: "ST0P", "5TOP", "UNSUBSCR1BE". */
  private static final Pattern LETTERS_AND_DIGITS = Pattern.compile("[\\p{L}\\p{N}]+");

  private static final Pattern DIGIT = Pattern.compile("[0-9]");

  /** The longest word that means stop ("unsubscribe"), and a little more. */
  private static final int STOP_WORD_LENGTH = 16;

  /**
   * A whole word of letters and digits read as a word that means stop, when its digits read as the
   * letters they stand for do spell one (0 o, 1 i or l, 3 e, 4 a, 5 s, 7 t, 8 b): "ST0P", "5TOP",
   * "UNSUBSCR1BE", "STOPA11"; not "ST0Pwatch", "5G" or "3pm".
   */
  private static String digitsAsLetters(String text) {
    Matcher words = LETTERS_AND_DIGITS.matcher(text);
    StringBuilder out = null;
    int done = 0;
    while (words.find()) {
      String word = words.group();
      if (word.length() > STOP_WORD_LENGTH || !DIGIT.matcher(word).find()) {
        continue;
      }
      for (char one : new char[] {'i', 'l'}) {
        String read = digitsRead(word, one);
        if (STOP_WORD.matcher(read).matches()) {
          if (out == null) {
            out = new StringBuilder(text.length());
          }
          out.append(text, done, words.start()).append(read);
          done = words.end();
          break;
        }
      }
    }
    return out == null ? text : out.append(text, done, text.length()).toString();
  }

  private static String digitsRead(String word, char one) {
    StringBuilder read = new StringBuilder(word.length());
    for (char c : word.toCharArray()) {
      read.append(
          switch (c) {
            case '0' -> 'o';
            case '1' -> one;
            case '3' -> 'e';
            case '4' -> 'a';
            case '5' -> 's';
            case '7' -> 't';
            case '8' -> 'b';
            default -> c;
          });
    }
    return read.toString();
  }

  /** Small capitals and negative squared or circled letters as the Latin letters they show. */
  private static String letterForms(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      String form = cp < 0x0250 ? null : LETTER_FORMS.get(cp);
      if (form != null && out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (out != null) {
        if (form != null) {
          out.append(form);
        } else {
          out.appendCodePoint(cp);
        }
      }
      i += Character.charCount(cp);
    }
    return out == null ? text : out.toString();
  }

  /**
   * Each word with a letter of another script than Latin, each of whose letters reads as a Latin
   * one by Unicode's confusables, in Latin letters: a word with Latin letters too ("SТОР",
   * "unsubsсribe"), or one that then spells a word that means stop ("ЅТОР", "ꓢꓔꓳꓑ"). Not "Стоп",
   * whose п is no Latin letter, nor "не", which is Russian.
   */
  private static String lookAlikesAsLatin(String text) {
    Matcher words = WORD.matcher(text);
    StringBuilder out = null;
    int done = 0;
    while (words.find()) {
      String word = words.group();
      String latin = latinReading(word);
      if (latin == null) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, done, words.start()).append(latin);
      done = words.end();
    }
    return out == null ? text : out.append(text, done, text.length()).toString();
  }

  /** The word in Latin letters, or null when it is Latin already or is not one in disguise. */
  private static String latinReading(String word) {
    boolean latin = false;
    boolean other = false;
    for (int i = 0; i < word.length(); ) {
      int cp = word.codePointAt(i);
      if (Character.isLetter(cp)) {
        if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.LATIN) {
          latin = true;
        } else {
          other = true;
        }
      }
      i += Character.charCount(cp);
    }
    if (!other) {
      return null;
    }
    StringBuilder out = new StringBuilder(word.length());
    for (int i = 0; i < word.length(); ) {
      int cp = word.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isLetter(cp)
          || Character.UnicodeScript.of(cp) == Character.UnicodeScript.LATIN) {
        out.appendCodePoint(cp);
        continue;
      }
      // a Cyrillic т's skeleton is the small capital ᴛ, which reads as t
      String shown = letterForms(CONFUSABLES.getSkeleton(new String(Character.toChars(cp))));
      if (!ASCII_LETTERS.matcher(shown).matches()) {
        // a letter of its own: the word is in its own script ("Стоп", "пoжалуйста")
        return null;
      }
      out.append(shown);
    }
    return latin || STOP_WORD.matcher(out).matches() ? out.toString() : null;
  }

  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern QUOTE = Pattern.compile("(?<![\\p{L}\\p{N}])'|'(?![\\p{L}\\p{N}])");

  /** A hyphen not inside a word: a dash bullet ("- STOP"), a dash ("stop -"). */
  private static final Pattern LOOSE_HYPHEN =
      Pattern.compile("(?<![\\p{L}\\p{N}])-|-(?![\\p{L}\\p{N}])");

  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}' -]+");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  /**
   * Lower case, no accents (NFKD without its marks: "más" is "mas", "й" is "и"), an apostrophe and
   * a hyphen only inside a word, anything else but letters and digits a space, spaces single.
   */
  static String normalise(String text) {
    String folded = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFKD)).replaceAll("");
    String lower = folded.toLowerCase(Locale.ROOT);
    // an apostrophe inside a word stays ("don't", "m'ecrire"); quotes around one go ("'STOP'")
    String unquoted = QUOTE.matcher(lower).replaceAll(" ");
    // a hyphen only inside a word ("opt-out", "e-mail"); a dash bullet's goes ("- STOP" read as
    // "- stop" was no stop)
    String unhyphened = LOOSE_HYPHEN.matcher(unquoted).replaceAll(" ");
    String words = NOT_WORD.matcher(unhyphened).replaceAll(" ");
    return SPACES.matcher(words).replaceAll(" ").trim();
  }
}

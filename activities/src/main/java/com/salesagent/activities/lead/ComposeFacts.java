package com.salesagent.activities.lead;

import com.salesagent.activities.compose.UntrustedText;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.activities.research.ResearchSource;
import com.salesagent.activities.research.Retriever;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bson.Document;

/**
 * The fact a composed message quotes from the lead's research ("I saw that ..."): which retrieved
 * sentence, taken whole and in the research's own words, fit to quote in the template's language,
 * in the lead's person. Used by {@link TemplateComposeActivities}; no state.
 */
final class ComposeFacts {
  private ComposeFacts() {}

  /** How many retrieved chunks are candidates for the quoted fact. */
  static final int FACT_CANDIDATES = 8;

  /** A fact fit to quote and the source of the chunk it is from. */
  record Quoted(String text, String source) {}

  /**
   * The fact for a message in {@code language}: the first sentence fit to quote ({@link #clause})
   * of the best research chunk, of the next one when it has none; a recomposition after a rejection
   * starts at the next best. Only research text is quoted ({@link ResearchSource#quotable}): never
   * the profile line made from the lead's own fields, nor the salesperson's notes, nor a sentence
   * in another language than the template's. Null when no chunk has such a sentence.
   */
  static Quoted chooseFact(List<Retriever.Hit> hits, int attempt, String language) {
    List<Retriever.Hit> quotable =
        hits.stream().filter(h -> ResearchSource.quotable(h.source())).toList();
    for (int i = Math.min(attempt, quotable.size() - 1); i >= 0 && i < quotable.size(); i++) {
      String fact = clause(quotable.get(i).text(), language);
      if (!fact.isEmpty()) {
        return new Quoted(fact, quotable.get(i).source());
      }
    }
    return null;
  }

  /**
   * What the lead or the salesperson wrote, which a quoted fact must not restate: the retrieved
   * chunks that are not quotable (the profile line, the notes) and the contact's profile line.
   */
  static List<String> internalTexts(List<Retriever.Hit> hits, Document contact) {
    List<String> out = new ArrayList<>();
    for (Retriever.Hit hit : hits) {
      if (!ResearchSource.quotable(hit.source())) {
        out.add(hit.text());
      }
    }
    out.add(EnrolmentSource.profileLine(contact));
    return out;
  }

  /** Sentence-initial words that read lower-case after "I saw that" / "vi que". */
  private static final Set<String> PRONOUNS =
      Set.of(
          "They", "The", "Their", "It", "Its", "He", "She", "His", "Her", "This", "Eles", "Elas",
          "Ele", "Ela", "O", "A", "Os", "As", "Seu", "Sua", "Ellos", "Ellas", "El", "La", "Los",
          "Las", "Su", "Sus", "Este", "Esta");

  /** Words of the first person plural: Spanish, then Portuguese ("nos" is also "in the" there). */
  private static final Set<String> FIRST_PERSON_ES =
      Set.of("nosotros", "nosotras", "nuestro", "nuestra", "nuestros", "nuestras", "nos");

  private static final Set<String> FIRST_PERSON_PT =
      Set.of("nós", "nosso", "nossa", "nossos", "nossas", "conosco");

  /**
   * Sentence-initial words in "-mos" that are no verb (accents folded): plural adjectives
   * ("Próximos lançamentos", "Últimos resultados", "Mismos precios") and names ("Ramos
   * Distribuidora", "Cosmos Engenharia", "Lemos & Filhos"). "Vamos" stays the first person.
   */
  private static final Set<String> MOS_NOT_A_VERB =
      Set.of(
          "proximos",
          "ultimos",
          "mismos",
          "minimos",
          "maximos",
          "optimos",
          "otimos",
          "intimos",
          "legitimos",
          "primos",
          "ramos",
          "cosmos",
          "lemos");

  /**
   * Whether a Spanish or Portuguese sentence speaks in the first person plural, the lead's own
   * voice ("Estamos ampliando nuestro equipo", "Somos líderes", "nossa equipe"): after "vi que" it
   * would read as ours, and its verb cannot be turned to the lead's person word by word. A first
   * word ending in "-mos" (estamos, somos, temos, tenemos, ofrecemos, vamos) that is a verb ({@link
   * #MOS_NOT_A_VERB} are not) or a pronoun or possessive of that person anywhere.
   */
  static boolean firstPersonPlural(String sentence, String language) {
    String lang = language == null ? "" : language.toLowerCase(Locale.ROOT);
    boolean es = lang.isEmpty() || lang.startsWith("es");
    boolean pt = lang.isEmpty() || lang.startsWith("pt");
    if (!es && !pt) {
      return false;
    }
    String[] words = sentence.toLowerCase(Locale.ROOT).split("[^\\p{L}]+");
    int at = words.length > 0 && words[0].isEmpty() ? 1 : 0;
    if (at < words.length
        && words[at].length() >= 5
        && words[at].endsWith("mos")
        && !MOS_NOT_A_VERB.contains(
            Normalizer.normalize(words[at], Normalizer.Form.NFD).replaceAll("\\p{M}+", ""))) {
      return true;
    }
    for (String w : words) {
      if ((es && FIRST_PERSON_ES.contains(w) && !(pt && "nos".equals(w)))
          || (pt && FIRST_PERSON_PT.contains(w))) {
        return true;
      }
    }
    return false;
  }

  /** The English first person plural and its second-person words (the verb agrees the same). */
  private static final List<String[]> WE_TO_YOU =
      List.of(
          new String[] {"\\b[Ww]e(['’](?:re|ve|ll|d))\\b", "you$1"},
          new String[] {"\\b[Ww]e\\b", "you"},
          new String[] {"\\b[Oo]urselves\\b", "yourselves"},
          new String[] {"\\b[Oo]urs\\b", "yours"},
          new String[] {"\\b[Oo]ur\\b", "your"},
          new String[] {"\\bus\\b", "you"});

  /**
   * An English sentence in the lead's own voice ("We are scaling our team") as said to them ("you
   * are scaling your team"), so "I saw that" does not claim it for us. "US" (the country) stays.
   */
  static String secondPerson(String sentence) {
    String out = sentence;
    for (String[] r : WE_TO_YOU) {
      out = out.replaceAll(r[0], r[1]);
    }
    return out;
  }

  /**
   * The first sentence of a research chunk fit to follow "I saw that" in a template in {@code
   * language} (null: any), in the chunk's own words, so the composer states nothing research did
   * not find; empty when none is. A sentence is taken whole or not at all: it must start as a
   * sentence does (a capital or a digit), end as one (or end the chunk), be at most {@link
   * UntrustedText#MAX_FACT} characters once cleaned, carry no link, address, phone number or
   * instruction (cleaning them out would leave a hole), be a clause ({@link
   * QualityGate#quotableClause}: "Upsilon." is not) and read in the template's language ({@link
   * QualityGate#factInLanguage}). The lead's own voice is quoted as said to them: the English first
   * person plural as the second ({@link #secondPerson}); a Spanish or Portuguese sentence in the
   * first person plural is not quoted ({@link #firstPersonPlural}).
   */
  static String clause(String chunk, String language) {
    if (chunk == null) {
      return "";
    }
    String[] sentences = chunk.strip().split("(?<=[.!?])\\s+");
    for (int i = 0; i < sentences.length; i++) {
      String raw = sentences[i].strip();
      if (raw.isEmpty()
          || !(Character.isUpperCase(raw.codePointAt(0)) || Character.isDigit(raw.codePointAt(0)))
          || (!raw.matches("(?s).*[.!?]$") && i < sentences.length - 1)
          || !UntrustedText.findings(raw, null).isEmpty()) {
        continue;
      }
      // Quoted from the lead's own text: no markup, control characters or lines.
      String sentence = UntrustedText.scrub(raw).replaceAll("[.!?]+$", "").strip();
      if (!QualityGate.quotableClause(sentence)
          || (language != null && !QualityGate.factInLanguage(sentence, language))) {
        continue;
      }
      if (firstPersonPlural(sentence, language)) {
        continue;
      }
      sentence = secondPerson(sentence);
      String first = sentence.split("\\s+")[0];
      if (PRONOUNS.contains(first)) {
        sentence = Character.toLowerCase(sentence.charAt(0)) + sentence.substring(1);
      }
      return sentence;
    }
    return "";
  }
}

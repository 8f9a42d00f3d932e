package com.salesagent.activities.persona;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RAKE keyphrases: multi-word phrases split at stop words, never chat filler. */
class KeyphrasesTest {
  @Test
  void findsPhrasesAndDropsFiller() {
    List<String> phrases =
        Keyphrases.extract(
            "Sounds great, really! We are struggling with scaling challenges in our data"
                + " pipeline, and the cloud migration is eating the budget.",
            "en",
            10);

    assertThat(phrases).contains("scaling challenges", "data pipeline", "cloud migration");
    assertThat(phrases).doesNotContain("sounds", "great", "really", "sounds great");
    assertThat(String.join(" ", phrases)).doesNotContain("sounds", "great", "really");
  }

  @Test
  void theBestScoredPhrasesComeFirst() {
    List<String> phrases =
        Keyphrases.extract("Our legacy billing system migration. Budget.", "en", 2);

    assertThat(phrases).containsExactly("legacy billing system migration", "budget");
  }

  @Test
  void spanishAndPortugueseUseTheirOwnStopWords() {
    assertThat(
            Keyphrases.extract(
                "Hola, gracias. Tenemos problemas de escalabilidad con la plataforma de pagos",
                "es",
                5))
        .contains("plataforma", "pagos", "problemas")
        .doesNotContain("hola", "gracias", "tenemos");
    assertThat(
            Keyphrases.extract(
                "Oi, obrigado! Estamos com custo alto de infraestrutura na nuvem", "pt-BR", 5))
        .contains("custo alto", "infraestrutura", "nuvem")
        .doesNotContain("oi", "obrigado");
  }

  @Test
  void withoutALocaleTheLanguageIsGuessedFromStopWords() {
    assertThat(Keyphrases.language("Estamos com custo alto de infraestrutura na nuvem", null))
        .isEqualTo("pt");
    assertThat(Keyphrases.language("Tenemos problemas con la plataforma y los pagos", null))
        .isEqualTo("es");
    assertThat(Keyphrases.language("We have problems with the platform", "fr")).isEqualTo("en");
  }

  @Test
  void emptyTextHasNoPhrases() {
    assertThat(Keyphrases.extract(null, "en", 5)).isEmpty();
    assertThat(Keyphrases.extract("ok thanks!", "en", 5)).isEmpty();
  }

  /** Words a tag, its attributes or a script carry: none of them says anything about the lead. */
  static final List<String> MARKUP_WORDS =
      List.of(
          "img",
          "src",
          "onerror",
          "alert",
          "script",
          "svg",
          "onload",
          "href",
          "javascript",
          "style",
          "color",
          "div",
          "document",
          "cookie",
          "amp",
          "nbsp");

  @Test
  void markupInAReplyGivesNoKeyphrasesOfItsTagsAttributesOrScripts() {
    List<String> hostile =
        Keyphrases.extract(
            "<img src=x onerror=alert(1)> We are struggling with scaling challenges"
                + " <script>document.cookie; alert('xss')</script> in our data pipeline"
                + " <a href=\"javascript:alert(1)\">cloud migration</a>"
                + " <div style=\"color:red\"><svg onload=alert(2)></svg></div>&amp;&nbsp;",
            "en",
            20);

    assertThat(hostile).contains("scaling challenges", "data pipeline", "cloud migration");
    for (String phrase : hostile) {
      assertThat(phrase.split(" ")).as(phrase).doesNotContainAnyElementsOf(MARKUP_WORDS);
    }
    assertThat(Keyphrases.extract("<img src=x onerror=alert(1)>", "en", 5)).isEmpty();
    assertThat(Keyphrases.extract("<img src=x onerror=alert(1)", "en", 5)).isEmpty();
  }

  /**
   * Markup written as entities is markup once decoded: "&lt;img src=x onerror=alert(1)&gt;" (and
   * the same encoded twice or three times, "&amp;lt;...") gives none of its words either, while the
   * reply's own words around it still do; an entity that decodes to plain text ("R&amp;D", "5 &lt;
   * 10") is read as that text.
   */
  @Test
  void entityEncodedMarkupGivesNoKeyphrasesOfItsTagsEither() {
    String once = "&lt;img src=x onerror=alert(1)&gt;";
    String twice = "&amp;lt;svg onload=alert(2)&amp;gt;";
    String thrice = "&amp;amp;lt;script&amp;amp;gt;document.cookie&amp;amp;lt;/script&amp;amp;gt;";
    List<String> hostile =
        Keyphrases.extract(
            once
                + " We are struggling with scaling challenges "
                + twice
                + " in our data pipeline "
                + thrice
                + " &lt;a href=&quot;javascript:alert(1)&quot;&gt;cloud migration&lt;/a&gt;",
            "en",
            20);

    assertThat(hostile).contains("scaling challenges", "data pipeline", "cloud migration");
    for (String phrase : hostile) {
      assertThat(phrase.split(" ")).as(phrase).doesNotContainAnyElementsOf(MARKUP_WORDS);
    }
    for (String markup : List.of(once, twice, thrice)) {
      assertThat(Keyphrases.extract(markup, "en", 5)).as(markup).isEmpty();
    }
    assertThat(Keyphrases.extract("Our R&amp;D budget is 5 &lt; 10k", "en", 5))
        .containsExactly("budget", "10k");
    // Still markup after Text.MAX_DECODINGS decodings: nothing of that text is kept.
    String deep = "&lt;img src=x onerror=alert(1)&gt; scaling challenges";
    for (int i = 0; i < Text.MAX_DECODINGS; i++) {
      deep = deep.replace("&", "&amp;");
    }
    assertThat(Keyphrases.extract(deep, "en", 5)).isEmpty();
  }

  /** What the extraction gave before markup was stripped: a '<' or '&' of plain text stays text. */
  @Test
  void aPlainReplysKeyphrasesAreThoseOfItsText() {
    String plain =
        "Our R&D budget is 5 < 10k this year.\nThe cloud migration - a big project;"
            + " scaling challenges (again)!";
    List<String> phrases = Keyphrases.extract(plain, "en", 10);

    assertThat(phrases)
        .containsExactly(
            "cloud migration", "big project", "scaling challenges", "budget", "10k", "year");
  }

  /**
   * The 4,096 characters read are counted in code points, as WhatsApp counts a reply's: a reply of
   * 4,096 characters whose first ones are emoji (two UTF-16 chars each) is read to its last word.
   */
  @Test
  void aReplyOfMaxTextCharactersWithEmojiIsReadToItsEnd() {
    String emoji = "\uD83D\uDE00";
    String words = " zebra crossing";
    String reply = emoji.repeat(Keyphrases.MAX_TEXT - words.length()) + words;
    assertThat(reply.codePointCount(0, reply.length())).isEqualTo(Keyphrases.MAX_TEXT);
    assertThat(Keyphrases.extract(reply, "en", 3)).containsExactly("zebra crossing");
    // One more emoji and the last letter is past the limit.
    assertThat(Keyphrases.extract(emoji + reply, "en", 3)).containsExactly("zebra crossin");
  }
}

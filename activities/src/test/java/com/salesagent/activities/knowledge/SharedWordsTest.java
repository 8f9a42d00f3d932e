package com.salesagent.activities.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The lexical check of drafts in languages the embedding model does not cover. */
class SharedWordsTest {
  private static SharedWords.Match match(String reply, String title, List<String> keywords) {
    return SharedWords.match(
        SharedWords.words(reply, "pt"), SharedWords.ofEntry(title, keywords, "pt"));
  }

  @Test
  void onlyEnglishRestsOnTheEmbeddingAlone() {
    assertThat(SharedWords.applies("en")).isFalse();
    assertThat(List.of("pt", "es", "de", "fr")).allMatch(SharedWords::applies);
  }

  @Test
  void stopWordsGreetingsAndQuestionWordsAreNoContentWords() {
    assertThat(SharedWords.words("Quem é você?", "pt").stems()).isEmpty();
    assertThat(SharedWords.words("Olá, tudo bem? Obrigado!", "pt").stems()).isEmpty();
    assertThat(SharedWords.words("¿Quién es usted?", "es").stems()).isEmpty();
    assertThat(SharedWords.words("Podemos falar na segunda?", "pt").stems().keySet())
        .containsExactly("falar", "segunda");
  }

  @Test
  void wordsMatchByStemWithOrWithoutAccents() {
    SharedWords.Match m =
        match(
            "Podemos marcar uma reuniao?",
            "Marcar uma reunião ou uma demonstração",
            List.of("reuniões", "falar"));
    assertThat(m.shared()).containsExactly("marcar", "reuniao");
    assertThat(m.share()).isEqualTo(1.0);
    assertThat(
            match("Quanto custam os planos?", "Quanto custa? Preços e planos", List.of()).shared())
        .containsExactly("custam", "planos");
    assertThat(match("Vocês trabalham aos sábados?", "Quanto custa? Preços e planos", List.of()))
        .satisfies(n -> assertThat(n.shared()).isEmpty())
        .satisfies(n -> assertThat(n.share()).isZero());
  }

  /** The documented bar: two shared content words at least, three quarters of the reply's. */
  @Test
  void theAutoSendBarNeedsTwoSharedWordsAndThreeQuartersOfTheReply() {
    assertThat(new SharedWords.Match(List.of("custa"), 1).clearsAutoSendBar()).isFalse();
    assertThat(new SharedWords.Match(List.of("preco", "planos"), 3).clearsAutoSendBar()).isFalse();
    assertThat(new SharedWords.Match(List.of("preco", "planos"), 2).clearsAutoSendBar()).isTrue();
    assertThat(new SharedWords.Match(List.of("a", "b", "c"), 4).clearsAutoSendBar()).isTrue();
  }

  /** With no shared word an entry scores below the drafts' cut-off, whatever the cosine. */
  @Test
  void anEntrySharingNoWordScoresBelowTheCutOff() {
    assertThat(SharedWords.combined(SharedWords.Match.NONE, 1.0))
        .isLessThan(EntryRanking.MIN_SCORE);
    assertThat(SharedWords.combined(new SharedWords.Match(List.of("falar"), 2), 0.2))
        .isGreaterThanOrEqualTo(EntryRanking.MIN_SCORE);
  }

  @Test
  void aLanguageWithoutAStopListDropsShortWords() {
    assertThat(SharedWords.words("Was kostet das im Monat?", "de").stems().keySet())
        .containsExactly("kostet", "monat");
  }
}

package com.salesagent.activities.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The sample knowledge entries, read from their resource file. */
class KnowledgeSamplesTest {
  @Test
  void everyKindIsSeededInEachLanguageAndEveryObjectionNamesItsSubtype() {
    List<Document> samples = KnowledgeSamples.samples();

    assertThat(samples).extracting(d -> d.getString("_id")).doesNotHaveDuplicates();
    assertThat(samples).allSatisfy(d -> assertThat(d.getBoolean("sample")).isTrue());
    Map<String, Set<String>> languagesByKind =
        samples.stream()
            .collect(
                Collectors.groupingBy(
                    d -> d.getString("kind") + ":" + d.getString("objection"),
                    Collectors.mapping(d -> d.getString("language"), Collectors.toSet())));
    assertThat(languagesByKind)
        .containsKeys(
            "pricing:null",
            "faq:null",
            "booking:null",
            "objection:cost",
            "objection:competitor",
            "objection:timing");
    languagesByKind.forEach(
        (kind, languages) ->
            assertThat(languages).as(kind).containsExactlyInAnyOrder("en", "es", "pt"));
    assertThat(samples)
        .allSatisfy(
            d ->
                assertThat(d.getList("keywords", String.class))
                    .as(d.getString("_id"))
                    .isNotEmpty());
  }
}

package com.salesagent.activities.persona;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.PersonaSearchIndex;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Atlas Search path of the faceted search, here without Atlas: the index maps every filter and
 * facet, the seed's example becomes the operator it should, and a server without Atlas Search (the
 * embedded one refuses $searchMeta) answers through $match + $facet all the same. Agreement with
 * the $facet path on Atlas itself: AtlasLocalPersonaSearchTest (where Docker exists).
 */
class AtlasPersonaSearchTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static PersonaSearch.Query example() {
    Map<String, List<String>> filters = new LinkedHashMap<>();
    filters.put("seniority", List.of("vp"));
    filters.put("function", List.of("engineering"));
    filters.put("industry", List.of("saas", "fintech"));
    return new PersonaSearch.Query(
        "Scaling Challenges", filters, "c1", 0, 20, List.of("industry", "topic"));
  }

  @Test
  void theIndexMapsEveryFacetFilterAndTheSearchText() {
    Document fields =
        PersonaSearchIndex.definition()
            .get("mappings", Document.class)
            .get("fields", Document.class);
    for (String field : PersonaFields.FACETS.values()) {
      assertThat(fields.get(field, Document.class).getString("type")).as(field).isEqualTo("token");
    }
    assertThat(fields.get("campaignId", Document.class).getString("type")).isEqualTo("token");
    assertThat(fields.get("searchText", Document.class).getString("type")).isEqualTo("string");
    assertThat(fields.get("replied", Document.class).getString("type")).isEqualTo("boolean");
    assertThat(PersonaSearchIndex.definition().get("mappings", Document.class).get("dynamic"))
        .isEqualTo(false);
  }

  @Test
  void theSeedsExampleBecomesFilterClausesAndTheRepliesAQueryOfTheirOwn() {
    Document meta = AtlasPersonaSearch.searchMeta(example(), false);
    Document stage = meta.get("$searchMeta", Document.class);
    assertThat(stage.getString("index")).isEqualTo(PersonaSearchIndex.NAME);
    assertThat(stage.get("count", Document.class).getString("type")).isEqualTo("total");
    Document facet = stage.get("facet", Document.class);
    List<Document> filter =
        facet
            .get("operator", Document.class)
            .get("compound", Document.class)
            .getList("filter", Document.class);
    assertThat(filter.stream().map(Document::toJson).toList())
        .containsExactly(
            "{\"exists\": {\"path\": \"leadId\"}}",
            "{\"equals\": {\"path\": \"campaignId\", \"value\": \"c1\"}}",
            "{\"in\": {\"path\": \"seniority\", \"value\": [\"vp\"]}}",
            "{\"in\": {\"path\": \"function\", \"value\": [\"engineering\"]}}",
            "{\"in\": {\"path\": \"industry\", \"value\": [\"saas\", \"fintech\"]}}",
            "{\"phrase\": {\"path\": \"searchText\", \"query\": \"scaling challenges\"}}");
    assertThat(facet.get("facets", Document.class).get("topic", Document.class).toJson())
        .isEqualTo("{\"type\": \"string\", \"path\": \"topics\", \"numBuckets\": 50}");

    List<Document> replied =
        AtlasPersonaSearch.searchMeta(example(), true)
            .get("$searchMeta", Document.class)
            .get("facet", Document.class)
            .get("operator", Document.class)
            .get("compound", Document.class)
            .getList("filter", Document.class);
    assertThat(replied.get(replied.size() - 1).toJson())
        .isEqualTo("{\"equals\": {\"path\": \"replied\", \"value\": true}}");
  }

  @Test
  void whereAtlasSearchFailsTheSearchAnswersByFacetStageAllTheSame() {
    Instant at = Instant.parse("2026-11-20T10:00:00Z");
    MONGO
        .database()
        .getCollection(Collections.PERSONAS)
        .insertMany(
            List.of(
                PersonaSearchTest.persona(
                    "a",
                    "c1",
                    "saas",
                    "10-49",
                    "vp",
                    "engineering",
                    List.of("scaling_challenges"),
                    List.of(),
                    List.of(),
                    List.of(),
                    true,
                    at),
                PersonaSearchTest.persona(
                    "b",
                    "c1",
                    "fintech",
                    "10-49",
                    "vp",
                    "engineering",
                    List.of("scaling_challenges"),
                    List.of(),
                    List.of(),
                    List.of(),
                    false,
                    at),
                PersonaSearchTest.persona(
                    "c",
                    "c1",
                    "retail",
                    "10-49",
                    "vp",
                    "engineering",
                    List.of("scaling_challenges"),
                    List.of(),
                    List.of(),
                    List.of(),
                    true,
                    at)));
    PersonaSearch.Query q =
        new PersonaSearch.Query(
            null, Map.of("industry", List.of("saas", "fintech")), "c1", 0, 20, List.of("industry"));

    PersonaSearch.Result viaAtlas = new PersonaSearch(MONGO.database(), () -> true).search(q);
    PersonaSearch.Result plain = new PersonaSearch(MONGO.database()).search(q);

    assertThat(viaAtlas.total()).isEqualTo(2).isEqualTo(plain.total());
    assertThat(viaAtlas.replyRate().successes()).isEqualTo(1);
    assertThat(viaAtlas.facets()).isEqualTo(plain.facets());
  }
}

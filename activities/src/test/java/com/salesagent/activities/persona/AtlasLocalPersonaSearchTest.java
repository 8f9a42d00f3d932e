package com.salesagent.activities.persona;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoCapabilities;
import com.salesagent.activities.mongo.MongoSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBAtlasLocalContainer;

/**
 * The faceted search on MongoDB Atlas Local: start-up creates the personas' search index, and once
 * it answers, $searchMeta facets agree with $match + $facet on totals, reply rates and every
 * bucket's count and replies, for the seed's example and a spread of filters. Extra coverage where
 * Docker exists; the $facet path and the fallback are tested everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class AtlasLocalPersonaSearchTest {
  @Container
  static final MongoDBAtlasLocalContainer ATLAS =
      new MongoDBAtlasLocalContainer("mongodb/mongodb-atlas-local:8.0");

  @Test
  void searchMetaFacetsAgreeWithTheFacetStage() throws Exception {
    try (MongoClient client = MongoClients.create(ATLAS.getConnectionString())) {
      MongoDatabase db = client.getDatabase("atlas_personas");
      MongoCapabilities capabilities = MongoSchema.ensure(db);
      assertThat(capabilities.vectorSearch()).isTrue();
      Random random = new Random(11);
      List<Document> personas = new ArrayList<>();
      Instant at = Instant.parse("2026-11-01T00:00:00Z");
      for (int i = 0; i < 120; i++) {
        personas.add(
            PersonaSearchTest.persona(
                "p-" + i,
                i % 2 == 0 ? "c1" : "c2",
                List.of("saas", "fintech", "retail").get(random.nextInt(3)),
                List.of("10-49", "200-999").get(random.nextInt(2)),
                List.of("vp", "manager", "ic").get(random.nextInt(3)),
                List.of("engineering", "sales").get(random.nextInt(2)),
                random.nextBoolean() ? List.of("scaling_challenges") : List.of("hiring"),
                random.nextBoolean() ? List.of("cost") : List.of(),
                List.of(),
                List.of(),
                random.nextDouble() < 0.3,
                at.plusSeconds(i)));
      }
      db.getCollection(Collections.PERSONAS).insertMany(personas);
      var index = MongoSchema.personaSearchIndex(db, capabilities);
      long deadline = System.nanoTime() + 180_000_000_000L;
      PersonaSearch atlas = new PersonaSearch(db, () -> true);
      AtlasPersonaSearch direct = new AtlasPersonaSearch(db.getCollection(Collections.PERSONAS));
      PersonaSearch.Query all =
          new PersonaSearch.Query(null, Map.of(), null, 0, 20, PersonaFields.DEFAULT_FACETS);
      while ((!index.queryable() || direct.search(all).total() < 120)
          && System.nanoTime() < deadline) {
        Thread.sleep(1000);
      }
      PersonaSearch plain = new PersonaSearch(db);
      Map<String, List<String>> example = new LinkedHashMap<>();
      example.put("seniority", List.of("vp"));
      example.put("function", List.of("engineering"));
      example.put("industry", List.of("saas"));
      for (PersonaSearch.Query q :
          List.of(
              all,
              new PersonaSearch.Query(
                  "scaling challenges", example, null, 0, 50, PersonaFields.DEFAULT_FACETS),
              new PersonaSearch.Query(
                  null,
                  Map.of("objection", List.of("cost"), "industry", List.of("fintech", "retail")),
                  "c1",
                  0,
                  50,
                  PersonaFields.DEFAULT_FACETS))) {
        PersonaSearch.Result a = direct.search(q);
        PersonaSearch.Result b = plain.search(q);
        assertThat(a.total()).as("%s", q).isEqualTo(b.total());
        assertThat(a.replyRate().successes()).as("%s", q).isEqualTo(b.replyRate().successes());
        assertThat(a.facets()).as("%s", q).isEqualTo(b.facets());
        assertThat(atlas.search(q).total()).isEqualTo(b.total());
      }
    }
  }
}

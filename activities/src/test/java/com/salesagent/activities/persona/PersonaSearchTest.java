package com.salesagent.activities.persona;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faceted search on the embedded MongoDB-wire server: counts, reply rates and pages equal a
 * brute-force count over a randomised seeded set (fixed seed), and the seed's example query finds
 * exactly the planted leads.
 */
class PersonaSearchTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  static final List<String> INDUSTRIES = java.util.Arrays.asList("saas", "fintech", "retail", null);
  static final List<String> BANDS = java.util.Arrays.asList("10-49", "50-199", "200-999", null);
  static final List<String> SENIORITIES =
      java.util.Arrays.asList("vp", "director", "manager", "ic", null);
  static final List<String> FUNCTIONS =
      java.util.Arrays.asList("engineering", "sales", "marketing", null);
  static final List<String> TOPICS =
      List.of("scaling_challenges", "cost_reduction", "hiring", "cloud_migration");
  static final List<String> OBJECTIONS = List.of("cost", "timing", "competitor");
  static final List<String> INTENTS = List.of("interested", "objection", "not_now");
  static final List<String> PHRASES =
      List.of("data pipeline", "budget freeze", "new warehouse", "engineering hiring plan");
  static final List<String> PLANTED = List.of("planted-1", "planted-2", "planted-3");

  private List<Document> seeded;
  private PersonaSearch search;

  @BeforeEach
  void seed() {
    MongoSchema.ensure(MONGO.database());
    Random random = new Random(20261201L);
    seeded = new ArrayList<>();
    Instant base = Instant.parse("2026-11-01T00:00:00Z");
    for (int i = 0; i < 400; i++) {
      Document p =
          persona(
              "lead-" + i,
              random.nextBoolean() ? "c1" : "c2",
              pick(random, INDUSTRIES),
              pick(random, BANDS),
              pick(random, SENIORITIES),
              pick(random, FUNCTIONS),
              subset(random, TOPICS),
              subset(random, OBJECTIONS),
              subset(random, INTENTS),
              subset(random, PHRASES),
              random.nextDouble() < 0.3,
              base.plusSeconds(random.nextInt(1_000_000)));
      if (matchesExample(p)) {
        // only the planted leads answer the example query
        p = withTopics(p, List.of("hiring"));
      }
      seeded.add(p);
    }
    for (String id : PLANTED) {
      seeded.add(
          persona(
              id,
              "c1",
              "saas",
              "200-999",
              "vp",
              "engineering",
              List.of("scaling_challenges", "hiring"),
              List.of(),
              List.of("interested"),
              List.of(),
              id.endsWith("1"),
              base.plusSeconds(2_000_000)));
    }
    MONGO.database().getCollection(Collections.PERSONAS).insertMany(seeded);
    search = new PersonaSearch(MONGO.database());
  }

  @Test
  void theSeedsExampleFindsExactlyThePlantedLeads() {
    // "VPs of Engineering in the SaaS industry who mentioned 'scaling challenges'"
    Map<String, List<String>> filters = new LinkedHashMap<>();
    filters.put("seniority", List.of("vp"));
    filters.put("function", List.of("engineering"));
    filters.put("industry", List.of("saas"));
    PersonaSearch.Result byText =
        search.search(
            new PersonaSearch.Query("scaling challenges", filters, null, 0, 20, List.of()));
    Map<String, List<String>> byTopicFilters = new LinkedHashMap<>(filters);
    byTopicFilters.put("topic", List.of("scaling_challenges"));
    PersonaSearch.Result byTopic =
        search.search(
            new PersonaSearch.Query(
                null, byTopicFilters, null, 0, 20, PersonaFields.DEFAULT_FACETS));

    assertThat(ids(byText)).containsExactlyInAnyOrderElementsOf(PLANTED);
    assertThat(ids(byTopic)).containsExactlyInAnyOrderElementsOf(PLANTED);
    assertThat(byTopic.total()).isEqualTo(3);
    assertThat(byTopic.replyRate().successes()).isEqualTo(1);
    assertThat(byTopic.facets().get("topic"))
        .extracting(PersonaSearch.Bucket::value, PersonaSearch.Bucket::count)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("hiring", 3L),
            org.assertj.core.groups.Tuple.tuple("scaling_challenges", 3L));
  }

  @Test
  void countsAndReplyRatesEqualABruteForceCount() {
    Random random = new Random(7L);
    List<String> queries = java.util.Arrays.asList(null, null, "engineering", "budget", "data");
    for (int round = 0; round < 25; round++) {
      Map<String, List<String>> filters = new LinkedHashMap<>();
      if (random.nextBoolean()) {
        filters.put("industry", values(random, INDUSTRIES));
      }
      if (random.nextBoolean()) {
        filters.put("seniority", values(random, SENIORITIES));
      }
      if (random.nextInt(3) == 0) {
        filters.put("topic", values(random, TOPICS));
      }
      if (random.nextInt(3) == 0) {
        filters.put("objection", values(random, OBJECTIONS));
      }
      String q = queries.get(random.nextInt(queries.size()));
      String campaign = random.nextInt(4) == 0 ? "c2" : null;
      PersonaSearch.Query query =
          new PersonaSearch.Query(
              q, filters, campaign, random.nextInt(3), 1 + random.nextInt(30), allFacets());

      PersonaSearch.Result result = search.search(query);

      List<Document> expected = seeded.stream().filter(p -> matches(p, query)).toList();
      String what = "round " + round + ": " + filters + " q=" + q + " campaign=" + campaign;
      assertThat(result.total()).as(what).isEqualTo(expected.size());
      assertThat(result.replyRate().successes())
          .as(what)
          .isEqualTo(expected.stream().filter(p -> p.getBoolean("replied")).count());
      for (String facet : allFacets()) {
        assertThat(counts(result.facets().get(facet)))
            .as(what + " facet " + facet)
            .isEqualTo(bruteForce(expected, PersonaFields.FACETS.get(facet)));
      }
      List<String> page =
          expected.stream()
              .sorted(
                  Comparator.comparing((Document p) -> p.getDate("updatedAt"))
                      .reversed()
                      .thenComparing(p -> p.getString("leadId")))
              .skip((long) query.page() * query.size())
              .limit(query.size())
              .map(p -> p.getString("leadId"))
              .toList();
      assertThat(ids(result)).as(what + " page").containsExactlyElementsOf(page);
    }
  }

  @Test
  void aFacetValuesReplyRateCarriesItsWilsonInterval() {
    PersonaSearch.Result all =
        search.search(new PersonaSearch.Query(null, Map.of(), null, 0, 1, List.of("industry")));
    for (PersonaSearch.Bucket b : all.facets().get("industry")) {
      long replied =
          seeded.stream()
              .filter(p -> b.value().equals(p.getString("industry")) && p.getBoolean("replied"))
              .count();
      Wilson.Interval expected = Wilson.of(replied, b.count());
      assertThat(b.replyRate()).isEqualTo(expected);
    }
    assertThat(all.personas()).hasSize(1);
    assertThat(all.personas().get(0)).doesNotContainKeys("evidence", "searchText", "_id");
  }

  @Test
  void nothingMatchedIsAnEmptyAnswer() {
    PersonaSearch.Result none =
        search.search(
            new PersonaSearch.Query("no such phrase anywhere", Map.of(), null, 0, 10, allFacets()));
    assertThat(none.total()).isZero();
    assertThat(none.replyRate().rate()).isNull();
    assertThat(none.personas()).isEmpty();
    assertThat(none.facets().get("industry")).isEmpty();
  }

  static List<String> allFacets() {
    return List.of(
        "industry", "sizeBand", "seniority", "function", "topic", "objection", "intent", "country");
  }

  private static boolean matches(Document p, PersonaSearch.Query q) {
    if (q.campaignId() != null && !q.campaignId().equals(p.getString("campaignId"))) {
      return false;
    }
    for (Map.Entry<String, List<String>> f : q.filters().entrySet()) {
      Object v = p.get(PersonaFields.FACETS.get(f.getKey()));
      boolean any =
          v instanceof List<?> list
              ? list.stream().anyMatch(f.getValue()::contains)
              : f.getValue().contains(v);
      if (!any) {
        return false;
      }
    }
    return q.q() == null || p.getString("searchText").contains(Text.normalise(q.q()));
  }

  private static Map<String, List<Long>> bruteForce(List<Document> docs, String field) {
    Map<String, List<Long>> out = new TreeMap<>();
    for (Document p : docs) {
      Object v = p.get(field);
      List<?> values = v instanceof List<?> l ? l : v == null ? List.of() : List.of(v);
      for (Object value : values) {
        List<Long> c = out.computeIfAbsent(value.toString(), k -> new ArrayList<>(List.of(0L, 0L)));
        c.set(0, c.get(0) + 1);
        c.set(1, c.get(1) + (p.getBoolean("replied") ? 1 : 0));
      }
    }
    return out;
  }

  private static Map<String, List<Long>> counts(List<PersonaSearch.Bucket> buckets) {
    Map<String, List<Long>> out = new TreeMap<>();
    for (PersonaSearch.Bucket b : buckets) {
      out.put(b.value(), List.of(b.count(), b.replyRate().successes()));
    }
    return out;
  }

  private static List<String> ids(PersonaSearch.Result r) {
    return r.personas().stream().map(d -> d.getString("leadId")).toList();
  }

  private static boolean matchesExample(Document p) {
    return "vp".equals(p.getString("seniority"))
        && "engineering".equals(p.getString("function"))
        && "saas".equals(p.getString("industry"))
        && p.getList("topics", String.class).contains("scaling_challenges");
  }

  private static Document withTopics(Document p, List<String> topics) {
    Document ev = p.get("evidence", Document.class);
    ev.put("topics", topics.stream().map(t -> topic(t)).toList());
    PersonaFields.derive(p);
    return p;
  }

  static Document persona(
      String leadId,
      String campaignId,
      String industry,
      String band,
      String seniority,
      String function,
      List<String> topics,
      List<String> objections,
      List<String> intents,
      List<String> phrases,
      boolean replied,
      Instant updatedAt) {
    Instant at = Instant.parse("2026-10-01T00:00:00Z");
    Document ev = new Document();
    ev.put(
        "industry",
        industry == null ? null : Evidence.of(industry, Evidence.ENROLMENT, "industry", at));
    ev.put(
        "sizeBand", band == null ? null : Evidence.of(band, Evidence.ENROLMENT, "companySize", at));
    ev.put(
        "seniority",
        seniority == null ? null : Evidence.of(seniority, Evidence.ENROLMENT, "jobTitle", at));
    ev.put(
        "function",
        function == null ? null : Evidence.of(function, Evidence.ENROLMENT, "jobTitle", at));
    ev.put(
        "country",
        Evidence.of(leadId.hashCode() % 2 == 0 ? "BR" : "MX", Evidence.PHONE, "phone", at));
    ev.put("topics", topics.stream().map(t -> topic(t)).toList());
    ev.put(
        "objections",
        objections.stream().map(o -> Evidence.of(o, Evidence.REPLY, "wamid.x", at)).toList());
    ev.put(
        "intents",
        intents.stream().map(o -> Evidence.of(o, Evidence.REPLY, "wamid.x", at)).toList());
    ev.put(
        "keyphrases",
        phrases.stream().map(o -> Evidence.of(o, Evidence.REPLY, "wamid.x", at)).toList());
    Document p =
        new Document("leadId", leadId)
            .append("campaignId", campaignId)
            .append("jobTitle", seniority == null ? "Someone" : seniority + " of " + function)
            .append("replied", replied)
            .append("evidence", ev)
            .append("updatedAt", Date.from(updatedAt));
    PersonaFields.derive(p);
    return p;
  }

  private static Document topic(String id) {
    return Evidence.of(id, Evidence.RESEARCH, "chunk-" + id, Instant.parse("2026-10-01T00:00:00Z"))
        .append("label", id.replace('_', ' '))
        .append("score", 0.7);
  }

  private static <T> T pick(Random r, List<T> values) {
    return values.get(r.nextInt(values.size()));
  }

  private static List<String> subset(Random r, List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      if (r.nextInt(3) == 0) {
        out.add(v);
      }
    }
    return out;
  }

  private static List<String> values(Random r, List<String> values) {
    List<String> out = new ArrayList<>();
    List<String> nonNull = values.stream().filter(v -> v != null).toList();
    out.add(nonNull.get(r.nextInt(nonNull.size())));
    if (r.nextBoolean()) {
      String second = values.get(r.nextInt(values.size()));
      if (second != null && !out.contains(second)) {
        out.add(second);
      }
    }
    return out;
  }
}

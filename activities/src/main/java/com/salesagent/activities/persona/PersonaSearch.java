package com.salesagent.activities.persona;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faceted search over personas: the filters (facet values, AND across facets, OR within one; free
 * text {@code q} as a phrase in the persona's search text) select the matches; one aggregation
 * ({@code $match} on indexed fields, then {@code $facet}) answers a page of them, their count and
 * reply rate, and per requested facet each value's count and reply rate with its 95 % Wilson
 * interval. "Replied" is the lead's first reply, as the funnel counts it.
 */
public final class PersonaSearch {
  /** Most values listed per facet (the most frequent first). */
  public static final int MAX_BUCKETS = 50;

  /** A search: {@code filters} by facet name; {@code page} from 0. */
  public record Query(
      String q,
      Map<String, List<String>> filters,
      String campaignId,
      int page,
      int size,
      List<String> facets) {}

  /**
   * One value of a facet among the matches: how many have it and how many of those replied; for a
   * facet known only from replies ({@link PersonaFields#FROM_REPLIES}) also {@code shareOfReplies},
   * the part of the matches' replies with this value (null for the others).
   */
  public record Bucket(
      String value, long count, Wilson.Interval replyRate, Wilson.Interval shareOfReplies) {
    static Bucket of(String facet, String value, long count, long replied, long repliedTotal) {
      return new Bucket(
          value,
          count,
          Wilson.of(replied, count),
          PersonaFields.FROM_REPLIES.contains(facet)
              ? Wilson.of(Math.min(replied, repliedTotal), repliedTotal)
              : null);
    }
  }

  public record Result(
      long total,
      Wilson.Interval replyRate,
      List<Document> personas,
      Map<String, List<Bucket>> facets) {}

  static final Document PROJECTION =
      new Document("_id", 0)
          .append("leadId", 1)
          .append("campaignId", 1)
          .append("segment", 1)
          .append("jobTitle", 1)
          .append("industry", 1)
          .append("sizeBand", 1)
          .append("seniority", 1)
          .append("function", 1)
          .append("country", 1)
          .append("topics", 1)
          .append("objections", 1)
          .append("intents", 1)
          .append("sentiment", 1)
          .append("keyphrases", 1)
          .append("replied", 1)
          .append("updatedAt", 1);

  private static final Logger LOG = LoggerFactory.getLogger(PersonaSearch.class);

  private final MongoCollection<Document> personas;
  private final MongoCollection<Document> topics;
  private final BooleanSupplier atlasSearch;
  private final AtlasPersonaSearch atlas;

  /** The {@code $match} + {@code $facet} path only (the embedded server, a plain mongod). */
  public PersonaSearch(MongoDatabase db) {
    this(db, () -> false);
  }

  /**
   * {@code atlasSearch}: whether the Atlas Search index {@value AtlasPersonaSearch#INDEX} answers
   * queries now; while it does, searches use it ({@link AtlasPersonaSearch}), and fall back to
   * {@code $match} + {@code $facet} when it fails.
   */
  public PersonaSearch(MongoDatabase db, BooleanSupplier atlasSearch) {
    this.personas = db.getCollection(Collections.PERSONAS);
    this.topics = db.getCollection(Topics.COLLECTION);
    this.atlasSearch = atlasSearch;
    this.atlas = new AtlasPersonaSearch(personas);
  }

  public Result search(Query given) {
    Query query = withTopicsAsStored(given);
    if (atlasSearch.getAsBoolean()) {
      try {
        return atlas.search(query);
      } catch (RuntimeException e) {
        LOG.warn("Atlas Search over personas failed ({}); $match + $facet", e.toString());
      }
    }
    return searchByFacetStage(query);
  }

  /**
   * The query with each topic it filters on spelt as the topic list ({@link Topics}) spells it,
   * whatever its case ({@code topic=Scaling_Challenges} is {@code scaling_challenges}): a persona
   * stores the list's topic ids, so the filter stays an equality on the indexed field. A value the
   * list lacks (a topic removed since) is kept as given and in lower case, as the seeded ids are.
   */
  Query withTopicsAsStored(Query query) {
    List<String> wanted = query.filters().get(PersonaFields.TOPIC);
    if (wanted == null || wanted.isEmpty()) {
      return query;
    }
    List<String> ids = new ArrayList<>();
    topics
        .find()
        .projection(new Document("topicId", 1).append("_id", 0))
        .limit(Topics.MAX_TOPICS)
        .forEach(
            t -> {
              if (t.get("topicId") instanceof String id) {
                ids.add(id);
              }
            });
    java.util.Set<String> stored = new java.util.LinkedHashSet<>();
    for (String value : wanted) {
      stored.add(value);
      // The seeded ids are lower case: one read before the list is seeded, or removed since.
      stored.add(value.toLowerCase(java.util.Locale.ROOT));
      for (String id : ids) {
        if (id.equalsIgnoreCase(value)) {
          stored.add(id);
        }
      }
    }
    Map<String, List<String>> filters = new LinkedHashMap<>(query.filters());
    filters.put(PersonaFields.TOPIC, List.copyOf(stored));
    return new Query(
        query.q(), filters, query.campaignId(), query.page(), query.size(), query.facets());
  }

  /** The search with {@code $match} on indexed fields and one {@code $facet}. */
  Result searchByFacetStage(Query query) {
    Document facetStage = new Document();
    facetStage.append("_total", List.of(new Document("$group", rateGroup(null))));
    facetStage.append(
        "_page",
        List.of(
            new Document("$sort", new Document("updatedAt", -1).append("leadId", 1)),
            new Document("$skip", (long) query.page() * query.size()),
            new Document("$limit", query.size()),
            new Document("$project", PROJECTION)));
    for (String facet : query.facets()) {
      String field = PersonaFields.FACETS.get(facet);
      List<Document> stages = new ArrayList<>();
      if (PersonaFields.ARRAYS.contains(field)) {
        stages.add(new Document("$unwind", "$" + field));
      } else {
        stages.add(new Document("$match", new Document(field, new Document("$ne", null))));
      }
      stages.add(new Document("$group", rateGroup("$" + field)));
      stages.add(new Document("$sort", new Document("count", -1).append("_id", 1)));
      stages.add(new Document("$limit", MAX_BUCKETS));
      facetStage.append(facet, stages);
    }
    List<Document> pipeline =
        List.of(new Document("$match", filter(query)), new Document("$facet", facetStage));
    Document out = personas.aggregate(pipeline).first();
    List<Document> total = out == null ? List.of() : out.getList("_total", Document.class);
    long n = total.isEmpty() ? 0 : number(total.get(0), "count");
    long replied = total.isEmpty() ? 0 : number(total.get(0), "replied");
    Map<String, List<Bucket>> facets = new LinkedHashMap<>();
    for (String facet : query.facets()) {
      List<Bucket> buckets = new ArrayList<>();
      for (Document b : out == null ? List.<Document>of() : out.getList(facet, Document.class)) {
        long count = number(b, "count");
        buckets.add(
            Bucket.of(facet, String.valueOf(b.get("_id")), count, number(b, "replied"), replied));
      }
      facets.put(facet, buckets);
    }
    return new Result(
        n,
        Wilson.of(replied, n),
        out == null ? List.of() : out.getList("_page", Document.class),
        facets);
  }

  /** The $match of a query: every clause on an indexed field but the free-text one. */
  static Bson filter(Query query) {
    List<Bson> clauses = new ArrayList<>();
    if (query.campaignId() != null) {
      clauses.add(Filters.eq("campaignId", query.campaignId()));
    }
    for (Map.Entry<String, List<String>> f : query.filters().entrySet()) {
      String field = PersonaFields.FACETS.get(f.getKey());
      if (field == null) {
        throw new IllegalArgumentException("unknown facet " + f.getKey());
      }
      clauses.add(
          f.getValue().size() == 1
              ? Filters.eq(field, f.getValue().get(0))
              : Filters.in(field, f.getValue()));
    }
    String q = query.q() == null ? "" : PersonaFields.normaliseQuery(query.q());
    if (!q.isEmpty()) {
      // normalised text is letters, digits, apostrophes and single spaces: no regex syntax
      clauses.add(Filters.regex("searchText", q));
    }
    return clauses.isEmpty() ? new Document() : Filters.and(clauses);
  }

  /** A $group by {@code id} counting the personas and the ones that replied. */
  static Document rateGroup(Object id) {
    return new Document("_id", id)
        .append("count", new Document("$sum", 1))
        .append(
            "replied",
            new Document(
                "$sum",
                new Document(
                    "$cond", List.of(new Document("$eq", List.of("$replied", true)), 1, 0))));
  }

  static long number(Document d, String field) {
    Number n = d.get(field, Number.class);
    return n == null ? 0 : n.longValue();
  }
}

package com.salesagent.activities.persona;

import com.mongodb.client.MongoCollection;
import com.salesagent.activities.mongo.PersonaSearchIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * The faceted search on MongoDB Atlas (and Atlas Local): the search index {@link
 * PersonaSearchIndex} over the personas ({@code token} fields for the facets and filters, a {@code
 * string} field for the free text, a {@code boolean} for replied), queried with {@code
 * $searchMeta}'s {@code facet} collector for the counts and {@code $search} for the page. Atlas
 * facets count but do not sum, so the replies per bucket come from a second {@code $searchMeta}
 * with {@code replied: true} added: two index-only queries instead of a scan of the matches.
 * Answers what {@link PersonaSearch}'s {@code $match} + {@code $facet} path answers for the same
 * query (tested against Atlas Local where Docker exists).
 */
final class AtlasPersonaSearch {
  static final String INDEX = PersonaSearchIndex.NAME;

  private final MongoCollection<Document> personas;

  AtlasPersonaSearch(MongoCollection<Document> personas) {
    this.personas = personas;
  }

  /** The query as an Atlas Search operator: every clause a filter (no scoring needed). */
  static Document operator(PersonaSearch.Query query, boolean repliedOnly) {
    List<Document> filter = new ArrayList<>();
    // matches every persona (each has a leadId): a compound needs at least one clause
    filter.add(new Document("exists", new Document("path", "leadId")));
    if (query.campaignId() != null) {
      filter.add(
          new Document(
              "equals", new Document("path", "campaignId").append("value", query.campaignId())));
    }
    for (Map.Entry<String, List<String>> f : query.filters().entrySet()) {
      String field = PersonaFields.FACETS.get(f.getKey());
      if (field == null) {
        throw new IllegalArgumentException("unknown facet " + f.getKey());
      }
      filter.add(new Document("in", new Document("path", field).append("value", f.getValue())));
    }
    String q = query.q() == null ? "" : PersonaFields.normaliseQuery(query.q());
    if (!q.isEmpty()) {
      filter.add(new Document("phrase", new Document("path", "searchText").append("query", q)));
    }
    if (repliedOnly) {
      filter.add(new Document("equals", new Document("path", "replied").append("value", true)));
    }
    return new Document("compound", new Document("filter", filter));
  }

  /** The {@code $searchMeta} stage counting the matches and each requested facet's values. */
  static Document searchMeta(PersonaSearch.Query query, boolean repliedOnly) {
    Document facets = new Document();
    for (String facet : query.facets()) {
      facets.append(
          facet,
          new Document("type", "string")
              .append("path", PersonaFields.FACETS.get(facet))
              .append("numBuckets", PersonaSearch.MAX_BUCKETS));
    }
    Document collector = new Document("operator", operator(query, repliedOnly));
    if (!facets.isEmpty()) {
      collector.append("facets", facets);
    }
    return new Document(
        "$searchMeta",
        new Document("index", INDEX)
            .append("facet", collector)
            .append("count", new Document("type", "total")));
  }

  PersonaSearch.Result search(PersonaSearch.Query query) {
    Document all = personas.aggregate(List.of(searchMeta(query, false))).first();
    Document replied = personas.aggregate(List.of(searchMeta(query, true))).first();
    long total = total(all);
    long repliedTotal = total(replied);
    Map<String, List<PersonaSearch.Bucket>> facets = new LinkedHashMap<>();
    for (String facet : query.facets()) {
      Map<String, Long> repliedByValue = new HashMap<>();
      for (Document b : buckets(replied, facet)) {
        repliedByValue.put(String.valueOf(b.get("_id")), PersonaSearch.number(b, "count"));
      }
      List<PersonaSearch.Bucket> out = new ArrayList<>();
      for (Document b : buckets(all, facet)) {
        String value = String.valueOf(b.get("_id"));
        long count = PersonaSearch.number(b, "count");
        long r = Math.min(count, repliedByValue.getOrDefault(value, 0L));
        out.add(PersonaSearch.Bucket.of(facet, value, count, r, repliedTotal));
      }
      // the $facet path's order: most frequent first, then by value
      out.sort(
          java.util.Comparator.comparingLong(PersonaSearch.Bucket::count)
              .reversed()
              .thenComparing(PersonaSearch.Bucket::value));
      facets.put(facet, out);
    }
    List<Document> page =
        personas
            .aggregate(
                List.of(
                    new Document(
                        "$search",
                        new Document("index", INDEX).append("compound", compound(query))),
                    new Document("$sort", new Document("updatedAt", -1).append("leadId", 1)),
                    new Document("$skip", (long) query.page() * query.size()),
                    new Document("$limit", query.size()),
                    new Document("$project", PersonaSearch.PROJECTION)))
            .into(new ArrayList<>());
    return new PersonaSearch.Result(
        total, Wilson.of(Math.min(total, repliedTotal), total), page, facets);
  }

  private static Document compound(PersonaSearch.Query query) {
    return operator(query, false).get("compound", Document.class);
  }

  private static long total(Document meta) {
    if (meta == null || !(meta.get("count") instanceof Document count)) {
      return 0;
    }
    Object n = count.get("total") != null ? count.get("total") : count.get("lowerBound");
    return n instanceof Number number ? number.longValue() : 0;
  }

  private static List<Document> buckets(Document meta, String facet) {
    if (meta == null || !(meta.get("facet") instanceof Document f)) {
      return List.of();
    }
    Document one = f.get(facet, Document.class);
    return one == null ? List.of() : one.getList("buckets", Document.class, List.of());
  }
}

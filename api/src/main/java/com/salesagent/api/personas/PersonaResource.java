package com.salesagent.api.personas;

import com.codahale.metrics.annotation.Timed;
import com.salesagent.activities.persona.PersonaFields;
import com.salesagent.activities.persona.PersonaSearch;
import com.salesagent.activities.persona.Wilson;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * {@code GET /api/personas/search}: personas by free text and facets, a page of them, and per facet
 * the value counts and reply rates (95 % Wilson intervals) over all the matches.
 */
@Tag(name = "personas", description = "Who the leads are, searchable by text and facets")
@Timed
@Path("/api/personas")
@Produces(MediaType.APPLICATION_JSON)
public class PersonaResource {
  static final int MAX_QUERY = 200;
  static final int MAX_SIZE = 100;
  static final int MAX_PAGE = 10_000;
  static final int MAX_VALUES = 20;
  static final int MAX_VALUE_LENGTH = 64;
  private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_+\\-]+");
  private static final Set<String> PARAMS = Set.of("q", "campaignId", "page", "size", "facets");

  /** A facet value among the matches and its reply rate. */
  public record Bucket(String value, long count, Rate replyRate) {}

  /** Replies over leads with the 95 % Wilson interval; {@code rate} null without leads. */
  public record Rate(long replied, long leads, Double rate, double low, double high) {
    static Rate of(Wilson.Interval i) {
      return new Rate(i.successes(), i.n(), round(i.rate()), round(i.low()), round(i.high()));
    }
  }

  public record SearchResult(
      long total,
      int page,
      int size,
      Rate replyRate,
      List<Map<String, Object>> personas,
      Map<String, List<Bucket>> facets) {}

  private final PersonaSearch search;

  public PersonaResource(PersonaSearch search) {
    this.search = search;
  }

  @GET
  @Path("/search")
  @Operation(
      summary = "Search personas by text (q) and facets",
      description =
          "Filters: industry, sizeBand, seniority, function, country, topic, objection, intent,"
              + " sentiment (comma-separated values: any of them), campaignId, q (a phrase in"
              + " title, industry, topics, keyphrases). facets: which facets to count (default"
              + " industry,sizeBand,seniority,function,topic,objection,intent). page from 0,"
              + " size up to 100.")
  public SearchResult search(@Context UriInfo uri) {
    PersonaSearch.Query query = query(uri.getQueryParameters());
    PersonaSearch.Result result = search.search(query);
    Map<String, List<Bucket>> facets = new LinkedHashMap<>();
    result
        .facets()
        .forEach(
            (facet, buckets) ->
                facets.put(
                    facet,
                    buckets.stream()
                        .map(b -> new Bucket(b.value(), b.count(), Rate.of(b.replyRate())))
                        .toList()));
    List<Map<String, Object>> personas = new ArrayList<>();
    for (Document d : result.personas()) {
      Map<String, Object> view = new LinkedHashMap<>();
      d.forEach((k, v) -> view.put(k, v instanceof Date date ? date.toInstant().toString() : v));
      personas.add(view);
    }
    return new SearchResult(
        result.total(), query.page(), query.size(), Rate.of(result.replyRate()), personas, facets);
  }

  /** The query of these parameters; 400 naming the first field at fault. */
  static PersonaSearch.Query query(MultivaluedMap<String, String> params) {
    List<FieldError> errors = new ArrayList<>();
    for (String name : params.keySet()) {
      if (!PARAMS.contains(name) && !PersonaFields.FACETS.containsKey(name)) {
        errors.add(
            new FieldError(
                name,
                "unknown parameter; filters are "
                    + String.join(", ", new java.util.TreeSet<>(PersonaFields.FACETS.keySet()))));
      }
      if (params.get(name).size() > 1) {
        errors.add(new FieldError(name, "given more than once; separate values with commas"));
      }
    }
    String q = params.getFirst("q");
    if (q != null && q.length() > MAX_QUERY) {
      errors.add(new FieldError("q", "at most " + MAX_QUERY + " characters"));
    }
    String campaignId = params.getFirst("campaignId");
    if (campaignId != null && (campaignId.isBlank() || campaignId.length() > 100)) {
      errors.add(new FieldError("campaignId", "1 to 100 characters"));
    }
    int page = integer(params.getFirst("page"), 0, 0, MAX_PAGE, "page", errors);
    int size = integer(params.getFirst("size"), 20, 1, MAX_SIZE, "size", errors);
    Map<String, List<String>> filters = new LinkedHashMap<>();
    for (String facet : PersonaFields.FACETS.keySet()) {
      String raw = params.getFirst(facet);
      if (raw != null) {
        List<String> values = values(raw, facet, errors);
        if (!values.isEmpty()) {
          filters.put(facet, values);
        }
      }
    }
    List<String> facets = PersonaFields.DEFAULT_FACETS;
    String rawFacets = params.getFirst("facets");
    if (rawFacets != null) {
      Set<String> chosen = new LinkedHashSet<>();
      for (String f : rawFacets.split(",", -1)) {
        String name = f.strip();
        if (name.isEmpty()) {
          continue;
        }
        if (!PersonaFields.FACETS.containsKey(name)) {
          errors.add(
              new FieldError(
                  "facets",
                  "unknown facet '"
                      + (name.length() > 40 ? name.substring(0, 40) + "…" : name)
                      + "'; known: "
                      + String.join(", ", new java.util.TreeSet<>(PersonaFields.FACETS.keySet()))));
          break;
        }
        chosen.add(name);
      }
      facets = List.copyOf(chosen);
    }
    if (!errors.isEmpty()) {
      throw new ApiException(400, "bad persona search", errors);
    }
    return new PersonaSearch.Query(
        q == null || q.isBlank() ? null : q.strip(), filters, campaignId, page, size, facets);
  }

  private static List<String> values(String raw, String field, List<FieldError> errors) {
    List<String> values = new ArrayList<>();
    for (String v : raw.split(",", -1)) {
      String value = v.strip();
      if (value.isEmpty()) {
        continue;
      }
      if (value.length() > MAX_VALUE_LENGTH || !VALUE.matcher(value).matches()) {
        errors.add(
            new FieldError(
                field,
                "values are letters, digits, '_', '+' or '-', at most "
                    + MAX_VALUE_LENGTH
                    + " characters each"));
        return List.of();
      }
      values.add(value);
    }
    if (values.size() > MAX_VALUES) {
      errors.add(new FieldError(field, "at most " + MAX_VALUES + " values"));
      return List.of();
    }
    return values;
  }

  private static int integer(
      String raw, int fallback, int min, int max, String field, List<FieldError> errors) {
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(raw.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(new FieldError(field, "an integer from " + min + " to " + max));
    return fallback;
  }

  private static Double round(Double d) {
    return d == null ? null : Math.round(d * 10_000) / 10_000.0;
  }

  private static double round(double d) {
    return Math.round(d * 10_000) / 10_000.0;
  }
}

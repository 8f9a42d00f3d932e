package com.salesagent.api.personas;

import com.codahale.metrics.annotation.Timed;
import com.salesagent.activities.persona.PersonaFields;
import com.salesagent.activities.persona.PersonaSearch;
import com.salesagent.activities.persona.SegmentDiscovery;
import com.salesagent.activities.persona.Wilson;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.QueryIds;
import com.salesagent.api.http.ReadableText;
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
  /**
   * A facet value: {@code replyRate} for a facet a lead has before it replies; {@code
   * shareOfReplies} for one known only from replies (intent, objection, sentiment), whose reply
   * rate would be 100 % by construction.
   */
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record Bucket(String value, long count, Rate replyRate, Share shareOfReplies) {
    static Bucket of(PersonaSearch.Bucket b) {
      return b.shareOfReplies() == null
          ? new Bucket(b.value(), b.count(), Rate.of(b.replyRate()), null)
          : new Bucket(b.value(), b.count(), null, Share.of(b.shareOfReplies()));
    }
  }

  /** Replies with the value over the matches' replies, with the 95 % Wilson interval. */
  public record Share(long count, long replies, Double rate, double low, double high) {
    static Share of(Wilson.Interval i) {
      return new Share(i.successes(), i.n(), round(i.rate()), round(i.low()), round(i.high()));
    }
  }

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

  /**
   * A group of personas that replies above or below the baseline. {@code evidence}: "above" or
   * "below" when the lift's whole 95 % interval lies on that side of 1, else "unclear" (its point
   * estimate leans one way, the interval holds the baseline too: more leads will tell).
   */
  public record Finding(
      Map<String, String> facets,
      Rate replyRate,
      double lift,
      double liftLow,
      double liftHigh,
      String evidence) {}

  public record Discovery(Rate baseline, int minLeads, List<Finding> above, List<Finding> below) {}

  static final List<String> DISCOVERY_FACETS =
      List.of("industry", "sizeBand", "seniority", "function");
  private static final Set<String> DISCOVERY_PARAMS =
      Set.of("campaignId", "facets", "pairs", "minLeads", "limit");

  private final PersonaSearch search;
  private final SegmentDiscovery discovery;

  public PersonaResource(PersonaSearch search, SegmentDiscovery discovery) {
    this.search = search;
    this.discovery = discovery;
  }

  @GET
  @Path("/discover")
  @Operation(
      summary = "Segments that reply above or below the mean",
      description =
          "Facet values, and pairs of values (pairs=true, the default), with at least minLeads"
              + " personas (default 30), ranked by reply-rate lift over the baseline (the"
              + " campaign's, or all personas'): above by the lift's lower 95 % bound, below by"
              + " its upper bound. facets: default industry,sizeBand,seniority,function; limit:"
              + " up to 100 each way (default 20).")
  public Discovery discover(@Context UriInfo uri) {
    MultivaluedMap<String, String> params = uri.getQueryParameters();
    List<FieldError> errors = new ArrayList<>();
    for (String name : params.keySet()) {
      if (!DISCOVERY_PARAMS.contains(name)) {
        errors.add(
            new FieldError(
                name,
                "unknown parameter; known: "
                    + String.join(", ", new java.util.TreeSet<>(DISCOVERY_PARAMS))));
      } else if (params.get(name).size() > 1) {
        errors.add(new FieldError(name, "given more than once"));
      }
    }
    String campaignId = params.getFirst("campaignId");
    if (campaignId != null && !QueryIds.CAMPAIGN_ID.matcher(campaignId).matches()) {
      errors.add(new FieldError("campaignId", "1-64 letters, digits, '-' or '_'"));
    }
    List<String> facets = facets(params.getFirst("facets"), DISCOVERY_FACETS, errors);
    String pairs = params.getFirst("pairs");
    if (pairs != null && !pairs.equals("true") && !pairs.equals("false")) {
      errors.add(new FieldError("pairs", "true or false"));
    }
    int minLeads = integer(params.getFirst("minLeads"), 30, 1, 1_000_000, "minLeads", errors);
    int limit =
        integer(params.getFirst("limit"), 20, 1, SegmentDiscovery.MAX_LIMIT, "limit", errors);
    if (!errors.isEmpty()) {
      throw new ApiException(400, "bad segment discovery", errors);
    }
    SegmentDiscovery.Result r =
        discovery.discover(campaignId, facets, !"false".equals(pairs), minLeads, limit);
    return new Discovery(
        Rate.of(r.baseline()), r.minLeads(), findings(r.above()), findings(r.below()));
  }

  private static List<Finding> findings(List<SegmentDiscovery.Finding> in) {
    return in.stream()
        .map(
            f ->
                new Finding(
                    f.facets(),
                    Rate.of(f.replyRate()),
                    f.lift(),
                    f.liftLow(),
                    f.liftHigh(),
                    switch (f.direction()) {
                      case 1 -> "above";
                      case -1 -> "below";
                      default -> "unclear";
                    }))
        .toList();
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
        .forEach((facet, buckets) -> facets.put(facet, buckets.stream().map(Bucket::of).toList()));
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
    if (q != null && ReadableText.length(q) > MAX_QUERY) {
      errors.add(new FieldError("q", "at most " + MAX_QUERY + " characters"));
    } else if (q != null && !q.isBlank() && PersonaFields.normaliseQuery(q).isEmpty()) {
      // Symbols alone (".*", a NUL) normalise to nothing, which matched every persona.
      errors.add(new FieldError("q", "has no letters or digits to search for"));
    }
    String campaignId = params.getFirst("campaignId");
    if (campaignId != null && !QueryIds.CAMPAIGN_ID.matcher(campaignId).matches()) {
      errors.add(new FieldError("campaignId", "1-64 letters, digits, '-' or '_'"));
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
    List<String> facets = facets(params.getFirst("facets"), PersonaFields.DEFAULT_FACETS, errors);
    if (!errors.isEmpty()) {
      throw new ApiException(400, "bad persona search", errors);
    }
    return new PersonaSearch.Query(
        q == null || q.isBlank() ? null : q.strip(), filters, campaignId, page, size, facets);
  }

  /** The facet names of a comma-separated list, else {@code fallback}; an unknown one is named. */
  private static List<String> facets(
      String rawFacets, List<String> fallback, List<FieldError> errors) {
    List<String> facets = fallback;
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
                      + shown(name)
                      + "'; known: "
                      + String.join(", ", new java.util.TreeSet<>(PersonaFields.FACETS.keySet()))));
          break;
        }
        chosen.add(name);
      }
      facets = List.copyOf(chosen);
    }
    return facets;
  }

  private static List<String> values(String raw, String field, List<FieldError> errors) {
    List<String> values = new ArrayList<>();
    int given = 0;
    for (String v : raw.split(",", -1)) {
      String value = v.strip();
      if (value.isEmpty()) {
        continue;
      }
      given++;
      if (value.length() > MAX_VALUE_LENGTH || !VALUE.matcher(value).matches()) {
        errors.add(
            new FieldError(
                field,
                "values are letters, digits, '_', '+' or '-', at most "
                    + MAX_VALUE_LENGTH
                    + " characters each"));
        return List.of();
      }
      String stored = PersonaFields.canonical(field, value);
      if (stored == null) {
        errors.add(new FieldError(field, unknownValue(field, value)));
        return List.of();
      }
      if (!values.contains(stored)) {
        values.add(stored);
      }
    }
    if (given > MAX_VALUES) {
      errors.add(new FieldError(field, "at most " + MAX_VALUES + " values"));
      return List.of();
    }
    return values;
  }

  /**
   * Why {@code value} is no value of the closed facet {@code field}, with the values it has: any
   * case is taken ({@code seniority=VP} is {@code vp}), an unknown value is not (it matched nothing
   * and answered 200 as if no persona had it).
   */
  static String unknownValue(String field, String value) {
    String shown = shown(value);
    if (PersonaFields.COUNTRY.equals(field)) {
      return "unknown value '" + shown + "': a two-letter country code such as BR or US";
    }
    return "unknown value '"
        + shown
        + "'; one of: "
        + String.join(", ", PersonaFields.CLOSED.get(field))
        + " (any case)";
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

  /** A value quoted in a refusal: its first 40 characters (code points, never half an emoji). */
  private static String shown(String value) {
    return ReadableText.length(value) > 40 ? ReadableText.cut(value, 40) + "…" : value;
  }
}

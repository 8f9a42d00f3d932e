package com.salesagent.api.personas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.persona.Evidence;
import com.salesagent.activities.persona.PersonaFields;
import com.salesagent.activities.persona.PersonaSearch;
import com.salesagent.activities.persona.SegmentDiscovery;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiExceptionMapper;
import com.salesagent.api.http.ResourceTests;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.core.Response;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /api/personas/search}: the seed's example query, the answer's shape, the 400s. */
@ExtendWith(DropwizardExtensionsSupport.class)
class PersonaResourceTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final InetSocketAddress ADDRESS = MONGO.bind();
  static final MongoClient CLIENT =
      MongoClients.create(
          "mongodb://" + ADDRESS.getHostString() + ":" + ADDRESS.getPort() + "/?w=1");
  static final MongoDatabase DB = CLIENT.getDatabase("personas-test");
  static final ObjectMapper JSON = new ObjectMapper();

  static {
    Instant at = Instant.parse("2026-11-20T10:00:00Z");
    DB.getCollection(Collections.PERSONAS)
        .insertMany(
            List.of(
                persona(
                    "vp-saas-scaling-1",
                    "vp",
                    "engineering",
                    "saas",
                    "scaling_challenges",
                    true,
                    at),
                persona(
                    "vp-saas-scaling-2",
                    "vp",
                    "engineering",
                    "saas",
                    "scaling_challenges",
                    false,
                    at),
                persona("vp-saas-hiring", "vp", "engineering", "saas", "hiring", false, at),
                persona(
                    "dir-saas-scaling",
                    "director",
                    "engineering",
                    "saas",
                    "scaling_challenges",
                    true,
                    at),
                persona(
                    "vp-fintech-scaling",
                    "vp",
                    "engineering",
                    "fintech",
                    "scaling_challenges",
                    true,
                    at),
                persona(
                    "vp-saas-sales-scaling",
                    "vp",
                    "sales",
                    "saas",
                    "scaling_challenges",
                    false,
                    at)));
  }

  static {
    // Segment discovery's campaign: retail mid-market leads reply 18 of 40, everyone else 1 in 10
    // (no other retail lead is mid-market, and neither value alone stands out as much); five
    // "mining" leads all replied (too few to rank at the default minimum).
    List<Document> disc = new java.util.ArrayList<>();
    String[] seniorities = {"manager", "vp", "ic"};
    for (int i = 0; i < 40; i++) {
      disc.add(firmographics("d-planted-" + i, "retail", "mid_market", seniorities[i % 3], i < 18));
    }
    String[] industries = {"logistics", "healthcare", "software", "retail"};
    String[] sizes = {"smb", "enterprise", "mid_market"};
    for (int i = 0; i < 360; i++) {
      String industry = industries[i % 4];
      disc.add(
          firmographics(
              "d-other-" + i,
              industry,
              industry.equals("retail") ? "smb" : sizes[i % 3],
              seniorities[i % 3],
              i % 10 == 0));
    }
    for (int i = 0; i < 5; i++) {
      disc.add(firmographics("d-mining-" + i, "mining", "smb", "vp", true));
    }
    DB.getCollection(Collections.PERSONAS).insertMany(disc);
  }

  private static Document firmographics(
      String leadId, String industry, String sizeBand, String seniority, boolean replied) {
    return new Document("leadId", leadId)
        .append("campaignId", "disc")
        .append("industry", industry)
        .append("sizeBand", sizeBand)
        .append("seniority", seniority)
        .append("function", "operations")
        .append("replied", replied);
  }

  static final ResourceExtension RESOURCES =
      ResourceExtension.builder()
          .addProvider(new ApiExceptionMapper())
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addProvider(ResourceTests.asOperator("ops"))
          .addResource(new PersonaResource(new PersonaSearch(DB), new SegmentDiscovery(DB)))
          .build();

  @AfterAll
  static void close() {
    CLIENT.close();
    MONGO.shutdown();
  }

  @Test
  void theSeedsExampleAnswersThePlantedLeadsWithFacetsAndReplyRates() throws Exception {
    // "VPs of Engineering in the SaaS industry who mentioned 'scaling challenges'"
    JsonNode byText = ok("seniority=vp&function=engineering&industry=saas&q=scaling%20challenges");
    JsonNode byTopic =
        ok(
            "seniority=vp&function=engineering&industry=saas&topic=scaling_challenges"
                + "&facets=topic,industry");

    for (JsonNode answer : List.of(byText, byTopic)) {
      assertThat(answer.path("total").asLong()).isEqualTo(2);
      assertThat(answer.path("personas").findValuesAsText("leadId"))
          .containsExactlyInAnyOrder("vp-saas-scaling-1", "vp-saas-scaling-2");
    }
    JsonNode rate = byTopic.path("replyRate");
    assertThat(rate.path("replied").asLong()).isEqualTo(1);
    assertThat(rate.path("leads").asLong()).isEqualTo(2);
    assertThat(rate.path("rate").asDouble()).isEqualTo(0.5);
    JsonNode industry = byTopic.path("facets").path("industry").get(0);
    assertThat(industry.path("value").asText()).isEqualTo("saas");
    assertThat(industry.path("count").asLong()).isEqualTo(2);
    // Wilson 1/2: 0.0945 to 0.9055
    assertThat(industry.path("replyRate").path("low").asDouble()).isEqualTo(0.0945);
    assertThat(industry.path("replyRate").path("high").asDouble()).isEqualTo(0.9055);
    assertThat(byTopic.path("facets").has("seniority")).isFalse();
    assertThat(byText.path("facets").has("seniority")).as("default facets").isTrue();
    assertThat(byText.path("personas").get(0).path("updatedAt").asText())
        .isEqualTo("2026-11-20T10:00:00Z");
  }

  /**
   * A persona has an intent, an objection or a sentiment only once it replied: a reply rate per
   * intent is 100 % by construction and says nothing. Those facets say instead what share of the
   * matched leads' replies showed each value; the others keep their reply rate.
   */
  @Test
  void aFacetKnownOnlyFromRepliesShowsItsShareOfRepliesNotAReplyRate() throws Exception {
    java.util.Date at = java.util.Date.from(java.time.Instant.parse("2026-11-21T10:00:00Z"));
    DB.getCollection(Collections.PERSONAS)
        .insertMany(
            List.of(
                new Document("leadId", "share-1")
                    .append("campaignId", "share")
                    .append("industry", "retail")
                    .append("intents", List.of("interested"))
                    .append("sentiment", "positive")
                    .append("replied", true)
                    .append("updatedAt", at),
                new Document("leadId", "share-2")
                    .append("campaignId", "share")
                    .append("industry", "retail")
                    .append("intents", List.of("not_interested"))
                    .append("sentiment", "negative")
                    .append("replied", true)
                    .append("updatedAt", at),
                new Document("leadId", "share-3")
                    .append("campaignId", "share")
                    .append("industry", "retail")
                    .append("replied", false)
                    .append("updatedAt", at),
                new Document("leadId", "share-4")
                    .append("campaignId", "share")
                    .append("industry", "retail")
                    .append("intents", List.of("interested"))
                    .append("sentiment", "positive")
                    .append("replied", true)
                    .append("updatedAt", at)));

    JsonNode answer = ok("campaignId=share&facets=intent,sentiment,industry");

    JsonNode interested = answer.path("facets").path("intent").get(0);
    assertThat(interested.path("value").asText()).isEqualTo("interested");
    assertThat(interested.path("count").asLong()).isEqualTo(2);
    assertThat(interested.has("replyRate")).as(interested.toString()).isFalse();
    assertThat(interested.path("shareOfReplies").path("count").asLong()).isEqualTo(2);
    assertThat(interested.path("shareOfReplies").path("replies").asLong()).isEqualTo(3);
    assertThat(interested.path("shareOfReplies").path("rate").asDouble()).isEqualTo(0.6667);
    assertThat(answer.path("facets").path("sentiment").get(0).has("shareOfReplies")).isTrue();
    JsonNode retail = answer.path("facets").path("industry").get(0);
    assertThat(retail.path("replyRate").path("replied").asLong()).isEqualTo(3);
    assertThat(retail.path("replyRate").path("leads").asLong()).isEqualTo(4);
    assertThat(retail.has("shareOfReplies")).isFalse();
  }

  @Test
  void severalValuesOfAFacetAreAnyOfThem() throws Exception {
    JsonNode answer = ok("industry=saas,fintech&seniority=vp&topic=scaling_challenges&size=1");

    assertThat(answer.path("total").asLong()).isEqualTo(4);
    assertThat(answer.path("personas").size()).isEqualTo(1);
  }

  @Test
  void aPhraseOfEmojiWithinTheCapIsTaken() throws Exception {
    // 198 characters (388 UTF-16 chars), within 200: taken; its emoji are nothing to search for.
    JsonNode answer = ok("q=scaling " + new String(Character.toChars(0x1F600)).repeat(190));

    assertThat(answer.path("total").asLong()).isEqualTo(ok("q=scaling").path("total").asLong());
  }

  /** An unknown facet is quoted in its refusal at most 40 characters long, never half an emoji. */
  @Test
  void anUnknownFacetIsQuotedCutBetweenEmoji() throws Exception {
    String emoji = new String(Character.toChars(0x1F600));
    try (Response r = search("facets=a" + emoji.repeat(50)).request().get()) {
      String body = r.readEntity(String.class);
      assertThat(r.getStatus()).as(body).isEqualTo(400);
      assertThat(JSON.readTree(body).path("errors").findValuesAsText("message"))
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith("unknown facet 'a" + emoji.repeat(39) + "…'");
    }
  }

  @Test
  void badParametersAre400sNamingTheField() throws Exception {
    assertBad("facets=industry,shoeSize", "facets");
    assertBad("size=101", "size");
    assertBad("size=abc", "size");
    assertBad("page=-1", "page");
    assertBad("q=" + "x".repeat(201), "q");
    // Counted in code points, as every capped text here: 201 emoji are over, 200 are not.
    assertBad("q=" + new String(Character.toChars(0x1F600)).repeat(201), "q");
    // Nothing to search for once normalised: it matched every persona.
    assertBad("q=.*", "q");
    assertBad("q=%00", "q");
    assertBad("q=%22%3B%24", "q");
    assertBad("industy=saas", "industy");
    assertBad("industry=sa%24s", "industry");
    assertBad("industry=saas&industry=retail", "industry");
    assertBad("topic=" + "a,".repeat(21) + "b", "topic");
  }

  /**
   * A facet value is read in any case, as the stored values are written ({@code seniority=VP} is
   * {@code vp}, {@code country=br} is {@code BR}, a topic as the topic list spells it), and a value
   * a closed facet does not have is 400 naming the facet with the values it has: {@code
   * seniority=VP} answered 200 and nothing, as if no VP were among the personas, and so did any
   * misspelt value.
   */
  @Test
  void facetValuesAreReadInAnyCaseAndAValueAClosedFacetLacksIs400ListingItsValues()
      throws Exception {
    Instant at = Instant.parse("2026-11-21T10:00:00Z");
    Document mixed =
        persona("caseless-1", "manager", "finance", "retail", "Pipeline_Gaps", true, at);
    mixed.append("country", "BR").append("intents", List.of("interested"));
    DB.getCollection(Collections.PERSONAS).insertOne(mixed);
    DB.getCollection(com.salesagent.activities.persona.Topics.COLLECTION)
        .insertOne(new Document("topicId", "Pipeline_Gaps").append("label", "pipeline gaps"));

    JsonNode anyCase =
        ok("seniority=VP&function=Engineering&industry=SaaS&topic=Scaling_Challenges");
    assertThat(anyCase.path("total").asLong()).isEqualTo(2);
    assertThat(anyCase.path("personas").findValuesAsText("leadId"))
        .containsExactlyInAnyOrder("vp-saas-scaling-1", "vp-saas-scaling-2");
    JsonNode caseless =
        ok("country=br&intent=INTERESTED&seniority=Manager&industry=RETAIL&topic=pipeline_gaps");
    assertThat(caseless.path("personas").findValuesAsText("leadId")).containsExactly("caseless-1");

    for (String[] bad :
        new String[][] {
          {"seniority=chief", "seniority", "vp, c_level, head, director, manager, ic"},
          {"sizeBand=huge", "sizeBand", "1-9, 10-49, 50-199, 200-999, 1000-4999, 5000+"},
          {"intent=keen", "intent", "interested, not_now"},
          {"sentiment=happy", "sentiment", "positive, neutral, negative"},
          {"objection=price", "objection", "cost, timing, competitor, other"},
          {"industry=saas,softwares", "industry", "saas, fintech"},
          {"function=ENGINEERING,wizardry", "function", "engineering, it, product"},
          {"country=zz", "country", "two-letter country code"}
        }) {
      try (Response r = search(bad[0]).request().get()) {
        String body = r.readEntity(String.class);
        assertThat(r.getStatus()).as(bad[0] + " -> " + body).isEqualTo(400);
        JsonNode error = JSON.readTree(body).path("errors").get(0);
        assertThat(error.path("field").asText()).as(bad[0]).isEqualTo(bad[1]);
        assertThat(error.path("message").asText()).as(bad[0]).contains(bad[2]);
      }
    }
  }

  @Test
  void discoveryRanksThePlantedSegmentFirstWithItsLiftAndInterval() throws Exception {
    JsonNode d = get("/api/personas/discover", "campaignId=disc&minLeads=30", 200);
    // 18 + 36 + 5 replies of 405 personas
    assertThat(d.path("baseline").path("leads").asLong()).isEqualTo(405);
    assertThat(d.path("baseline").path("replied").asLong()).isEqualTo(59);
    JsonNode top = d.path("above").get(0);
    assertThat(top.path("facets").toString())
        .as("%s", d.path("above"))
        .isEqualTo("{\"industry\":\"retail\",\"sizeBand\":\"mid_market\"}");
    assertThat(top.path("replyRate").path("replied").asLong()).isEqualTo(18);
    assertThat(top.path("replyRate").path("leads").asLong()).isEqualTo(40);
    // 45 % over 14.57 %; the Wilson interval of 18/40 is 30.7-60.2 %
    assertThat(top.path("lift").asDouble()).isBetween(3.08, 3.10);
    assertThat(top.path("liftLow").asDouble()).isBetween(2.10, 2.12);
    assertThat(top.path("liftHigh").asDouble()).isBetween(4.12, 4.14);
    JsonNode next = d.path("above").get(1);
    assertThat(next.path("liftLow").asDouble()).isLessThan(top.path("liftLow").asDouble());
    assertThat(d.toString()).doesNotContain("mining");
    assertThat(d.path("below").size()).isPositive();
    d.path("below").forEach(f -> assertThat(f.path("lift").asDouble()).isLessThan(1));

    JsonNode singles =
        get("/api/personas/discover", "campaignId=disc&pairs=false&minLeads=5&limit=3", 200);
    assertThat(singles.path("above").size()).isEqualTo(3);
    // With minLeads=5 the mining leads qualify, and 5 replies of 5 (Wilson 57-100 %) rank first.
    assertThat(singles.path("above").get(0).path("facets").path("industry").asText())
        .isEqualTo("mining");
    assertThat(singles.path("above").get(0).path("liftLow").asDouble()).isBetween(3.8, 3.9);
    singles.path("above").forEach(f -> assertThat(f.path("facets").size()).isEqualTo(1));
  }

  @Test
  void eachFindingSaysWhetherItsIntervalClearsTheBaseline() throws Exception {
    JsonNode d = get("/api/personas/discover", "campaignId=disc&minLeads=5&limit=100", 200);
    // 18 of 40 retail mid-market leads against 14.6 %: the whole interval is above.
    JsonNode top = d.path("above").get(0);
    assertThat(top.path("evidence").asText()).isEqualTo("above");
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String side : new String[] {"above", "below"}) {
      d.path(side)
          .forEach(
              f -> {
                double low = f.path("liftLow").asDouble();
                double high = f.path("liftHigh").asDouble();
                String expected = low > 1 ? "above" : high < 1 ? "below" : "unclear";
                assertThat(f.path("evidence").asText()).as("%s", f).isEqualTo(expected);
                seen.add(side + ":" + expected);
              });
    }
    // A lift over 1 whose interval reaches under it is listed above, but says so.
    assertThat(seen).as("%s", d).contains("above:above", "above:unclear", "below:below");
  }

  @Test
  void badDiscoveryParametersAre400sNamingTheField() throws Exception {
    for (String[] bad :
        new String[][] {
          {"minLeads=0", "minLeads"},
          {"limit=101", "limit"},
          {"pairs=maybe", "pairs"},
          {"facets=shoeSize", "facets"},
          {"q=x", "q"},
          {"campaignId=" + "c".repeat(101), "campaignId"},
          {"campaignId=" + "c".repeat(65), "campaignId"},
          {"campaignId=spring%20sale", "campaignId"}
        }) {
      JsonNode body = get("/api/personas/discover", bad[0], 400);
      assertThat(body.path("errors").findValuesAsText("field")).as(bad[0]).contains(bad[1]);
    }
  }

  private static JsonNode get(String path, String query, int status) throws Exception {
    jakarta.ws.rs.client.WebTarget target = RESOURCES.target(path);
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      target = target.queryParam(pair.substring(0, eq), pair.substring(eq + 1));
    }
    try (Response r = target.request().get()) {
      String body = r.readEntity(String.class);
      assertThat(r.getStatus()).as(body).isEqualTo(status);
      return JSON.readTree(body);
    }
  }

  /** The search target with {@code query}'s parameters (a "?" in the path would be a path). */
  private static jakarta.ws.rs.client.WebTarget search(String query) {
    jakarta.ws.rs.client.WebTarget target = RESOURCES.target("/api/personas/search");
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      target =
          target.queryParam(
              pair.substring(0, eq),
              java.net.URLDecoder.decode(
                  pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
    }
    return target;
  }

  private static JsonNode ok(String query) throws Exception {
    try (Response r = search(query).request().get()) {
      String body = r.readEntity(String.class);
      assertThat(r.getStatus()).as(body).isEqualTo(200);
      return JSON.readTree(body);
    }
  }

  private static void assertBad(String query, String field) throws Exception {
    try (Response r = search(query).request().get()) {
      String body = r.readEntity(String.class);
      assertThat(r.getStatus()).as(query + " -> " + body).isEqualTo(400);
      JsonNode errors = JSON.readTree(body).path("errors");
      assertThat(errors.findValuesAsText("field")).as(query).contains(field);
    }
  }

  private static Document persona(
      String leadId,
      String seniority,
      String function,
      String industry,
      String topic,
      boolean replied,
      Instant at) {
    Document ev =
        new Document("industry", Evidence.of(industry, Evidence.ENROLMENT, "industry", at))
            .append("seniority", Evidence.of(seniority, Evidence.ENROLMENT, "jobTitle", at))
            .append("function", Evidence.of(function, Evidence.ENROLMENT, "jobTitle", at))
            .append(
                "topics",
                List.of(
                    Evidence.of(topic, Evidence.RESEARCH, "chunk", at)
                        .append("label", topic.replace('_', ' '))
                        .append("score", 0.6)));
    Document p =
        new Document("leadId", leadId)
            .append("campaignId", "c1")
            .append("jobTitle", seniority + " of " + function)
            .append("replied", replied)
            .append("evidence", ev)
            .append("updatedAt", Date.from(at));
    PersonaFields.derive(p);
    return p;
  }
}

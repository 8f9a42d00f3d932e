package com.salesagent.api.personas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiExceptionMapper;
import com.salesagent.api.http.ResourceTests;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /api/segments}: create, replace, list in order, match a lead; 422 naming the field. */
@ExtendWith(DropwizardExtensionsSupport.class)
class SegmentResourceTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final InetSocketAddress ADDRESS = MONGO.bind();
  static final MongoClient CLIENT =
      MongoClients.create(
          "mongodb://" + ADDRESS.getHostString() + ":" + ADDRESS.getPort() + "/?w=1");
  static final MongoDatabase DB = CLIENT.getDatabase("segments-test");
  static final ObjectMapper JSON = new ObjectMapper();

  static {
    MongoSchema.ensure(DB);
    DB.getCollection(Collections.PROMPT_VARIANTS)
        .insertMany(List.of(new Document("variantId", "v-a"), new Document("variantId", "v-b")));
    DB.getCollection(Collections.WORKFLOW_DEFINITIONS)
        .insertOne(new Document("segment", "fast").append("readNoReplyDelay", "PT1H"));
    DB.getCollection(Collections.CONTACTS)
        .insertOne(new Document("leadId", "L-1").append("segment", "smb"));
    DB.getCollection(Collections.PERSONAS)
        .insertOne(
            new Document("leadId", "L-1")
                .append("industry", "saas")
                .append("seniority", "vp")
                .append("searchText", "vp of engineering | saas"));
  }

  static final ResourceExtension RESOURCES =
      ResourceExtension.builder()
          .addProvider(new ApiExceptionMapper())
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addProvider(ResourceTests.asOperator("ops"))
          .addResource(new SegmentResource(DB, Clock.systemUTC()))
          .build();

  @AfterAll
  static void close() {
    CLIENT.close();
    MONGO.shutdown();
  }

  private static JsonNode call(String method, String path, String body, int status)
      throws Exception {
    // A "?" in target's path would be part of the path: the query goes in as parameters.
    int q = path.indexOf('?');
    jakarta.ws.rs.client.WebTarget target = RESOURCES.target(q < 0 ? path : path.substring(0, q));
    if (q >= 0) {
      for (String pair : path.substring(q + 1).split("&")) {
        String[] kv = pair.split("=", 2);
        target = target.queryParam(kv[0], kv[1]);
      }
    }
    try (Response r = target.request().method(method, body == null ? null : Entity.json(body))) {
      String text = r.readEntity(String.class);
      assertThat(r.getStatus()).as(text).isEqualTo(status);
      return JSON.readTree(text);
    }
  }

  @Test
  void aSegmentIsCreatedListedInOrderReplacedMatchedAndAudited() throws Exception {
    call(
        "POST",
        "/api/segments",
        """
        {"segmentId":"vp-saas","order":10,"query":{"industry":["saas"],"seniority":["vp"]},
         "variants":["v-a"],"workflowDefinition":"fast"}
        """,
        201);
    call(
        "POST",
        "/api/segments",
        """
        {"segmentId":"saas-wide","order":5,"query":{"industry":"saas","q":"engineering"}}
        """,
        201);
    call("POST", "/api/segments", "{\"segmentId\":\"vp-saas\",\"query\":{\"q\":\"x\"}}", 409);

    JsonNode list = call("GET", "/api/segments", null, 200).path("segments");
    assertThat(list.findValuesAsText("segmentId")).containsExactly("saas-wide", "vp-saas");
    assertThat(list.get(0).path("query").path("industry").get(0).asText()).isEqualTo("saas");

    // saas-wide comes first (order 5) and matches L-1
    JsonNode match = call("GET", "/api/segments/match?leadId=L-1", null, 200);
    assertThat(match.path("matches").asText()).isEqualTo("saas-wide");
    assertThat(match.path("assigned").asText()).isEqualTo("smb");

    call(
        "PUT",
        "/api/segments/saas-wide",
        "{\"order\":50,\"query\":{\"industry\":[\"saas\"]},\"enabled\":false}",
        200);
    assertThat(call("GET", "/api/segments/match?leadId=L-1", null, 200).path("matches").asText())
        .isEqualTo("vp-saas");
    assertThat(
            DB.getCollection(Collections.AUDIT_LOG)
                .countDocuments(Filters.eq("action", "segment_replaced")))
        .isEqualTo(1);
    assertThat(
            DB.getCollection(Collections.AUDIT_LOG)
                .find(Filters.eq("action", "segment_created"))
                .first()
                .getString("by"))
        .isEqualTo("ops");
    call("PUT", "/api/segments/nobody", "{\"query\":{\"q\":\"x\"}}", 404);
    call("GET", "/api/segments/match?leadId=L-unknown", null, 404);
  }

  @Test
  void aSegmentWhosePoolHasNoEnabledVariantIsSavedWithAWarningNamingIt() throws Exception {
    DB.getCollection(Collections.PROMPT_VARIANTS)
        .insertMany(
            List.of(
                new Document("variantId", "v-pool-off")
                    .append("segments", List.of("*"))
                    .append("enabled", false),
                new Document("variantId", "v-pool-on")
                    .append("segments", List.of("*"))
                    .append("enabled", true)));
    JsonNode created =
        call(
            "POST",
            "/api/segments",
            """
            {"segmentId":"pool-off","query":{"industry":["agriculture"]},"variants":["v-pool-off"]}
            """,
            201);
    assertThat(created.path("segmentId").asText()).isEqualTo("pool-off");
    JsonNode warning = created.path("warnings").path(0);
    assertThat(warning.path("segment").asText()).isEqualTo("pool-off");
    assertThat(warning.path("problem").asText()).isEqualTo("pool_all_disabled");
    assertThat(warning.path("message").asText())
        .contains("segment pool-off's pool has no enabled variant (all disabled)")
        .contains("outside it");

    // A pool with an enabled variant: no warning.
    JsonNode fine =
        call(
            "PUT",
            "/api/segments/pool-off",
            "{\"query\":{\"industry\":[\"agriculture\"]},\"variants\":[\"v-pool-on\"]}",
            200);
    assertThat(fine.has("warnings")).isFalse();
    JsonNode again =
        call(
            "PUT",
            "/api/segments/pool-off",
            "{\"query\":{\"industry\":[\"agriculture\"]},\"variants\":[\"v-pool-off\"]}",
            200);
    assertThat(again.path("warnings").findValuesAsText("segment")).containsExactly("pool-off");
    // Nothing of the warning is stored with the segment.
    assertThat(
            DB.getCollection(Collections.SEGMENTS)
                .find(Filters.eq("segmentId", "pool-off"))
                .first()
                .containsKey("warnings"))
        .isFalse();
    // The other tests list the segments of this database and count its audit entries: this
    // segment and its entries go.
    DB.getCollection(Collections.SEGMENTS).deleteOne(Filters.eq("segmentId", "pool-off"));
    DB.getCollection(Collections.AUDIT_LOG).deleteMany(Filters.eq("segmentId", "pool-off"));
  }

  /**
   * A segment's facet values are read as the persona search reads them: in any case, saved as the
   * personas store them ({@code VP} is {@code vp}, {@code br} is {@code BR}, a topic as the topic
   * list spells it), and a value a closed facet lacks is 422 naming it with the facet's values. A
   * segment on seniority VP was saved as written and matched no lead: persona values are lower
   * case.
   */
  @Test
  void aSegmentsFacetValuesAreSavedAsPersonasStoreThemAndOneNoPersonaCanHaveIs422()
      throws Exception {
    DB.getCollection(com.salesagent.activities.persona.Topics.COLLECTION)
        .insertOne(new Document("topicId", "Pipeline_Gaps").append("label", "pipeline gaps"));
    try {
      call(
          "POST",
          "/api/segments",
          """
          {"segmentId":"caps","query":{"seniority":["VP","vp"],"industry":["SaaS"],
           "country":["br"],"intent":["Interested"],"topic":["pipeline_gaps"]}}
          """,
          201);
      Document saved =
          DB.getCollection(Collections.SEGMENTS).find(Filters.eq("segmentId", "caps")).first();
      Document query = saved.get("query", Document.class);
      assertThat(query.getList("seniority", String.class)).containsExactly("vp");
      assertThat(query.getList("industry", String.class)).containsExactly("saas");
      assertThat(query.getList("country", String.class)).containsExactly("BR");
      assertThat(query.getList("intent", String.class)).containsExactly("interested");
      assertThat(query.getList("topic", String.class)).containsExactly("Pipeline_Gaps");
      assertThat(
              com.salesagent.activities.persona.Segments.matches(
                  query,
                  new Document("seniority", "vp")
                      .append("industry", "saas")
                      .append("country", "BR")
                      .append("intents", List.of("interested"))
                      .append("topics", List.of("Pipeline_Gaps"))))
          .isTrue();
      JsonNode bad =
          call(
              "POST",
              "/api/segments",
              "{\"segmentId\":\"chiefs\",\"query\":{\"seniority\":[\"chief\"]}}",
              422);
      assertThat(bad.path("errors").findValuesAsText("field")).containsExactly("query.seniority");
      assertThat(bad.path("errors").get(0).path("message").asText())
          .contains("vp, c_level, head, director, manager, ic");
    } finally {
      // The other tests list the segments of this database and count its audit entries.
      DB.getCollection(Collections.SEGMENTS).deleteOne(Filters.eq("segmentId", "caps"));
      DB.getCollection(Collections.AUDIT_LOG).deleteMany(Filters.eq("segmentId", "caps"));
    }
  }

  @Test
  void badSegmentsAre422NamingEachField() throws Exception {
    JsonNode bad =
        call(
            "POST",
            "/api/segments",
            """
            {"segmentId":"Bad Id","order":-1,"query":{"shoeSize":["9"],"industry":["sa$s"],
             "q":""},"variants":["v-a","v-none"],"workflowDefinition":"slow"}
            """,
            422);
    assertThat(bad.path("errors").findValuesAsText("field"))
        .contains(
            "segmentId",
            "order",
            "query.shoeSize",
            "query.industry",
            "query.q",
            "variants[1]",
            "workflowDefinition")
        .doesNotContain("variants[0]");
    assertThat(
            call(
                    "POST",
                    "/api/segments",
                    "{\"segmentId\":\"everyone\",\"query\":{\"q\":\".*\"}}",
                    422)
                .path("errors")
                .findValuesAsText("field"))
        .as("symbols alone search for nothing: they matched every persona")
        .containsExactly("query.q");
    assertThat(
            call("POST", "/api/segments", "{\"segmentId\":\"smb\",\"query\":{\"q\":\"x\"}}", 422)
                .path("errors")
                .toString())
        .contains("built-in");
    assertThat(
            call(
                    "POST",
                    "/api/segments",
                    "{\"segmentId\":\"typo\",\"query\":{\"q\":\"x\"},\"workflowDefiniton\":\"fast\"}",
                    422)
                .path("errors")
                .findValuesAsText("field"))
        .as("an unknown field is refused, not ignored")
        .containsExactly("workflowDefiniton");
    assertThat(
            call("POST", "/api/segments", "{\"segmentId\":\"t\",\"order\":\"first\"}", 422)
                .path("errors")
                .findValuesAsText("field"))
        .containsExactly("order");
    assertThat(
            call("POST", "/api/segments", "{not json", 422)
                .path("errors")
                .findValuesAsText("field"))
        .containsExactly("body");
    assertThat(
            call("POST", "/api/segments", "{\"segmentId\":\"empty\",\"query\":{}}", 422)
                .path("errors")
                .findValuesAsText("field"))
        .containsExactly("query");
    assertThat(
            call(
                    "PUT",
                    "/api/segments/vp-x",
                    "{\"segmentId\":\"vp-y\",\"query\":{\"q\":\"x\"}}",
                    422)
                .path("errors")
                .findValuesAsText("field"))
        .containsExactly("segmentId");
  }

  /** A segment's name is shown in the dashboard: one line of readable text, else 422 naming it. */
  @Test
  void aSegmentNameWithUnreadableControlOrBidiOverrideCharactersIs422NamingName() throws Exception {
    for (String name : List.of("SMB \\ufffd", "SMB\\u0000", "SMB\\nEnterprise", "\\u202ebms")) {
      JsonNode bad =
          call(
              "POST",
              "/api/segments",
              "{\"segmentId\":\"named\",\"name\":\"" + name + "\",\"query\":{\"q\":\"x\"}}",
              422);
      assertThat(bad.path("errors").findValuesAsText("field")).as(name).containsExactly("name");
    }
  }

  /**
   * A segment's name is capped at 100 characters counted as a person sees them (code points): 100
   * emoji (non-BMP, 200 UTF-16 chars) are taken and listed whole; 101 are 422 naming name.
   */
  @Test
  void aSegmentNamesCapCountsCodePoints() throws Exception {
    String emoji = new String(Character.toChars(0x1F600));
    call(
        "POST",
        "/api/segments",
        "{\"segmentId\":\"emoji-name\",\"name\":\""
            + emoji.repeat(100)
            + "\",\"query\":{\"q\":\"x\"}}",
        201);
    JsonNode list = call("GET", "/api/segments", null, 200).path("segments");
    assertThat(list.findValuesAsText("name")).contains(emoji.repeat(100));
    JsonNode past =
        call(
            "POST",
            "/api/segments",
            "{\"segmentId\":\"emoji-name-past\",\"name\":\""
                + emoji.repeat(100)
                + "\uD840\uDC00\",\"query\":{\"q\":\"x\"}}",
            422);
    assertThat(past.path("errors").findValuesAsText("field")).containsExactly("name");
  }

  /**
   * A segment's search phrase is capped at 200 characters counted in code points, as the search's
   * own {@code q} is: "scaling" and 190 emoji (388 UTF-16 chars) are taken, "scaling" and 193 are
   * 422 naming query.q.
   */
  @Test
  void aSegmentsPhraseCapCountsCodePoints() throws Exception {
    String emoji = new String(Character.toChars(0x1F600));
    call(
        "POST",
        "/api/segments",
        "{\"segmentId\":\"emoji-q\",\"query\":{\"q\":\"scaling " + emoji.repeat(190) + "\"}}",
        201);
    JsonNode past =
        call(
            "POST",
            "/api/segments",
            "{\"segmentId\":\"emoji-q-past\",\"query\":{\"q\":\"scaling "
                + emoji.repeat(193)
                + "\"}}",
            422);
    assertThat(past.path("errors").findValuesAsText("field")).containsExactly("query.q");
    // Not left for the listing tests.
    DB.getCollection(com.salesagent.activities.mongo.Collections.SEGMENTS)
        .deleteOne(com.mongodb.client.model.Filters.eq("segmentId", "emoji-q"));
  }
}

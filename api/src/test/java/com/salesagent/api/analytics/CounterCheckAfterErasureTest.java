package com.salesagent.api.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.erasure.LeadErasureActivitiesImpl;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.api.http.ResourceTests;
import com.salesagent.workflows.erasure.ErasureRequest;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /api/analytics/variants/counters} after an erasure: the lead's history is gone, the
 * counters keep its counts, and the check neither reports that as a mismatch nor misses a real one.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class CounterCheckAfterErasureTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final InetSocketAddress ADDRESS = MONGO.bind();
  static final MongoClient CLIENT =
      MongoClients.create("mongodb://" + ADDRESS.getHostString() + ":" + ADDRESS.getPort());
  static final MongoDatabase DB = CLIENT.getDatabase("counters-test");

  static final ResourceExtension RESOURCES =
      ResourceTests.api().addResource(new AnalyticsResource(DB)).build();

  private static final Instant AT = Instant.parse("2026-11-24T09:00:00Z");
  private static final String PATH = "/api/analytics/variants/counters";

  @AfterAll
  static void close() {
    CLIENT.close();
    MONGO.shutdown();
  }

  private JsonNode check() throws Exception {
    String body =
        RESOURCES
            .target(PATH)
            .queryParam("from", "2026-11-23")
            .queryParam("to", "2026-11-25")
            .request()
            .get(String.class);
    return new ObjectMapper().readTree(body);
  }

  @Test
  void anErasureIsNoMismatchButADriftAfterItStillIs() throws Exception {
    MongoSchema.ensure(DB);
    LeadStore store = new LeadStore(DB);
    VariantStats stats = new VariantStats(DB);
    for (String lead : java.util.List.of("to-erase", "to-keep")) {
      store.insertContact(
          new Document("leadId", lead)
              .append("phone", lead.equals("to-erase") ? "+5511998765431" : "+5511998765432"));
      for (String[] e :
          new String[][] {
            {"assigned", "assigned"}, {"message_sent", "sent"}, {"delivered", "delivered"}
          }) {
        store.interactions().recordInteraction(lead, "c1", "v1", e[0], null, null, AT);
        stats.increment("v1", null, e[1], AT);
      }
    }
    store
        .interactions()
        .recordInteraction("to-erase", "c1", "v1", "replied", null, null, AT.plusSeconds(60));
    stats.increment("v1", null, "replied", AT.plusSeconds(60));
    assertThat(check().path("agree").asBoolean()).isTrue();

    store.erasures().markErasing("to-erase", AT.plusSeconds(3600));
    LeadErasureActivitiesImpl erasure =
        new LeadErasureActivitiesImpl(
            store,
            new ObjectStorage(null, null, "media", "us-east-1"),
            null,
            Clock.fixed(AT.plusSeconds(3600), ZoneOffset.UTC));
    ErasureRequest request = new ErasureRequest("to-erase", "ops", "asked", false, 0);
    erasure.erase(request, false);
    erasure.erase(request, true);

    assertThat(store.interactions().timeline("to-erase")).isEmpty();
    JsonNode afterErasure = check();
    assertThat(afterErasure.path("differing")).as(afterErasure.toString()).isEmpty();
    assertThat(afterErasure.path("agree").asBoolean()).isTrue();
    assertThat(afterErasure.path("rows").asInt()).isEqualTo(1);

    DB.getCollection(VariantStats.COLLECTION)
        .updateOne(Filters.eq("variantId", "v1"), Updates.inc("sent", 1L));

    JsonNode drifted = check();
    assertThat(drifted.path("agree").asBoolean()).isFalse();
    JsonNode row = drifted.path("differing").path(0);
    assertThat(row.path("day").asText()).isEqualTo("2026-11-24");
    assertThat(row.path("stored").path("sent").asLong()).isEqualTo(3);
    assertThat(row.path("recomputed").path("sent").asLong()).isEqualTo(2);
    assertThat(row.path("recomputed").path("replied").asLong()).isEqualTo(1);
  }

  /**
   * A day far outside any campaign (a typo, a placeholder, a probe such as -999999999-01-01) is 400
   * naming the parameter, on the check and the rebuild: from 2000-01-01 to tomorrow (UTC).
   */
  @Test
  void aDayBefore2000OrAfterTomorrowIs400NamingTheParameter() throws Exception {
    String tomorrow = java.time.LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
    String[][] cases = {
      {"-999999999-01-01", "-999999999-01-02", "from"},
      {"1999-12-30", "1999-12-31", "from"},
      {"+10000-01-01", "+10000-01-02", "from"},
      {"5138-11-16", "5138-11-17", "from"},
    };
    for (String[] c : cases) {
      for (String method : java.util.List.of("GET", "POST")) {
        jakarta.ws.rs.core.Response r =
            RESOURCES
                .target(method.equals("GET") ? PATH : PATH + "/rebuild")
                .queryParam("from", c[0])
                .queryParam("to", c[1])
                .request()
                .method(method);
        assertThat(r.getStatus()).as(method + " " + c[0]).isEqualTo(400);
        JsonNode body = new ObjectMapper().readTree(r.readEntity(String.class));
        assertThat(body.path("errors").findValuesAsText("field"))
            .as(method + " " + c[0])
            .contains(c[2]);
      }
    }
    jakarta.ws.rs.core.Response late =
        RESOURCES
            .target(PATH)
            .queryParam("from", tomorrow)
            .queryParam("to", java.time.LocalDate.parse(tomorrow).plusDays(1).toString())
            .request()
            .get();
    assertThat(late.getStatus()).isEqualTo(400);
    assertThat(late.readEntity(String.class)).contains("\"field\":\"to\"");
    MongoSchema.ensure(DB);
    assertThat(
            RESOURCES
                .target(PATH)
                .queryParam("from", "2000-01-01")
                .queryParam("to", "2000-01-02")
                .request()
                .get()
                .getStatus())
        .isEqualTo(200);
    assertThat(
            RESOURCES
                .target(PATH)
                .queryParam("from", tomorrow)
                .queryParam("to", tomorrow)
                .request()
                .get()
                .getStatus())
        .isEqualTo(200);
  }
}

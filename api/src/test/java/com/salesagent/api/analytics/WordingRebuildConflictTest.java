package com.salesagent.api.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.activities.variants.VariantWordings;
import com.salesagent.activities.variants.WordingStats;
import com.salesagent.api.http.ResourceTests;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Session 47: {@code POST /api/analytics/variants/counters/rebuild} when live counts keep changing
 * the wording rows through every attempt of the rebuild ({@code WordingRecount.ConcurrentChange}):
 * 409 with the error body naming the field and what to do (rebuild again, Retry-After), and no live
 * count lost; the same call when it is quiet settles the rows. Before, the give-up was tested only
 * as the exception (WordingRebuildRaceTest), not as what the route answers.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class WordingRebuildConflictTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final InetSocketAddress ADDRESS = MONGO.bind();
  static final String URI = "mongodb://" + ADDRESS.getHostString() + ":" + ADDRESS.getPort();

  /** The live counts' client: an activity's writes. */
  static final MongoClient LIVE_CLIENT = MongoClients.create(URI);

  static final MongoDatabase LIVE = LIVE_CLIENT.getDatabase("rebuild-conflict");

  /** While on, a lead is assigned (history, then counters) before each read of the history. */
  static final AtomicBoolean BUSY = new AtomicBoolean();

  static final AtomicInteger LEADS = new AtomicInteger();

  /** The API's client: each of its reads of the history lets a live count in first while BUSY. */
  static final MongoClient API_CLIENT =
      MongoClients.create(
          MongoClientSettings.builder()
              .applyConnectionString(new com.mongodb.ConnectionString(URI))
              .addCommandListener(
                  new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent e) {
                      var target = e.getCommand().get(e.getCommandName());
                      if (BUSY.get()
                          && "aggregate".equals(e.getCommandName())
                          && target != null
                          && target.isString()
                          && Collections.INTERACTION_HISTORY.equals(target.asString().getValue())) {
                        assign();
                      }
                    }
                  })
              .build());

  static final ResourceExtension RESOURCES =
      ResourceTests.api()
          .addResource(new AnalyticsResource(API_CLIENT.getDatabase("rebuild-conflict")))
          .build();

  private static final String PATH = "/api/analytics/variants/counters";

  @AfterAll
  static void close() {
    API_CLIENT.close();
    LIVE_CLIENT.close();
    MONGO.shutdown();
  }

  /** A lead assigned as VariantAssigner does it: contact, history event, then its live counts. */
  static void assign() {
    LeadStore store = new LeadStore(LIVE);
    String leadId = "L-" + LEADS.incrementAndGet();
    store.insertContact(
        new Document("leadId", leadId)
            .append("phone", "+55119987654" + (10 + LEADS.get()))
            .append("segment", "smb")
            .append("variantId", "v1")
            .append(VariantWordings.LEAD_REVISION, 0));
    Instant at = Instant.now();
    store.interactions().recordInteraction(leadId, "c1", "v1", "assigned", null, null, at);
    new VariantStats(LIVE).increment("v1", "smb", "assigned", at);
    new WordingStats(LIVE).add("v1", 0, "smb", "assigned", 1);
  }

  private static long assigned() {
    return new WordingStats(LIVE).of("v1", 0, "smb").getOrDefault("assigned", 0L);
  }

  private static Response rebuild() {
    String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    return RESOURCES
        .target(PATH + "/rebuild")
        .queryParam("from", yesterday)
        .queryParam("to", yesterday)
        .request()
        .method("POST");
  }

  private static JsonNode check() throws Exception {
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    return new ObjectMapper()
        .readTree(
            RESOURCES
                .target(PATH)
                .queryParam("from", today)
                .queryParam("to", today)
                .request()
                .get(String.class));
  }

  @Test
  void countsThatKeepComingAre409WithABodySayingToRebuildAgainAndNoneIsLost() throws Exception {
    MongoSchema.ensure(LIVE);
    LIVE.getCollection(Collections.PROMPT_VARIANTS)
        .insertOne(new Document("variantId", "v1").append("enabled", true).append("revision", 0));
    assign();
    // A drift for the rebuild to repair: the row says 5 assigned, the history 1.
    LIVE.getCollection(WordingStats.COLLECTION)
        .updateOne(
            Filters.and(Filters.eq("variantId", "v1"), Filters.eq("segment", "smb")),
            Updates.inc("assigned", 4));

    BUSY.set(true);
    Response busy;
    try {
      busy = rebuild();
    } finally {
      BUSY.set(false);
    }

    assertThat(busy.getStatus()).isEqualTo(409);
    assertThat(busy.getMediaType().isCompatible(MediaType.APPLICATION_JSON_TYPE)).isTrue();
    assertThat(busy.getHeaderString("Retry-After")).isEqualTo("60");
    JsonNode body = new ObjectMapper().readTree(busy.readEntity(String.class));
    assertThat(body.path("code").asInt()).as(body.toString()).isEqualTo(409);
    JsonNode error = body.path("errors").path(0);
    assertThat(error.path("field").asText()).as(body.toString()).isEqualTo("wordingRows");
    assertThat(error.path("message").asText()).as("it says what to do").contains("rebuild again");
    // The days' rows were rebuilt before the wording rows gave up: it says so.
    assertThat(body.has("rowsRepaired")).as(body.toString()).isTrue();
    assertThat(body.path("from").asText()).isNotEmpty();

    long live = LEADS.get();
    assertThat(live).as("leads assigned while it rebuilt").isGreaterThan(3);
    // More, never fewer: a lead assigned between the recount's reads may be counted twice.
    assertThat(assigned()).as("no live count overwritten").isGreaterThanOrEqualTo(live);

    // Rebuild again when it is quiet, as the 409 says: the rows are the recount, every lead once.
    Response quiet = rebuild();
    assertThat(quiet.getStatus()).as(quiet.readEntity(String.class)).isEqualTo(200);
    assertThat(assigned()).isEqualTo(live);
    JsonNode checked = check();
    assertThat(checked.path("wordingsAgree").asBoolean()).as(checked.toString()).isTrue();
  }
}

package com.salesagent.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.salesagent.api.embedded.EmbeddedMongoServer;
import com.salesagent.api.embedded.EmbeddedTemporalServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benches run on the parts the environment names: a Temporal and a MongoDB outside the bench's
 * JVM stand-in (here a dev server and a MongoDB-wire server started apart, as docker-compose's
 * would be) replace the embedded ones, a real MongoDB gets a database of the run's own, and the
 * Cloud API stays the emulator whatever the environment says.
 */
class EmbeddedStackTest {
  @Test
  void theEnvironmentsTemporalAndMongoDbReplaceTheEmbeddedOnesButNeverTheCloudApi()
      throws Exception {
    EmbeddedTemporalServer temporal = new EmbeddedTemporalServer(0);
    EmbeddedMongoServer mongo = new EmbeddedMongoServer(0, false);
    temporal.start();
    mongo.start();
    EmbeddedStack stack = null;
    try (MongoClient client = MongoClients.create(mongo.connectionString())) {
      Map<String, String> outside =
          Map.of(
              "TEMPORAL_ADDRESS", temporal.target(),
              "MONGODB_URI", mongo.connectionString(),
              "MONGODB_DATABASE", "sales_agent",
              "TEMPORAL_PORT", "1",
              "WHATSAPP_API_BASE_URL", "https://graph.facebook.com",
              "WHATSAPP_ACCESS_TOKEN", "a-real-token");
      assertThat(EmbeddedStack.parts(Map.of()))
          .contains("Temporal embedded, MongoDB embedded, S3 embedded");
      stack = EmbeddedStack.start("outside", Map.of("WHATSAPP_EMULATOR_MODE", "ack_only"), outside);

      assertThat(stack.app().connections().temporal().target()).isEqualTo(temporal.target());
      // The emulator, not the Cloud API the environment named.
      assertThat(stack.app().emulator()).isNotNull();
      // A workflow runs on the outside Temporal, its worker in the bench's JVM.
      HttpResponse<String> diagnostics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://localhost:" + stack.port() + "/api/system/diagnostics"))
                      .header("Authorization", "Bearer " + stack.token())
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(diagnostics.statusCode()).as(diagnostics.body()).isEqualTo(200);
      // The run's own database on the outside MongoDB, never the one the environment named.
      String database = stack.app().connections().mongo().database().getName();
      assertThat(database).startsWith("bench_outside_");
      assertThat(client.listDatabaseNames().into(new ArrayList<>()))
          .contains(database)
          .doesNotContain("sales_agent");
    } finally {
      if (stack != null) {
        stack.app().server().stop();
      }
      mongo.stop();
      temporal.close();
    }
  }
}

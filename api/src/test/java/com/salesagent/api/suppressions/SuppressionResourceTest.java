package com.salesagent.api.suppressions;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ResourceTests;
import com.salesagent.api.leads.LeadValidator;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The do-not-contact resource alone, on an in-memory MongoDB. */
@ExtendWith(DropwizardExtensionsSupport.class)
class SuppressionResourceTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final MongoClient CLIENT =
      MongoClients.create(
          "mongodb://" + hostPort(MONGO.bind()) + "/?serverSelectionTimeoutMS=2000");
  static final MongoDatabase DB = CLIENT.getDatabase("suppressions-test");

  static final ResourceExtension RESOURCES =
      ResourceTests.api()
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addProvider(ResourceTests.asOperator("ops"))
          .addResource(
              new SuppressionResource(DB, new LeadValidator("UTC", "US"), Clock.systemUTC()))
          .build();

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  @AfterAll
  static void close() {
    CLIENT.close();
    MONGO.shutdown();
  }

  /** Every text the audit log holds for a number. */
  private static List<String> auditTexts(String number) {
    List<String> texts = new ArrayList<>();
    for (Document d : DB.getCollection(Collections.AUDIT_LOG).find(Filters.eq("number", number))) {
      texts.add(d.toJson());
    }
    return texts;
  }

  private static final List<String> HOSTILE =
      List.of(
          "asked \\ufffd",
          "asked \\udc00",
          "asked\\u0000",
          "asked\\r\\nERROR forged",
          "asked\\u001b[2J",
          "by \\u202eelgoog",
          "by \\u2067ops\\u2069");

  /**
   * A suppression's reason is shown on the do-not-contact list and kept in the audit log: text that
   * could not be read, a control character or a bidi override or isolate is refused naming {@code
   * reason}; neither the list nor the audit log keeps it.
   */
  @Test
  void aReasonWithUnreadableControlOrBidiOverrideCharactersIs422NamingReason() {
    String number = "+15005550101";
    for (String reason : HOSTILE) {
      Response r =
          RESOURCES
              .target("/api/suppressions")
              .request()
              .post(Entity.json("{\"number\":\"" + number + "\",\"reason\":\"" + reason + "\"}"));
      assertThat(r.getStatus()).as(reason).isEqualTo(422);
      assertThat(r.readEntity(String.class)).as(reason).contains("\"field\":\"reason\"");
    }
    assertThat(new Suppressions(DB).find(number)).isNull();
    assertThat(auditTexts(number)).isEmpty();

    Response ok =
        RESOURCES
            .target("/api/suppressions")
            .request()
            .post(
                Entity.json(
                    "{\"number\":\"" + number + "\",\"reason\":\"\u0637\u0644\u0628 asked\"}"));
    assertThat(ok.getStatus()).isEqualTo(200);
    assertThat(new Suppressions(DB).find(number).getString("detail"))
        .isEqualTo("\u0637\u0644\u0628 asked");
  }

  /**
   * A lift's consent source and reason are kept with the suppression and in the audit log: the same
   * characters are refused naming {@code consent.source} or {@code reason}, and the number stays
   * suppressed.
   */
  @Test
  void aLiftsConsentSourceOrReasonWithHostileCharactersIs422NamingIt() {
    String number = "+15005550102";
    assertThat(
            RESOURCES
                .target("/api/suppressions")
                .request()
                .post(Entity.json("{\"number\":\"" + number + "\",\"reason\":\"asked\"}"))
                .getStatus())
        .isEqualTo(200);
    String at = java.time.Instant.now().plusSeconds(1).toString();
    for (String text : HOSTILE) {
      Response badSource =
          RESOURCES
              .target("/api/suppressions/" + number + "/lift")
              .request()
              .post(
                  Entity.json("{\"consent\":{\"source\":\"" + text + "\",\"at\":\"" + at + "\"}}"));
      assertThat(badSource.getStatus()).as(text).isEqualTo(422);
      assertThat(badSource.readEntity(String.class))
          .as(text)
          .contains("\"field\":\"consent.source\"");

      Response badReason =
          RESOURCES
              .target("/api/suppressions/" + number + "/lift")
              .request()
              .post(
                  Entity.json(
                      "{\"consent\":{\"source\":\"form\",\"at\":\""
                          + at
                          + "\"},\"reason\":\""
                          + text
                          + "\"}"));
      assertThat(badReason.getStatus()).as(text).isEqualTo(422);
      assertThat(badReason.readEntity(String.class)).as(text).contains("\"field\":\"reason\"");
    }
    assertThat(new Suppressions(DB).find(number).getBoolean("active")).isTrue();
    assertThat(auditTexts(number))
        .singleElement()
        .satisfies(audit -> assertThat(audit).contains("suppression_added"));
  }

  private static Response post(String path, String body) {
    return RESOURCES.target(path).request().post(Entity.json(body));
  }

  private static String liftBody() {
    return "{\"consent\":{\"source\":\"web form\",\"at\":\""
        + java.time.Instant.now().plusSeconds(1)
        + "\"}}";
  }

  /**
   * A number written without its country code is not read in the server's default region (US here):
   * "(21) 3456-7890" was suppressed as +12134567890, a Los Angeles number, and the Rio lead stayed
   * contactable. Refused 422 naming number, by every route that takes a number, unless the request
   * names its country (region, in the body or the query); a bad region is 400 naming it.
   */
  @Test
  void aNumberWithoutItsCountryCodeIsRefusedUnlessItsRegionIsNamed() {
    Response national =
        post("/api/suppressions", "{\"number\":\"(21) 3456-7890\",\"reason\":\"customer asked\"}");
    assertThat(national.getStatus()).isEqualTo(422);
    assertThat(national.readEntity(String.class))
        .contains("\"field\":\"number\"")
        .contains("country code")
        .contains("region");
    assertThat(new Suppressions(DB).find("+12134567890")).isNull();
    assertThat(RESOURCES.target("/api/suppressions/2134567890").request().get().getStatus())
        .isEqualTo(422);

    Response rio =
        post(
            "/api/suppressions",
            "{\"number\":\"(21) 3456-7890\",\"reason\":\"customer asked\",\"region\":\"br\"}");
    assertThat(rio.getStatus()).isEqualTo(200);
    assertThat(rio.readEntity(String.class)).contains("\"number\":\"+552134567890\"");
    Response byQuery =
        RESOURCES.target("/api/suppressions/2134567890").queryParam("region", "BR").request().get();
    assertThat(byQuery.getStatus()).isEqualTo(200);
    assertThat(byQuery.readEntity(String.class)).contains("+552134567890");

    Response liftNational = post("/api/suppressions/2134567890/lift", liftBody());
    assertThat(liftNational.getStatus()).isEqualTo(422);
    assertThat(liftNational.readEntity(String.class)).contains("\"field\":\"number\"");
    assertThat(new Suppressions(DB).find("+552134567890").getBoolean("active")).isTrue();
    assertThat(
            RESOURCES
                .target("/api/suppressions/2134567890/lift")
                .queryParam("region", "BR")
                .request()
                .post(Entity.json(liftBody()))
                .getStatus())
        .isEqualTo(200);
    assertThat(new Suppressions(DB).find("+552134567890").getBoolean("active")).isFalse();

    Response badRegion = post("/api/suppressions", "{\"number\":\"2134567890\",\"region\":\"ZZ\"}");
    assertThat(badRegion.getStatus()).isEqualTo(400);
    assertThat(badRegion.readEntity(String.class)).contains("\"field\":\"region\"");
    Response notANumber = post("/api/suppressions", "{\"number\":\"+12\"}");
    assertThat(notANumber.getStatus()).isEqualTo(422);
    assertThat(notANumber.readEntity(String.class)).contains("\"field\":\"number\"");
  }

  /**
   * active=false lists the lifted suppressions only (it listed every one), active=all both; each
   * answer says its total; a bad pageSize is named as pageSize (it was named page).
   */
  @Test
  void theListFiltersActiveOrLiftedSaysItsTotalAndNamesPageSize() throws Exception {
    String kept = "+15005550111";
    String lifted = "+15005550112";
    assertThat(post("/api/suppressions", "{\"number\":\"" + kept + "\"}").getStatus())
        .isEqualTo(200);
    assertThat(post("/api/suppressions", "{\"number\":\"" + lifted + "\"}").getStatus())
        .isEqualTo(200);
    assertThat(post("/api/suppressions/" + lifted + "/lift", liftBody()).getStatus())
        .isEqualTo(200);

    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> lists =
        new java.util.HashMap<>();
    // "false" first: the old answer to it (every suppression) is the defect; "all" is new.
    for (String active : List.of("false", "true", "all")) {
      Response r =
          RESOURCES
              .target("/api/suppressions")
              .queryParam("active", active)
              .queryParam("pageSize", 500)
              .request()
              .get();
      assertThat(r.getStatus()).isEqualTo(200);
      lists.put(active, json.readTree(r.readEntity(String.class)));
      if (active.equals("false")) {
        lists
            .get("false")
            .path("suppressions")
            .forEach(
                n -> assertThat(n.path("number").asText()).as("lifted only").isNotEqualTo(kept));
        assertThat(lists.get("false").path("total").isNumber()).as("a total").isTrue();
      }
    }
    List<String> liftedNumbers = new ArrayList<>();
    lists
        .get("false")
        .path("suppressions")
        .forEach(n -> liftedNumbers.add(n.path("number").asText()));
    assertThat(liftedNumbers).contains(lifted).doesNotContain(kept);
    lists
        .get("false")
        .path("suppressions")
        .forEach(n -> assertThat(n.path("active").asBoolean()).isFalse());
    List<String> activeNumbers = new ArrayList<>();
    lists
        .get("true")
        .path("suppressions")
        .forEach(n -> activeNumbers.add(n.path("number").asText()));
    assertThat(activeNumbers).contains(kept).doesNotContain(lifted);
    for (var list : lists.values()) {
      assertThat(list.path("total").isNumber()).as(list.toString()).isTrue();
      assertThat(list.path("total").asLong()).isEqualTo(list.path("suppressions").size());
    }
    assertThat(lists.get("all").path("total").asLong())
        .isEqualTo(
            lists.get("true").path("total").asLong() + lists.get("false").path("total").asLong());
    Response onePage =
        RESOURCES
            .target("/api/suppressions")
            .queryParam("active", "all")
            .queryParam("pageSize", 1)
            .request()
            .get();
    var page = json.readTree(onePage.readEntity(String.class));
    assertThat(page.path("suppressions").size()).isEqualTo(1);
    assertThat(page.path("total").asLong()).isEqualTo(lists.get("all").path("total").asLong());

    Response zero = RESOURCES.target("/api/suppressions").queryParam("pageSize", 0).request().get();
    assertThat(zero.getStatus()).isEqualTo(400);
    String body = zero.readEntity(String.class);
    assertThat(body).contains("\"field\":\"pageSize\"").doesNotContain("\"field\":\"page\"");
    Response maybe =
        RESOURCES.target("/api/suppressions").queryParam("active", "maybe").request().get();
    assertThat(maybe.getStatus()).isEqualTo(400);
    assertThat(maybe.readEntity(String.class)).contains("\"field\":\"active\"");
  }
}

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
}

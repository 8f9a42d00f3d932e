package com.salesagent.api.senders;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.salesagent.activities.lead.WaitingLeads;
import com.salesagent.activities.mongo.Senders;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sender pool's API alone: what it refuses, with the field named; tokens never stored. */
@ExtendWith(DropwizardExtensionsSupport.class)
class SendersResourceTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final InetSocketAddress ADDRESS = MONGO.bind();
  static final MongoClient CLIENT =
      MongoClients.create(
          "mongodb://" + ADDRESS.getHostString() + ":" + ADDRESS.getPort() + "/?w=1");
  static final Senders SENDERS = new Senders(CLIENT.getDatabase("senders-test"));

  /** The leads told their number resumed: leadId@phoneNumberId. */
  static final List<String> TOLD = new java.util.concurrent.CopyOnWriteArrayList<>();

  static final ResourceExtension RESOURCES =
      ResourceExtension.builder()
          .addProvider(new ApiExceptionMapper())
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addProvider(ResourceTests.asOperator("ops"))
          .addResource(
              new SendersResource(
                  SENDERS,
                  new SenderDirectory(SENDERS, "123", Clock.systemUTC()),
                  new WaitingLeads(
                      CLIENT.getDatabase("senders-test"),
                      (lead, number) -> TOLD.add(lead + "@" + number),
                      WaitingLeads.PAGE,
                      WaitingLeads.MAX),
                  Clock.systemUTC()))
          .build();

  @AfterAll
  static void close() {
    CLIENT.close();
    MONGO.shutdown();
  }

  private static Response post(String json) {
    return RESOURCES.target("/api/senders").request().post(Entity.json(json));
  }

  @SuppressWarnings("unchecked")
  private static List<String> fields(Response r) {
    Map<String, Object> body = r.readEntity(Map.class);
    return ((List<Map<String, Object>>) body.get("errors"))
        .stream().map(e -> String.valueOf(e.get("field"))).toList();
  }

  @Test
  void badInputIs400NamingTheField() {
    Response noId = post("{\"tokenRef\":\"TOKEN_B\"}");
    assertThat(noId.getStatus()).isEqualTo(400);
    assertThat(fields(noId)).contains("phoneNumberId");

    Response phoneNotId = post("{\"phoneNumberId\":\"+5511998765432\",\"tokenRef\":\"TOKEN_B\"}");
    assertThat(phoneNotId.getStatus()).isEqualTo(400);
    assertThat(fields(phoneNotId)).containsExactly("phoneNumberId");

    // A token pasted where its variable's name belongs is refused and not stored.
    Response token = post("{\"phoneNumberId\":\"456\",\"tokenRef\":\"EAAGm0PX4ZCpsBA\"}");
    assertThat(token.getStatus()).isEqualTo(400);
    assertThat(fields(token)).containsExactly("tokenRef");
    assertThat(SENDERS.get("456")).isNull();

    // The app's own secret named as the number's token would go to the Graph API on a send.
    Response secret = post("{\"phoneNumberId\":\"456\",\"tokenRef\":\"API_ADMIN_TOKEN\"}");
    assertThat(secret.getStatus()).isEqualTo(400);
    assertThat(fields(secret)).containsExactly("tokenRef");
    assertThat(SENDERS.get("456")).isNull();

    Response tier = post("{\"phoneNumberId\":\"456\",\"tokenRef\":\"TOKEN_B\",\"tier\":500}");
    assertThat(tier.getStatus()).isEqualTo(400);
    assertThat(fields(tier)).containsExactly("tier");

    Response tierText = post("{\"phoneNumberId\":\"456\",\"tokenRef\":\"TOKEN_B\",\"tier\":\"x\"}");
    assertThat(tierText.getStatus()).isEqualTo(400);
    assertThat(fields(tierText)).containsExactly("tier");

    Response notObject = post("[1,2]");
    assertThat(notObject.getStatus()).isEqualTo(400);
    assertThat(fields(notObject)).containsExactly("body");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aNumberAddedIsListedWithItsTierAndTokenReferenceOnly() {
    Response added = post("{\"phoneNumberId\":\"789\",\"tokenRef\":\"TOKEN_C\",\"tier\":1000}");
    assertThat(added.getStatus()).isEqualTo(200);

    Map<String, Object> list = RESOURCES.target("/api/senders").request().get(Map.class);
    List<Map<String, Object>> senders = (List<Map<String, Object>>) list.get("senders");
    assertThat(senders)
        .anySatisfy(
            s -> {
              assertThat(s.get("phoneNumberId")).isEqualTo("789");
              assertThat(s.get("tokenRef")).isEqualTo("TOKEN_C");
              assertThat(s.get("tier")).isEqualTo(1000);
              assertThat(s.get("status")).isEqualTo("active");
              // Just registered: no worker has reported on its token variable yet.
              assertThat(s.get("usable")).isEqualTo(false);
              assertThat(s.get("reason")).isEqualTo("token_unchecked");
            });

    Response resume = RESOURCES.target("/api/senders/12x/resume").request().post(Entity.json("{}"));
    assertThat(resume.getStatus()).isEqualTo(400);
    assertThat(fields(resume)).containsExactly("id");
  }

  @Test
  @SuppressWarnings("unchecked")
  void resumingANumberWakesTheLeadsWaitingForItAndNoOther() {
    post("{\"phoneNumberId\":\"5550001\",\"tokenRef\":\"TOKEN_E\"}");
    SENDERS.pause("5550001", 131031, "account locked", java.time.Instant.now());
    CLIENT
        .getDatabase("senders-test")
        .getCollection("contacts")
        .insertMany(
            List.of(
                new org.bson.Document("leadId", "parked-1")
                    .append("senderId", "5550001")
                    .append("stage", "waiting_sender"),
                new org.bson.Document("leadId", "parked-2")
                    .append("senderId", "5550001")
                    .append("stage", "waiting_sender"),
                new org.bson.Document("leadId", "talking")
                    .append("senderId", "5550001")
                    .append("stage", "awaiting_response"),
                new org.bson.Document("leadId", "elsewhere")
                    .append("senderId", "5550002")
                    .append("stage", "waiting_sender")));

    Response r = RESOURCES.target("/api/senders/5550001/resume").request().post(Entity.json("{}"));

    assertThat(r.getStatus()).isEqualTo(200);
    Map<String, Object> body = r.readEntity(Map.class);
    assertThat(body.get("phoneNumberId")).isEqualTo("5550001");
    assertThat(body.get("status")).isEqualTo("active");
    assertThat((Map<String, Object>) body.get("woken"))
        .containsEntry("signalled", 2)
        .containsEntry("ended", 0)
        .containsEntry("more", false);
    assertThat(TOLD).containsExactlyInAnyOrder("parked-1@5550001", "parked-2@5550001");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aNumberWhoseTokenVariableNoWorkerHasIsListedUnusableWithTheReason() {
    post("{\"phoneNumberId\":\"6660001\",\"tokenRef\":\"TOKEN_NOBODY\"}");
    post("{\"phoneNumberId\":\"6660002\",\"tokenRef\":\"TOKEN_SOMEBODY\"}");
    java.time.Instant now = java.time.Instant.now();
    CLIENT
        .getDatabase("senders-test")
        .getCollection(Senders.COLLECTION)
        .updateMany(
            com.mongodb.client.model.Filters.in("_id", "6660001", "6660002"),
            com.mongodb.client.model.Updates.set(
                "registeredAt", java.util.Date.from(now.minusSeconds(600))));
    // A worker has the second number's variable (SenderTokenReport), nobody the first's.
    SENDERS.tokensSeen(Map.of("6660002", "TOKEN_SOMEBODY"), now);

    Map<String, Object> list = RESOURCES.target("/api/senders").request().get(Map.class);
    List<Map<String, Object>> senders = (List<Map<String, Object>>) list.get("senders");
    Map<String, Object> missing =
        senders.stream().filter(s -> "6660001".equals(s.get("phoneNumberId"))).findFirst().get();
    Map<String, Object> present =
        senders.stream().filter(s -> "6660002".equals(s.get("phoneNumberId"))).findFirst().get();

    assertThat(missing.get("status")).isEqualTo("active");
    assertThat(missing.get("usable")).isEqualTo(false);
    assertThat(missing.get("reason")).isEqualTo("token_missing");
    assertThat(missing.get("tokenRef")).isEqualTo("TOKEN_NOBODY");
    assertThat(present.get("usable")).isEqualTo(true);
    assertThat(present.get("reason")).isNull();
  }

  @Test
  void anUnknownFieldIs400NamingIt() {
    Response r = post("{\"phoneNumberId\":\"4567\",\"tokenRef\":\"TOKEN_D\",\"teir\":80}");
    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(fields(r)).containsExactly("teir");
    assertThat(SENDERS.get("4567")).isNull();
  }
}

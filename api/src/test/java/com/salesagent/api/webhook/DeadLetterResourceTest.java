package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.api.http.ApiException;
import com.salesagent.workflows.lead.InboundMessageSignal;
import io.dropwizard.jackson.Jackson;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/webhooks/dead-letters} says why an item failed, not whose it is: the numbers in
 * the items (wa_id, from, recipient_id, a shared contact's phones, digits in a text or an error)
 * are masked, message ids cut; the stored raw item stays whole and a retry replays it.
 */
class DeadLetterResourceTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final String WA_ID = "5511998765432";

  /** Meta's message ids are base64 whose bytes hold the number: this one decodes to WA_ID. */
  private static final String WAMID =
      "wamid.HBgNNTUxMTk5ODc2NTQzMhUCABIYFjNFQjBDNzY5RkQ3MjY5RkM3RjVBAA==";

  private final ObjectMapper json = Jackson.newObjectMapper();
  private InboxFixture fixture;
  private DeadLetterResource resource;

  @BeforeEach
  void setUp() {
    fixture =
        new InboxFixture(
            MONGO.database(),
            store ->
                store.insertContact(
                    new Document("leadId", "L-1")
                        .append("campaignId", "cmp")
                        .append("phone", "+" + WA_ID)
                        .append("variantId", "v-1")));
    resource = new DeadLetterResource(fixture.inbox);
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.close();
  }

  private JsonNode list() throws Exception {
    return json.readTree(json.writeValueAsString(resource.list(0, 50).getEntity()));
  }

  @Test
  void theListMasksEveryNumberAndARetryReplaysTheStoredItem() throws Exception {
    long now = Instant.now().getEpochSecond();
    // Wrong shapes, dead letters at once: a status whose id is a number, a shared contact whose
    // timestamp is no epoch, a preference whose category is no word, a message that is no object.
    fixture.post(
        InboxFixture.envelope(
            "messages",
            "\"statuses\":[{\"id\":12345,\"status\":\"read\",\"timestamp\":\""
                + now
                + "\",\"recipient_id\":\""
                + WA_ID
                + "\"}],\"messages\":[{\"from\":\""
                + WA_ID
                + "\",\"id\":\""
                + WAMID
                + "\",\"timestamp\":\"soon\",\"type\":\"contacts\",\"contacts\":[{\"name\":"
                + "{\"formatted_name\":\"Maria Souza\",\"first_name\":\"Maria\"},\"phones\":"
                + "[{\"phone\":\"+55 11 99876-5432\",\"wa_id\":\""
                + WA_ID
                + "\",\"type\":\"CELL\"}]}]},\"call +55 (11) 99876-5432\"],"
                + "\"user_preferences\":[{\"wa_id\":\""
                + WA_ID
                + "\",\"category\":\"Marketing Messages!\",\"value\":\"stop\",\"timestamp\":\""
                + now
                + "\"}]"));
    // One that failed processing five times (as the inbox leaves it), kept whole for a retry.
    Document item =
        new Document("from", WA_ID)
            .append("id", WAMID)
            .append("timestamp", String.valueOf(now))
            .append("type", "text")
            .append("text", new Document("body", "my other number is 5511998760000"))
            .append(MetaNotification.BUSINESS_NUMBER, InboxFixture.NUMBER);
    fixture
        .store
        .webhookEvents()
        .insertOne(
            new Document("eventKey", "message:" + WAMID)
                .append("kind", MetaNotification.MESSAGE)
                .append("partitionKey", WA_ID)
                .append("item", item)
                .append("processed", false)
                .append("attempts", WebhookInbox.MAX_ATTEMPTS)
                .append("deadLetter", true)
                .append("lastError", "IllegalStateException: no lead answers " + WA_ID)
                .append("receivedAt", new Date()));

    JsonNode page = list();
    assertThat(page.path("total").asInt()).isEqualTo(5);
    String shown = page.toString();
    assertThat(shown)
        .doesNotContain(WA_ID)
        .doesNotContain("998765432")
        .doesNotContain("99876-5432")
        .doesNotContain("5511998760000")
        .doesNotContain("Maria")
        .doesNotContain(WAMID.substring(6, 30));
    // Still what an operator needs to see why: the reasons, the kinds, a masked number, the times.
    assertThat(shown)
        .contains("55*******5432")
        .contains("id must be a string")
        .contains("timestamp must be epoch seconds")
        .contains("category must be a string")
        .contains("IllegalStateException: no lead answers")
        .contains("\"timestamp\":\"" + now + "\"");

    JsonNode failed = null;
    for (JsonNode d : page.path("deadLetters")) {
      if (d.path("retryable").asBoolean()) {
        failed = d;
      }
    }
    assertThat(failed).isNotNull();
    assertThat(failed.path("item").path("text").path("body").asText())
        .isEqualTo("my other number is 55*******0000");
    // The raw item is kept as Meta sent it...
    assertThat(
            fixture
                .store
                .webhookEvents()
                .find(Filters.eq("eventKey", "message:" + WAMID))
                .first()
                .get("item", Document.class))
        .isEqualTo(item);
    // ... and the retry the list offers replays it: the lead of the unmasked number gets it.
    String id = failed.path("id").asText();
    assertThat(resource.retry(id).getStatus()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.signals.isEmpty());
    assertThat(fixture.signals)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKey()).isEqualTo("L-1");
              assertThat(s.getValue()).isInstanceOf(InboundMessageSignal.class);
            });
    assertThat(list().path("total").asInt()).isEqualTo(4);
    // A wrong shape is never retried, by its id either.
    String invalidId = list().path("deadLetters").get(0).path("id").asText();
    try {
      resource.retry(invalidId);
      throw new AssertionError("a wrong shape was queued again");
    } catch (ApiException e) {
      assertThat(e.status()).isEqualTo(404);
    }
  }

  /**
   * A shared contact is a third person's card, a location where the lead is: the list shows what
   * they are (their keys, a masked value), not the address, birthday, workplace, links or the
   * place.
   */
  @Test
  void theListShowsNoSharedContactsAddressBirthdayWorkplaceOrLinkNorALeadsLocation()
      throws Exception {
    Document contactCard =
        Document.parse(
            "{\"from\":\""
                + WA_ID
                + "\",\"type\":\"contacts\",\"contacts\":[{\"name\":{\"formatted_name\":"
                + "\"Dr. Maria Souza Jr.\",\"prefix\":\"Dr.\",\"suffix\":\"Jr.\"},"
                + "\"addresses\":[{\"street\":\"Rua Augusta 1500\",\"city\":\"Sao Paulo\","
                + "\"state\":\"SP\",\"zip\":\"01304-001\",\"country\":\"Brazil\","
                + "\"country_code\":\"BR\",\"type\":\"HOME\"}],\"birthday\":\"1984-03-17\","
                + "\"org\":{\"company\":\"Clinica Souza\",\"department\":\"Pediatria\","
                + "\"title\":\"Pediatra\"},\"urls\":[{\"url\":\"https://souza.example/maria\","
                + "\"type\":\"WORK\"}]}]}");
    Document location =
        Document.parse(
            "{\"from\":\""
                + WA_ID
                + "\",\"type\":\"location\",\"location\":{\"latitude\":-23.5558,"
                + "\"longitude\":-46.6623,\"name\":\"Home\",\"address\":"
                + "\"Rua Haddock Lobo 595, Sao Paulo\"}}");
    String shown =
        json.writeValueAsString(DeadLetterResource.masked(null, contactCard))
            + json.writeValueAsString(DeadLetterResource.masked(null, location));
    assertThat(shown)
        .doesNotContain("Rua Augusta")
        .doesNotContain("01304")
        .doesNotContain("1984-03-17")
        .doesNotContain("Clinica Souza")
        .doesNotContain("Pediatr")
        .doesNotContain("souza.example")
        .doesNotContain("Dr.")
        .doesNotContain("Haddock")
        .doesNotContain("-23.5558")
        .doesNotContain("-46.6623");
    // What kind of item it is stays readable.
    assertThat(shown).contains("\"type\":\"contacts\"").contains("\"type\":\"HOME\"");
  }
}

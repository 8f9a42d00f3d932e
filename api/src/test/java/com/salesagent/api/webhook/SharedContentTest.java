package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import java.time.Duration;
import java.time.Instant;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Found by the QA walk: a lead that shared a colleague's contact card (a referral) or its office's
 * location was stored with no text; the rep read "(contacts)" and "(location)" and what the lead
 * sent was lost. Each is kept as what it says; a place named "Stop" is no opt-out.
 */
class SharedContentTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private InboxFixture fixture;

  @BeforeEach
  void setUp() {
    fixture =
        new InboxFixture(
            MONGO.database(),
            store ->
                store.insertContact(
                    new Document("leadId", "L-1")
                        .append("campaignId", "cmp")
                        .append("phone", "+5511998765432")
                        .append("variantId", "v-1")
                        .append("segment", "smb")));
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.close();
  }

  private static String message(String id, String type, String body) {
    return InboxFixture.envelope(
        "messages",
        "\"messages\":[{\"from\":\"5511998765432\",\"id\":\""
            + id
            + "\",\"timestamp\":\""
            + Instant.now().getEpochSecond()
            + "\",\"type\":\""
            + type
            + "\",\""
            + type
            + "\":"
            + body
            + "}]");
  }

  private String textOf(String id) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> fixture.store.feedback().find(Filters.eq("messageId", id)).first() != null);
    return fixture.store.feedback().find(Filters.eq("messageId", id)).first().getString("text");
  }

  @Test
  void aSharedContactCardAndLocationAreKeptAsWhatTheySay() {
    fixture.post(
        message(
            "wamid.CARD1",
            "contacts",
            "[{\"name\":{\"formatted_name\":\"Marcos Lima\",\"first_name\":\"Marcos\"},"
                + "\"org\":{\"company\":\"Acme\"},"
                + "\"phones\":[{\"phone\":\"+55 11 91234-5678\",\"type\":\"CELL\"}],"
                + "\"emails\":[{\"email\":\"marcos@acme.example\"}]}]"));
    fixture.post(
        message(
            "wamid.LOC1",
            "location",
            "{\"latitude\":-23.5614,\"longitude\":-46.6559,\"name\":\"Stop\","
                + "\"address\":\"Av. Paulista, 1000\"}"));

    assertThat(textOf("wamid.CARD1"))
        .isEqualTo("Contact: Marcos Lima Acme +55 11 91234-5678 marcos@acme.example");
    assertThat(textOf("wamid.LOC1"))
        .isEqualTo("Location: Stop · Av. Paulista, 1000 · -23.5614, -46.6559");
    assertThat(fixture.store.contact("L-1").getBoolean("doNotContact", false))
        .as("a place named Stop is no opt-out")
        .isFalse();
    assertThat(
            fixture
                .store
                .feedback()
                .find(Filters.eq("messageId", "wamid.LOC1"))
                .first()
                .getString("intent"))
        .as("triaged as before")
        .isEqualTo("other");
  }
}

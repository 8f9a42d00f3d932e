package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import java.time.Duration;
import java.time.Instant;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Meta's {@code timestamp} is epoch seconds of up to 12 digits: a signed status dated in the year
 * 5138 ({@code 100000000000}) is still answered 200 (Meta would deliver it again and again), but
 * its time is not stored as the event's: the time it was received is, as for a timestamp that is no
 * number, and the stored raw event keeps what Meta sent.
 */
class WebhookTimestampTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final String WA_ID = "5511998765432";
  private static final Instant SENT = Instant.parse("2026-11-25T10:00:00Z");

  /** 5138-11-16T09:46:40Z. */
  private static final long YEAR_5138 = 100_000_000_000L;

  private InboxFixture fixture;
  private LeadStore store;

  @BeforeEach
  void setUp() {
    fixture =
        new InboxFixture(
            MONGO.database(),
            s -> {
              store = s;
              s.insertContact(
                  new Document("leadId", "L-1")
                      .append("campaignId", "cmp")
                      .append("phone", "+" + WA_ID)
                      .append("variantId", "v-1")
                      .append("segment", "smb"));
              s.messages()
                  .upsertComposed(
                      "L-1-k1",
                      new Document("leadId", "L-1")
                          .append("status", "composed")
                          .append("variantId", "v-1"));
              s.messages().markAccepted("L-1-k1", "wamid.FUTURE", WA_ID, "text", SENT);
            });
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.close();
  }

  @Test
  void aStatusDatedFarInTheFutureIsStoredAtItsReceiptAndKeptRawInTheEvent() {
    Instant before = Instant.now();
    fixture.post(
        InboxFixture.envelope(
            "messages",
            "\"statuses\":[{\"id\":\"wamid.FUTURE\",\"status\":\"delivered\",\"timestamp\":\""
                + YEAR_5138
                + "\",\"recipient_id\":\""
                + WA_ID
                + "\"}]"));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                store.messages().messageByWamid("wamid.FUTURE").get("statusAt", Document.class)
                        != null
                    && store
                            .messages()
                            .messageByWamid("wamid.FUTURE")
                            .get("statusAt", Document.class)
                            .getDate("delivered")
                        != null);
    Instant delivered =
        store
            .messages()
            .messageByWamid("wamid.FUTURE")
            .get("statusAt", Document.class)
            .getDate("delivered")
            .toInstant();
    assertThat(delivered).isBetween(before.minusSeconds(1), Instant.now());
    Document raw = store.webhookEvents().find(Filters.eq("kind", MetaNotification.STATUS)).first();
    assertThat(raw.get("item", Document.class).get("timestamp").toString())
        .isEqualTo(String.valueOf(YEAR_5138));
  }

  /**
   * A time a little after the receipt (clocks differ) or days before it (Meta retries a delivery
   * for days) is Meta's; one hours ahead, before 2000, or no number is the receipt's.
   */
  @Test
  void aTimestampWithinTheClockSkewOrInThePastIsTakenAsMetaSentIt() {
    Instant received = Instant.parse("2026-11-25T10:00:00Z");
    for (Instant at :
        new Instant[] {received.minus(Duration.ofDays(6)), received, received.plusSeconds(60)}) {
      InboxEvent event =
          new InboxEvent(
              "k",
              new Document("timestamp", String.valueOf(at.getEpochSecond())),
              received,
              false,
              () -> {});
      assertThat(event.at("timestamp")).isEqualTo(at);
    }
    for (String absurd :
        new String[] {
          String.valueOf(YEAR_5138),
          String.valueOf(received.plus(Duration.ofHours(2)).getEpochSecond()),
          "0",
          "not a number"
        }) {
      InboxEvent event =
          new InboxEvent("k", new Document("timestamp", absurd), received, false, () -> {});
      assertThat(event.at("timestamp")).as(absurd).isEqualTo(received);
    }
  }
}

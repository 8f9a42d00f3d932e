package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.workflows.lead.OptOutSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A lead's tap on a button: a template's quick reply ({@code type: button}, its text and payload)
 * or an interactive message's reply ({@code type: interactive}, a button's or a list row's title
 * and id). A tap that says stop, in its title or its payload, is an opt-out like a typed STOP; any
 * other tap is a reply with its title as the text (an interactive one was a reply without text).
 */
class QuickReplyTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final String PHONE = "+5511998765432";

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
                        .append("phone", PHONE)
                        .append("variantId", "v-1")
                        .append("segment", "smb")));
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.close();
  }

  private void tap(String id, String message) {
    fixture.post(
        InboxFixture.envelope(
            "messages",
            "\"messages\":[{\"from\":\"5511998765432\",\"id\":\""
                + id
                + "\",\"timestamp\":\""
                + Instant.now().getEpochSecond()
                + "\","
                + message
                + "}]"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // Meta's quick reply on marketing templates
        "\"type\":\"button\",\"button\":{\"payload\":\"Stop promotions\",\"text\":\"Stop promotions\"}",
        // a template's own quick reply: the label is polite, the payload says what it is
        "\"type\":\"button\",\"button\":{\"payload\":\"OPT_OUT\",\"text\":\"No, gracias\"}",
        // an interactive message's reply button and list row
        "\"type\":\"interactive\",\"interactive\":{\"type\":\"button_reply\","
            + "\"button_reply\":{\"id\":\"b-2\",\"title\":\"STOP\"}}",
        "\"type\":\"interactive\",\"interactive\":{\"type\":\"list_reply\","
            + "\"list_reply\":{\"id\":\"unsubscribe\",\"title\":\"Não, obrigado\","
            + "\"description\":\"\"}}"
      })
  void aTapThatSaysStopSuppressesTheNumber(String message) {
    tap("wamid.TAP1", message);

    // Suppressed by the webhook's answer itself, before the event's turn to be processed: no send
    // passes the check once Meta has delivered the tap (the processing's own mark says "reply").
    assertThat(new Suppressions(MONGO.database()).active(List.of(PHONE)))
        .hasValueSatisfying(e -> assertThat(e.detail()).isEqualTo("message:wamid.TAP1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.signals.isEmpty());
    assertThat(fixture.signals).allMatch(e -> e.getValue() instanceof OptOutSignal);
  }

  @Test
  void anInteractiveReplyIsReadByItsTitle() {
    tap(
        "wamid.TAP2",
        "\"type\":\"interactive\",\"interactive\":{\"type\":\"button_reply\","
            + "\"button_reply\":{\"id\":\"b-1\",\"title\":\"Tell me more\"}}");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> fixture.store.feedback().countDocuments(Filters.eq("leadId", "L-1")) == 1);
    Document feedback = fixture.store.feedback().find(Filters.eq("leadId", "L-1")).first();
    assertThat(feedback.getString("intent")).isEqualTo("interested");
    assertThat(new Suppressions(MONGO.database()).active(List.of(PHONE))).isEmpty();
  }
}

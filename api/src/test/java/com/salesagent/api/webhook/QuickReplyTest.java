package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.api.senders.SenderDirectory;
import com.salesagent.workflows.lead.OptOutSignal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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

  private static final String NUMBER = "123";
  private static final String SECRET = "app-secret";
  private static final String PHONE = "+5511998765432";

  private final List<Map.Entry<String, Object>> signals = new CopyOnWriteArrayList<>();
  private LeadStore store;
  private WebhookInbox inbox;
  private WhatsAppWebhookResource resource;

  @BeforeEach
  void setUp() {
    MONGO.database().drop();
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    Senders senders = new Senders(MONGO.database());
    senders.register(NUMBER, "WHATSAPP_ACCESS_TOKEN", null, true);
    store.insertContact(
        new Document("leadId", "L-1")
            .append("campaignId", "cmp")
            .append("phone", PHONE)
            .append("variantId", "v-1")
            .append("segment", "smb"));
    Clock clock = Clock.systemUTC();
    inbox =
        new WebhookInbox(
            store,
            new RecordingSignaller(signals),
            NUMBER,
            clock,
            2,
            ReplyClassifier.LEXICON,
            Duration.ofDays(30));
    resource =
        new WhatsAppWebhookResource(
            SECRET, "verify", inbox, new SenderDirectory(senders, NUMBER, clock));
  }

  @AfterEach
  void tearDown() throws Exception {
    inbox.stop();
  }

  private void tap(String id, String message) {
    String body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"waba-1\",\"changes\":[{"
            + "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
            + "\"metadata\":{\"display_phone_number\":\"15550000000\",\"phone_number_id\":\""
            + NUMBER
            + "\"},\"messages\":[{\"from\":\"5511998765432\",\"id\":\""
            + id
            + "\",\"timestamp\":\""
            + Instant.now().getEpochSecond()
            + "\","
            + message
            + "}]}}]}]}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    assertThat(resource.receive(new WebhookSignature(SECRET).sign(bytes), bytes).getStatus())
        .isEqualTo(200);
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
    await().atMost(Duration.ofSeconds(10)).until(() -> !signals.isEmpty());
    assertThat(signals).allMatch(e -> e.getValue() instanceof OptOutSignal);
  }

  @Test
  void anInteractiveReplyIsReadByItsTitle() {
    tap(
        "wamid.TAP2",
        "\"type\":\"interactive\",\"interactive\":{\"type\":\"button_reply\","
            + "\"button_reply\":{\"id\":\"b-1\",\"title\":\"Tell me more\"}}");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> store.feedback().countDocuments(Filters.eq("leadId", "L-1")) == 1);
    Document feedback = store.feedback().find(Filters.eq("leadId", "L-1")).first();
    assertThat(feedback.getString("intent")).isEqualTo("interested");
    assertThat(new Suppressions(MONGO.database()).active(List.of(PHONE))).isEmpty();
  }
}

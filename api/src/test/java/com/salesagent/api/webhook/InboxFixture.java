package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.api.senders.SenderDirectory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The webhook tests' common stand: one business number's inbox on a fresh embedded database, the
 * signals it sends recorded instead of sent, and Meta's signed POST.
 */
final class InboxFixture implements AutoCloseable {
  static final String NUMBER = "123";
  static final String SECRET = "app-secret";

  final List<Map.Entry<String, Object>> signals = new CopyOnWriteArrayList<>();

  /** Leads a message was signalled to in a way that may start a new run of an ended one. */
  final List<String> mayReopen = new CopyOnWriteArrayList<>();

  final LeadStore store;
  final WebhookInbox inbox;
  final WhatsAppWebhookResource resource;

  /** {@code before}: what the store holds before the inbox starts (contacts, messages). */
  InboxFixture(MongoDatabase db, Consumer<LeadStore> before) {
    db.drop();
    MongoSchema.ensure(db);
    store = new LeadStore(db);
    Senders senders = new Senders(db);
    senders.register(NUMBER, "WHATSAPP_ACCESS_TOKEN", null, true);
    before.accept(store);
    Clock clock = Clock.systemUTC();
    inbox =
        new WebhookInbox(
            store,
            new RecordingSignaller(signals, mayReopen),
            NUMBER,
            clock,
            2,
            ReplyClassifier.LEXICON,
            Duration.ofDays(30));
    resource =
        new WhatsAppWebhookResource(
            SECRET, "verify", inbox, new SenderDirectory(senders, NUMBER, clock));
  }

  /** Meta's POST of {@code body}, signed: answered 200. */
  void post(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    assertThat(resource.notification(new WebhookSignature(SECRET).sign(bytes), bytes).status())
        .isEqualTo(200);
  }

  /** A notification of one change to {@link #NUMBER}: {@code value}'s fields besides metadata. */
  static String envelope(String field, String value) {
    return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"waba-1\",\"changes\":[{"
        + "\"field\":\""
        + field
        + "\",\"value\":{\"messaging_product\":\"whatsapp\","
        + "\"metadata\":{\"display_phone_number\":\"15550000000\",\"phone_number_id\":\""
        + NUMBER
        + "\"},"
        + value
        + "}}]}]}";
  }

  @Override
  public void close() throws Exception {
    inbox.stop();
  }
}

package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.OptOutSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lead whose erasure an operator requested, and a new lead enrolled on the same number (another
 * campaign) before the erasure's last pass removed the old one's tombstone: from the moment the
 * erasure was accepted the person's replies, opt-outs and statuses reach the new lead only, never
 * the erased one (nothing recorded on it, counted for it or signalled to it). A stop still
 * suppresses the number, and every number the erased lead was known by.
 */
class ErasedLeadWebhookTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final String PHONE = "+5511998765432";
  private static final String WA_ID = "5511998765432";

  /** The erased lead's number as WhatsApp once answered it (without Brazil's ninth digit). */
  private static final String OLD_WA_ID = "551198765432";

  private static final Instant SENT = Instant.parse("2026-11-25T10:00:00Z");
  private static final Instant ERASURE_REQUESTED = Instant.parse("2026-11-25T10:30:00Z");
  private static final Instant WRITTEN = Instant.parse("2026-11-25T11:00:00Z");

  private InboxFixture fixture;
  private LeadStore store;
  private List<Map.Entry<String, Object>> signals;

  @BeforeEach
  void setUp() {
    fixture =
        new InboxFixture(
            MONGO.database(),
            s -> {
              store = s;
              s.insertContact(contact("L-erased", "cmp-a", "v-old"));
              s.addWhatsAppId("L-erased", OLD_WA_ID);
              sent("L-erased", "wamid.OLD", SENT, "v-old");
              assertThat(s.erasures().markErasing("L-erased", ERASURE_REQUESTED)).isTrue();
              // Enrolled after the erasure was accepted: nothing sent to it yet.
              s.insertContact(contact("L-new", "cmp-b", "v-new"));
            });
    signals = fixture.signals;
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.close();
  }

  private static Document contact(String leadId, String campaignId, String variantId) {
    return new Document("leadId", leadId)
        .append("campaignId", campaignId)
        .append("phone", PHONE)
        .append("variantId", variantId)
        .append("segment", "smb");
  }

  private void sent(String leadId, String wamid, Instant at, String variantId) {
    String key = leadId + "-" + wamid;
    store
        .messages()
        .upsertComposed(
            key,
            new Document("leadId", leadId)
                .append("status", "composed")
                .append("variantId", variantId));
    store.messages().markAccepted(key, wamid, WA_ID, "text", at);
  }

  private void post(String body) {
    fixture.post(body);
  }

  private static String envelope(String field, String value) {
    return InboxFixture.envelope(field, value);
  }

  /** A text from the person, quoting {@code contextWamid}. */
  private void reply(String id, String contextWamid, String text) {
    post(
        envelope(
            "messages",
            "\"messages\":[{\"from\":\""
                + WA_ID
                + "\",\"id\":\""
                + id
                + "\",\"timestamp\":\""
                + WRITTEN.getEpochSecond()
                + "\",\"type\":\"text\",\"text\":{\"body\":\""
                + text
                + "\"},\"context\":{\"id\":\""
                + contextWamid
                + "\"}}]"));
  }

  private void status(String wamid, String status, String errors) {
    post(
        envelope(
            "messages",
            "\"statuses\":[{\"id\":\""
                + wamid
                + "\",\"status\":\""
                + status
                + "\",\"timestamp\":\""
                + WRITTEN.getEpochSecond()
                + "\",\"recipient_id\":\""
                + WA_ID
                + "\""
                + errors
                + "}]"));
  }

  /** The leads signalled, once the inbox has had time for every signal of what was posted. */
  private List<String> signalledLeads() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !signals.isEmpty());
    await().pollDelay(Duration.ofMillis(500)).until(() -> true);
    return signals.stream().map(Map.Entry::getKey).distinct().toList();
  }

  private void nothingReachedTheErasedLead() {
    assertThat(signals).noneMatch(s -> s.getKey().equals("L-erased"));
    assertThat(store.feedback().countDocuments(Filters.eq("leadId", "L-erased"))).isZero();
    assertThat(store.interactions().timeline("L-erased")).isEmpty();
    Document erased = store.contact("L-erased");
    assertThat(erased.get("funnel")).isNull();
    assertThat(erased.get("doNotContact")).isNull();
    assertThat(new VariantStats(MONGO.database()).totals("smb")).doesNotContainKey("v-old");
  }

  @Test
  void aReplyQuotingTheErasedLeadsMessageReachesTheNewLeadOnly() {
    reply("wamid.IN1", "wamid.OLD", "Sounds interesting, tell me more");

    assertThat(signalledLeads()).containsExactly("L-new");
    assertThat(signals.get(0).getValue()).isInstanceOf(InboundMessageSignal.class);
    assertThat(store.feedback().countDocuments(Filters.eq("leadId", "L-new"))).isEqualTo(1);
    nothingReachedTheErasedLead();
  }

  @Test
  void aStopSuppressesEveryNumberOfThePersonAndStopsTheNewLeadOnly() {
    reply("wamid.IN2", "wamid.OLD", "STOP");

    assertThat(signalledLeads()).containsExactly("L-new");
    assertThat(signals).allMatch(s -> s.getValue() instanceof OptOutSignal);
    assertThat(store.contact("L-new").getBoolean("doNotContact")).isTrue();
    Suppressions suppressions = new Suppressions(MONGO.database());
    assertThat(suppressions.find(PHONE).getString("source")).isEqualTo(Suppressions.KEYWORD);
    // The number WhatsApp once knew the erased lead by is the same person's: suppressed too.
    assertThat(suppressions.find("+" + OLD_WA_ID)).isNotNull();
    nothingReachedTheErasedLead();
  }

  @Test
  void statusesOfTheErasedLeadsMessagesChangeNothingOfIt() {
    sent("L-new", "wamid.NEW", WRITTEN.minusSeconds(60), "v-new");

    status("wamid.OLD", "delivered", "");
    status("wamid.OLD", "read", "");
    status("wamid.NEW", "read", "");

    assertThat(signalledLeads()).containsExactly("L-new");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> store.webhookEvents().countDocuments(Filters.eq("outcome", "erased_lead")) == 2);
    assertThat(store.interactions().timeline("L-new"))
        .extracting(e -> e.getString("type"))
        .contains("read");
    nothingReachedTheErasedLead();
  }

  @Test
  void metasMarketingStopOnTheErasedLeadsMessageStillSuppressesTheNumber() {
    status(
        "wamid.OLD",
        "failed",
        ",\"errors\":[{\"code\":131050,\"title\":\"User stopped marketing messages\"}]");

    assertThat(signalledLeads()).containsExactly("L-new");
    assertThat(signals).allMatch(s -> s.getValue() instanceof OptOutSignal);
    assertThat(new Suppressions(MONGO.database()).find(PHONE).getString("source"))
        .isEqualTo(Suppressions.MARKETING_STOPPED);
    nothingReachedTheErasedLead();
  }
}

package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.HeldMessages;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.activities.research.Retriever;
import com.salesagent.activities.whatsapp.StubCloudApi;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.activities.whatsapp.WhatsAppSettings;
import com.salesagent.workflows.lead.ApprovalRecord;
import com.salesagent.workflows.lead.ComposeRequest;
import com.salesagent.workflows.lead.SendRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The set-up of tests of sends held unknown: a researched lead (its id starts with {@link
 * #prefix}), the embedded MongoDB-wire server ({@link #database}, each test class's own), a stub
 * Cloud API counting Meta's calls, and the steps those tests share: a message composed, an
 * operator's decision on its hold, workers whose attempts are of a scheduled activity (or die after
 * the call).
 */
abstract class HeldSendFixture {
  protected final Clock clock = Clock.systemUTC();
  protected LeadStore store;
  protected HeldMessages held;
  protected StubCloudApi api;
  protected WhatsAppSettings settings;
  protected LeadActivitiesImpl leads;
  protected String leadId;

  /** The test class's embedded database. */
  protected abstract MongoDatabase database();

  /** How the test class's lead ids start. */
  protected abstract String prefix();

  @BeforeEach
  void researchedLead() throws Exception {
    MongoSchema.ensure(database());
    Seeds.ensure(database(), LeadActivitiesTest.defaults());
    store = new LeadStore(database());
    held = new HeldMessages(database());
    api = new StubCloudApi().uniqueWamids();
    settings = new WhatsAppSettings(api.baseUrl(), "v21.0", "123", "tok");
    leads = new LeadActivitiesImpl(store, clock);
    leadId = prefix() + java.util.UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("name", "Ana Souza")
            .append("phone", "+5511998765432")
            .append("company", "Acme")
            .append("industry", "retail")
            .append("companySize", "11-50")
            .append("jobTitle", "Head of Sales")
            .append("campaignId", "c-1")
            .append("notes", "They are opening three new stores next year in the south.")
            .append("enrolledAt", new Date()));
    new ResearchActivitiesImpl(
            store, List.of(new EnrolmentSource()), LeadActivitiesTest.EMBEDDINGS, clock)
        .research(leadId);
  }

  @AfterEach
  void closeTheApi() {
    api.close();
  }

  /** A composed message of the lead, its key. */
  protected String composed(String suffix) {
    String key = leadId + ":" + suffix;
    new TemplateComposeActivities(
            store, new Retriever(database(), LeadActivitiesTest.EMBEDDINGS), clock)
        .compose(new ComposeRequest(leadId, "c-1", "v-cost", 0, "first_contact", key, 0, true));
    return key;
  }

  /** The run holds the send ({@code heldAt}); an operator decides resend; the run records it. */
  protected void operatorResends(String key, Instant heldAt) {
    operatorDecides(key, heldAt, "resend");
  }

  /** The run holds the send ({@code heldAt}); an operator decides; the run records it. */
  protected void operatorDecides(String key, Instant heldAt, String decision) {
    leads.recordApproval(new ApprovalRecord(leadId, key, "delivery_unknown", null, null, heldAt));
    held.deliveries().deliveryDeciding(key, Date.from(heldAt), decision, "ops", Instant.now());
    held.deliveries().deliveryDecided(key, Date.from(heldAt), decision, "ops");
    leads.recordApproval(
        new ApprovalRecord(leadId, key, "delivery_" + decision, "ops", null, heldAt));
    assertThat(listed(key)).as("decided, not listed").isFalse();
  }

  /** A worker whose attempts are of the scheduled activity {@code activity}. */
  protected MessagingActivitiesImpl worker(String activity) {
    return new MessagingActivitiesImpl(
            store, new WhatsAppClient(settings, Duration.ofSeconds(5)), settings, clock)
        .asActivity(activity);
  }

  /** A worker whose attempts are of the scheduled activity {@code activity} and die mid-call. */
  protected MessagingActivitiesImpl dyingWorker(String activity) {
    return new MessagingActivitiesImpl(store, new DiesAfterTheCall(settings), settings, clock)
        .asActivity(activity);
  }

  protected SendRequest send(String key) {
    return new SendRequest(leadId, key, 0, true, false);
  }

  protected SendRequest resend(String key) {
    return new SendRequest(leadId, key, 0, true, false, true);
  }

  /** Whether the send is on the approvals card (held unknown, undecided). */
  protected boolean listed(String key) {
    return held.deliveryUnknown(1000).stream()
        .anyMatch(m -> key.equals(m.getString("idempotencyKey")));
  }

  /** Meta accepts the call; the worker dies before the answer is read: nothing is recorded. */
  private static final class DiesAfterTheCall extends WhatsAppClient {
    DiesAfterTheCall(WhatsAppSettings settings) {
      super(settings, Duration.ofSeconds(5));
    }

    @Override
    public Accepted sendTemplate(
        String toE164,
        String name,
        String language,
        List<String> params,
        String callbackData,
        String headerImageId) {
      super.sendTemplate(toE164, name, language, params, callbackData, headerImageId);
      throw new IllegalStateException("worker died after the call");
    }

    @Override
    public Accepted sendText(String toE164, String text, String callbackData) {
      super.sendText(toE164, text, callbackData);
      throw new IllegalStateException("worker died after the call");
    }
  }
}

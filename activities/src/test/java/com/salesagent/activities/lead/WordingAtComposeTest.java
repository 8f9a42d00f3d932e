package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.erasure.LeadErasureActivitiesImpl;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.activities.research.Retriever;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.activities.variants.Assisted;
import com.salesagent.activities.variants.VariantStore;
import com.salesagent.activities.variants.WordingRecount;
import com.salesagent.workflows.erasure.ErasureRequest;
import com.salesagent.workflows.lead.ComposeRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every message records the wording revision of its variant it was composed from; a lead whose
 * variant was rewritten between its assignment and its first message is a trial of the wording it
 * got (its revision and its assigned count move to it), and a follow-up composed after a later
 * rewrite moves nothing (the lead was sent its first message).
 */
class WordingAtComposeTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private final Clock clock = Clock.systemUTC();
  private LeadStore store;
  private TemplateComposeActivities composer;
  private ResearchActivitiesImpl research;
  private LeadActivitiesImpl leads;
  private VariantStore variants;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    Seeds.ensure(MONGO.database(), LeadActivitiesTest.defaults());
    store = new LeadStore(MONGO.database());
    research =
        new ResearchActivitiesImpl(
            store, List.of(new EnrolmentSource()), LeadActivitiesTest.EMBEDDINGS, clock);
    composer =
        new TemplateComposeActivities(
            store, new Retriever(MONGO.database(), LeadActivitiesTest.EMBEDDINGS), clock);
    leads = new LeadActivitiesImpl(store, clock);
    variants = new VariantStore(MONGO.database(), clock);
  }

  private void rewrite(String variantId, String body) {
    Document v = new Document(variants.find(variantId));
    v.remove("_id");
    Document templates = new Document(v.get("templates", Document.class));
    templates.put(
        "first_contact",
        new Document(templates.get("first_contact", Document.class)).append("body", body));
    templates.put(
        "follow_up_read",
        new Document(templates.get("follow_up_read", Document.class)).append("body", body));
    v.put("templates", templates);
    variants.replace(variantId, v, "ops", null);
  }

  private long assigned(String variantId, int revision) {
    return counted(variantId, revision, "assigned");
  }

  private long counted(String variantId, int revision, String counter) {
    Document d =
        MONGO
            .database()
            .getCollection("variant_wording_stats")
            .find(Filters.and(Filters.eq("variantId", variantId), Filters.eq("revision", revision)))
            .first();
    return d == null || d.get(counter) == null ? 0 : ((Number) d.get(counter)).longValue();
  }

  private Document compose(String leadId, String variant, int step, String purpose) {
    String key = leadId + "-" + step + "-" + purpose;
    composer.compose(new ComposeRequest(leadId, "c-1", variant, step, purpose, key, 0, true));
    return store.messages().messageByKey(key);
  }

  @Test
  void aLeadIsATrialOfTheWordingItsFirstMessageWasComposedFrom() {
    store.insertContact(
        new Document("leadId", "L-rewritten")
            .append("name", "Ana Souza")
            .append("phone", "+5511998765401")
            .append("company", "Acme")
            .append("industry", "retail")
            .append("jobTitle", "Head of Sales")
            .append("campaignId", "c-1")
            .append("enrolledAt", new Date()));
    research.research("L-rewritten");
    String variant = leads.assignVariant("L-rewritten", "default").variantId();
    assertThat(store.contact("L-rewritten").get("variantRevision")).isEqualTo(0);

    rewrite(variant, "Hello {{firstName}}, a rewritten opener.");
    Document first = compose("L-rewritten", variant, 0, "first_contact");

    assertThat(first.get("variantRevision")).as("composed from").isEqualTo(1);
    assertThat(first.getString("text")).contains("a rewritten opener");
    assertThat(store.contact("L-rewritten").get("variantRevision"))
        .as("a trial of the wording it got")
        .isEqualTo(1);
    assertThat(assigned(variant, 0)).isZero();
    assertThat(assigned(variant, 1)).isOne();

    // Sent; rewritten again: a follow-up records its own wording, the lead stays a trial of its
    // first message's.
    MONGO
        .database()
        .getCollection(Collections.CONTACTS)
        .updateOne(
            Filters.eq("leadId", "L-rewritten"),
            com.mongodb.client.model.Updates.set("funnel.sent", new Date()));
    rewrite(variant, "Any thoughts, {{firstName}}? Third wording.");
    Document followUp = compose("L-rewritten", variant, 1, "follow_up_read");
    assertThat(followUp.get("variantRevision")).isEqualTo(2);
    assertThat(store.contact("L-rewritten").get("variantRevision")).isEqualTo(1);
    assertThat(assigned(variant, 1)).isOne();
    assertThat(assigned(variant, 2)).isZero();
  }

  /**
   * Found in session 45: a lead a person wrote to before its first message (assisted, out of the
   * evidence, counted so for its wording) kept that count on the wording it was assigned with when
   * its first message moved it to the rewritten one: the old wording read one assisted lead too
   * many (taken off its trials), the new one none, and the undo of the mark (a reply written before
   * the person's message) took it off the new wording, which never had it (-1).
   */
  @Test
  void aLeadMovedToItsFirstMessagesWordingTakesItsAssistedCountAlong() {
    store.insertContact(
        new Document("leadId", "L-assisted")
            .append("name", "Bia Lima")
            .append("phone", "+5511998765402")
            .append("company", "Acme")
            .append("industry", "retail")
            .append("jobTitle", "Head of Sales")
            .append("campaignId", "c-1")
            .append("enrolledAt", new Date()));
    research.research("L-assisted");
    String variant = leads.assignVariant("L-assisted", "default").variantId();
    assertThat(new Assisted(MONGO.database()).mark("L-assisted", clock.instant())).isTrue();
    assertThat(counted(variant, 0, Assisted.COUNTER)).isOne();

    rewrite(variant, "Hello {{firstName}}, a rewritten opener.");
    compose("L-assisted", variant, 0, "first_contact");

    assertThat(store.contact("L-assisted").get("variantRevision")).isEqualTo(1);
    assertThat(assigned(variant, 1)).isOne();
    assertThat(counted(variant, 0, Assisted.COUNTER)).as("left on the old wording").isZero();
    assertThat(counted(variant, 1, Assisted.COUNTER)).isOne();
  }

  /**
   * Found in session 45 (the numbers walk): a lead moved to its first message's wording and then
   * erased kept its counts for the wording its events had recorded (its {@code assigned} event
   * names the wording it was assigned with), while the live rows, and the recount while the lead
   * was there, count it for the wording its contact moved it to: after the erasure the counter
   * check read the old wording one assigned lead too many and the new one one too few, and a
   * rebuild would have moved the count to the old text.
   */
  @Test
  void anErasedLeadMovedToItsFirstMessagesWordingKeepsItsCountsThere() {
    store.insertContact(
        new Document("leadId", "L-moved-erased")
            .append("name", "Caio Reis")
            .append("phone", "+5511998765403")
            .append("company", "Acme")
            .append("industry", "retail")
            .append("jobTitle", "Head of Sales")
            .append("campaignId", "c-1")
            .append("enrolledAt", new Date()));
    research.research("L-moved-erased");
    String variant = leads.assignVariant("L-moved-erased", "default").variantId();
    rewrite(variant, "Hello {{firstName}}, a rewritten opener.");
    compose("L-moved-erased", variant, 0, "first_contact");
    assertThat(assigned(variant, 1)).isOne();
    WordingRecount recount = new WordingRecount(MONGO.database());
    assertThat(recount.check()).as("before the erasure").isEmpty();

    Instant requested = clock.instant();
    store.erasures().markErasing("L-moved-erased", requested);
    LeadErasureActivitiesImpl erasure =
        new LeadErasureActivitiesImpl(
            store, new ObjectStorage(null, null, "media", "us-east-1"), null, clock);
    ErasureRequest request = new ErasureRequest("L-moved-erased", "ops", "asked", false, 0);
    erasure.erase(request, false);
    erasure.erase(request, true);

    assertThat(store.interactions().timeline("L-moved-erased")).isEmpty();
    assertThat(assigned(variant, 1)).as("the live row keeps the lead").isOne();
    assertThat(recount.check()).as("after the erasure").isEmpty();
  }
}

package com.salesagent.api.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.lead.MessagingActivitiesImpl;
import com.salesagent.activities.lead.ResearchActivitiesImpl;
import com.salesagent.activities.lead.TemplateComposeActivities;
import com.salesagent.activities.media.MediaTypes;
import com.salesagent.activities.media.OutboundMedia;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.research.Embeddings;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.activities.research.Retriever;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.activities.whatsapp.WhatsAppSettings;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.worker.config.LifecycleSettings;
import com.salesagent.workflows.lead.ComposeRequest;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An image-card variant end to end on the embedded pieces: the card is drawn at composition and
 * kept in the embedded S3 server, uploaded to the emulator's Cloud API media endpoint when sent,
 * and goes as the image header of the first contact's template, then as an image with its caption
 * inside the 24 h window; the upload is reused; the timeline names the S3 object.
 */
class ImageCardSendTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();
  @RegisterExtension static final EmbeddedS3Extension S3 = new EmbeddedS3Extension("cards");
  static final Embeddings EMBEDDINGS = new Embeddings(Path.of("target", "cache"));

  private WhatsAppEmulator emulator;
  private LeadStore store;
  private TemplateComposeActivities composer;
  private MessagingActivitiesImpl messaging;

  @BeforeEach
  void setUp() throws Exception {
    emulator = new WhatsAppEmulator(0, null, null, null, null, EmulatorBehaviour.defaults());
    emulator.start();
    MongoSchema.ensure(MONGO.database());
    Seeds.ensure(MONGO.database(), new LifecycleSettings().toDefaults());
    // v-cost becomes an image-card variant whose first-contact template has an image header.
    MONGO
        .database()
        .getCollection(Collections.PROMPT_VARIANTS)
        .updateOne(
            Filters.eq("variantId", "v-cost"),
            Updates.combine(
                Updates.set("modality", "image_card"),
                Updates.set("offer", "Cut your cost per lead"),
                Updates.set("templates.first_contact.header", "image")));
    store = new LeadStore(MONGO.database());
    OutboundMedia media = new OutboundMedia(S3.storage(), MONGO.database());
    Clock clock = Clock.systemUTC();
    composer =
        new TemplateComposeActivities(store, new Retriever(MONGO.database(), EMBEDDINGS), clock)
            .withImageCards(media);
    WhatsAppSettings settings =
        new WhatsAppSettings(
            emulator.baseUrl(), "v21.0", emulator.phoneNumberId(), emulator.accessToken());
    messaging =
        new MessagingActivitiesImpl(store, new WhatsAppClient(settings), settings, clock)
            .withMedia(media);
    for (String lead : List.of("L-1", "L-2")) {
      store.insertContact(
          new Document("leadId", lead)
              .append("name", "Ana Souza")
              .append("phone", lead.equals("L-1") ? "+5511998765432" : "+5511998765433")
              .append("company", "Acme")
              .append("industry", "retail")
              .append("campaignId", "c-1")
              .append("notes", "They are opening three new stores next year in the south.")
              .append("enrolledAt", new Date()));
      new ResearchActivitiesImpl(store, List.of(new EnrolmentSource()), EMBEDDINGS, clock)
          .research(lead);
    }
  }

  @AfterEach
  void tearDown() {
    emulator.stop();
  }

  private Document compose(String lead, String key, int step, String purpose, boolean template) {
    composer.compose(new ComposeRequest(lead, "c-1", "v-cost", step, purpose, key, 0, template));
    return store.messages().messageByKey(key);
  }

  @Test
  void theCardGoesAsTheTemplatesHeaderThenAsAnImageInsideTheWindow() {
    Document message = compose("L-1", "k-1", 0, "first_contact", true);
    Document card = message.get("media", Document.class);
    assertThat(card.getString("madeBy")).isEqualTo("card-renderer");
    assertThat(card.getString("contentType")).isEqualTo("image/png");
    String key = card.getString("url").replaceFirst("^s3://cards/", "");
    byte[] png = S3.storage().get(key);
    assertThat(MediaTypes.sniff(png)).isEqualTo("image/png");
    assertThat(png.length).isEqualTo(card.getInteger("size"));

    SendResult first = messaging.send(new SendRequest("L-1", "k-1", 0, true, false));

    assertThat(first.outcome()).isEqualTo(SendResult.SENT);
    assertThat(emulator.lastMessageType("5511998765432")).isEqualTo("template");
    String mediaId = emulator.lastMediaId("5511998765432");
    assertThat(mediaId).isNotNull();
    assertThat(emulator.media().bytes(mediaId)).isEqualTo(png);
    assertThat(
            store.messages().messageByKey("k-1").get("media", Document.class).getString("sentAs"))
        .isEqualTo("template_header");
    Document sent =
        store.interactions().timeline("L-1").stream()
            .filter(e -> "message_sent".equals(e.getString("type")))
            .findFirst()
            .orElseThrow();
    assertThat(sent.getString("media_url")).isEqualTo(card.getString("url"));
    assertThat(sent.getString("sha256")).isEqualTo(card.getString("sha256"));

    // The lead wrote: a follow-up inside the window goes as an image with the text as caption.
    emulator.recipientWrote("5511998765432");
    Document followUp = compose("L-1", "k-2", 1, "follow_up_read", false);
    SendResult second = messaging.send(new SendRequest("L-1", "k-2", 1, false, false));
    assertThat(second.outcome()).isEqualTo(SendResult.SENT);
    assertThat(emulator.lastMessageType("5511998765432")).isEqualTo("image");
    String followUpKey =
        followUp.get("media", Document.class).getString("url").replaceFirst("^s3://cards/", "");
    assertThat(emulator.media().bytes(emulator.lastMediaId("5511998765432")))
        .isEqualTo(S3.storage().get(followUpKey));
    assertThat(
            store.messages().messageByKey("k-2").get("media", Document.class).getString("sentAs"))
        .isEqualTo("image");
    // Both sends went with the card (a header, then an image): the variant's counters say so, and
    // the aggregation over the history agrees.
    java.util.Map<String, Long> costs = TodaysCounters.of(MONGO.database(), "v-cost");
    assertThat(costs).containsEntry("sent", 2L).containsEntry("sent_image", 2L);
    assertThat(costs).doesNotContainKey("sent_voice_note");
  }

  /**
   * An approval's edit goes to Meta as the approval counted it (code points, {@code
   * WhatsAppLimits}): an edit of 600 emoji (1,200 UTF-16 chars) inside the window is a caption of
   * 600 characters, so the card goes with it (it went alone, "over 1,024 characters", and the card
   * was not sent); an edit of 4,096 emoji, the most the approval takes, goes whole as a text
   * message the emulator takes as Meta would (at most 4,096), the card not sent (over the caption
   * limit).
   */
  @Test
  void anEditGoesAsTheApprovalCountedIt() {
    String emoji = new String(Character.toChars(0x1F680));
    compose("L-1", "k-e0", 0, "first_contact", true);
    messaging.send(new SendRequest("L-1", "k-e0", 0, true, false));
    emulator.recipientWrote("5511998765432");

    compose("L-1", "k-e1", 1, "follow_up_read", false);
    store.messages().setMessageFields("k-e1", new Document("editedText", emoji.repeat(600)));
    SendResult captioned = messaging.send(new SendRequest("L-1", "k-e1", 1, false, true));
    assertThat(captioned.outcome()).isEqualTo(SendResult.SENT);
    assertThat(emulator.lastMessageType("5511998765432")).isEqualTo("image");
    assertThat(
            store.messages().messageByKey("k-e1").get("media", Document.class).getString("sentAs"))
        .isEqualTo("image");

    compose("L-1", "k-e2", 2, "follow_up_read", false);
    store.messages().setMessageFields("k-e2", new Document("editedText", emoji.repeat(4096)));
    SendResult whole = messaging.send(new SendRequest("L-1", "k-e2", 2, false, true));
    assertThat(whole.outcome()).isEqualTo(SendResult.SENT);
    assertThat(emulator.lastMessageType("5511998765432")).isEqualTo("text");
    assertThat(emulator.lastTextFor("5511998765432")).isEqualTo(emoji.repeat(4096));
    Document media = store.messages().messageByKey("k-e2").get("media", Document.class);
    assertThat(media.getString("sentAs")).isEqualTo("not_sent");
    assertThat(media.getString("notSentBecause")).contains("1,024");
  }

  /**
   * A follow-up outside the window goes as its template; one approved without an image header
   * carries no card (WhatsApp would refuse it). The message says the card did not go and why, so
   * the lead page does not show a card the lead never saw (it showed the card under every
   * follow-up, as if sent), and the variant's counters do not count it.
   */
  @Test
  void aTemplateWithoutAnImageHeaderSaysTheCardDidNotGo() {
    compose("L-1", "k-h", 0, "first_contact", true);
    messaging.send(new SendRequest("L-1", "k-h", 0, true, false));
    Document followUp = compose("L-1", "k-f", 1, "follow_up_unread", true);
    assertThat(followUp.get("media", Document.class)).isNotNull();

    SendResult sent = messaging.send(new SendRequest("L-1", "k-f", 1, true, false));

    assertThat(sent.outcome()).isEqualTo(SendResult.SENT);
    assertThat(emulator.lastMessageType("5511998765432")).isEqualTo("template");
    Document media = store.messages().messageByKey("k-f").get("media", Document.class);
    assertThat(media.getString("sentAs")).isEqualTo("not_sent");
    assertThat(media.getString("notSentBecause"))
        .contains("followup_cost_angle")
        .contains("image header");
    assertThat(media.get("mediaId")).isNull();
    assertThat(TodaysCounters.of(MONGO.database(), "v-cost"))
        .containsEntry("sent", 2L)
        .containsEntry("sent_image", 1L);
  }

  /**
   * MEDIA_DELIVERY=link for image cards: the template's header and the image inside the window name
   * a presigned S3 URL the emulator downloads as Meta would (the card's own bytes); nothing is
   * uploaded and the URL is not kept on the message.
   */
  @Test
  void withLinksTheCardGoesAsAPresignedUrlInTheHeaderAndAsTheImage() {
    OutboundMedia linked =
        new OutboundMedia(S3.storage(), MONGO.database())
            .withLinks(java.time.Duration.ofMinutes(15));
    WhatsAppSettings settings =
        new WhatsAppSettings(
            emulator.baseUrl(), "v21.0", emulator.phoneNumberId(), emulator.accessToken());
    MessagingActivitiesImpl viaLinks =
        new MessagingActivitiesImpl(
                store, new WhatsAppClient(settings), settings, Clock.systemUTC())
            .withMedia(linked);
    Document card = compose("L-1", "k-l1", 0, "first_contact", true).get("media", Document.class);
    byte[] png = S3.storage().get(card.getString("url").replaceFirst("^s3://cards/", ""));

    assertThat(viaLinks.send(new SendRequest("L-1", "k-l1", 0, true, false)).outcome())
        .isEqualTo(SendResult.SENT);
    assertThat(emulator.lastMessageType("5511998765432")).isEqualTo("template");
    assertThat(emulator.lastMediaId("5511998765432")).isNull();
    assertThat(emulator.lastLinkedMedia("5511998765432")).isEqualTo(png);

    emulator.recipientWrote("5511998765432");
    Document followUp =
        compose("L-1", "k-l2", 1, "follow_up_read", false).get("media", Document.class);
    assertThat(viaLinks.send(new SendRequest("L-1", "k-l2", 1, false, false)).outcome())
        .isEqualTo(SendResult.SENT);
    assertThat(emulator.lastMessageType("5511998765432")).isEqualTo("image");
    assertThat(emulator.lastLinkedMedia("5511998765432"))
        .isEqualTo(S3.storage().get(followUp.getString("url").replaceFirst("^s3://cards/", "")));
    for (String key : List.of("k-l1", "k-l2")) {
      Document sent = store.messages().messageByKey(key).get("media", Document.class);
      assertThat(sent.getString("delivery")).as(key).isEqualTo("presigned_link");
      assertThat(sent.get("mediaId")).as(key).isNull();
    }
    assertThat(MONGO.database().getCollection(OutboundMedia.UPLOADS).countDocuments()).isZero();
  }

  @Test
  void theSameCardForAnotherLeadIsStoredAndUploadedOnce() {
    compose("L-1", "k-a", 0, "first_contact", true);
    compose("L-2", "k-b", 0, "first_contact", true);
    Document a = store.messages().messageByKey("k-a").get("media", Document.class);
    Document b = store.messages().messageByKey("k-b").get("media", Document.class);
    assertThat(b.getString("sha256")).isEqualTo(a.getString("sha256"));

    messaging.send(new SendRequest("L-1", "k-a", 0, true, false));
    messaging.send(new SendRequest("L-2", "k-b", 0, true, false));

    assertThat(emulator.lastMediaId("5511998765433"))
        .isEqualTo(emulator.lastMediaId("5511998765432"));
    assertThat(MONGO.database().getCollection(OutboundMedia.UPLOADS).countDocuments()).isEqualTo(1);
  }

  @Test
  void aTextVariantCarriesNoCard() {
    Document message =
        compose("L-1", "k-t", 0, "first_contact", true).get("media") == null
            ? store.messages().messageByKey("k-t")
            : null;
    composer.compose(
        new ComposeRequest("L-2", "c-1", "v-speed", 0, "first_contact", "k-s", 0, true));
    assertThat(store.messages().messageByKey("k-s").get("media")).isNull();
    SendResult sent = messaging.send(new SendRequest("L-2", "k-s", 0, true, false));
    assertThat(sent.outcome()).isEqualTo(SendResult.SENT);
    assertThat(emulator.lastMediaId("5511998765433")).isNull();
    assertThat(message).isNull(); // k-t was an image-card variant's message
  }
}

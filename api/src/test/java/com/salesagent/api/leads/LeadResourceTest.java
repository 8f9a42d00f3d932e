package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.salesagent.activities.mongo.HeldMessages;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.approvals.ApprovalResource;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiExceptionMapper;
import com.salesagent.api.http.MongoExceptionMapper;
import com.salesagent.api.http.ResourceTests;
import com.salesagent.api.http.WorkflowExceptionMapper;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lead resource alone (Dropwizard's {@code ResourceExtension}), on an in-memory MongoDB and a
 * Temporal test server with no workflows: every refusal is the one JSON error shape, names the
 * field, and never a Java class or a Temporal failure wrapper.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LeadResourceTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final MongoClient CLIENT =
      MongoClients.create(
          "mongodb://" + hostPort(MONGO.bind()) + "/?serverSelectionTimeoutMS=2000");
  static final LeadStore STORE = new LeadStore(CLIENT.getDatabase("resource-test"));

  static {
    // The unique indexes (leadId, a phone's active lead per campaign) enrolment relies on.
    com.salesagent.activities.mongo.MongoSchema.ensure(STORE.database(), Duration.ZERO);
  }

  static final TestWorkflowEnvironment TEMPORAL = temporal();

  /** A Temporal test server that knows the leads' search attributes (an enrolment sets them). */
  private static TestWorkflowEnvironment temporal() {
    io.temporal.testing.TestEnvironmentOptions.Builder options =
        io.temporal.testing.TestEnvironmentOptions.newBuilder();
    com.salesagent.temporal.LeadSearchAttributes.CATALOGUE.forEach(
        options::registerSearchAttribute);
    return TestWorkflowEnvironment.newInstance(options.build());
  }

  static final WorkflowClient WORKFLOWS = TEMPORAL.getWorkflowClient();

  /** RECONTACT_AFTER's default. */
  static final Duration RECONTACT_AFTER = Duration.ofDays(30);

  static final ContainerRequestFilter AS_OPERATOR = ResourceTests.asOperator("ops");

  static final ResourceExtension RESOURCES =
      ResourceTests.api()
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addProvider(AS_OPERATOR)
          .addProvider(new com.salesagent.api.http.JsonBodies())
          .addResource(
              new LeadResource(
                  new LeadValidator("UTC", "US"),
                  new Enrolment(
                      STORE, WORKFLOWS, Clock.systemUTC(), Duration.ZERO, RECONTACT_AFTER),
                  STORE,
                  WORKFLOWS,
                  Jackson.newObjectMapper(),
                  "",
                  "default",
                  new ApprovalResource(new HeldMessages(STORE.database()), WORKFLOWS),
                  new LeadErasure(STORE, WORKFLOWS, Duration.ZERO, Clock.systemUTC())))
          .addResource(
              new LeadImportResource(
                  new LeadValidator("UTC", "US"),
                  new Enrolment(
                      STORE, WORKFLOWS, Clock.systemUTC(), Duration.ZERO, RECONTACT_AFTER),
                  Jackson.newObjectMapper(),
                  new ImportRecords(STORE.database(), Clock.systemUTC(), Duration.ofDays(1)),
                  Runnable::run))
          .build();

  static final MongoClient UNREACHABLE =
      MongoClients.create("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200");

  static final ResourceExtension WITHOUT_DATABASE =
      ResourceExtension.builder()
          .addProvider(new ApiExceptionMapper())
          .addProvider(new MongoExceptionMapper())
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addResource(
              new LeadResource(
                  new LeadValidator("UTC", "US"),
                  new Enrolment(
                      new LeadStore(UNREACHABLE.getDatabase("x")),
                      WORKFLOWS,
                      Clock.systemUTC(),
                      Duration.ZERO),
                  new LeadStore(UNREACHABLE.getDatabase("x")),
                  WORKFLOWS,
                  Jackson.newObjectMapper(),
                  "",
                  "default",
                  new ApprovalResource(new HeldMessages(UNREACHABLE.getDatabase("x")), WORKFLOWS),
                  new LeadErasure(
                      new LeadStore(UNREACHABLE.getDatabase("x")),
                      WORKFLOWS,
                      Duration.ZERO,
                      Clock.systemUTC())))
          .build();

  private static String hostPort(java.net.InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  @AfterAll
  static void close() {
    CLIENT.close();
    UNREACHABLE.close();
    MONGO.shutdown();
    TEMPORAL.close();
  }

  private static Map<?, ?> json(Response r) {
    return r.readEntity(Map.class);
  }

  /**
   * After a kill switch the leads list could only filter on a lead's current variant: a lead moved
   * off {@code ev-old} after its first message (its evidence kept there) was listed under the
   * variant it moved to, so the list could not be matched to the variants report. {@code
   * evidenceVariantId} lists the leads a variant is the evidence of, and each row says which.
   */
  @Test
  void theLeadsListFiltersOnTheVariantALeadIsTheEvidenceOf() {
    var contacts = STORE.database().getCollection("contacts");
    java.util.Date at = java.util.Date.from(java.time.Instant.parse("2026-12-01T10:00:00Z"));
    contacts.insertMany(
        List.of(
            new Document("leadId", "ev-moved")
                .append("campaignId", "ev-campaign")
                .append("stage", "awaiting_response")
                .append("variantId", "ev-new")
                .append("evidenceVariantId", "ev-old")
                .append("enrolledAt", at),
            new Document("leadId", "ev-stayed")
                .append("campaignId", "ev-campaign")
                .append("stage", "awaiting_response")
                .append("variantId", "ev-old")
                .append("enrolledAt", at),
            new Document("leadId", "ev-fresh")
                .append("campaignId", "ev-campaign")
                .append("stage", "awaiting_response")
                .append("variantId", "ev-new")
                .append("enrolledAt", at)));

    assertThat(listed("variantId", "ev-old")).containsExactly("ev-stayed");
    assertThat(listed("evidenceVariantId", "ev-old"))
        .containsExactlyInAnyOrder("ev-moved", "ev-stayed");
    assertThat(listed("evidenceVariantId", "ev-new")).containsExactly("ev-fresh");

    Map<?, ?> page =
        json(
            RESOURCES
                .target("/api/leads")
                .queryParam("campaignId", "ev-campaign")
                .queryParam("evidenceVariantId", "ev-old")
                .request()
                .get());
    assertThat(page.get("total")).isEqualTo(2);
    for (Object row : (List<?>) page.get("leads")) {
      Map<?, ?> lead = (Map<?, ?>) row;
      assertThat(lead.get("evidenceVariantId"))
          .as(lead.get("leadId").toString())
          .isEqualTo("ev-old");
    }
  }

  private static List<String> listed(String filter, String value) {
    Response r =
        RESOURCES
            .target("/api/leads")
            .queryParam("campaignId", "ev-campaign")
            .queryParam(filter, value)
            .request()
            .get();
    assertThat(r.getStatus()).isEqualTo(200);
    return ((List<?>) json(r).get("leads"))
        .stream().map(row -> (String) ((Map<?, ?>) row).get("leadId")).toList();
  }

  @Test
  void aBodyThatIsNotJsonIs400NamingTheBody() {
    Response r =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.entity("{nope", MediaType.APPLICATION_JSON));

    assertThat(r.getStatus()).isEqualTo(400);
    Map<?, ?> body = json(r);
    assertThat(body.get("code")).isEqualTo(400);
    assertThat(body.get("errors").toString()).contains("field=body");
  }

  /**
   * Two leads pasted one after the other are one body with something after its value: 400 naming
   * the body, and neither is enrolled. Before, the first was enrolled (202) and the second dropped
   * unseen.
   */
  @Test
  void aSecondObjectAfterTheLeadIs400AndEnrolsNeither() {
    Response r =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(
                Entity.json(
                    leadJson("pasted-1", "+5511998760401", "pasted")
                        + leadJson("pasted-2", "+5511998760402", "pasted")));

    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(json(r).get("errors").toString())
        .contains("field=body")
        .contains("nothing after it");
    assertThat(STORE.contacts().countDocuments(new Document("leadId", "pasted-1"))).isZero();
    assertThat(STORE.contacts().countDocuments(new Document("leadId", "pasted-2"))).isZero();
  }

  @Test
  void anUnknownFieldIs400NamingThatField() {
    Response r =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json("{\"leadId\":\"a\",\"favouriteColour\":\"red\"}"));

    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(json(r).get("errors").toString()).contains("favouriteColour");
  }

  @Test
  void aValueOfTheWrongTypeIs400NamingItsPath() {
    Response r =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json("{\"name\":\"A\",\"consent\":{\"whatsappOptIn\":\"sure\"}}"));

    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(json(r).get("errors").toString())
        .contains("field=consent.whatsappOptIn")
        .contains("expected true or false");

    // An object given as text: the error says what JSON goes there, not the Java class it is read
    // into ("Cannot construct instance of `com.salesagent...`").
    Response object =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json("{\"name\":\"A\",\"consent\":\"yes\"}"));
    assertThat(object.getStatus()).isEqualTo(400);
    String body = object.readEntity(String.class);
    assertThat(body).contains("consent").contains("expected an object");
    assertThat(body).doesNotContain("com.salesagent").doesNotContain("java.");
  }

  /**
   * Consent is said in JSON's own words: a number (2 read as true, 0 as false) is a client's bug,
   * not a consent, and is refused naming the field.
   */
  @Test
  void aNumberForConsentIs400NamingTheField() {
    for (String value : List.of("1", "2", "0")) {
      Response r =
          RESOURCES
              .target("/api/leads")
              .request()
              .post(
                  Entity.json(
                      "{\"name\":\"A\",\"phone\":\"+14155550100\",\"consent\":"
                          + "{\"whatsappOptIn\":"
                          + value
                          + ",\"source\":\"web form\",\"at\":\"2026-11-20T10:00:00Z\"}}"));

      assertThat(r.getStatus()).as(value).isEqualTo(400);
      assertThat(json(r).get("errors").toString()).contains("field=consent.whatsappOptIn");
    }
  }

  @Test
  void anInvalidLeadIs422NamingEachField() {
    Response r =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(
                Entity.json("{\"leadId\":\"lead-1\",\"name\":\"Ada\",\"phone\":\"not a phone\"}"));

    assertThat(r.getStatus()).isEqualTo(422);
    Map<?, ?> body = json(r);
    assertThat(body.get("message")).isEqualTo("invalid lead");
    assertThat(body.get("errors").toString()).contains("field=phone").contains("field=consent");
  }

  @Test
  void anOffsetForATimeZoneIs422NamingTimezoneInALeadAndInAnImportRow() {
    Response r =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(
                Entity.json(
                    "{\"leadId\":\"tz-1\",\"name\":\"Ada\",\"phone\":\"+5511998765432\","
                        + "\"timezone\":\"+05:30\",\"consent\":{\"whatsappOptIn\":true,"
                        + "\"source\":\"form\",\"at\":\"2026-11-20T10:00:00Z\"}}"));

    assertThat(r.getStatus()).isEqualTo(422);
    assertThat(json(r).get("errors").toString()).contains("field=timezone");

    Response imported =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(
                Entity.entity(
                    "leadId,name,phone,company,timezone,consentOptIn,consentSource,consentAt\n"
                        + "tz-2,Bo,+5511998765433,Acme,GMT+1,true,form,2026-11-20T10:00:00Z\n",
                    "text/csv"));

    assertThat(imported.getStatus()).isEqualTo(200);
    String row = imported.readEntity(String.class).lines().findFirst().orElseThrow();
    assertThat(row)
        .contains("\"line\":2")
        .contains("\"status\":\"rejected\"")
        .contains("\"field\":\"timezone\"");
    assertThat(STORE.contact("tz-1")).isNull();
    assertThat(STORE.contact("tz-2")).isNull();
  }

  /**
   * Every import row that is not enrolled names its field in {@code errors}, as a rejected row and
   * every 4xx do: a suppressed number and a number with a live lead in the campaign name {@code
   * phone}, another lead's id names {@code leadId} (they said only a status, and the number's row
   * no word at all: {@code "status":"phone_active","activeLeadId":"..."}).
   */
  @Test
  void aRefusedImportRowNamesItsFieldInErrors() {
    new com.salesagent.activities.mongo.Suppressions(STORE.database())
        .suppress(List.of("+5511998765461"), "operator", Instant.now(), "asked by phone");
    Response imported =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(
                Entity.entity(
                    "leadId,name,phone,company,campaignId,consentOptIn,consentSource,consentAt\n"
                        + "ref-1,Ana,+5511998765461,Acme,ref,true,form,2026-11-20T10:00:00Z\n"
                        + "ref-2,Bo,+5511998765462,Acme,ref,true,form,2026-11-20T10:00:00Z\n"
                        + "ref-3,Cy,+5511998765462,Acme,ref,true,form,2026-11-20T10:00:00Z\n"
                        + "ref-2,Di,+5511998765463,Acme,ref,true,form,2026-11-20T10:00:00Z\n",
                    "text/csv"));

    assertThat(imported.getStatus()).isEqualTo(200);
    List<String> rows = imported.readEntity(String.class).lines().toList();
    assertThat(rows.get(0))
        .contains("\"status\":\"suppressed\"")
        .contains("\"errors\":[{\"field\":\"phone\"");
    assertThat(rows.get(1)).contains("\"status\":\"enrolled\"").doesNotContain("errors");
    assertThat(rows.get(2))
        .contains("\"status\":\"phone_active\"")
        .contains("\"activeLeadId\":\"ref-2\"")
        .contains("\"errors\":[{\"field\":\"phone\"")
        .contains("ref-2");
    assertThat(rows.get(3))
        .contains("\"status\":\"lead_id_taken\"")
        .contains("\"errors\":[{\"field\":\"leadId\"");
  }

  /** An earlier lead of {@code phone} in another campaign, ended, its message delivered then. */
  private static void earlierLead(String leadId, String phone, Instant delivered, boolean replied) {
    Document funnel = new Document("sent", java.util.Date.from(delivered));
    funnel.append("delivered", java.util.Date.from(delivered));
    if (replied) {
      funnel.append("replied", java.util.Date.from(delivered.plusSeconds(60)));
    }
    STORE.insertContact(
        new Document("leadId", leadId)
            .append("phone", phone)
            .append("campaignId", "spring")
            .append("stage", replied ? "replied" : "no_response")
            .append("funnel", funnel));
  }

  /**
   * A number our message reached lately that never answered gets no second cold opener (a weekly
   * re-import of a CRM list greeted every silent number again): 409 {@code recently_contacted}
   * naming {@code phone}, the earlier lead and when the number is free, nothing stored; an
   * operator's {@code ?recontact=true} enrols it. A number that answered (a reply, or a message
   * after its lead's run ended), or reached longer ago than RECONTACT_AFTER, is enrolled as before;
   * a bad {@code recontact} is 400 naming it.
   */
  @Test
  void aNumberOurMessageReachedLatelyThatNeverAnsweredIsNotEnrolledAgainUnlessAnOperatorSaysSo() {
    Instant delivered =
        Instant.now().minus(Duration.ofDays(3)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    earlierLead("silent-spring", "+5511998765481", delivered, false);
    earlierLead("talked-spring", "+5511998765482", delivered, true);
    earlierLead("old-spring", "+5511998765483", Instant.now().minus(Duration.ofDays(31)), false);
    // It wrote only after its run had ended (no reply marked): it answered all the same.
    earlierLead("wrote-spring", "+5511998765484", delivered, false);
    STORE
        .feedback()
        .insertOne(
            new Document("leadId", "wrote-spring")
                .append("receivedAt", java.util.Date.from(delivered.plusSeconds(3600))));

    Response refused =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json(leadJson("silent-summer", "+5511998765481", "summer")));
    assertThat(refused.getStatus()).isEqualTo(409);
    Map<?, ?> body = json(refused);
    assertThat(body.get("status")).isEqualTo("recently_contacted");
    assertThat(body.get("earlierLeadId")).isEqualTo("silent-spring");
    assertThat(Instant.parse((String) body.get("retryAt")))
        .isEqualTo(delivered.plus(RECONTACT_AFTER));
    assertThat(body.get("errors").toString()).contains("field=phone").contains("recontact=true");
    assertThat(STORE.contact("silent-summer")).as("nothing stored").isNull();

    Response maybe =
        RESOURCES
            .target("/api/leads")
            .queryParam("recontact", "maybe")
            .request()
            .post(Entity.json(leadJson("silent-summer", "+5511998765481", "summer")));
    assertThat(maybe.getStatus()).isEqualTo(400);
    assertThat(json(maybe).get("errors").toString()).contains("field=recontact");

    Response meant =
        RESOURCES
            .target("/api/leads")
            .queryParam("recontact", "true")
            .request()
            .post(Entity.json(leadJson("silent-summer", "+5511998765481", "summer")));
    assertThat(meant.getStatus()).as(String.valueOf(json(meant))).isEqualTo(202);
    assertThat(STORE.contact("silent-summer")).isNotNull();

    for (String[] lead :
        new String[][] {
          {"talked-summer", "+5511998765482"},
          {"old-summer", "+5511998765483"},
          {"wrote-summer", "+5511998765484"}
        }) {
      Response enrolled =
          RESOURCES
              .target("/api/leads")
              .request()
              .post(Entity.json(leadJson(lead[0], lead[1], "summer")));
      assertThat(enrolled.getStatus()).as(lead[0]).isEqualTo(202);
    }
  }

  /**
   * In an import the silent number's row is refused naming {@code phone} and the file's other rows
   * are enrolled; the same file with {@code ?recontact=true} enrols it.
   */
  @Test
  void anImportRowForANumberReachedLatelyThatNeverAnsweredNamesPhoneUnlessRecontactIsSaid() {
    earlierLead("silent-row-spring", "+5511998765491", Instant.now().minusSeconds(3600), false);
    String csv =
        "leadId,name,phone,company,campaignId,consentOptIn,consentSource,consentAt\n"
            + "silent-row,Ana,+5511998765491,Acme,summer,true,form,2026-11-20T10:00:00Z\n"
            + "new-row,Bo,+5511998765492,Acme,summer,true,form,2026-11-20T10:00:00Z\n";
    List<String> rows =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(Entity.entity(csv, "text/csv"))
            .readEntity(String.class)
            .lines()
            .toList();
    assertThat(rows.get(0))
        .contains("\"status\":\"recently_contacted\"")
        .contains("\"earlierLeadId\":\"silent-row-spring\"")
        .contains("\"errors\":[{\"field\":\"phone\"");
    assertThat(rows.get(1)).contains("\"status\":\"enrolled\"");
    assertThat(STORE.contact("silent-row")).isNull();

    String again =
        RESOURCES
            .target("/api/leads/import")
            .queryParam("recontact", "true")
            .request()
            .post(Entity.entity(csv, "text/csv"))
            .readEntity(String.class);
    assertThat(again.lines().toList().get(0)).contains("\"status\":\"enrolled\"");
    assertThat(STORE.contact("silent-row")).isNotNull();
  }

  /**
   * One cold opener per number per RECONTACT_AFTER: two rows of one import for the same number in
   * two campaigns enrolled both (the guard read delivered messages only, and none had gone yet).
   * The second row is refused naming {@code phone} and the first row's lead, nothing stored; the
   * file again with {@code ?recontact=true} enrols it.
   */
  @Test
  void twoRowsOfOneImportForOneNumberInTwoCampaignsEnrolOneUnlessRecontactIsSaid() {
    String csv =
        "leadId,name,phone,company,campaignId,consentOptIn,consentSource,consentAt\n"
            + "twice-a,Ana,+5511998760161,Acme,autumn,true,form,2026-11-20T10:00:00Z\n"
            + "twice-b,Ana,+5511998760161,Acme,winter,true,form,2026-11-20T10:00:00Z\n";
    List<String> rows =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(Entity.entity(csv, "text/csv"))
            .readEntity(String.class)
            .lines()
            .toList();
    assertThat(rows.get(0)).contains("\"status\":\"enrolled\"");
    assertThat(rows.get(1))
        .contains("\"status\":\"recently_contacted\"")
        .contains("\"earlierLeadId\":\"twice-a\"")
        .contains("\"errors\":[{\"field\":\"phone\"");
    assertThat(STORE.contact("twice-b")).as("nothing stored").isNull();

    String again =
        RESOURCES
            .target("/api/leads/import")
            .queryParam("recontact", "true")
            .request()
            .post(Entity.entity(csv, "text/csv"))
            .readEntity(String.class);
    assertThat(again.lines().toList().get(1)).contains("\"status\":\"enrolled\"");
    assertThat(STORE.contact("twice-b")).isNotNull();
  }

  /**
   * A number another enrolment holds (its lease, {@link EnrolLeases}: another import or API process
   * enrolling it now, or one that died doing so less than 30 s ago) is not enrolled past the wait:
   * 409 {@code phone_enrolling} naming {@code phone}, with {@code retryAt} and {@code Retry-After};
   * an import row says the same. Nothing stored; {@code ?recontact=true} takes no lease.
   */
  @Test
  void aNumberAnotherEnrolmentHoldsIsRefusedRetryablyNamingPhone() {
    String phone = "+5511998760341";
    java.util.Date takenAt = new java.util.Date();
    STORE
        .database()
        .getCollection(com.salesagent.activities.mongo.Collections.ENROL_LEASES)
        .insertOne(
            new Document("_id", EnrolLeases.key(phone))
                .append("owner", "another-process")
                .append("takenAt", takenAt)
                .append("expireAt", new java.util.Date(takenAt.getTime() + 3_600_000)));
    try {
      Response held =
          RESOURCES
              .target("/api/leads")
              .request()
              .post(Entity.json(leadJson("held-summer", phone, "summer")));
      assertThat(held.getStatus()).isEqualTo(409);
      assertThat(held.getHeaderString("Retry-After")).isNotBlank();
      Map<?, ?> body = json(held);
      assertThat(body.get("status")).isEqualTo("phone_enrolling");
      assertThat(Instant.parse((String) body.get("retryAt")))
          .isEqualTo(takenAt.toInstant().plus(EnrolLeases.STALE_AFTER));
      assertThat(body.get("errors").toString()).contains("field=phone").contains("retryAt");
      assertThat(STORE.contact("held-summer")).as("nothing stored").isNull();

      String row =
          RESOURCES
              .target("/api/leads/import")
              .request()
              .post(
                  Entity.entity(
                      "leadId,name,phone,company,campaignId,consentOptIn,consentSource,consentAt\n"
                          + "held-row,Ana,"
                          + phone
                          + ",Acme,summer,true,form,2026-11-20T10:00:00Z\n",
                      "text/csv"))
              .readEntity(String.class);
      assertThat(row)
          .contains("\"status\":\"phone_enrolling\"")
          .contains("\"retryAt\"")
          .contains("\"errors\":[{\"field\":\"phone\"");
      assertThat(STORE.contact("held-row")).isNull();

      Response meant =
          RESOURCES
              .target("/api/leads")
              .queryParam("recontact", "true")
              .request()
              .post(Entity.json(leadJson("held-summer", phone, "summer")));
      // recontact=true overrides the recontact window, not another enrolment under way.
      Map<?, ?> meantBody = json(meant);
      assertThat(meant.getStatus()).as(String.valueOf(meantBody)).isEqualTo(409);
      assertThat(meantBody.get("status")).isEqualTo("phone_enrolling");
      assertThat(STORE.contact("held-summer")).as("nothing stored").isNull();
    } finally {
      STORE
          .database()
          .getCollection(com.salesagent.activities.mongo.Collections.ENROL_LEASES)
          .deleteOne(com.mongodb.client.model.Filters.eq("_id", EnrolLeases.key(phone)));
    }
  }

  /**
   * A number whose opener WhatsApp accepted ({@code sent}) but never reported delivered is guarded
   * as a delivered one (WhatsApp keeps trying for up to 30 days; it may still land): 409 naming the
   * earlier lead. One whose lead failed (Meta said it never arrived) is not.
   */
  @Test
  void aNumberOurOpenerWasSentToButNotReportedDeliveredIsGuardedUnlessItFailed() {
    Instant sent =
        Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    for (String[] lead :
        new String[][] {
          {"sent-only-spring", "+5511998760163", "no_response"},
          {"failed-spring", "+5511998760164", "failed"}
        }) {
      STORE.insertContact(
          new Document("leadId", lead[0])
              .append("phone", lead[1])
              .append("campaignId", "spring")
              .append("stage", lead[2])
              .append("funnel", new Document("sent", java.util.Date.from(sent))));
    }

    Response refused =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json(leadJson("sent-only-summer", "+5511998760163", "summer")));
    assertThat(refused.getStatus()).isEqualTo(409);
    Map<?, ?> body = json(refused);
    assertThat(body.get("earlierLeadId")).isEqualTo("sent-only-spring");
    assertThat(Instant.parse((String) body.get("retryAt"))).isEqualTo(sent.plus(RECONTACT_AFTER));
    assertThat(body.get("errors").toString()).contains("field=phone");

    Response failed =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json(leadJson("failed-summer", "+5511998760164", "summer")));
    assertThat(failed.getStatus()).as(String.valueOf(json(failed))).isEqualTo(202);
  }

  /**
   * A STOP from a Mexican wa_id in the form Mexico dropped in 2019 (521…) was suppressed under that
   * form alone before this version: the number enrolled today (+52 55 …) is still refused, since a
   * new lead's first send knows no wa_id of it yet and checks its enrolled number only.
   */
  @Test
  void aMexicanNumberSuppressedInItsOldFormIsRefused() {
    new com.salesagent.activities.mongo.Suppressions(STORE.database())
        .suppress(List.of("+5213312340077"), "keyword", Instant.now(), "reply wamid.x");
    Response refused =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json(leadJson("mx-old-stop", "+52 33 1234 0077", "mx")));
    Map<?, ?> body = json(refused);
    assertThat(refused.getStatus()).as(String.valueOf(body)).isEqualTo(409);
    assertThat(body.toString()).contains("suppressed");
  }

  /**
   * A number an operator put on the suppression list (an opt-out by email, a complaint) while its
   * lead is held: its drafts are withheld as for a STOP, and the lead page says why
   * (noDraftBecause), not nothing, so the rep is not left wondering where the draft went.
   */
  @Test
  void theLeadPageSaysWhyNoDraftForANumberOnTheSuppressionList() {
    STORE.insertContact(
        new Document("leadId", "supp-page")
            .append("name", "Ada")
            .append("company", "Acme")
            .append("phone", "+5511998760191")
            .append("campaignId", "spring")
            .append("stage", "handed_off")
            .append("ownerId", "ana"));
    assertThat(
            ((Map<?, ?>) json(RESOURCES.target("/api/leads/supp-page").request().get()).get("lead"))
                .get("noDraftBecause"))
        .isNull();
    new com.salesagent.activities.mongo.Suppressions(STORE.database())
        .suppress(List.of("+5511998760191"), "operator", Instant.now(), "asked by email");
    Map<?, ?> lead =
        (Map<?, ?>) json(RESOURCES.target("/api/leads/supp-page").request().get()).get("lead");
    assertThat(lead.get("noDraftBecause"))
        .isEqualTo(com.salesagent.activities.knowledge.DraftAudience.OPTED_OUT_WHY);
  }

  /**
   * "Start a new conversation" with a lead that never answered (its opener delivered days ago,
   * ended no_response) is one click from a second cold opener to a number that stayed silent: it is
   * refused as any enrolment would be (409 recently_contacted naming phone and the earlier lead,
   * nothing made) unless the operator says recontact=true.
   */
  @Test
  void aNewConversationWithALeadThatNeverAnsweredIsGuardedUnlessRecontactIsSaid() {
    Instant delivered =
        Instant.now().minus(Duration.ofDays(3)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    STORE.insertContact(
        new Document("leadId", "silent-again")
            .append("name", "Ada")
            .append("company", "Acme")
            .append("phone", "+5511998760181")
            .append("campaignId", "spring")
            .append("stage", "no_response")
            .append(
                "consent",
                new Document("whatsappOptIn", true)
                    .append("source", "form")
                    .append("at", java.util.Date.from(Instant.parse("2026-11-20T10:00:00Z"))))
            .append(
                "funnel",
                new Document("sent", java.util.Date.from(delivered))
                    .append("delivered", java.util.Date.from(delivered))));

    Response refused =
        RESOURCES.target("/api/leads/silent-again/enrol-again").request().post(Entity.json("{}"));
    assertThat(refused.getStatus()).isEqualTo(409);
    Map<?, ?> body = json(refused);
    assertThat(body.get("earlierLeadId")).isEqualTo("silent-again");
    assertThat(body.get("errors").toString()).contains("field=phone");
    assertThat(STORE.contact("silent-again.again1")).as("nothing made").isNull();

    Response meant =
        RESOURCES
            .target("/api/leads/silent-again/enrol-again")
            .queryParam("recontact", "true")
            .request()
            .post(Entity.json("{}"));
    Map<?, ?> made = json(meant);
    assertThat(meant.getStatus()).as(String.valueOf(made)).isEqualTo(202);
    assertThat(made.get("leadId")).isEqualTo("silent-again.again1");
  }

  /**
   * A CSV row not enrolled carries its own columns back ({@code columns}, in the file's order), so
   * the dashboard's failures CSV can hold the rows to fix and import again; an enrolled row does
   * not (nothing to fix). A value past the cap is cut and says so ({@code columnsCut}).
   */
  @Test
  void anImportRowNotEnrolledCarriesItsOwnColumnsBack() {
    String longNotes = "n".repeat(4_000 + 10);
    String csv =
        "leadId,name,phone,company,campaignId,consentOptIn,consentSource,consentAt,notes\n"
            + "echo-1,Ana,+5511998760171,Acme,echo,true,form,2026-11-20T10:00:00Z,ok\n"
            + "echo-2,Bo,not-a-phone,Acme,echo,true,form,2026-11-20T10:00:00Z,"
            + longNotes
            + "\n";
    List<String> rows =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(Entity.entity(csv, "text/csv"))
            .readEntity(String.class)
            .lines()
            .toList();
    assertThat(rows.get(0)).contains("\"status\":\"enrolled\"").doesNotContain("columns");
    assertThat(rows.get(1))
        .contains("\"status\":\"rejected\"")
        .contains(
            "\"columns\":{\"leadId\":\"echo-2\",\"name\":\"Bo\",\"phone\":\"not-a-phone\","
                + "\"company\":\"Acme\",\"campaignId\":\"echo\",\"consentOptIn\":\"true\","
                + "\"consentSource\":\"form\",\"consentAt\":\"2026-11-20T10:00:00Z\","
                + "\"notes\":\""
                + "n".repeat(4_000)
                + "\"}")
        .contains("\"columnsCut\":true");
  }

  /**
   * A CSV row's errors name the file's column beside the lead's field (the QA walk: a rejected row
   * said {@code consent.at}, a JSON path, where the sheet's column is {@code consentAt}); a field
   * no column of the row gives (the name, given in parts) has none.
   */
  @Test
  void aCsvRowsErrorsNameTheColumnToFix() throws Exception {
    String csv =
        "leadId,First Name,Last Name,phone,company,campaignId,consentOptIn,consentSource,Consent Date\n"
            + "col-1,,,+5511998760191,Acme,col,true,form,yesterday\n";
    List<String> rows =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(Entity.entity(csv, "text/csv"))
            .readEntity(String.class)
            .lines()
            .toList();
    com.fasterxml.jackson.databind.JsonNode errors =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(rows.get(0)).get("errors");
    java.util.Map<String, String> columns = new java.util.HashMap<>();
    errors.forEach(e -> columns.put(e.get("field").asText(), e.path("column").asText(null)));
    assertThat(columns).containsEntry("consent.at", "consentAt").containsEntry("name", null);
  }

  /**
   * A CSV row's errors name the file's own header beside the import's column: a file whose headers
   * are its CRM's ("Phone Number", "Consent Date"), quoted, after a byte-order mark, says {@code
   * "header": "Phone Number"} with {@code "column": "phone"} (it said only {@code phone}, a name
   * the operator's 10,000-row file does not have); a header written as the import names it says
   * that name. Duplicate ignored headers ({@code Email} twice, ?unknownColumns=ignore) change
   * nothing.
   */
  @Test
  void aCsvRowsErrorsNameTheFilesOwnHeader() throws Exception {
    String csv =
        "\uFEFF\"Lead ID\",\"Full Name\",\"Phone Number\",Email,\"Company Name\",campaignId,"
            + "\"WhatsApp Opt-In\",\"Consent Source\",\" Consent Date \",Email\n"
            + "hdr-1,Ana Souza,not-a-phone,a@x.io,Acme,hdr,true,form,yesterday,b@x.io\n";
    List<String> rows =
        RESOURCES
            .target("/api/leads/import")
            .queryParam("unknownColumns", "ignore")
            .request()
            .post(
                Entity.entity(
                    csv.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "text/csv; charset=utf-8"))
            .readEntity(String.class)
            .lines()
            .toList();
    com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode row = mapper.readTree(rows.get(0));
    assertThat(row.path("status").asText()).isEqualTo("rejected");
    Map<String, com.fasterxml.jackson.databind.JsonNode> byField = new java.util.HashMap<>();
    row.get("errors").forEach(e -> byField.put(e.get("field").asText(), e));
    assertThat(byField.get("phone").path("column").asText()).isEqualTo("phone");
    assertThat(byField.get("phone").path("header").asText()).isEqualTo("Phone Number");
    assertThat(byField.get("consent.at").path("column").asText()).isEqualTo("consentAt");
    assertThat(byField.get("consent.at").path("header").asText()).isEqualTo("Consent Date");
    // The echoed columns keep the import's names (the failures download goes back in as it is).
    assertThat(row.get("columns").has("phone")).isTrue();

    String plain =
        "leadId,name,phone,company,campaignId,consentOptIn,consentSource,consentAt\n"
            + "hdr-2,Bo Lima,+5511998760192,Acme,hdr,true,form,yesterday\n";
    com.fasterxml.jackson.databind.JsonNode same =
        mapper.readTree(
            RESOURCES
                .target("/api/leads/import")
                .request()
                .post(Entity.entity(plain, "text/csv"))
                .readEntity(String.class)
                .lines()
                .findFirst()
                .orElseThrow());
    com.fasterxml.jackson.databind.JsonNode consentAt = same.get("errors").get(0);
    assertThat(consentAt.path("field").asText()).isEqualTo("consent.at");
    assertThat(consentAt.path("column").asText()).isEqualTo("consentAt");
    assertThat(consentAt.path("header").asText()).isEqualTo("consentAt");
  }

  /**
   * A row with more values than the header has columns (found by the new operator's walk): a
   * company written "Acme, Inc." without quotes was rejected with Jackson's "unreadable CSV: Too
   * many entries: expected at most 8 (value #8 (20 chars) "2026-...")", which counts from 0 and
   * quotes the row's last value, so the operator looked at the date; it now says how many values
   * the row has against the header's columns and to quote a value holding the separator. A row
   * whose extra cells are empty (a spreadsheet's padding, "...,,,") was rejected the same way
   * although nothing of it would be lost: it is enrolled.
   */
  @Test
  void aRowWithMoreValuesThanTheHeaderSaysSoAndEmptyPaddingIsRead() {
    String csv =
        "leadId,name,phone,company,campaignId,consentOptIn,consentSource,consentAt\n"
            + "wide-1,Carla Mendes,+5511998760181,Acme, Inc.,wide,true,form,2026-11-20T10:00:00Z\n"
            + "wide-2,Dario Costa,+5511998760182,Acme,wide,true,form,2026-11-20T10:00:00Z,,,\n"
            + "wide-3,Elena Ruiz,+5511998760183,\"Acme, Inc.\",wide,true,form,2026-11-20T10:00:00Z,\n";
    List<String> rows =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(Entity.entity(csv, "text/csv"))
            .readEntity(String.class)
            .lines()
            .toList();
    assertThat(rows.get(0))
        .contains("\"line\":2", "\"status\":\"rejected\"", "\"field\":\"row\"")
        .contains("this row has 9 values but the header names 8 columns")
        .contains("must be in double quotes")
        .doesNotContain("Too many entries");
    assertThat(rows.get(1)).contains("\"line\":3", "\"status\":\"enrolled\"");
    assertThat(rows.get(2)).contains("\"line\":4", "\"status\":\"enrolled\"");
    assertThat(STORE.contact("wide-2").getString("company")).isEqualTo("Acme");
    assertThat(STORE.contact("wide-3").getString("company")).isEqualTo("Acme, Inc.");
    assertThat(STORE.contact("wide-1")).isNull();
  }

  /**
   * A row with fewer values than the header has columns (found by the new operator's walk: a notes
   * value with a line break and no quotes cuts its row in two) was rejected with "company:
   * required" and "consent: required: {whatsappOptIn: true, source, at} ..." alone, nothing saying
   * the row was cut. A rejected short row now says how many values it has against the header's
   * columns; a short row that is valid (only optional columns missing) is enrolled as before.
   */
  @Test
  void aRejectedRowWithFewerValuesThanTheHeaderSaysSo() {
    String csv =
        "leadId,name,phone,company,campaignId,consentOptIn,consentSource,consentAt,notes\n"
            + "short-1,Ana Lopes,+5511998760195\n"
            + "short-2,Bia Curta,+5511998760196,Acme,short,true,form,2026-11-20T10:00:00Z\n";
    List<String> rows =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(Entity.entity(csv, "text/csv"))
            .readEntity(String.class)
            .lines()
            .toList();
    assertThat(rows.get(0))
        .contains("\"line\":2", "\"status\":\"rejected\"", "\"field\":\"company\"")
        .contains(
            "{\"field\":\"row\",\"message\":\"this row has 3 values but the header names 9"
                + " columns: is a line break inside a value that is not in double quotes");
    assertThat(rows.get(1)).contains("\"line\":3", "\"status\":\"enrolled\"");
  }

  /**
   * A header with columns without a name (a spreadsheet's padding, "...,consentAt,,": found by the
   * new operator's walk) was refused with errors naming the field "" and a message offering
   * ?unknownColumns=ignore, which refused it the same way. The errors name the columns by place and
   * ?unknownColumns=ignore imports the rows without them, named in ignoredColumns.
   */
  @Test
  void aHeaderWithUnnamedColumnsNamesThemAndIsImportedWhenUnknownColumnsAreIgnored() {
    String csv =
        "leadId,name,phone,company,campaignId,consentOptIn,consentSource,consentAt,,\r\n"
            + "pad-1,Carol Xu,+5511998760191,Acme,pad,true,form,2026-11-20T10:00:00Z,,\r\n";
    Response refused =
        RESOURCES.target("/api/leads/import").request().post(Entity.entity(csv, "text/csv"));
    assertThat(refused.getStatus()).isEqualTo(400);
    String body = refused.readEntity(String.class);
    assertThat(body)
        .contains("{\"field\":\"column 9\",\"message\":\"has no name\"}")
        .contains("{\"field\":\"column 10\",\"message\":\"has no name\"}")
        .doesNotContain("\"field\":\"\"");
    Response ignored =
        RESOURCES
            .target("/api/leads/import")
            .queryParam("unknownColumns", "ignore")
            .request()
            .post(Entity.entity(csv, "text/csv"));
    assertThat(ignored.getStatus()).isEqualTo(200);
    assertThat(ignored.readEntity(String.class))
        .contains("\"status\":\"enrolled\"")
        .contains("\"ignoredColumns\":[\"(column 9, no name)\",\"(column 10, no name)\"]");
    assertThat(STORE.contact("pad-1").getString("company")).isEqualTo("Acme");
  }

  /**
   * A suppressed number's import row says what POST /api/leads says of it: the source and the date
   * of the suppression (the row named the source alone, "this number asked not to be contacted
   * (operator)", so an operator could not tell an old opt-out from today's).
   */
  @Test
  void aSuppressedImportRowNamesTheSourceAndTheDateAsASingleLeadDoes() {
    Instant at = Instant.parse("2026-10-02T08:30:00Z");
    new com.salesagent.activities.mongo.Suppressions(STORE.database())
        .suppress(List.of("+5511998765471"), "operator", at, "asked by phone");
    Response single =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json(leadJson("sup-single", "+5511998765471", "sup")));
    assertThat(single.getStatus()).isEqualTo(409);
    String message = String.valueOf(json(single).get("message"));
    assertThat(message).contains("operator").contains(at.toString());

    Response imported =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(
                Entity.entity(
                    "leadId,name,phone,company,campaignId,consentOptIn,consentSource,consentAt\n"
                        + "sup-row,Ana,+5511998765471,Acme,sup,true,form,2026-11-20T10:00:00Z\n",
                    "text/csv"));
    assertThat(imported.getStatus()).isEqualTo(200);
    String row = imported.readEntity(String.class).lines().toList().get(0);
    assertThat(row)
        .contains("\"status\":\"suppressed\"")
        .contains("\"message\":\"" + message + "\"")
        .contains("\"at\":\"" + at + "\"")
        .contains("\"errors\":[{\"field\":\"phone\"");
  }

  /**
   * Text that could not be read is refused naming its field, never enrolled as the replacement
   * character the decoder left (the first message went out as "Hi Jo\uFFFDo"): a CSV saved as
   * Windows-1252 (Excel's "CSV" on Windows) whose "João" is not UTF-8, and a JSON lead whose name
   * escapes half a surrogate pair (a client that cut an emoji in two); the file's other rows are
   * enrolled.
   */
  @Test
  void textThatIsNotUtf8Is422NamingTheFieldInAnImportRowAndInALead() {
    byte[] csv =
        ("leadId,name,phone,company,consentOptIn,consentSource,consentAt\n"
                + "enc-1,Jo\u00e3o Gon\u00e7alves,+5511998765441,Acme,true,form,2026-11-20T10:00:00Z\n"
                + "enc-2,Ana,+5511998765442,Caf\u00e9 Ltda,true,form,2026-11-20T10:00:00Z\n"
                + "enc-3,Bo,+5511998765443,Acme,true,form,2026-11-20T10:00:00Z\n")
            .getBytes(java.nio.charset.Charset.forName("windows-1252"));

    // Said to be UTF-8 (the file was saved otherwise): the rows it garbles are refused.
    Response imported =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(Entity.entity(csv, "text/csv; charset=utf-8"));

    assertThat(imported.getStatus()).isEqualTo(200);
    List<String> rows = imported.readEntity(String.class).lines().toList();
    assertThat(rows.get(0))
        .contains("\"line\":2")
        .contains("\"status\":\"rejected\"")
        .contains("\"field\":\"name\"")
        .contains("UTF-8")
        // how to send it otherwise (the file may be UTF-8 in its first 64 KiB, read as such).
        .contains("charset=windows-1252");
    assertThat(rows.get(1))
        .contains("\"line\":3")
        .contains("\"status\":\"rejected\"")
        .contains("\"field\":\"company\"");
    assertThat(rows.get(2)).contains("\"line\":4").contains("\"status\":\"enrolled\"");
    assertThat(STORE.contact("enc-1")).isNull();
    assertThat(STORE.contact("enc-2")).isNull();

    Response r =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(
                Entity.json(
                    "{\"leadId\":\"enc-4\",\"name\":\"Ana \\ud83d\",\"phone\":\"+5511998765444\","
                        + "\"company\":\"Acme\",\"notes\":\"met \\udc00 there\","
                        + "\"consent\":{\"whatsappOptIn\":true,"
                        + "\"source\":\"form\",\"at\":\"2026-11-20T10:00:00Z\"}}"));

    assertThat(r.getStatus()).isEqualTo(422);
    assertThat(json(r).get("errors").toString()).contains("field=name").contains("field=notes");
    assertThat(STORE.contact("enc-4")).isNull();
  }

  /**
   * Two of Excel's other exports (found by the QA walk): "Unicode Text" is UTF-16 with a byte order
   * mark and tabs (400 "unknown column \u00ff\u00fen\u0000a..."), and a first line "sep=;" names
   * the separator (400 "unknown column sep=;"). Both are read as what they are.
   */
  @Test
  void excelsUnicodeTextAndItsSepLineAreRead() {
    byte[] utf16 =
        ("leadId\tname\tphone\tcompany\tconsentOptIn\tconsentSource\tconsentAt\r\n"
                + "u16-1\tJo\u00e3o Gon\u00e7alves\t+5511998769961\tAcme\ttrue\tform\t2026-11-20T10:00:00Z\r\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
    byte[] withMark = new byte[utf16.length + 2];
    withMark[0] = (byte) 0xFF;
    withMark[1] = (byte) 0xFE;
    System.arraycopy(utf16, 0, withMark, 2, utf16.length);
    Response unicode =
        RESOURCES.target("/api/leads/import").request().post(Entity.entity(withMark, "text/csv"));
    assertThat(unicode.getStatus()).isEqualTo(200);
    assertThat(unicode.readEntity(String.class)).contains("\"enrolled\":1");
    assertThat(STORE.contact("u16-1").getString("name")).isEqualTo("Jo\u00e3o Gon\u00e7alves");

    String sep =
        "sep=;\r\nleadId;name;phone;company;consentOptIn;consentSource;consentAt\r\n"
            + "sep-line-1;Ana, Filha;+5511998769962;Acme;true;form;2026-11-20T10:00:00Z\r\n";
    Response hinted =
        RESOURCES.target("/api/leads/import").request().post(Entity.entity(sep, "text/csv"));
    assertThat(hinted.getStatus()).isEqualTo(200);
    assertThat(hinted.readEntity(String.class)).contains("\"enrolled\":1");
    assertThat(STORE.contact("sep-line-1").getString("name")).isEqualTo("Ana, Filha");
  }

  /**
   * Excel's "CSV" on Windows is Windows-1252: with no charset named, a body that is no UTF-8 is
   * read as such, and "João Gonçalves" is enrolled as written (it was refused, or before that
   * enrolled as "Jo\uFFFDo"). A charset named is honoured; one Java does not know is 415 naming the
   * header.
   */
  @Test
  void aCsvSavedAsWindows1252IsReadAsSuch() {
    byte[] csv =
        ("leadId,name,phone,company,consentOptIn,consentSource,consentAt\n"
                + "w1252-1,Jo\u00e3o Gon\u00e7alves,+5511998765451,Acme,true,form,2026-11-20T10:00:00Z\n"
                + "w1252-2,Ana,+5511998765452,Caf\u00e9 Ltda,true,form,2026-11-20T10:00:00Z\n")
            .getBytes(java.nio.charset.Charset.forName("windows-1252"));

    Response imported =
        RESOURCES.target("/api/leads/import").request().post(Entity.entity(csv, "text/csv"));

    assertThat(imported.getStatus()).isEqualTo(200);
    List<String> rows = imported.readEntity(String.class).lines().toList();
    assertThat(rows.get(0)).contains("\"line\":2").contains("\"status\":\"enrolled\"");
    assertThat(rows.get(1)).contains("\"line\":3").contains("\"status\":\"enrolled\"");
    assertThat(STORE.contact("w1252-1").getString("name")).isEqualTo("Jo\u00e3o Gon\u00e7alves");
    assertThat(STORE.contact("w1252-2").getString("company")).isEqualTo("Caf\u00e9 Ltda");

    byte[] latin1 =
        ("leadId,name,phone,company,consentOptIn,consentSource,consentAt\n"
                + "w1252-3,In\u00eas,+5511998765453,Acme,true,form,2026-11-20T10:00:00Z\n")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Response named =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(Entity.entity(latin1, "text/csv; charset=ISO-8859-1"));
    assertThat(named.getStatus()).isEqualTo(200);
    assertThat(STORE.contact("w1252-3").getString("name")).isEqualTo("In\u00eas");

    Response unknown =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(Entity.entity(latin1, "text/csv; charset=klingon-8"));
    assertThat(unknown.getStatus()).isEqualTo(415);
    assertThat(json(unknown).get("errors").toString()).contains("field=Content-Type");
  }

  /**
   * Excel's "CSV" on a Mac is Mac Roman, no UTF-8: read as Windows-1252, a row whose letters fell
   * on bytes Windows-1252 has (J\u00fcrgen M\u00fcller, B\u00e4ckerei) was enrolled as "J\u0178rgen
   * M\u0178ller", "B\u0160ckerei" and sent so, while the rows with a byte it leaves undefined
   * (Jo\u00e3o Concei\u00e7\u00e3o) were rejected (the QA walk). Such a file is now refused whole,
   * 415 naming Content-Type, before any row; named as Mac Roman it is read. UTF-16 without a byte
   * order mark had every other character a NUL and every row rejected: it is read.
   */
  @Test
  void aCsvThatIsNeitherUtf8NorWindows1252IsRefusedAndUtf16WithoutItsMarkIsRead() {
    String file =
        "leadId;name;phone;company;consentOptIn;consentSource;consentAt\r\n"
            + "mac-1;J\u00fcrgen M\u00fcller;+4915123456711;B\u00e4ckerei Gr\u00f6\u00dfe;true;form;"
            + "2026-11-20T10:00:00Z\r\n"
            + "mac-2;Jo\u00e3o Concei\u00e7\u00e3o;+5511998769471;A\u00e7\u00e3o;true;form;"
            + "2026-11-20T10:00:00Z\r\n";
    for (String text : List.of(file, file.substring(0, file.indexOf("mac-2")))) {
      byte[] macRoman = text.getBytes(java.nio.charset.Charset.forName("x-MacRoman"));
      Response refused =
          RESOURCES.target("/api/leads/import").request().post(Entity.entity(macRoman, "text/csv"));
      assertThat(refused.getStatus()).isEqualTo(415);
      assertThat(json(refused).get("errors").toString())
          .contains("field=Content-Type")
          .contains("line 2");
      assertThat(STORE.contact("mac-1")).isNull();
      assertThat(STORE.contact("mac-2")).isNull();
    }

    byte[] macRoman = file.getBytes(java.nio.charset.Charset.forName("x-MacRoman"));
    Response named =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(Entity.entity(macRoman, "text/csv; charset=x-MacRoman"));
    assertThat(named.getStatus()).isEqualTo(200);
    assertThat(named.readEntity(String.class)).contains("\"enrolled\":2");
    assertThat(STORE.contact("mac-1").getString("name")).isEqualTo("J\u00fcrgen M\u00fcller");

    for (java.nio.charset.Charset utf16 :
        List.of(
            java.nio.charset.StandardCharsets.UTF_16LE,
            java.nio.charset.StandardCharsets.UTF_16BE)) {
      String id = "nomark-" + utf16.name().toLowerCase(java.util.Locale.ROOT);
      String unmarked =
          "leadId,name,phone,company,consentOptIn,consentSource,consentAt\r\n"
              + id
              + ",Fran\u00e7ois Lef\u00e8vre,+3361234567"
              + (utf16.name().endsWith("LE") ? "1" : "2")
              + ",\u4e00\u4e01 Soci\u00e9t\u00e9,true,form,2026-11-20T10:00:00Z\r\n";
      Response read =
          RESOURCES
              .target("/api/leads/import")
              .request()
              .post(Entity.entity(unmarked.getBytes(utf16), "text/csv"));
      assertThat(read.getStatus()).as(utf16.name()).isEqualTo(200);
      assertThat(read.readEntity(String.class)).as(utf16.name()).contains("\"enrolled\":1");
      assertThat(STORE.contact(id).getString("name")).isEqualTo("Fran\u00e7ois Lef\u00e8vre");
      assertThat(STORE.contact(id).getString("company"))
          .isEqualTo("\u4e00\u4e01 Soci\u00e9t\u00e9");
    }
  }

  /**
   * A Brazilian export ("(11) 98765-4321", no country code, no locale or time zone column) on a
   * server whose DEFAULT_PHONE_REGION is US: every row was rejected and nothing said how to import
   * it but editing every number. The import names the file's country (?region=BR); a region
   * libphonenumber does not know is 400 naming region, before any row is read.
   */
  @Test
  void anImportNamesTheCountryOfNumbersWrittenWithoutTheirCountryCode() {
    String csv =
        "leadId,name,phone,company,consentOptIn,consentSource,consentAt\n"
            + "%s,Ana,(11) 98765-4391,Acme,true,form,2026-11-20T10:00:00Z\n";

    Response us =
        RESOURCES
            .target("/api/leads/import")
            .request()
            .post(Entity.entity(csv.formatted("region-us"), "text/csv"));
    assertThat(us.getStatus()).isEqualTo(200);
    assertThat(us.readEntity(String.class)).contains("\"status\":\"rejected\"").contains("phone");
    assertThat(STORE.contact("region-us")).isNull();

    Response br =
        RESOURCES
            .target("/api/leads/import")
            .queryParam("region", "br")
            .request()
            .post(Entity.entity(csv.formatted("region-br"), "text/csv"));
    assertThat(br.getStatus()).isEqualTo(200);
    assertThat(br.readEntity(String.class)).contains("\"status\":\"enrolled\"");
    assertThat(STORE.contact("region-br").getString("phone")).isEqualTo("+5511987654391");

    for (String bad : List.of("XX", "Brazil", "")) {
      Response refused =
          RESOURCES
              .target("/api/leads/import")
              .queryParam("region", bad)
              .request()
              .post(Entity.entity(csv.formatted("region-bad"), "text/csv"));
      assertThat(refused.getStatus()).as(bad).isEqualTo(400);
      assertThat(json(refused).get("errors").toString()).as(bad).contains("field=region");
    }
    assertThat(STORE.contact("region-bad")).isNull();
  }

  /** A date of the view as JSON has it (an ISO-8601 string or epoch milliseconds). */
  private static Instant instant(Object v) {
    return v instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : Instant.parse((String) v);
  }

  /** The campaign's quiet hours: 20:00 to 08:00 in the lead's time zone. */
  private static void quietAtNight(String campaignId) {
    STORE
        .database()
        .getCollection(com.salesagent.activities.mongo.Collections.AGENT_CONFIGURATIONS)
        .insertOne(
            new Document("configId", "campaign:" + campaignId)
                .append("quietHours", new Document("start", "20:00").append("end", "08:00")));
  }

  private static void contactDue(String leadId, String action, Instant at) {
    STORE.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "qh-cmp")
            .append("timezone", "Europe/Paris")
            .append("stage", "awaiting_response")
            .append("nextAction", action)
            .append("nextActionAt", java.util.Date.from(at)));
  }

  /**
   * A follow-up due in the lead's quiet hours goes out when they end (the workflow waits for its
   * send window): the lead page shows that time, not the raw due time. What sends nothing (closing
   * the lead) and a follow-up due outside quiet hours keep theirs.
   */
  @Test
  void aFollowUpDueInQuietHoursShowsWhenItWillBeSent() {
    quietAtNight("qh-cmp");
    Instant night = Instant.parse("2026-12-04T21:30:00Z"); // 22:30 in Paris
    Instant noon = Instant.parse("2026-12-04T11:00:00Z"); // 12:00 in Paris
    contactDue("qh-1", "follow_up_read", night);
    contactDue("qh-2", "close_no_response", night);
    contactDue("qh-3", "follow_up_unread", noon);

    Map<?, ?> deferred = json(RESOURCES.target("/api/leads/qh-1").request().get());
    Instant eightInParis = Instant.parse("2026-12-05T07:00:00Z");
    assertThat(instant(deferred.get("nextActionAt"))).isEqualTo(eightInParis);
    assertThat(instant(((Map<?, ?>) deferred.get("lead")).get("nextActionAt")))
        .isEqualTo(eightInParis);

    Map<?, ?> closing = json(RESOURCES.target("/api/leads/qh-2").request().get());
    assertThat(instant(closing.get("nextActionAt"))).isEqualTo(night);
    Map<?, ?> daytime = json(RESOURCES.target("/api/leads/qh-3").request().get());
    assertThat(instant(daytime.get("nextActionAt"))).isEqualTo(noon);

    // The leads list says the same.
    Map<?, ?> page =
        json(RESOURCES.target("/api/leads").queryParam("campaignId", "qh-cmp").request().get());
    Map<Object, Instant> listed = new java.util.HashMap<>();
    for (Object row : (List<?>) page.get("leads")) {
      listed.put(((Map<?, ?>) row).get("leadId"), instant(((Map<?, ?>) row).get("nextActionAt")));
    }
    assertThat(listed)
        .containsEntry("qh-1", eightInParis)
        .containsEntry("qh-2", night)
        .containsEntry("qh-3", noon);
  }

  /**
   * A lead that replied to v-old's message, then was moved to v-new by the kill switch (v-old kept
   * as its evidence, evidenceVariantId), answers v-new's message: the inbox records that reply with
   * the evidence variant (what its interest counts for), but the timeline names the variant that
   * composed the message answered (the quoted one, else the last accepted before the reply).
   */
  @Test
  void theTimelineNamesTheVariantThatComposedTheMessageAReplyAnswers() {
    Instant first = Instant.parse("2026-11-24T10:00:00Z");
    Instant second = Instant.parse("2026-11-26T10:00:00Z");
    STORE.insertContact(
        new Document("leadId", "tl-switched")
            .append("campaignId", "tl-cmp")
            .append("segment", "tl-seg")
            .append("variantId", "v-new")
            .append("evidenceVariantId", "v-old")
            .append("stage", "interested"));
    int step = 0;
    for (Object[] m :
        new Object[][] {{"wamid.tl-old", "v-old", first}, {"wamid.tl-new", "v-new", second}}) {
      STORE
          .messages()
          .collection()
          .insertOne(
              new Document("leadId", "tl-switched")
                  .append("idempotencyKey", "lead-tl-switched-step-" + step)
                  .append("step", step++)
                  .append("variantId", m[1])
                  .append("status", "delivered")
                  .append("wamid", m[0])
                  .append("statusAt", new Document("accepted", java.util.Date.from((Instant) m[2])))
                  .append("createdAt", java.util.Date.from((Instant) m[2])));
    }
    // As MessageProcessor records them: both with the evidence variant.
    STORE
        .interactions()
        .recordInteraction(
            "tl-switched",
            "tl-cmp",
            "v-old",
            "replied",
            "wamid.tl-old",
            null,
            first.plusSeconds(60));
    STORE
        .interactions()
        .recordInteraction(
            "tl-switched", "tl-cmp", "v-old", "replied", null, null, second.plusSeconds(60));

    Map<?, ?> page = json(RESOURCES.target("/api/leads/tl-switched").request().get());
    List<?> replies =
        ((List<?>) page.get("interactions"))
            .stream().filter(e -> "replied".equals(((Map<?, ?>) e).get("type"))).toList();
    assertThat(replies).hasSize(2);
    assertThat(((Map<?, ?>) replies.get(0)).get("variantId")).isEqualTo("v-old");
    assertThat(((Map<?, ?>) replies.get(1)).get("variantId"))
        .as("the reply answers v-new's message")
        .isEqualTo("v-new");
    assertThat(((Map<?, ?>) replies.get(1)).get("evidenceVariantId"))
        .as("what it counts for, said beside it")
        .isEqualTo("v-old");
  }

  /**
   * The lead read the first contact two hours after it went, but the run looks at reads only
   * readNoReplyDelay after the send (ReadReceipts): until then the lead page said the unread
   * follow-up was next, due 72 h after the send. It shows the read follow-up, due 24 h after the
   * read, as the run will; a message not read keeps the unread one.
   */
  @Test
  void aReadTheRunHasNotLookedAtYetShowsTheReadFollowUpAsNext() {
    STORE
        .database()
        .getCollection(com.salesagent.activities.mongo.Collections.WORKFLOW_DEFINITIONS)
        .insertOne(
            new Document("segment", "rd-seg")
                .append("readNoReplyDelay", "PT24H")
                .append("unreadDelay", "PT72H"));
    Instant sent = Instant.parse("2026-12-01T10:00:00Z");
    for (String leadId : List.of("rd-read", "rd-unread")) {
      STORE.insertContact(
          new Document("leadId", leadId)
              .append("campaignId", "rd-cmp")
              .append("segment", "rd-seg")
              .append("timezone", "UTC")
              .append("stage", "awaiting_response")
              .append("nextAction", "follow_up_unread")
              .append("nextActionAt", java.util.Date.from(sent.plus(Duration.ofHours(72)))));
      Document statusAt = new Document("sent", java.util.Date.from(sent));
      if (leadId.equals("rd-read")) {
        statusAt.append("read", java.util.Date.from(sent.plus(Duration.ofHours(2))));
      }
      STORE
          .messages()
          .collection()
          .insertOne(
              new Document("leadId", leadId)
                  .append("idempotencyKey", "lead-" + leadId + "-step-0")
                  .append("step", 0)
                  .append("status", leadId.equals("rd-read") ? "read" : "sent")
                  .append("wamid", "wamid." + leadId)
                  .append("statusAt", statusAt)
                  .append("createdAt", java.util.Date.from(sent)));
    }

    Map<?, ?> read = json(RESOURCES.target("/api/leads/rd-read").request().get());
    assertThat(read.get("nextAction")).isEqualTo("follow_up_read");
    assertThat(instant(read.get("nextActionAt"))).isEqualTo(Instant.parse("2026-12-02T12:00:00Z"));
    Map<?, ?> unread = json(RESOURCES.target("/api/leads/rd-unread").request().get());
    assertThat(unread.get("nextAction")).isEqualTo("follow_up_unread");
    assertThat(instant(unread.get("nextActionAt")))
        .isEqualTo(Instant.parse("2026-12-04T10:00:00Z"));
  }

  /**
   * The leads list says what the lead page says is next: a read stored that the run has not looked
   * at yet makes the read follow-up next, due readNoReplyDelay after the read, on both (the list
   * said the unread follow-up until the run's own look); a message not read keeps the unread one.
   */
  @Test
  void theLeadsListShowsTheReadFollowUpAsTheLeadPageDoes() {
    STORE
        .database()
        .getCollection(com.salesagent.activities.mongo.Collections.WORKFLOW_DEFINITIONS)
        .insertOne(
            new Document("segment", "rl-seg")
                .append("readNoReplyDelay", "PT24H")
                .append("unreadDelay", "PT72H"));
    Instant sent = Instant.parse("2026-12-01T10:00:00Z");
    for (String leadId : List.of("rl-read", "rl-unread")) {
      STORE.insertContact(
          new Document("leadId", leadId)
              .append("campaignId", "rl-cmp")
              .append("segment", "rl-seg")
              .append("timezone", "UTC")
              .append("stage", "awaiting_response")
              .append("nextAction", "follow_up_unread")
              .append("nextActionAt", java.util.Date.from(sent.plus(Duration.ofHours(72)))));
      Document statusAt = new Document("sent", java.util.Date.from(sent));
      if (leadId.equals("rl-read")) {
        statusAt.append("read", java.util.Date.from(sent.plus(Duration.ofHours(2))));
      }
      STORE
          .messages()
          .collection()
          .insertOne(
              new Document("leadId", leadId)
                  .append("idempotencyKey", "lead-" + leadId + "-step-0")
                  .append("step", 0)
                  .append("status", leadId.equals("rl-read") ? "read" : "sent")
                  .append("wamid", "wamid." + leadId)
                  .append("statusAt", statusAt)
                  .append("createdAt", java.util.Date.from(sent)));
    }

    Map<?, ?> list =
        json(RESOURCES.target("/api/leads").queryParam("campaignId", "rl-cmp").request().get());
    Map<Object, Map<?, ?>> rows = new java.util.HashMap<>();
    for (Object row : (List<?>) list.get("leads")) {
      rows.put(((Map<?, ?>) row).get("leadId"), (Map<?, ?>) row);
    }
    assertThat(rows.get("rl-read").get("nextAction"))
        .as(list.toString())
        .isEqualTo("follow_up_read");
    assertThat(instant(rows.get("rl-read").get("nextActionAt")))
        .isEqualTo(Instant.parse("2026-12-02T12:00:00Z"));
    assertThat(rows.get("rl-unread").get("nextAction")).isEqualTo("follow_up_unread");
    for (String leadId : List.of("rl-read", "rl-unread")) {
      Map<?, ?> page = json(RESOURCES.target("/api/leads/" + leadId).request().get());
      assertThat(rows.get(leadId).get("nextAction")).isEqualTo(page.get("nextAction"));
      assertThat(instant(rows.get(leadId).get("nextActionAt")))
          .isEqualTo(instant(page.get("nextActionAt")));
    }
  }

  /**
   * Found by the QA walk: after a variant's kill switch the leads list kept showing the old variant
   * on its leads until each one's next send (up to 72 h), which read as if the switch had failed. A
   * running lead still recorded on a disabled variant is marked {@code variantDisabled} and its
   * {@code variantNote} says what its next message does (another variant, or a wait when its
   * segment has none enabled); the lead page's profile says the same. An ended lead is not marked.
   */
  @Test
  void theLeadsListSaysALeadOnADisabledVariantSwitchesAtItsNextMessage() {
    var variants =
        STORE.database().getCollection(com.salesagent.activities.mongo.Collections.PROMPT_VARIANTS);
    variants.insertOne(
        new Document("variantId", "v-sw-off")
            .append("segments", List.of("sw-seg", "sw-none"))
            .append("enabled", false));
    variants.insertOne(
        new Document("variantId", "v-sw-on")
            .append("segments", List.of("sw-seg"))
            .append("enabled", true));
    String[][] leads = {
      {"sw-moved", "sw-seg", "awaiting_response", "v-sw-off"},
      {"sw-waits", "sw-none", "awaiting_response", "v-sw-off"},
      {"sw-ended", "sw-seg", "no_response", "v-sw-off"},
      {"sw-on", "sw-seg", "awaiting_response", "v-sw-on"}
    };
    for (String[] l : leads) {
      STORE.insertContact(
          new Document("leadId", l[0])
              .append("campaignId", "sw-cmp")
              .append("segment", l[1])
              .append("stage", l[2])
              .append("variantId", l[3]));
    }

    Map<?, ?> page =
        json(RESOURCES.target("/api/leads").queryParam("campaignId", "sw-cmp").request().get());

    Map<Object, Map<?, ?>> rows = new java.util.HashMap<>();
    for (Object row : (List<?>) page.get("leads")) {
      rows.put(((Map<?, ?>) row).get("leadId"), (Map<?, ?>) row);
    }
    assertThat(rows.get("sw-moved").get("variantDisabled")).as(page.toString()).isEqualTo(true);
    assertThat(rows.get("sw-moved").get("variantNote"))
        .isEqualTo("switched: v-sw-off is disabled; the next message uses another variant");
    assertThat(rows.get("sw-waits").get("variantDisabled")).isEqualTo(true);
    assertThat(rows.get("sw-waits").get("variantNote"))
        .isEqualTo(
            "switched: v-sw-off is disabled; the next message waits for an enabled variant of"
                + " segment sw-none");
    assertThat(rows.get("sw-ended").get("variantDisabled")).isEqualTo(false);
    assertThat(rows.get("sw-ended").get("variantNote")).isNull();
    assertThat(rows.get("sw-on").get("variantDisabled")).isEqualTo(false);
    Map<?, ?> lead =
        (Map<?, ?>) json(RESOURCES.target("/api/leads/sw-moved").request().get()).get("lead");
    assertThat(lead.get("variantDisabled")).isEqualTo(true);
    assertThat(lead.get("variantNote"))
        .isEqualTo("switched: v-sw-off is disabled; the next message uses another variant");
  }

  /**
   * The leads list says how each lead last answered: "replied" alone hid whether it was a no, an
   * objection or interest, and a lead that said no and then wrote again asking for a call (its
   * workflow over) read as any other ended lead.
   */
  /**
   * A rep had no list of her own leads (QA): the leads list took no owner. {@code ownerId} lists
   * the leads handed to that rep (each row names its owner); a malformed one is 400 naming it.
   */
  @Test
  void theLeadsListFiltersByOwner() {
    for (String id : List.of("ow-ana-1", "ow-ana-2", "ow-bruno")) {
      STORE.insertContact(
          new Document("leadId", id)
              .append("campaignId", "ow-cmp")
              .append("stage", "in_conversation")
              .append("ownerId", id.startsWith("ow-ana") ? "ana-ow" : "bruno-ow"));
    }
    STORE.insertContact(
        new Document("leadId", "ow-none").append("campaignId", "ow-cmp").append("stage", "sent"));

    Map<?, ?> page =
        json(
            RESOURCES
                .target("/api/leads")
                .queryParam("campaignId", "ow-cmp")
                .queryParam("ownerId", "ana-ow")
                .request()
                .get());
    assertThat(page.get("total")).as(page.toString()).isEqualTo(2);
    assertThat(
            ((List<?>) page.get("leads"))
                .stream().map(r -> String.valueOf(((Map<?, ?>) r).get("leadId"))).toList())
        .containsExactlyInAnyOrder("ow-ana-1", "ow-ana-2");
    assertThat((List<?>) page.get("leads"))
        .allSatisfy(r -> assertThat(((Map<?, ?>) r).get("ownerId")).isEqualTo("ana-ow"));

    Response bad = RESOURCES.target("/api/leads").queryParam("ownerId", "ana ow!").request().get();
    assertThat(bad.getStatus()).isEqualTo(400);
    assertThat(bad.readEntity(String.class)).contains("\"field\":\"ownerId\"");
  }

  @Test
  void theLeadsListSaysHowEachLeadLastReplied() {
    Instant t = Instant.parse("2026-12-04T10:00:00Z");
    for (String id : List.of("ri-no", "ri-back", "ri-quiet")) {
      STORE.insertContact(
          new Document("leadId", id)
              .append("campaignId", "ri-cmp")
              .append("stage", "ri-quiet".equals(id) ? "awaiting_response" : "replied"));
    }
    var feedback =
        STORE.database().getCollection(com.salesagent.activities.mongo.Collections.FEEDBACK);
    feedback.insertOne(
        new Document("leadId", "ri-no")
            .append("messageId", "m1")
            .append("intent", "not_interested")
            .append("receivedAt", java.util.Date.from(t)));
    feedback.insertOne(
        new Document("leadId", "ri-back")
            .append("messageId", "m2")
            .append("intent", "not_interested")
            .append("receivedAt", java.util.Date.from(t)));
    feedback.insertOne(
        new Document("leadId", "ri-back")
            .append("messageId", "m3")
            .append("intent", "interested")
            .append("receivedAt", java.util.Date.from(t.plusSeconds(3600))));

    Map<?, ?> page =
        json(RESOURCES.target("/api/leads").queryParam("campaignId", "ri-cmp").request().get());
    Map<Object, Map<?, ?>> rows = new java.util.HashMap<>();
    for (Object row : (List<?>) page.get("leads")) {
      rows.put(((Map<?, ?>) row).get("leadId"), (Map<?, ?>) row);
    }
    assertThat(rows.get("ri-no").get("lastReply")).as(page.toString()).isInstanceOf(Map.class);
    assertThat(((Map<?, ?>) rows.get("ri-no").get("lastReply")).get("intent"))
        .isEqualTo("not_interested");
    Map<?, ?> back = (Map<?, ?>) rows.get("ri-back").get("lastReply");
    assertThat(back.get("intent")).isEqualTo("interested");
    assertThat(instant(back.get("at"))).isEqualTo(t.plusSeconds(3600));
    assertThat(rows.get("ri-quiet").get("lastReply")).isNull();
  }

  /**
   * The lead page's workflow panel shows the workflow's own state: a follow-up due in quiet hours
   * carries {@code sendsAt} beside the raw {@code nextActionAt}, so the panel says when it goes as
   * the page's due time does; a state whose next action sends nothing is left as the query gave it.
   */
  @Test
  void theWorkflowsStateSaysWhenAFollowUpDueInQuietHoursWillBeSent() throws Exception {
    quietAtNight("qh-state");
    Instant night = Instant.parse("2026-12-04T21:30:00Z"); // 22:30 in Paris
    com.fasterxml.jackson.databind.ObjectMapper mapper = Jackson.newObjectMapper();
    LeadViews views = new LeadViews(STORE, leadId -> null, mapper, "", "default");

    // Read back as a client reads the answer.
    Map<?, ?> followUp = shown(views, mapper, "follow_up_read", night);
    assertThat(seconds(followUp.get("nextActionAt"))).isEqualTo(night);
    assertThat(seconds(followUp.get("sendsAt"))).isEqualTo(Instant.parse("2026-12-05T07:00:00Z"));
    assertThat(followUp.get("leadId")).isEqualTo("qh-s1");

    Map<?, ?> closing = shown(views, mapper, "close_no_response", night);
    assertThat(closing.containsKey("sendsAt")).isFalse();
    assertThat(seconds(closing.get("nextActionAt"))).isEqualTo(night);
  }

  /** The workflow state of a Paris lead of campaign qh-state, as the page's JSON gives it. */
  private static Map<?, ?> shown(
      LeadViews views,
      com.fasterxml.jackson.databind.ObjectMapper mapper,
      String action,
      Instant at)
      throws Exception {
    return mapper.readValue(
        mapper.writeValueAsString(
            views
                .nextActions()
                .workflowState(
                    state(action, at), "qh-state", "Europe/Paris", new java.util.HashMap<>())),
        Map.class);
  }

  /** An Instant as Jackson writes it here: epoch seconds with nanoseconds. */
  private static Instant seconds(Object v) {
    return Instant.ofEpochSecond(((Number) v).longValue());
  }

  private static com.salesagent.workflows.lead.LeadState state(String action, Instant at) {
    return new com.salesagent.workflows.lead.LeadState(
        "qh-s1",
        com.salesagent.workflows.lead.Stage.AWAITING_RESPONSE,
        "smb",
        "v1",
        action,
        at,
        1,
        1,
        false,
        null,
        null,
        List.of(),
        null);
  }

  @Test
  void anUnknownLeadIs404() {
    Response r = RESOURCES.target("/api/leads/nobody").request().get();

    assertThat(r.getStatus()).isEqualTo(404);
    Map<?, ?> body = json(r);
    assertThat(body.get("message")).isEqualTo("no lead nobody");
    assertThat(body.get("errors"))
        .isEqualTo(List.of(Map.of("field", "leadId", "message", "unknown")));
  }

  @Test
  void badPagingIs400NamingTheParameter() {
    Response r = RESOURCES.target("/api/leads").queryParam("pageSize", 501).request().get();

    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(json(r).get("errors").toString()).contains("field=pageSize");
  }

  /**
   * Found by the QA walk: resuming a lead that is not paused, or pausing one paused already,
   * answered 202 and did nothing. A second pause is 200 saying it was paused already (nothing
   * signalled); a resume of a live lead that is not paused is 409 naming leadId with its stage.
   */
  @Test
  void aSecondPauseSaysSoAndAResumeOfALeadNotPausedIs409() {
    STORE.contacts().insertOne(new Document("leadId", "paused-1").append("stage", "paused"));
    STORE.contacts().insertOne(new Document("leadId", "live-1").append("stage", "interested"));

    Response again =
        RESOURCES.target("/api/leads/paused-1/pause").request().post(Entity.json("{}"));
    assertThat(again.getStatus()).isEqualTo(200);
    assertThat(json(again).get("unchanged")).isEqualTo("paused already");

    Response resume =
        RESOURCES.target("/api/leads/live-1/resume").request().post(Entity.json("{}"));
    Map<?, ?> body = json(resume);
    assertThat(resume.getStatus()).as(String.valueOf(body)).isEqualTo(409);
    assertThat(body.get("errors").toString()).contains("field=leadId").contains("interested");
  }

  /**
   * A route that reads no body refuses one, naming the body and the query parameters it does take,
   * before it runs: a stop sent with {@code {"reason": ...}} stopped the lead (202) and dropped the
   * reason, and an erasure's {@code {"keepSuppressed": false}} was ignored. Nothing, an empty
   * object and the reason as the query parameter still reach the route (here: its workflow is gone,
   * 409).
   */
  @Test
  void aBodyOnARouteThatReadsNoneIs400NamingItsQueryParameters() {
    STORE.contacts().insertOne(new Document("leadId", "body-stop-1").append("stage", "replied"));

    Response stop =
        RESOURCES
            .target("/api/leads/body-stop-1/stop")
            .request()
            .post(Entity.json("{\"reason\":\"asked by phone\"}"));
    assertThat(stop.getStatus()).isEqualTo(400);
    assertThat(json(stop).get("errors").toString())
        .contains("field=body")
        .contains("query parameters (reason)");

    Response erase =
        RESOURCES
            .target("/api/leads/body-stop-1")
            .property(
                org.glassfish.jersey.client.ClientProperties.SUPPRESS_HTTP_COMPLIANCE_VALIDATION,
                true)
            .request()
            .build("DELETE", Entity.json("{\"keepSuppressed\":false}"))
            .invoke();
    assertThat(erase.getStatus()).isEqualTo(400);
    assertThat(json(erase).get("errors").toString())
        .contains("query parameters (reason, keepSuppressed)");
    assertThat(STORE.contacts().find(new Document("leadId", "body-stop-1")).first())
        .extracting(d -> d.get("erasure"))
        .isNull();

    for (Entity<String> passes :
        List.of(Entity.json("{}"), Entity.json(" { }\n"), Entity.json(""))) {
      Response r =
          RESOURCES
              .target("/api/leads/body-stop-1/stop")
              .queryParam("reason", "asked by phone")
              .request()
              .post(passes);
      assertThat(r.getStatus()).as(passes.getEntity()).isEqualTo(409);
    }
    Response none = RESOURCES.target("/api/leads/body-stop-1/pause").request().post(null);
    assertThat(none.getStatus()).isEqualTo(409);
  }

  @Test
  void aSignalToALeadWhoseWorkflowIsGoneIs409NotA500() {
    STORE.contacts().insertOne(new Document("leadId", "gone-1").append("stage", "replied"));

    Response r = RESOURCES.target("/api/leads/gone-1/pause").request().post(Entity.json("{}"));

    assertThat(r.getStatus()).isEqualTo(409);
    Map<?, ?> body = json(r);
    assertThat(body.get("message")).isEqualTo("the lead's workflow has ended");
    assertThat(body.toString()).doesNotContain("Exception", "io.temporal");
  }

  @Test
  void aRefusedUpdateAnswersTheValidatorsWordsOnly() {
    WorkflowUpdateException refused =
        new WorkflowUpdateException(
            WorkflowExecution.newBuilder().setWorkflowId("lead-x").build(),
            "update-1",
            "approval",
            ApplicationFailure.newFailure(
                "no message is waiting for approval", "java.lang.IllegalArgumentException"));

    Response r = new WorkflowExceptionMapper().toResponse(refused);

    assertThat(r.getStatus()).isEqualTo(409);
    String text = Jackson.newObjectMapper().valueToTree(r.getEntity()).toString();
    assertThat(text)
        .contains("\"message\":\"no message is waiting for approval\"")
        .doesNotContain("IllegalArgumentException", "type=", "message='");
    // The refusal names what is at fault: the lead (the path's leadId) in the state it is in.
    assertThat(text)
        .contains(
            "\"errors\":[{\"field\":\"leadId\",\"message\":\"no message is waiting for"
                + " approval\"}]");
  }

  @Test
  void anApprovalThatNamesItsApproverOrNoDecisionIs422NamingBoth() {
    Response r =
        RESOURCES
            .target("/api/leads/lead-1/approval")
            .request()
            .post(Entity.json("{\"decision\":\"maybe\",\"approver\":\"someone-else\"}"));

    assertThat(r.getStatus()).isEqualTo(422);
    assertThat(json(r).get("errors").toString())
        .contains("field=approver")
        .contains("field=decision");
  }

  /**
   * An accepted erasure marks the lead, contact and messages, before its workflow has run a step
   * (none runs here): no webhook from its number reaches it from then on, while a stop still sees
   * its numbers. A second request changes nothing.
   */
  @Test
  void anAcceptedErasureKeepsWebhooksFromTheLeadAtOnce() {
    String phone = "+5511912345670";
    STORE.insertContact(
        new Document("leadId", "erase-1").append("campaignId", "cmp").append("phone", phone));
    STORE
        .messages()
        .upsertComposed(
            "erase-1-send-1", new Document("leadId", "erase-1").append("status", "composed"));
    STORE
        .messages()
        .markAccepted("erase-1-send-1", "wamid.E1", phone.substring(1), "text", Instant.now());

    Response r = RESOURCES.target("/api/leads/erase-1").request().delete();

    assertThat(r.getStatus()).isEqualTo(202);
    assertThat(json(r).get("status")).isEqualTo("erasing");
    assertThat(LeadStore.erasing(STORE.contact("erase-1"))).isTrue();
    assertThat(LeadStore.erasing(STORE.messages().messageByWamid("wamid.E1"))).isTrue();
    assertThat(STORE.byWhatsAppId().leadIdsByWhatsAppId(phone.substring(1))).isEmpty();
    assertThat(STORE.byWhatsAppId().optOutContacts(phone.substring(1)))
        .extracting(d -> d.getString("leadId"))
        .containsExactly("erase-1");
    Object requestedAt = STORE.contact("erase-1").get(LeadStore.ERASURE, Document.class);

    Response again = RESOURCES.target("/api/leads/erase-1").request().delete();

    assertThat(again.getStatus()).isEqualTo(202);
    assertThat(json(again).get("status")).isEqualTo("erasing already");
    assertThat(STORE.contact("erase-1").get(LeadStore.ERASURE, Document.class))
        .isEqualTo(requestedAt);
  }

  private static String leadJson(String leadId, String phone, String campaignId) {
    return ("{\"leadId\":\"%s\",\"name\":\"Ada\",\"company\":\"Acme\",\"phone\":\"%s\",\"campaignId\":\"%s\","
            + "\"consent\":{\"whatsappOptIn\":true,\"source\":\"form\","
            + "\"at\":\"2026-11-20T10:00:00Z\"}}")
        .formatted(leadId, phone, campaignId);
  }

  /**
   * An accepted erasure that keeps the number suppressed suppresses it in the same request, before
   * its first pass (none runs here): the number enrolled again at once, in another campaign or the
   * same one, is refused as suppressed, and a send already composed for another lead on it finds
   * the suppression its check reads. The record is the one the first pass writes (source, time,
   * detail; nothing of the person but the number).
   */
  @Test
  void anAcceptedErasureSuppressesTheNumberBeforeItsFirstPass() {
    String phone = "+5511912345671";
    String waId = "5511912345679";
    STORE.insertContact(
        new Document("leadId", "erase-2")
            .append("campaignId", "cmp")
            .append("phone", phone)
            .append("activeKey", LeadStore.activeKey("cmp", phone))
            .append("waIds", List.of(waId)));

    Response r = RESOURCES.target("/api/leads/erase-2").request().delete();

    assertThat(r.getStatus()).isEqualTo(202);
    for (String campaign : List.of("cmp-other", "cmp")) {
      Response again =
          RESOURCES
              .target("/api/leads")
              .request()
              .post(Entity.json(leadJson("again-" + campaign, phone, campaign)));
      assertThat(again.getStatus()).as(campaign).isEqualTo(409);
      Map<?, ?> body = json(again);
      assertThat(body.get("status")).isEqualTo("suppressed");
      assertThat(body.get("suppression").toString()).contains("source=erasure");
      assertThat(STORE.contact("again-" + campaign)).isNull();
    }
    com.salesagent.activities.mongo.Suppressions suppressions =
        new com.salesagent.activities.mongo.Suppressions(STORE.database());
    assertThat(suppressions.active(List.of("+" + waId))).isPresent();
    Document record = suppressions.find(phone);
    assertThat(record.keySet())
        .containsExactlyInAnyOrder(
            "_id", "number", "active", "source", "at", "detail", "createdAt");
    assertThat(record.getString("source"))
        .isEqualTo(com.salesagent.activities.mongo.Suppressions.ERASURE);
    assertThat(record.getString("detail"))
        .isEqualTo(com.salesagent.activities.mongo.Suppressions.ERASED_DETAIL);
  }

  /**
   * A DELETE retried after its first try failed once the erasure had started (the suppression's
   * write or the acceptance's, a 5xx to the operator) finishes what the first one left: the number
   * is suppressed and the lead's place given up, rather than "erasing already" and nothing more.
   */
  @Test
  void aRetriedErasureFinishesWhatTheFailedOneLeft() {
    String phone = "+5511912345677";
    STORE.insertContact(
        new Document("leadId", "erase-7")
            .append("campaignId", "cmp")
            .append("phone", phone)
            .append("activeKey", LeadStore.activeKey("cmp", phone)));
    assertThat(RESOURCES.target("/api/leads/erase-7").request().delete().getStatus())
        .isEqualTo(202);
    // As if the writes after the workflow's start had failed.
    STORE
        .database()
        .getCollection(com.salesagent.activities.mongo.Suppressions.COLLECTION)
        .deleteMany(new Document("number", phone));
    STORE
        .database()
        .getCollection(com.salesagent.activities.mongo.Collections.CONTACTS)
        .updateOne(
            new Document("leadId", "erase-7"),
            new Document("$unset", new Document("erasure.acceptedAt", "")));

    Response retried = RESOURCES.target("/api/leads/erase-7").request().delete();

    assertThat(retried.getStatus()).isEqualTo(202);
    assertThat(json(retried).get("status")).isEqualTo("erasing already");
    assertThat(new com.salesagent.activities.mongo.Suppressions(STORE.database()).find(phone))
        .isNotNull();
    assertThat(STORE.contact("erase-7").get("erasure", Document.class).get("acceptedAt"))
        .isNotNull();
  }

  /**
   * The retry of a DELETE that failed after the erasure started (its writes, a 5xx) is the same
   * request: it keeps the first one's keepSuppressed (the erasure workflow runs with it), not its
   * own, and writes the audit line the first one could not, once however often it is retried.
   */
  @Test
  void aRetriedErasureKeepsTheFirstRequestsChoiceAndWritesItsAuditLineOnce() {
    String phone = "+5511912345676";
    STORE.insertContact(
        new Document("leadId", "erase-8")
            .append("campaignId", "cmp")
            .append("phone", phone)
            .append("activeKey", LeadStore.activeKey("cmp", phone)));
    var audit =
        STORE.database().getCollection(com.salesagent.activities.mongo.Collections.AUDIT_LOG);
    var auditOfThis =
        com.mongodb.client.model.Filters.and(
            com.mongodb.client.model.Filters.eq("leadId", "erase-8"),
            com.mongodb.client.model.Filters.eq("action", "lead_erasure_requested"));
    assertThat(
            RESOURCES
                .target("/api/leads/erase-8")
                .queryParam("keepSuppressed", "false")
                .request()
                .delete()
                .getStatus())
        .isEqualTo(202);
    // As if the writes after the workflow's start had failed: no acceptance, no audit line.
    STORE
        .database()
        .getCollection(com.salesagent.activities.mongo.Collections.CONTACTS)
        .updateOne(
            new Document("leadId", "erase-8"),
            new Document("$unset", new Document("erasure.acceptedAt", "")));
    audit.deleteMany(auditOfThis);

    for (int i = 0; i < 2; i++) {
      Response retried = RESOURCES.target("/api/leads/erase-8").request().delete();
      assertThat(retried.getStatus()).isEqualTo(202);
      assertThat(json(retried).get("status")).isEqualTo("erasing already");
    }

    assertThat(new com.salesagent.activities.mongo.Suppressions(STORE.database()).find(phone))
        .as("the first request kept the number free")
        .isNull();
    assertThat(STORE.contact("erase-8").get("erasure", Document.class).get("acceptedAt"))
        .isNotNull();
    assertThat(audit.find(auditOfThis).into(new java.util.ArrayList<>()))
        .singleElement()
        .satisfies(d -> assertThat(d.getBoolean("keepSuppressed")).isFalse());
  }

  /**
   * An erasure that does not keep the number suppressed suppresses nothing at its acceptance: the
   * number may be enrolled again in another campaign at once.
   */
  @Test
  void anErasureNotKeepingTheNumberSuppressesNothingAtAcceptance() {
    String phone = "+5511912345672";
    STORE.insertContact(
        new Document("leadId", "erase-3")
            .append("campaignId", "cmp")
            .append("phone", phone)
            .append("activeKey", LeadStore.activeKey("cmp", phone)));

    Response r =
        RESOURCES
            .target("/api/leads/erase-3")
            .queryParam("keepSuppressed", "false")
            .request()
            .delete();

    assertThat(r.getStatus()).isEqualTo(202);
    assertThat(new com.salesagent.activities.mongo.Suppressions(STORE.database()).find(phone))
        .isNull();
    Response again =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json(leadJson("again-erase-3", phone, "cmp-other")));
    assertThat(again.getStatus()).as(again.readEntity(String.class)).isEqualTo(202);
  }

  /**
   * The same leadId enrolled again between an erasure's last pass (the contact gone) and its end
   * (its last step deletes the id's latest workflow run; held here: no worker runs it) is refused
   * as being erased, with when to retry: a run started now would be the one that step deletes.
   */
  @Test
  void theSameLeadIdIsNotStartedAgainBeforeItsErasureHasEnded() {
    String phone = "+5511912345673";
    Response enrolled =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json(leadJson("same-1", phone, "cmp")));
    assertThat(enrolled.getStatus()).isEqualTo(202);
    Response erasing =
        RESOURCES
            .target("/api/leads/same-1")
            .queryParam("keepSuppressed", "false")
            .request()
            .delete();
    assertThat(erasing.getStatus()).isEqualTo(202);
    Response whileMarked =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json(leadJson("same-1", phone, "cmp")));
    assertThat(whileMarked.getStatus()).isEqualTo(409);
    assertThat(whileMarked.getHeaderString("Retry-After")).matches("[1-9][0-9]*");
    assertThat(json(whileMarked).get("status")).isEqualTo("lead_erasing");
    // What the erasure's first step and last pass do: the lead's run stopped, its contact gone.
    WORKFLOWS.newUntypedWorkflowStub("lead-same-1").terminate("erased on request");
    STORE.contacts().deleteOne(new Document("leadId", "same-1"));

    Response again =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json(leadJson("same-1", phone, "cmp")));

    assertThat(again.getStatus()).isEqualTo(409);
    assertThat(again.getHeaderString("Retry-After")).matches("[1-9][0-9]*");
    Map<?, ?> body = json(again);
    assertThat(body.get("status")).isEqualTo("lead_erasing");
    assertThat(body.get("errors").toString()).contains("field=leadId");
    assertThat(WORKFLOWS.newUntypedWorkflowStub("lead-same-1").describe().getStatus())
        .isEqualTo(
            io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  }

  /**
   * The leadId of a lead being erased enrolled again is 409 {@code lead_erasing} naming {@code
   * leadId}, with when to retry, also when the erasure kept its number suppressed (the default): it
   * was refused as a suppressed number, naming {@code phone} ("suppressed: erasure", no lead may
   * ever message it), which is what another lead on the number is told.
   */
  @Test
  void theLeadIdOfALeadBeingErasedIsRefusedAsErasingNotAsItsSuppressedNumber() {
    String phone = "+5511912345681";
    assertThat(
            RESOURCES
                .target("/api/leads")
                .request()
                .post(Entity.json(leadJson("same-2", phone, "cmp")))
                .getStatus())
        .isEqualTo(202);
    assertThat(RESOURCES.target("/api/leads/same-2").request().delete().getStatus()).isEqualTo(202);

    Response again =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json(leadJson("same-2", phone, "cmp")));

    Map<?, ?> body = json(again);
    assertThat(again.getStatus()).as("%s", body).isEqualTo(409);
    assertThat(body.get("status")).isEqualTo("lead_erasing");
    assertThat(body.get("errors"))
        .isEqualTo(List.of(Map.of("field", "leadId", "message", "being erased")));
    assertThat(body.get("retryAt")).isNotNull();
    assertThat(again.getHeaderString("Retry-After")).matches("[1-9][0-9]*");
    // Another lead on the number: its number is suppressed by the erasure.
    Response other =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json(leadJson("same-2-other", phone, "cmp-other")));
    Map<?, ?> otherBody = json(other);
    assertThat(other.getStatus()).isEqualTo(409);
    assertThat(otherBody.get("status")).isEqualTo("suppressed");
    assertThat(otherBody.get("errors"))
        .isEqualTo(List.of(Map.of("field", "phone", "message", "suppressed: erasure")));
  }

  /**
   * The leadId of a lead being erased whose number its person stopped is refused as a suppressed
   * number, naming {@code phone}: the stop outlasts the erasure, so "enrol it again after retryAt"
   * would not hold.
   */
  @Test
  void theLeadIdOfALeadBeingErasedWhoseNumberSaidStopIsRefusedAsSuppressed() {
    String phone = "+5511912345686";
    STORE.insertContact(
        new Document("leadId", "same-3")
            .append("campaignId", "cmp")
            .append("phone", phone)
            .append("stage", "opted_out"));
    new com.salesagent.activities.mongo.Suppressions(STORE.database())
        .suppress(List.of(phone), "keyword", Instant.now(), "STOP");
    assertThat(STORE.erasures().markErasing("same-3", Instant.now())).isTrue();

    Response again =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json(leadJson("same-3", phone, "cmp")));

    Map<?, ?> body = json(again);
    assertThat(again.getStatus()).as("%s", body).isEqualTo(409);
    assertThat(body.get("status")).isEqualTo("suppressed");
    assertThat(body.get("errors"))
        .isEqualTo(List.of(Map.of("field", "phone", "message", "suppressed: keyword")));
  }

  /**
   * Another lead's leadId (the same id, another phone or campaign) is 409 {@code lead_id_taken}
   * naming {@code leadId}, the field to change, as an import row says it; the fields that differ
   * are listed in {@code differs}. It named {@code phone}, this lead's own, correct number.
   */
  @Test
  void anotherLeadsLeadIdIsRefusedNamingLeadId() {
    assertThat(
            RESOURCES
                .target("/api/leads")
                .request()
                .post(Entity.json(leadJson("taken-1", "+5511912345682", "cmp")))
                .getStatus())
        .isEqualTo(202);

    Response r =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json(leadJson("taken-1", "+5511912345683", "cmp")));

    Map<?, ?> body = json(r);
    assertThat(r.getStatus()).as("%s", body).isEqualTo(409);
    assertThat(body.get("status")).isEqualTo("lead_id_taken");
    assertThat(body.get("errors").toString()).startsWith("[{field=leadId, message=leadId taken-1");
    assertThat(((List<?>) body.get("errors"))).hasSize(1);
    assertThat(body.get("differs")).isEqualTo(List.of("phone"));
  }

  /**
   * An operator's reason for a stop or an erasure ({@code ?reason=}) has a cap, 500 characters of
   * one readable line, else 400 naming {@code reason} and nothing done: 5,000 characters were taken
   * (cut to 200 without a word), as were control characters.
   */
  @Test
  void aStopOrErasureReasonOverItsCapOrUnreadableIs400NamingReason() {
    assertThat(
            RESOURCES
                .target("/api/leads")
                .request()
                .post(Entity.json(leadJson("reason-1", "+5511912345684", "cmp")))
                .getStatus())
        .isEqualTo(202);
    for (String reason : List.of("x".repeat(5_000), "bell \u0007 rings", "  \u0000 ")) {
      Response stop =
          RESOURCES
              .target("/api/leads/reason-1/stop")
              .queryParam("reason", "{r}")
              .resolveTemplate("r", reason)
              .request()
              .post(Entity.json("{}"));
      Map<?, ?> body = json(stop);
      assertThat(stop.getStatus()).as("%s", body).isEqualTo(400);
      assertThat(((List<?>) body.get("errors"))).hasSize(1);
      assertThat(body.get("errors").toString()).startsWith("[{field=reason");
      Response erase =
          RESOURCES
              .target("/api/leads/reason-1")
              .queryParam("reason", "{r}")
              .resolveTemplate("r", reason)
              .request()
              .delete();
      assertThat(erase.getStatus()).isEqualTo(400);
      assertThat(json(erase).get("errors").toString()).startsWith("[{field=reason");
    }
    assertThat(LeadStore.erasing(STORE.contact("reason-1"))).isFalse();
    Response kept =
        RESOURCES
            .target("/api/leads/reason-1/stop")
            .queryParam("reason", "{r}")
            .resolveTemplate("r", "y".repeat(500))
            .request()
            .post(Entity.json("{}"));
    assertThat(kept.getStatus()).as("%s", kept.readEntity(String.class)).isEqualTo(202);
  }

  /**
   * The page of a lead whose erasure was accepted says so: stage and next action {@code erasing},
   * no draft because {@code lead_erasing}, and the erasure's workflow in place of the lead's run.
   * It said the lead had opted out (the erasure suppressed its number) and showed its run's state
   * as if it went on.
   */
  @Test
  void thePageOfALeadBeingErasedSaysItIsBeingErased() {
    assertThat(
            RESOURCES
                .target("/api/leads")
                .request()
                .post(Entity.json(leadJson("page-erasing-1", "+5511912345685", "cmp")))
                .getStatus())
        .isEqualTo(202);
    assertThat(RESOURCES.target("/api/leads/page-erasing-1").request().delete().getStatus())
        .isEqualTo(202);

    Map<?, ?> page = json(RESOURCES.target("/api/leads/page-erasing-1").request().get());

    Map<?, ?> lead = (Map<?, ?>) page.get("lead");
    assertThat(String.valueOf(lead.get("noDraftBecause")))
        .startsWith("lead_erasing: the lead is being erased on request");
    assertThat(page.get("stage")).isEqualTo("erasing");
    assertThat(lead.get("stage")).isEqualTo("erasing");
    assertThat(page.get("nextAction")).isEqualTo("erasing");
    assertThat(page.get("nextActionAt")).isNull();
    Map<?, ?> workflow = (Map<?, ?>) page.get("workflow");
    assertThat(workflow.get("state")).isEqualTo("erasing");
    assertThat(workflow.get("erasureWorkflowId")).isEqualTo("erasure-page-erasing-1");
  }

  /**
   * The leads list shows a lead whose erasure was accepted as its page does, stage and next action
   * {@code erasing}, before the erasure's first pass writes its tombstone (stage erasing): it
   * listed the stage and next send the lead had when it was marked.
   */
  @Test
  void theLeadsListShowsALeadBeingErasedAsErasing() {
    STORE.insertContact(
        new Document("leadId", "list-erasing-1")
            .append("campaignId", "list-erasing")
            .append("phone", "+5511912345687")
            .append("stage", "awaiting_response")
            .append("nextAction", "follow_up_1")
            .append("nextActionAt", java.util.Date.from(Instant.now().plusSeconds(3_600))));
    assertThat(STORE.erasures().markErasing("list-erasing-1", Instant.now())).isTrue();

    Map<?, ?> listed =
        json(
            RESOURCES
                .target("/api/leads")
                .queryParam("campaignId", "list-erasing")
                .request()
                .get());

    List<?> leads = (List<?>) listed.get("leads");
    assertThat(leads).hasSize(1);
    Map<?, ?> row = (Map<?, ?>) leads.get(0);
    assertThat(row.get("stage")).isEqualTo("erasing");
    assertThat(row.get("nextAction")).isEqualTo("erasing");
    assertThat(row.get("nextActionAt")).isNull();
  }

  /**
   * An erasure whose workflow fails to start is not accepted, and its lead keeps the number's place
   * in its campaign throughout: the number enrolled again in the same campaign while the start was
   * under way is refused as the active lead's, so the lead that goes on is the number's only one.
   */
  @Test
  void anErasureThatFailsToStartNeverLeavesTwoActiveLeadsOnTheNumber() {
    String phone = "+5511912345674";
    STORE.insertContact(
        new Document("leadId", "fail-1")
            .append("campaignId", "cmp")
            .append("phone", phone)
            .append("activeKey", LeadStore.activeKey("cmp", phone)));
    java.util.concurrent.atomic.AtomicInteger meanwhile =
        new java.util.concurrent.atomic.AtomicInteger();
    LeadErasure failing =
        new LeadErasure(
            STORE,
            WORKFLOWS,
            Duration.ZERO,
            Clock.systemUTC(),
            (erasure, request) -> {
              meanwhile.set(
                  RESOURCES
                      .target("/api/leads")
                      .request()
                      .post(Entity.json(leadJson("fail-2", phone, "cmp")))
                      .getStatus());
              throw new IllegalStateException("Temporal unavailable");
            });

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> failing.request("fail-1", "ops", null, null))
        .hasMessageContaining("Temporal unavailable");

    assertThat(meanwhile.get()).isEqualTo(409);
    assertThat(STORE.contact("fail-2")).isNull();
    Document kept = STORE.contact("fail-1");
    assertThat(LeadStore.erasing(kept)).isFalse();
    assertThat(STORE.activeContact("cmp", phone).getString("leadId")).isEqualTo("fail-1");
    assertThat(new com.salesagent.activities.mongo.Suppressions(STORE.database()).find(phone))
        .isNull();
  }

  @Test
  void aLeadsPageMasksEverySpellingOfItsNumber() {
    STORE.insertContact(
        new Document("leadId", "masked-1")
            .append("campaignId", "cmp")
            .append("phone", "+5511998765432")
            .append("activeKey", LeadStore.activeKey("cmp", "+5511998765432"))
            .append("waIds", List.of("5511998765432")));
    STORE
        .messages()
        .upsertComposed(
            "masked-1-send-1", new Document("leadId", "masked-1").append("status", "composed"));
    STORE
        .messages()
        .markAccepted("masked-1-send-1", "wamid.M1", "5511998765432", "text", Instant.now());

    Response r = RESOURCES.target("/api/leads/masked-1").request().get();

    assertThat(r.getStatus()).isEqualTo(200);
    String body = r.readEntity(String.class);
    assertThat(body).contains("\"activeKey\":\"cmp|+55*******5432\"").doesNotContain("998765");
  }

  @Test
  void anApprovalOrADeliveryDecisionWithoutADecisionIs422NotA500() {
    for (String route : List.of("approval", "delivery")) {
      for (String body : List.of("{}", "{\"decision\":null}")) {
        Response r =
            RESOURCES.target("/api/leads/lead-1/" + route).request().post(Entity.json(body));

        assertThat(r.getStatus()).as(route + " " + body).isEqualTo(422);
        assertThat(json(r).get("errors").toString()).as(route).contains("field=decision");
      }
    }
  }

  /**
   * An edited text is sent to the lead as written: one that could not be read (U+FFFD, half an
   * emoji) or holds a control character other than a line break or tab (NUL, escape) is 422 naming
   * {@code text}, checked before anything is looked up; lines and right-to-left text are taken
   * (nothing waits here, so a valid edit is the 409).
   */
  @Test
  void anEditedTextThatCouldNotBeReadOrHoldsControlCharactersIs422NamingText() {
    for (String text : List.of("Hi Jo\\ufffdo", "Hi \\ud83d", "Hi\\u0000 there", "Hi \\u001b[2J")) {
      Response r =
          RESOURCES
              .target("/api/leads/lead-1/approval")
              .request()
              .post(Entity.json("{\"decision\":\"edit\",\"text\":\"" + text + "\"}"));
      assertThat(r.getStatus()).as(text).isEqualTo(422);
      assertThat(json(r).get("errors").toString()).as(text).contains("field=text");
    }
    Response lines =
        RESOURCES
            .target("/api/leads/lead-1/approval")
            .request()
            .post(
                Entity.json(
                    "{\"decision\":\"edit\",\"text\":\"Hi Ana,\\r\\n\\tsee"
                        + " \u0645\u0631\u062d\u0628\u0627\"}"));
    assertThat(lines.getStatus()).isEqualTo(409);
  }

  @Test
  void anApprovalWithNothingWaitingIs409() {
    Response r =
        RESOURCES
            .target("/api/leads/lead-without-held-message/approval")
            .request()
            .post(Entity.json("{\"decision\":\"approve\"}"));

    assertThat(r.getStatus()).isEqualTo(409);
    Map<?, ?> body = json(r);
    assertThat(body.get("message").toString()).contains("is waiting for approval");
    assertThat(body.get("errors").toString()).contains("field=leadId");
  }

  @Test
  void anUnreachableDatabaseIs503WithRetryAfterNotAStackTrace() {
    Response r = WITHOUT_DATABASE.target("/api/leads/someone").request().get();

    assertThat(r.getStatus()).isEqualTo(503);
    assertThat(r.getHeaderString("Retry-After")).isEqualTo("5");
    Map<?, ?> body = json(r);
    assertThat(body.get("code")).isEqualTo(503);
    assertThat(body.toString()).doesNotContain("Mongo", "Exception");
  }

  @Test
  void aQueryParameterOfTheWrongTypeIs400NamingIt() {
    Response size = RESOURCES.target("/api/leads").queryParam("pageSize", "abc").request().get();
    assertThat(size.getStatus()).isEqualTo(400);
    Map<?, ?> body = json(size);
    assertThat(body.get("code")).isEqualTo(400);
    assertThat(body.get("errors").toString()).contains("field=pageSize");

    Response page = RESOURCES.target("/api/leads").queryParam("page", "1.5").request().get();
    assertThat(page.getStatus()).isEqualTo(400);
    assertThat(json(page).get("errors").toString()).contains("field=page,");
  }

  @Test
  void anUnknownFieldInADecisionIs400NamingThatField() {
    Response delivery =
        RESOURCES
            .target("/api/leads/lead-x/delivery")
            .request()
            .post(Entity.json("{\"action\":\"resend\"}"));
    assertThat(delivery.getStatus()).isEqualTo(400);
    assertThat(json(delivery).get("errors").toString())
        .contains("field=action, message=unknown field; known: decision")
        .doesNotContain("com.salesagent", "class");

    Response approval =
        RESOURCES
            .target("/api/leads/lead-x/approval")
            .request()
            .post(Entity.json("{\"decision\":\"approve\",\"reason\":\"ok\"}"));
    assertThat(approval.getStatus()).isEqualTo(400);
    assertThat(json(approval).get("errors").toString()).contains("field=reason");
  }

  @Test
  void aDuplicateKeyIs400NamingThatField() {
    Response lead =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json("{\"name\":\"a\",\"name\":\"b\"}"));
    assertThat(lead.getStatus()).isEqualTo(400);
    assertThat(json(lead).get("errors").toString()).contains("field=name,");

    Response nested =
        RESOURCES
            .target("/api/leads")
            .request()
            .post(Entity.json("{\"consent\":{\"at\":\"2026-01-01T00:00:00Z\",\"at\":\"x\"}}"));
    assertThat(nested.getStatus()).isEqualTo(400);
    assertThat(json(nested).get("errors").toString()).contains("field=consent.at,");

    Response delivery =
        RESOURCES
            .target("/api/leads/lead-x/delivery")
            .request()
            .post(Entity.json("{\"decision\":\"stop\",\"decision\":\"resend\"}"));
    assertThat(delivery.getStatus()).isEqualTo(400);
    assertThat(json(delivery).get("errors").toString()).contains("field=decision,");
  }

  /**
   * A message held for approval whose variant was switched off meanwhile is dropped by its run
   * (timeline {@code variant_switched_before_send} naming its key) and composed again on another
   * variant: the page shows it {@code not_sent} with why. Before, the live walk's page kept it
   * "composed", approved, beside the message that did go, as if it were still on its way.
   */
  @Test
  void aHeldMessageWhoseVariantWasSwitchedOffShowsAsNotSentWithWhy() {
    Instant held = Instant.parse("2026-12-06T12:03:38Z");
    STORE.insertContact(
        new Document("leadId", "ks-held")
            .append("campaignId", "ks-cmp")
            .append("segment", "smb")
            .append("variantId", "v-cost")
            .append("stage", "awaiting_response"));
    STORE
        .messages()
        .collection()
        .insertMany(
            List.of(
                new Document("leadId", "ks-held")
                    .append("idempotencyKey", "lead-ks-held-send-1")
                    .append("step", 0)
                    .append("variantId", "v-test1")
                    .append("status", "composed")
                    .append("approval", new Document("status", "approve"))
                    .append("createdAt", java.util.Date.from(held)),
                new Document("leadId", "ks-held")
                    .append("idempotencyKey", "lead-ks-held-send-2")
                    .append("step", 0)
                    .append("variantId", "v-cost")
                    .append("status", "delivered")
                    .append("wamid", "wamid.ks-held-2")
                    .append("createdAt", java.util.Date.from(held.plusSeconds(60)))));
    STORE
        .interactions()
        .recordInteraction(
            "ks-held",
            "ks-cmp",
            null,
            "variant_switched_before_send",
            null,
            "lead-ks-held-send-1",
            held.plusSeconds(30));

    Map<?, ?> page = json(RESOURCES.target("/api/leads/ks-held").request().get());
    Map<Object, Map<?, ?>> byKey = new java.util.HashMap<>();
    for (Object m : (List<?>) page.get("messages")) {
      byKey.put(((Map<?, ?>) m).get("idempotencyKey"), (Map<?, ?>) m);
    }
    assertThat(byKey.get("lead-ks-held-send-1").get("status")).isEqualTo("not_sent");
    assertThat(String.valueOf(byKey.get("lead-ks-held-send-1").get("notSentBecause")))
        .contains("v-test1")
        .contains("switched off");
    assertThat(byKey.get("lead-ks-held-send-2").get("status")).isEqualTo("delivered");
    assertThat(byKey.get("lead-ks-held-send-2").get("notSentBecause")).isNull();
  }

  /**
   * The approvals queue says of a held message whose variant was switched off since that its text
   * will never go ({@code variantSwitchedOff}): before, it was listed as any other (the live walk's
   * wk1-061, held on v-test1 after its disable), and the reviewer learnt it only from the 409 that
   * answered their decision.
   */
  @Test
  void theApprovalsQueueMarksAHeldMessageWhoseVariantWasSwitchedOff() {
    var variants =
        STORE.database().getCollection(com.salesagent.activities.mongo.Collections.PROMPT_VARIANTS);
    variants.insertOne(new Document("variantId", "v-held-off").append("enabled", false));
    variants.insertOne(new Document("variantId", "v-held-on").append("enabled", true));
    for (String v : List.of("v-held-off", "v-held-on")) {
      STORE
          .messages()
          .collection()
          .insertOne(
              new Document("leadId", "aq-" + v)
                  .append("idempotencyKey", "lead-aq-" + v + "-send-1")
                  .append("variantId", v)
                  .append("purpose", "first_contact")
                  .append("text", "Hi")
                  .append("status", "composed")
                  .append(
                      "approval",
                      new Document("status", "pending")
                          .append("slaAt", java.util.Date.from(Instant.now().plusSeconds(3600)))));
    }

    // GET /api/approvals, as its JSON reads.
    Map<?, ?> queue =
        Jackson.newObjectMapper()
            .convertValue(
                new ApprovalResource(new HeldMessages(STORE.database()), WORKFLOWS).pending(),
                Map.class);
    Map<Object, Map<?, ?>> byVariant = new java.util.HashMap<>();
    for (Object p : (List<?>) queue.get("pending")) {
      byVariant.put(((Map<?, ?>) p).get("variantId"), (Map<?, ?>) p);
    }
    assertThat(byVariant.get("v-held-off").get("variantSwitchedOff"))
        .as(queue.toString())
        .isEqualTo(true);
    assertThat(byVariant.get("v-held-on").get("variantSwitchedOff")).isEqualTo(false);
  }

  /**
   * A stop's or an erasure's reason ({@code ?reason=}) is capped at 500 characters counted as a
   * person sees them (code points): 500 letters of CJK extension B (non-BMP, 1,000 UTF-16 chars)
   * are kept whole; 501 are 400 naming reason.
   */
  @Test
  void anOperatorsReasonCapCountsCodePoints() {
    String letter = new String(Character.toChars(0x20000));
    assertThat(LeadResource.operatorReason(letter.repeat(500), "none"))
        .isEqualTo(letter.repeat(500));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> LeadResource.operatorReason(letter.repeat(501), "none"))
        .isInstanceOfSatisfying(
            com.salesagent.api.http.ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.errors())
                  .extracting(com.salesagent.api.http.FieldError::field)
                  .containsExactly("reason");
            });
  }
}

package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A number we already know, enrolled again, is not greeted as a stranger. Through the real path
 * (REST enrolment, the lead's workflow, the emulator): a lead an operator marked converted, its
 * number enrolled again as a new lead, gets the customer's re-engagement template, not the cold
 * introduction; "Start a new conversation" with a lead that wrote after its end opens with "good to
 * talk again". Neither is a trial of the cold openers: no cold variant counted its assignment.
 */
final class ReturningContactApplicationTest extends AppTestHarness {
  /** The seeded returning-contact variant. */
  private static final String RETURNING = "v-returning";

  /** Every cold variant's {@code assigned}, over every segment and day. */
  private long coldAssigned() {
    long n = 0;
    for (Document d :
        store()
            .database()
            .getCollection("variant_stats")
            .find(Filters.ne("variantId", RETURNING))) {
      Number assigned = d.get("assigned", Number.class);
      n += assigned == null ? 0 : assigned.longValue();
    }
    return n;
  }

  private long returning(String counter) {
    long n = 0;
    for (Document d :
        store()
            .database()
            .getCollection("variant_stats")
            .find(Filters.eq("variantId", RETURNING))) {
      Number c = d.get(counter, Number.class);
      n += c == null ? 0 : c.longValue();
    }
    return n;
  }

  /** The lead's first message once the emulator accepted it. */
  private Document awaitFirstSent(String leadId) {
    await(
        "the first message of " + leadId,
        Duration.ofSeconds(30),
        () ->
            store().messages().messagesOf(leadId).stream()
                .anyMatch(m -> m.getString("wamid") != null));
    return store().messages().messagesOf(leadId).stream()
        .filter(m -> m.getString("wamid") != null)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aConvertedCustomerEnrolledAgainIsGreetedAsACustomerAndIsNoColdTrial() throws Exception {
    emulator().setBehaviour(ackOnly());
    String phone = phone();
    String first = "customer-" + UUID.randomUUID();
    enrolAndAwaitFirstSend(first, phone);
    assertThat(emulator().lastTemplateFor(phone).get(0))
        .as("a stranger's first contact: the cold opener")
        .startsWith("intro_");
    HttpResponse<String> converted =
        postJson(
            "/api/leads/" + first + "/outcome",
            "{\"outcome\":\"converted\",\"reason\":\"signed the annual plan\"}");
    assertThat(converted.statusCode()).as(converted.body()).isEqualTo(202);
    await(
        "converted",
        Duration.ofSeconds(15),
        () -> "converted".equals(store().contact(first).getString("stage")));
    long coldBefore = coldAssigned();
    long returningSentBefore = returning("sent");

    String again = "customer-again-" + UUID.randomUUID();
    HttpResponse<String> enrolled = postJson("/api/leads", leadJson(again, phone));
    assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(202);
    Document message = awaitFirstSent(again);

    List<String> received = emulator().lastTemplateFor(phone);
    assertThat(emulator().acceptedFor(phone)).isEqualTo(2);
    assertThat(received)
        .as("what the number received: the customer's template, not the cold opener")
        .containsExactly("welcome_back_customer", "Zoë", "Acme");
    assertThat(message.getString("text"))
        .startsWith("Hi Zoë, good to be in touch again")
        .contains("as a customer at Acme")
        .doesNotContain("I saw that");
    assertThat(message.getString("variantId")).isEqualTo(RETURNING);
    assertThat(store().contact(again).get("returning", Document.class))
        .containsEntry("relationship", "customer")
        .containsEntry("leadId", first);
    assertThat(coldAssigned()).as("no cold opener counted a trial").isEqualTo(coldBefore);
    await(
        "its send counted under the returning variant",
        Duration.ofSeconds(15),
        () -> returning("sent") > returningSentBefore);
  }

  @Test
  void aNewConversationWithALeadThatWroteAfterTheEndOpensWithGoodToTalkAgain() throws Exception {
    emulator().setBehaviour(ackOnly());
    String phone = phone();
    String leadId = "talked-" + UUID.randomUUID();
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    assertThat(postJson("/api/leads/" + leadId + "/stop", "").statusCode()).isEqualTo(202);
    await(
        "stopped",
        Duration.ofSeconds(15),
        () -> "stopped".equals(store().contact(leadId).getString("stage")));
    emulator().recipientWrote(phone);
    assertThat(metaWebhook(textFrom(phone, wamid, "Hi, can we talk next month?")).statusCode())
        .isEqualTo(200);
    await(
        "on the after-the-end list",
        Duration.ofSeconds(15),
        () -> store().contact(leadId).get("afterEnd") != null);
    long coldBefore = coldAssigned();

    HttpResponse<String> again = postJson("/api/leads/" + leadId + "/enrol-again", "");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
    String newId = json.readTree(again.body()).get("leadId").asText();
    Document message = awaitFirstSent(newId);

    assertThat(emulator().lastTemplateFor(phone)).containsExactly("welcome_back", "Zoë", "Acme");
    assertThat(message.getString("text"))
        .startsWith("Hi Zoë, good to talk again!")
        .doesNotContain("I saw that");
    assertThat(store().contact(newId).get("returning", Document.class))
        .containsEntry("relationship", "conversation")
        .containsEntry("leadId", leadId);
    assertThat(coldAssigned()).isEqualTo(coldBefore);
  }

  /**
   * A CSV row of a number whose lead replied (in another campaign, still live) is greeted with
   * "good to talk again"; a bad row beside it is refused naming its field, and the good one is
   * enrolled and sent all the same.
   */
  @Test
  void aCsvRowOfANumberThatRepliedIsGreetedAsOneWeKnowBesideABadRow() throws Exception {
    emulator().setBehaviour(ackOnly());
    String phone = phone();
    String first = "replied-" + UUID.randomUUID();
    String wamid = enrolAndAwaitFirstSend(first, phone);
    emulator().recipientWrote(phone);
    assertThat(metaWebhook(textFrom(phone, wamid, "Hi, tell me more please")).statusCode())
        .isEqualTo(200);
    await(
        "the reply counted",
        Duration.ofSeconds(15),
        () -> {
          Document funnel = store().contact(first).get("funnel", Document.class);
          return funnel != null && funnel.get("replied") != null;
        });
    String campaign = "returning-" + UUID.randomUUID();
    String row = "csv-r-" + campaign;
    String csv =
        "leadId,name,phone,company,timezone,campaignId,consentOptIn,consentSource,consentAt\n"
            + row
            + ",Ana,"
            + phone
            + ",Acme,UTC,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z\n"
            + "csv-bad-"
            + campaign
            + ",Bo,not-a-phone,Beta,UTC,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z\n";
    long coldBefore = coldAssigned();

    HttpResponse<String> imported =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));

    assertThat(imported.statusCode()).isEqualTo(200);
    assertThat(imported.body()).contains("\"field\":\"phone\"");
    Document message = awaitFirstSent(row);
    assertThat(emulator().lastTemplateFor(phone)).containsExactly("welcome_back", "Ana", "Acme");
    assertThat(message.getString("text")).startsWith("Hi Ana, good to talk again!");
    assertThat(store().contact(row).get("returning", Document.class))
        .containsEntry("relationship", "conversation")
        .containsEntry("leadId", first);
    assertThat(coldAssigned()).isEqualTo(coldBefore);
  }
}

package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OutcomeSignal;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.jackson.Jackson;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Setting a lead's outcome: its timeline, the contact and the workflow name the owner who acted (as
 * an owner's reply or meeting does), the audit log the operator who called.
 */
class LeadOutcomesTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final MongoClient CLIENT =
      MongoClients.create(
          "mongodb://" + hostPort(MONGO.bind()) + "/?serverSelectionTimeoutMS=2000");
  static final LeadStore STORE = new LeadStore(CLIENT.getDatabase("outcomes-test"));

  final List<OutcomeSignal> signalled = new ArrayList<>();

  /** Leads whose workflow has ended: the outcome's signal finds no run. */
  final java.util.Set<String> ended = new java.util.HashSet<>();

  final LeadOutcomes outcomes =
      new LeadOutcomes(
          STORE,
          leadId ->
              (LeadWorkflow)
                  Proxy.newProxyInstance(
                      LeadWorkflow.class.getClassLoader(),
                      new Class<?>[] {LeadWorkflow.class},
                      (proxy, method, args) -> {
                        if (method.getName().equals("outcome") && ended.contains(leadId)) {
                          throw new io.temporal.client.WorkflowNotFoundException(
                              io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                                  .setWorkflowId(LeadWorkflow.workflowId(leadId))
                                  .build(),
                              "LeadWorkflow",
                              null);
                        }
                        if (method.getName().equals("outcome")) {
                          signalled.add((OutcomeSignal) args[0]);
                          return null;
                        }
                        throw new UnsupportedOperationException(method.getName());
                      }),
          Jackson.newObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));

  private static String hostPort(java.net.InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  @AfterAll
  static void close() {
    CLIENT.close();
    MONGO.shutdown();
  }

  private static byte[] body(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String timelineDetail(String leadId, String type) {
    return STORE.interactions().timeline(leadId).stream()
        .filter(e -> type.equals(e.getString("type")))
        .map(e -> e.getString("detail"))
        .findFirst()
        .orElseThrow();
  }

  private static Document audit(String leadId) {
    return STORE
        .database()
        .getCollection(Collections.AUDIT_LOG)
        .find(Filters.and(Filters.eq("action", "lead_outcome"), Filters.eq("leadId", leadId)))
        .first();
  }

  @Test
  void anOutcomeIsSetByTheOwnerWhoHoldsTheLeadAndAuditedWithTheOperator() {
    STORE
        .database()
        .getCollection(Owners.COLLECTION)
        .insertOne(new Document("_id", "ana").append("name", "Ana Lima"));
    STORE.insertContact(
        new Document("leadId", "won-1").append("campaignId", "c").append("ownerId", "ana"));

    outcomes.set(
        "operator",
        "won-1",
        body("{\"outcome\":\"converted\",\"reason\":\"signed the annual plan\"}"));

    assertThat(timelineDetail("won-1", "converted"))
        .isEqualTo("by Ana Lima (ana): signed the annual plan");
    assertThat(STORE.contact("won-1").get("outcome", Document.class).getString("by"))
        .isEqualTo("Ana Lima (ana)");
    assertThat(signalled).extracting(OutcomeSignal::by).containsExactly("Ana Lima (ana)");
    assertThat(audit("won-1").getString("by")).isEqualTo("operator");
  }

  /**
   * A lead that said STOP (or that an operator stopped) and whose run had ended was then marked
   * converted or lost: its stage became the outcome, so it left the lists and counts of opted-out
   * and stopped leads, and a rep could write to the stopped one again ("never after stop" reads the
   * stage). The outcome is recorded beside it now; the stage stays. A lead that ended replied still
   * takes the outcome as its stage.
   */
  @Test
  void anOutcomeSetAfterAnOptOutOrAStopKeepsTheLeadsStage() {
    for (String[] lead :
        new String[][] {
          {"said-stop", "opted_out", "converted"},
          {"was-stopped", "stopped", "lost"},
          {"just-replied", "replied", "lost"}
        }) {
      STORE.insertContact(
          new Document("leadId", lead[0])
              .append("campaignId", "c")
              .append("stage", lead[1])
              .append("doNotContact", "opted_out".equals(lead[1])));
      ended.add(lead[0]);

      outcomes.set(
          "operator",
          lead[0],
          body("{\"outcome\":\"" + lead[2] + "\",\"reason\":\"closed by phone\"}"));

      assertThat(STORE.contact(lead[0]).get("outcome", Document.class).getString("value"))
          .isEqualTo(lead[2]);
      assertThat(timelineDetail(lead[0], lead[2])).isEqualTo("by operator: closed by phone");
    }
    assertThat(STORE.contact("said-stop").getString("stage")).isEqualTo("opted_out");
    assertThat(STORE.contact("was-stopped").getString("stage")).isEqualTo("stopped");
    assertThat(STORE.contact("just-replied").getString("stage")).isEqualTo("lost");
  }

  /**
   * A conversion is the variant's reward, except for a lead a rep wrote to before its first reply
   * (Assisted): out of the variant's evidence, its conversion is on its timeline but not counted.
   */
  @Test
  void aConversionCountsForTheVariantUnlessARepWroteToTheLeadBeforeItsFirstReply() {
    for (String lead : List.of("sold-1", "sold-helped")) {
      STORE.insertContact(
          new Document("leadId", lead)
              .append("campaignId", "c-sold")
              .append("segment", "assist-outcomes")
              .append("variantId", "v-out"));
    }
    assertThat(
            new com.salesagent.activities.variants.Assisted(STORE.database())
                .mark("sold-helped", java.time.Instant.now()))
        .isTrue();

    outcomes.set("operator", "sold-1", body("{\"outcome\":\"converted\"}"));
    outcomes.set("operator", "sold-helped", body("{\"outcome\":\"converted\"}"));

    assertThat(timelineDetail("sold-helped", "converted")).isEqualTo("by operator");
    assertThat(
            new com.salesagent.activities.variants.VariantStats(STORE.database())
                .totals("assist-outcomes")
                .get("v-out"))
        .containsEntry("converted", 1L)
        .containsEntry("assisted", 1L);
    // The campaign's funnel counts both (assisted or not, they were converted), once each.
    outcomes.set("operator", "sold-1", body("{\"outcome\":\"converted\"}"));
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    assertThat(
            new com.salesagent.activities.mongo.FunnelStats(STORE.database())
                .totals("c-sold", today.minusDays(1), today.plusDays(1)))
        .containsEntry("converted", 2L);
  }

  /**
   * A lead the kill switch moved off a variant after that variant's message was sent (Switched) is
   * no trial of any variant: its conversion is on its timeline but counted for neither the old
   * variant nor the one it was reassigned to.
   */
  @Test
  void aConversionOfALeadSwitchedOffItsVariantAfterASendCountsForTheOldVariant() {
    java.time.Instant sentAt = java.time.Instant.now().minusSeconds(600);
    for (String lead : List.of("sold-clean", "sold-switched")) {
      STORE.insertContact(
          new Document("leadId", lead)
              .append("campaignId", "c")
              .append("segment", "switch-outcomes")
              .append("variantId", "v-old")
              .append("funnel", new Document("sent", java.util.Date.from(sentAt))));
    }
    assertThat(
            new com.salesagent.activities.variants.Switched(STORE.database())
                .switchOff(
                    STORE.contact("sold-switched"),
                    "v-old",
                    "switch-outcomes",
                    java.time.Instant.now()))
        .as("a lead sent the old variant's message is no trial of the new one")
        .isFalse();
    // The workflow then assigns it the variant still enabled.
    STORE
        .database()
        .getCollection(Collections.CONTACTS)
        .updateOne(
            Filters.eq("leadId", "sold-switched"),
            com.mongodb.client.model.Updates.set("variantId", "v-new"));

    outcomes.set("operator", "sold-clean", body("{\"outcome\":\"converted\"}"));
    outcomes.set("operator", "sold-switched", body("{\"outcome\":\"converted\"}"));

    assertThat(timelineDetail("sold-switched", "converted")).isEqualTo("by operator");
    var totals =
        new com.salesagent.activities.variants.VariantStats(STORE.database())
            .totals("switch-outcomes");
    // It received the old variant's message: that variant's trial, its conversion that one's.
    assertThat(totals.get("v-old")).containsEntry("converted", 2L);
    assertThat(totals.get("v-old").getOrDefault("switched", 0L)).isZero();
    assertThat(totals.getOrDefault("v-new", java.util.Map.of()).getOrDefault("converted", 0L))
        .as("the variant it was reassigned to")
        .isZero();
  }

  /**
   * A lead that replied before the kill switch moved it stays the old variant's evidence (its reply
   * counted there): its conversion counts for that variant too, not for the one it was moved to.
   */
  @Test
  void aConversionOfALeadThatRepliedBeforeItsSwitchCountsForTheVariantItReplied() {
    java.time.Instant sentAt = java.time.Instant.now().minusSeconds(600);
    STORE.insertContact(
        new Document("leadId", "sold-replied")
            .append("campaignId", "c")
            .append("segment", "replied-switch-outcomes")
            .append("variantId", "v-old")
            .append(
                "funnel",
                new Document("sent", java.util.Date.from(sentAt))
                    .append("replied", java.util.Date.from(sentAt.plusSeconds(60)))));
    new com.salesagent.activities.variants.Switched(STORE.database())
        .switchOff(
            STORE.contact("sold-replied"),
            "v-old",
            "replied-switch-outcomes",
            java.time.Instant.now());
    // The workflow then assigns it the variant still enabled (a reassignment, no trial of it).
    STORE
        .database()
        .getCollection(Collections.CONTACTS)
        .updateOne(
            Filters.eq("leadId", "sold-replied"),
            com.mongodb.client.model.Updates.set("variantId", "v-new"));

    outcomes.set("operator", "sold-replied", body("{\"outcome\":\"converted\"}"));

    var totals =
        new com.salesagent.activities.variants.VariantStats(STORE.database())
            .totals("replied-switch-outcomes");
    assertThat(totals.getOrDefault("v-new", java.util.Map.of()).getOrDefault("converted", 0L))
        .as("the variant it was reassigned to")
        .isZero();
    assertThat(totals.getOrDefault("v-old", java.util.Map.of()))
        .as("the variant whose evidence it is")
        .containsEntry("converted", 1L);
    assertThat(STORE.interactions().timeline("sold-replied"))
        .filteredOn(e -> "converted".equals(e.getString("type")))
        .extracting(e -> e.getString("variantId"))
        .as("the recount reads the event's variant")
        .containsExactly("v-old");
  }

  @Test
  void onALeadNobodyOwnsTheOperatorIsNamed() {
    STORE.insertContact(new Document("leadId", "lost-1").append("campaignId", "c"));

    outcomes.set("operator", "lost-1", body("{\"outcome\":\"lost\"}"));

    assertThat(timelineDetail("lost-1", "lost")).isEqualTo("by operator");
    assertThat(signalled).extracting(OutcomeSignal::by).containsExactly("operator");
  }

  @Test
  void anOutcomeFromASystemIsNamedAfterIt() {
    STORE
        .database()
        .getCollection(Owners.COLLECTION)
        .insertOne(new Document("_id", "bea").append("name", "Bea"));
    STORE.insertContact(
        new Document("leadId", "crm-1").append("campaignId", "c").append("ownerId", "bea"));

    outcomes.setBySystem("hubspot", "crm-1", body("{\"outcome\":\"converted\"}"));

    assertThat(timelineDetail("crm-1", "converted")).isEqualTo("by hubspot");
    assertThat(audit("crm-1").getString("by")).isEqualTo("hubspot");
  }

  /**
   * An outcome's reason is shown on the lead's timeline and in the dashboard: one line of readable
   * text. Text that could not be read, a control character or a bidi override or isolate is 422
   * naming {@code reason}; nothing is recorded, signalled or audited.
   */
  @Test
  void aReasonWithUnreadableControlOrBidiOverrideCharactersIs422NamingReason() {
    STORE.insertContact(new Document("leadId", "hostile-1").append("campaignId", "c"));
    for (String reason :
        List.of(
            "price \\ufffd", "price \\ud83d", "price\\u0000", "price\\nby admin", "\\u202etsoc")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  outcomes.set(
                      "operator",
                      "hostile-1",
                      body("{\"outcome\":\"lost\",\"reason\":\"" + reason + "\"}")))
          .as(reason)
          .isInstanceOfSatisfying(
              com.salesagent.api.http.ApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(422);
                assertThat(e.errors())
                    .extracting(com.salesagent.api.http.FieldError::field)
                    .containsExactly("reason");
              });
    }
    assertThat(signalled).isEmpty();
    assertThat(audit("hostile-1")).isNull();
    assertThat(STORE.contact("hostile-1").get("outcome")).isNull();
  }

  /**
   * An outcome's reason is capped at 500 characters counted as a person sees them (code points):
   * 500 letters of CJK extension B (non-BMP, 1,000 UTF-16 chars) are taken and kept whole; 501 are
   * 422 naming reason and nothing is signalled.
   */
  @Test
  void aReasonsCapCountsCodePoints() {
    String letter = new String(Character.toChars(0x20000));
    STORE.insertContact(new Document("leadId", "emoji-500").append("campaignId", "c"));
    STORE.insertContact(new Document("leadId", "emoji-501").append("campaignId", "c"));
    outcomes.set(
        "operator",
        "emoji-500",
        body("{\"outcome\":\"lost\",\"reason\":\"" + letter.repeat(500) + "\"}"));
    assertThat(STORE.contact("emoji-500").get("outcome", Document.class).getString("reason"))
        .isEqualTo(letter.repeat(500));
    int before = signalled.size();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                outcomes.set(
                    "operator",
                    "emoji-501",
                    body(
                        "{\"outcome\":\"lost\",\"reason\":\""
                            + letter.repeat(500)
                            + "\uD840\uDC00\"}")))
        .isInstanceOfSatisfying(
            com.salesagent.api.http.ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(422);
              assertThat(e.errors())
                  .extracting(com.salesagent.api.http.FieldError::field)
                  .containsExactly("reason");
            });
    assertThat(signalled).hasSize(before);
    assertThat(audit("emoji-501")).isNull();
  }

  /**
   * A reason with no letter or digit ("👍") was answered as taken and stored as none: the
   * operator's reason lost. It is 422 naming {@code reason}, nothing stored or signalled; a blank
   * reason is still none.
   */
  @Test
  void aReasonWithNoLetterOrDigitIsRefusedNotDropped() {
    STORE.insertContact(new Document("leadId", "thumbs").append("campaignId", "c"));
    int before = signalled.size();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                outcomes.set(
                    "operator", "thumbs", body("{\"outcome\":\"lost\",\"reason\":\"👍 ...\"}")))
        .isInstanceOfSatisfying(
            com.salesagent.api.http.ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(422);
              assertThat(e.errors())
                  .extracting(com.salesagent.api.http.FieldError::field)
                  .containsExactly("reason");
            });
    assertThat(STORE.contact("thumbs").get("outcome")).isNull();
    assertThat(signalled).hasSize(before);
    outcomes.set("operator", "thumbs", body("{\"outcome\":\"lost\",\"reason\":\"  \"}"));
    assertThat(STORE.contact("thumbs").get("outcome", Document.class).getString("value"))
        .isEqualTo("lost");
  }
}

package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The enrolment API on the embedded stack: idempotent enrolment, named field errors, the token, and
 * CSV and JSON Lines imports reporting bad rows by line.
 */
final class EnrolmentApplicationTest extends AppTestHarness {
  @Test
  void theSameLeadIdTwiceStartsNoSecondWorkflow() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "dup-" + UUID.randomUUID();
    String body = leadJson(leadId, phone());

    HttpResponse<String> first = postJson("/api/leads", body);
    HttpResponse<String> second = postJson("/api/leads", body);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(json.readTree(second.body()).path("status").asText()).isEqualTo("already_enrolled");
    assertThat(json.readTree(second.body()).path("message").asText())
        .contains("no second workflow");
    assertThat(store().contacts().countDocuments(Filters.eq("leadId", leadId))).isEqualTo(1);
  }

  @Test
  void aCsvImportEnrolsGoodRowsAndReportsBadOnesByLine() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "import-" + UUID.randomUUID();
    String csv =
        "leadId,name,phone,company,timezone,campaignId,consentOptIn,consentSource,consentAt\n"
            + "csv-a-"
            + campaign
            + ",Ana,"
            + phone()
            + ",Acme,UTC,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z\n"
            + "csv-b-"
            + campaign
            + ",Bo,not-a-phone,Beta,UTC,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z\n"
            + "csv-c-"
            + campaign
            + ",Cy,"
            + phone()
            + ",Gamma,UTC,"
            + campaign
            + ",false,form,2026-11-20T10:00:00Z\n"
            + "csv-d-"
            + campaign
            + ",Di,"
            + phone()
            + ",Delta,UTC,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z\n";

    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));

    assertThat(response.statusCode()).isEqualTo(200);
    List<JsonNode> lines = response.body().lines().map(this::parse).toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0).path("line").asInt()).isEqualTo(2);
    assertThat(lines.get(0).path("status").asText()).isEqualTo("enrolled");
    assertThat(lines.get(1).path("line").asInt()).isEqualTo(3);
    assertThat(lines.get(1).path("status").asText()).isEqualTo("rejected");
    assertThat(lines.get(1).findValuesAsText("field")).containsExactly("phone");
    assertThat(lines.get(2).findValuesAsText("field")).containsExactly("consent.whatsappOptIn");
    assertThat(lines.get(3).path("status").asText()).isEqualTo("enrolled");
    assertThat(lines.get(4).path("summary").path("enrolled").asInt()).isEqualTo(2);
    assertThat(lines.get(4).path("summary").path("rejected").asInt()).isEqualTo(2);
    assertThat(store().countContacts(null, campaign)).isEqualTo(2);
  }

  @Test
  void aJsonLinesImportReportsMalformedLines() throws Exception {
    emulator().setBehaviour(ackOnly());
    String id = "jsonl-" + UUID.randomUUID();
    String body =
        leadJson(id, phone()).replace("\n", " ")
            + "\n{not json\n\n"
            + leadJson(id, phone()).replace("\n", " ")
            + "\n";

    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body)));

    List<JsonNode> lines = response.body().lines().map(this::parse).toList();
    assertThat(lines.get(0).path("status").asText()).isEqualTo("enrolled");
    assertThat(lines.get(1).path("line").asInt()).isEqualTo(2);
    assertThat(lines.get(1).path("status").asText()).isEqualTo("rejected");
    assertThat(lines.get(2).path("line").asInt()).isEqualTo(4);
    assertThat(lines.get(2).path("status").asText()).isEqualTo("already_enrolled");
  }

  @Test
  void anUnsupportedImportTypeIs415() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString("<leads/>")));
    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(response.body()).contains("Content-Type");
  }

  private JsonNode parse(String line) {
    try {
      return json.readTree(line);
    } catch (Exception e) {
      throw new AssertionError(line, e);
    }
  }
}

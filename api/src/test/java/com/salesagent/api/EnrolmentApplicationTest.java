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
  /**
   * A number given for a lead's name was enrolled as the text "12345" and greeted so ("Hi 12345");
   * a scalar of another JSON type than the field's is refused naming the field (RequestJsonTest).
   */
  @Test
  void aNumberForALeadsNameIsRefusedNotSentAsText() throws Exception {
    HttpResponse<String> r =
        postJson(
            "/api/leads",
            "{\"leadId\":\"num-name\",\"name\":12345,\"phone\":\"+5511998760901\","
                + "\"company\":\"Acme\",\"campaignId\":\"c-num\",\"consent\":{"
                + "\"whatsappOptIn\":true,\"source\":\"form\",\"at\":\"2026-11-20T10:00:00Z\"}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(r.body()).contains("\"field\":\"name\"");
  }

  /**
   * A Content-Type that is no media type ({@code text/csv; charset=x-<script>}: characters a type
   * may not have) was refused by Jersey before any route or check as an empty 400, which the error
   * page named {@code path} (found by the QA walk). It is 415 naming {@code Content-Type}, after
   * the token is checked, with the value shown without its markup; on a JSON route too.
   */
  @Test
  void aContentTypeThatIsNoMediaTypeIs415NamingIt() throws Exception {
    String bad = "text/csv; charset=x-<script>";
    HttpResponse<String> csv =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", bad)
                .POST(HttpRequest.BodyPublishers.ofString("name,phone\nAna,+5511999990000\n")));
    assertThat(csv.statusCode()).as(csv.body()).isEqualTo(415);
    var errors =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(csv.body()).get("errors");
    assertThat(errors.get(0).get("field").asText()).isEqualTo("Content-Type");
    assertThat(errors.get(0).get("message").asText())
        .contains("charset=x-?script?")
        .doesNotContain("<script>");

    HttpResponse<String> json =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json; charset=x-<script>")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(json.statusCode()).as(json.body()).isEqualTo(415);
    assertThat(json.body()).contains("\"field\":\"Content-Type\"").doesNotContain("<script>");

    HttpResponse<String> anonymous =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
                .header("Content-Type", bad)
                .POST(HttpRequest.BodyPublishers.ofString("name,phone\n")));
    assertThat(anonymous.statusCode()).as("nothing said without the token").isEqualTo(401);

    // A charset that is a name Java does not know, quoted with markup: named without it.
    HttpResponse<String> quoted =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/csv; charset=\"<b>x</b>\"")
                .POST(HttpRequest.BodyPublishers.ofString("name,phone\nAna,+5511999990000\n")));
    assertThat(quoted.statusCode()).as(quoted.body()).isEqualTo(415);
    assertThat(quoted.body()).contains("\"field\":\"Content-Type\"").doesNotContain("<b>");
  }

  @Test
  void theSameLeadIdTwiceStartsNoSecondWorkflow() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "dup-" + UUID.randomUUID();
    String body = leadJson(leadId, phone());
    var funnel = new com.salesagent.activities.mongo.FunnelStats(store().database());
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    long enrolledBefore = funnel.totals("default", today, today).getOrDefault("enrolled", 0L);

    HttpResponse<String> first = postJson("/api/leads", body);
    HttpResponse<String> second = postJson("/api/leads", body);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(json.readTree(second.body()).path("status").asText()).isEqualTo("already_enrolled");
    assertThat(json.readTree(second.body()).path("message").asText())
        .contains("no second workflow");
    assertThat(store().contacts().countDocuments(Filters.eq("leadId", leadId))).isEqualTo(1);
    // Issue 12: the contact is inserted with its funnel's "enrolled" mark and counted once (the
    // counter alone, no second write to the contact); the second post counts nothing.
    var contact = store().contact(leadId);
    assertThat(contact.get("funnel", org.bson.Document.class).getDate("enrolled"))
        .isEqualTo(contact.getDate("enrolledAt"));
    assertThat(funnel.totals("default", today, today).get("enrolled"))
        .isEqualTo(enrolledBefore + 1);
  }

  @Test
  void aLeadIdUsedForAnotherPhoneOrCampaignIs409NotSilentlyTheFirstLead() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "reused-" + UUID.randomUUID();
    String phone = phone();
    String other = phone();
    HttpResponse<String> first = postJson("/api/leads", leadJson(leadId, phone));
    HttpResponse<String> otherPerson =
        postJson(
            "/api/leads",
            leadJson(leadId, other).replace("\"name\"", "\"campaignId\":\"cmp-b\",\"name\""));
    HttpResponse<String> otherCampaign =
        postJson(
            "/api/leads",
            leadJson(leadId, phone).replace("\"name\"", "\"campaignId\":\"cmp-b\",\"name\""));
    HttpResponse<String> again = postJson("/api/leads", leadJson(leadId, phone));

    assertThat(first.statusCode()).isEqualTo(202);
    // Another person under the same id: refused naming the leadId (the field to change) and what
    // differs, never their number.
    assertThat(otherPerson.statusCode()).as(otherPerson.body()).isEqualTo(409);
    JsonNode refused = json.readTree(otherPerson.body());
    assertThat(refused.path("status").asText()).isEqualTo("lead_id_taken");
    assertThat(refused.path("errors").get(0).path("field").asText()).isEqualTo("leadId");
    assertThat(refused.path("differs").toString()).contains("phone").contains("campaignId");
    assertThat(otherPerson.body())
        .doesNotContain(other.substring(4))
        .doesNotContain(phone.substring(4));
    assertThat(otherCampaign.statusCode()).isEqualTo(409);
    assertThat(json.readTree(otherCampaign.body()).path("differs").toString())
        .isEqualTo("[\"campaignId\"]");
    // The same lead again (a retry): idempotent; the first lead is unchanged.
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(store().contact(leadId).getString("phone")).isEqualTo(phone);
    assertThat(store().contact(leadId).getString("campaignId")).isEqualTo("default");
  }

  @Test
  void aRefusedEnrolmentNamesNoLeadItDidNotCreate() throws Exception {
    String phone = phone();
    HttpResponse<String> suppressed =
        postJson("/api/suppressions", "{\"number\":\"" + phone + "\",\"reason\":\"asked\"}");
    assertThat(suppressed.statusCode()).as(suppressed.body()).isIn(200, 201);
    String withoutId = leadJson("x", phone).replace("\"leadId\":\"x\",", "");

    HttpResponse<String> refused = postJson("/api/leads", withoutId);
    HttpResponse<String> named =
        postJson("/api/leads", leadJson("named-" + UUID.randomUUID(), phone));

    assertThat(refused.statusCode()).isEqualTo(409);
    // No lead was stored: no generated id that answers 404 afterwards.
    assertThat(json.readTree(refused.body()).has("leadId")).as(refused.body()).isFalse();
    // A leadId the client chose is echoed, so it can match the answer to its request.
    assertThat(named.statusCode()).isEqualTo(409);
    assertThat(json.readTree(named.body()).path("leadId").asText()).startsWith("named-");
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
    assertThat(store().contactList().countContacts(null, campaign)).isEqualTo(2);
  }

  @Test
  void aJsonLinesImportReportsMalformedLines() throws Exception {
    emulator().setBehaviour(ackOnly());
    String id = "jsonl-" + UUID.randomUUID();
    String phone = phone();
    String body =
        leadJson(id, phone).replace("\n", " ")
            + "\n{not json\n\n"
            + leadJson(id, phone).replace("\n", " ")
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

  private static final String HEADER =
      "leadId,name,phone,company,timezone,campaignId,consentOptIn,consentSource,consentAt\n";

  private static String csvRow(String leadId, String name, String campaign) {
    return leadId
        + ","
        + name
        + ","
        + phone()
        + ",Acme,UTC,"
        + campaign
        + ",true,form,2026-11-20T10:00:00Z\n";
  }

  private HttpResponse<String> importCsv(String csv) throws Exception {
    return importCsv(csv, "");
  }

  /**
   * The import's answer is streamed compressed too: a browser always asks for gzip, and Jetty's
   * gzip buffered the rows' lines until its buffer filled or the answer ended, so the dashboard
   * showed 0 rows done for the whole import and then every row at once. Here the second row is sent
   * only once the first row's answer has arrived (a buffered answer never comes: the read times
   * out).
   */
  @Test
  void aGzipImportAnswerCarriesEachRowBeforeTheBodyEnds() throws Exception {
    String campaign = "gzip" + UUID.randomUUID().toString().substring(0, 8);
    String header = "name,phone,company,campaignId,consentOptIn,consentSource,consentAt\n";
    byte[] first =
        (header + "Ana," + phone() + ",Acme," + campaign + ",maybe,form,2026-11-20T10:00:00Z\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] second =
        ("Bia," + phone() + ",Acme," + campaign + ",perhaps,form,2026-11-20T10:00:00Z\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    URI uri = URI.create(url("/api/leads/import"));
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(20_000);
      java.io.OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/leads/import HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + TOKEN
                  + "\r\nContent-Type: text/csv; charset=utf-8\r\nAccept-Encoding: gzip\r\n"
                  + "Content-Length: "
                  + (first.length + second.length)
                  + "\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(first);
      out.flush();
      java.io.InputStream in = socket.getInputStream();
      assertThat(lineOf(in)).startsWith("HTTP/1.1 200");
      List<String> headers = new java.util.ArrayList<>();
      for (String h = lineOf(in); !h.isEmpty(); h = lineOf(in)) {
        headers.add(h.toLowerCase(java.util.Locale.ROOT));
      }
      assertThat(headers).contains("content-encoding: gzip", "transfer-encoding: chunked");
      java.io.InputStream body = new java.util.zip.GZIPInputStream(new Chunked(in), 1);
      JsonNode row2;
      try {
        row2 = parse(lineOf(body));
      } catch (java.net.SocketTimeoutException e) {
        throw new AssertionError("no answer line before the body's end: the answer is buffered", e);
      }
      assertThat(row2.path("line").asInt()).isEqualTo(2);
      assertThat(row2.path("status").asText()).isEqualTo("rejected");
      out.write(second);
      out.flush();
      JsonNode row3 = parse(lineOf(body));
      assertThat(row3.path("line").asInt()).isEqualTo(3);
      assertThat(row3.findValuesAsText("field")).containsExactly("consentOptIn");
      assertThat(parse(lineOf(body)).path("summary").path("rejected").asInt()).isEqualTo(2);
    }
  }

  /** A line read a byte at a time (nothing after its \n is consumed), without its line break. */
  private static String lineOf(java.io.InputStream in) throws java.io.IOException {
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b == -1) {
        throw new java.io.EOFException("the answer ended inside a line: " + line);
      }
      line.write(b);
    }
    String text = line.toString(java.nio.charset.StandardCharsets.UTF_8);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /** An HTTP/1.1 chunked body, read no further than the bytes a chunk announced. */
  private static final class Chunked extends java.io.InputStream {
    private final java.io.InputStream in;
    private long left;
    private boolean end;

    Chunked(java.io.InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws java.io.IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
      if (end) {
        return -1;
      }
      if (left == 0) {
        String size = lineOf(in);
        if (size.isEmpty()) {
          size = lineOf(in); // the CRLF after the previous chunk's data
        }
        left = Long.parseLong(size.split(";")[0].trim(), 16);
        if (left == 0) {
          end = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }

  private HttpResponse<String> importCsv(String csv, String query) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url("/api/leads/import" + query)))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "text/csv")
            .POST(HttpRequest.BodyPublishers.ofString(csv)));
  }

  /**
   * consentOptIn takes the usual spellings of yes and no in any case (true/false, yes/no, y/n, 1/0,
   * and Portuguese and Spanish ones, as Excel writes TRUE in a pt-BR or es sheet); a "no" is no
   * consent (the row is refused naming consent.whatsappOptIn, as a JSON false is), and anything
   * else ("x", "maybe") is refused naming consentOptIn and the value as written, never read as no.
   */
  @Test
  void aCsvConsentOptInTakesYesAndNoSpellingsAndRefusesAnythingElseNamingIt() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "optin-" + UUID.randomUUID();
    String[] yes = {"TRUE", "yes", "Y", "1", "Sim", "VERDADEIRO", "sí", "Verdadero"};
    String[] no = {"false", "No", "0", "não", "FALSO"};
    String[] unclear = {"x", "maybe"};
    StringBuilder csv = new StringBuilder(HEADER);
    List<String> values = new java.util.ArrayList<>();
    for (String[] group : new String[][] {yes, no, unclear}) {
      for (String v : group) {
        values.add(v);
        csv.append(
            csvRow("oi-" + values.size() + "-" + campaign, "Ana", campaign)
                .replace(",true,", "," + v + ","));
      }
    }

    List<JsonNode> lines = importCsv(csv.toString()).body().lines().map(this::parse).toList();

    assertThat(lines).hasSize(values.size() + 1);
    for (int i = 0; i < values.size(); i++) {
      JsonNode row = lines.get(i);
      String v = values.get(i);
      if (i < yes.length) {
        assertThat(row.path("status").asText()).as(v + ": " + row).isEqualTo("enrolled");
      } else if (i < yes.length + no.length) {
        assertThat(row.path("status").asText()).as(v + ": " + row).isEqualTo("rejected");
        assertThat(row.findValuesAsText("field")).as(v).containsExactly("consent.whatsappOptIn");
      } else {
        assertThat(row.path("status").asText()).as(v + ": " + row).isEqualTo("rejected");
        assertThat(row.findValuesAsText("field")).as(v).containsExactly("consentOptIn");
        assertThat(row.findValuesAsText("message").get(0)).contains("\"" + v + "\"");
      }
    }
    assertThat(store().contactList().countContacts(null, campaign)).isEqualTo(yes.length);
  }

  /**
   * A row whose quote is never closed (a CSV parser would read the rest of the file as its value)
   * is rejected by its line, saying why, and the rows after it are read and enrolled.
   */
  @Test
  void aCsvRowWithAnUnclosedQuoteIsRejectedAndTheRowsAfterItAreRead() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "quote-" + UUID.randomUUID();
    String csv =
        HEADER
            + "m-1-"
            + campaign
            + ",\"Open Quote,"
            + phone()
            + ",Acme,UTC,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z\n"
            + csvRow("m-2-" + campaign, "\"Bo, Jr\"", campaign)
            + csvRow("m-3-" + campaign, "Cy", campaign);

    List<JsonNode> lines = importCsv(csv).body().lines().map(this::parse).toList();

    assertThat(lines).hasSize(4);
    assertThat(lines.get(0).path("line").asInt()).isEqualTo(2);
    assertThat(lines.get(0).path("status").asText()).isEqualTo("rejected");
    assertThat(lines.get(0).findValuesAsText("message").get(0)).contains("quote");
    assertThat(lines.get(1).path("line").asInt()).isEqualTo(3);
    assertThat(lines.get(1).path("leadId").asText()).isEqualTo("m-2-" + campaign);
    assertThat(lines.get(1).path("status").asText()).isEqualTo("enrolled");
    assertThat(lines.get(2).path("line").asInt()).isEqualTo(4);
    assertThat(lines.get(2).path("status").asText()).isEqualTo("enrolled");
    JsonNode summary = lines.get(3).path("summary");
    assertThat(summary.path("rows").asInt()).isEqualTo(3);
    assertThat(summary.path("enrolled").asInt()).isEqualTo(2);
    assertThat(summary.path("rejected").asInt()).isEqualTo(1);
    assertThat(store().contact("m-2-" + campaign).getString("name")).isEqualTo("Bo, Jr");
    assertThat(store().contactList().countContacts(null, campaign)).isEqualTo(2);

    // No quote after it: the quote would run to the end of the file.
    String open = "open-" + UUID.randomUUID();
    List<JsonNode> toTheEnd =
        importCsv(
                HEADER
                    + csvRow("o-1-" + open, "\"Open Quote", open)
                    + csvRow("o-2-" + open, "Bo", open)
                    + csvRow("o-3-" + open, "Cy", open))
            .body()
            .lines()
            .map(this::parse)
            .toList();
    assertThat(toTheEnd).hasSize(4);
    assertThat(toTheEnd.get(0).path("status").asText()).isEqualTo("rejected");
    assertThat(toTheEnd.get(0).findValuesAsText("message").get(0)).contains("quote");
    assertThat(toTheEnd.get(1).path("line").asInt()).isEqualTo(3);
    assertThat(toTheEnd.get(1).path("status").asText()).isEqualTo("enrolled");
    assertThat(toTheEnd.get(2).path("line").asInt()).isEqualTo(4);
    assertThat(toTheEnd.get(3).path("summary").path("rows").asInt()).isEqualTo(3);
    assertThat(store().contactList().countContacts(null, open)).isEqualTo(2);
  }

  /** A value over the 1 MiB cap, quoted or not, rejects its row only: the next row is read. */
  @Test
  void aCsvValueOverTheCapRejectsItsRowAndTheNextOneIsRead() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "cap-" + UUID.randomUUID();
    String big = "x".repeat(1_100_000);
    String csv =
        "leadId,name,phone,company,notes,timezone,campaignId,consentOptIn,consentSource,consentAt\n"
            + "bf-1-"
            + campaign
            + ",Ana,"
            + phone()
            + ",Acme,"
            + big
            + ",UTC,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z\n"
            + "bf-2-"
            + campaign
            + ",Bo,"
            + phone()
            + ",Acme,short,UTC,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z\n"
            + "bf-3-"
            + campaign
            + ",Cy,"
            + phone()
            + ",Acme,\""
            + big
            + "\",UTC,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z\n"
            + "bf-4-"
            + campaign
            + ",Di,"
            + phone()
            + ",Acme,short,UTC,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z\n";

    List<JsonNode> lines = importCsv(csv).body().lines().map(this::parse).toList();

    assertThat(lines).hasSize(5);
    assertThat(lines.get(0).path("line").asInt()).isEqualTo(2);
    assertThat(lines.get(0).path("status").asText()).isEqualTo("rejected");
    assertThat(lines.get(1).path("line").asInt()).isEqualTo(3);
    assertThat(lines.get(1).path("leadId").asText()).isEqualTo("bf-2-" + campaign);
    assertThat(lines.get(1).path("status").asText()).isEqualTo("enrolled");
    assertThat(lines.get(2).path("line").asInt()).isEqualTo(4);
    assertThat(lines.get(2).path("status").asText()).isEqualTo("rejected");
    assertThat(lines.get(3).path("line").asInt()).isEqualTo(5);
    assertThat(lines.get(3).path("leadId").asText()).isEqualTo("bf-4-" + campaign);
    assertThat(lines.get(4).path("summary").path("rows").asInt()).isEqualTo(4);
    assertThat(lines.get(4).path("summary").path("enrolled").asInt()).isEqualTo(2);
    assertThat(lines.get(4).path("summary").path("rejected").asInt()).isEqualTo(2);
  }

  /** Excel's byte-order mark does not hide the first column: the same file twice is one lead. */
  @Test
  void aCsvWithAByteOrderMarkKeepsItsLeadIdsSoReimportingIsIdempotent() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "bom-" + UUID.randomUUID();
    String csv = "\uFEFF" + HEADER + csvRow("bom-1-" + campaign, "Ana", campaign);

    List<JsonNode> first = importCsv(csv).body().lines().map(this::parse).toList();
    List<JsonNode> second = importCsv(csv).body().lines().map(this::parse).toList();

    assertThat(first.get(0).path("leadId").asText()).isEqualTo("bom-1-" + campaign);
    assertThat(first.get(0).path("status").asText()).isEqualTo("enrolled");
    assertThat(second.get(0).path("status").asText()).isEqualTo("already_enrolled");
    assertThat(store().contactList().countContacts(null, campaign)).isEqualTo(1);
  }

  /**
   * Spreadsheets export what their locale says: Excel in Brazil, Spain or Germany separates with
   * ';' (and decimal commas), some tools with tabs, CRMs name columns "Phone" or " Company". The
   * header tells which: its separator is the one that makes it known columns, and a column is known
   * whatever its case or surrounding spaces. Both used to be refused as unknown columns.
   */
  @Test
  void aCsvSeparatedBySemicolonsOrTabsWithCapitalisedColumnsIsImported() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "sep-" + UUID.randomUUID();
    String semicolons =
        "\uFEFFLeadId;Name;Phone;Company;JobTitle;Timezone;CampaignId;ConsentOptIn;ConsentSource;ConsentAt\r\n"
            + "sep-1-%s;Ana Souza;%s;\"Acme; Filial SP\";\"Head of\r\nSales\";America/Sao_Paulo;%s;true;form;2026-11-20T10:00:00Z\r\n"
                .formatted(campaign, phone(), campaign);
    // A quoted value with a line break, past the first column (found by the QA walk: the row was
    // refused as an unclosed quote and its second line read as a row of its own).
    String tabs =
        " leadId\tname \tPHONE\tcompany\tjobTitle\ttimezone\tcampaignId\tconsentOptIn\tconsentSource\tconsentAt\n"
            + "sep-2-%s\tBea\t%s\tBeta, Ltda\t\"VP\nSales\"\tUTC\t%s\ttrue\tform\t2026-11-20T10:00:00Z\n"
                .formatted(campaign, phone(), campaign);

    for (String csv : List.of(semicolons, tabs)) {
      HttpResponse<String> response = importCsv(csv);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).as(response.body()).contains("\"enrolled\":1");
      assertThat(response.body()).as(response.body()).contains("\"rows\":1");
    }
    assertThat(store().contact("sep-1-" + campaign).getString("company"))
        .isEqualTo("Acme; Filial SP");
    assertThat(store().contact("sep-1-" + campaign).getString("jobTitle"))
        .isEqualTo("Head of Sales");
    assertThat(store().contact("sep-2-" + campaign).getString("jobTitle")).isEqualTo("VP Sales");
    assertThat(store().contact("sep-2-" + campaign).getString("company")).isEqualTo("Beta, Ltda");
    assertThat(store().contactList().countContacts(null, campaign)).isEqualTo(2);

    // The same column twice, whatever its case, is still refused: one of its values would be lost.
    HttpResponse<String> twice = importCsv("name,Name,phone\nAna,Ana,+5511998760000\n");
    assertThat(twice.statusCode()).isEqualTo(400);
    assertThat(json.readTree(twice.body()).path("errors").get(0).path("message").asText())
        .isEqualTo("named twice");
  }

  /**
   * A file without a column every row needs (found by the QA walk: 200 and every row rejected
   * "phone required", 10,000 identical errors for a 10,000-row file; a binary file with
   * ?unknownColumns=ignore answered 200 with its bytes as rejected rows) is refused before any row,
   * naming the missing columns; rows that hold only separators are skipped as blank lines are.
   */
  @Test
  void aHeaderWithoutARequiredColumnIsRefusedBeforeAnyRowAndSeparatorOnlyRowsAreSkipped()
      throws Exception {
    HttpResponse<String> noPhone =
        importCsv(
            "name,company,consentOptIn,consentSource,consentAt\n"
                + "Ana,Acme,true,form,2026-11-20T10:00:00Z\n");
    assertThat(noPhone.statusCode()).as(noPhone.body()).isEqualTo(400);
    JsonNode body = json.readTree(noPhone.body());
    assertThat(body.path("errors").get(0).path("field").asText()).isEqualTo("phone");
    assertThat(body.path("errors").get(0).path("message").asText())
        .isEqualTo("required column missing");
    assertThat(body.path("errors")).hasSize(1);

    HttpResponse<String> binary =
        importCsv(
            "PK\u0003\u0004\u0014\u0000META-INF/MANIFEST.MF\n\u0000\u0001\n",
            "?unknownColumns=ignore");
    assertThat(binary.statusCode()).as(binary.body()).isEqualTo(400);
    assertThat(binary.body()).contains("\"phone\"").contains("\"name\"");

    emulator().setBehaviour(ackOnly());
    String campaign = "blank-" + UUID.randomUUID();
    HttpResponse<String> trailing =
        importCsv(
            "name;phone;company;campaignId;consentOptIn;consentSource;consentAt\r\n"
                + "Ana;%s;Acme;%s;true;form;2026-11-20T10:00:00Z\r\n;;;;;;\r\n ; ;;;;;\r\n;;;;;;\r\n"
                    .formatted(phone(), campaign));
    List<String> lines = trailing.body().lines().toList();
    JsonNode summary = json.readTree(lines.get(lines.size() - 1)).path("summary");
    assertThat(summary.path("rows").asInt()).as(trailing.body()).isEqualTo(1);
    assertThat(summary.path("enrolled").asInt()).isEqualTo(1);
    assertThat(summary.path("rejected").asInt()).isZero();
  }

  /**
   * The failures download goes back into the import as it came out (found by the QA walk): the
   * quote it puts before a value that would run as a formula ("-Lee", "@Home Realty") was stored
   * ("Bob '-Lee"), and an ignored column came back headed "(ignored) 4", not "Email".
   */
  @Test
  void aRowFixedFromTheFailuresDownloadGoesBackInAsItWas() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "fixed-" + UUID.randomUUID();
    String phone = phone();
    String header =
        "First Name,Last Name,Phone,Company,Email,campaignId,consentOptIn,consentSource,consentAt\n";
    HttpResponse<String> refused =
        importCsv(
            header
                + "Bob,-Lee,%s,@Home Realty,bob@example.com,%s,maybe,form,2026-11-20T10:00:00Z\n"
                    .formatted(phone, campaign),
            "?unknownColumns=ignore");
    JsonNode row = json.readTree(refused.body().lines().findFirst().orElseThrow());
    assertThat(row.path("status").asText()).as(refused.body()).isEqualTo("rejected");
    assertThat(row.path("columns").path("Email").asText()).isEqualTo("bob@example.com");
    assertThat(row.path("columns").toString()).doesNotContain("(ignored)");

    // The row as the download writes it (a quote before -Lee and @Home), its consent fixed.
    HttpResponse<String> fixed =
        importCsv(
            header
                + "Bob,'-Lee,%s,'@Home Realty,bob@example.com,%s,yes,form,2026-11-20T10:00:00Z\n"
                    .formatted(phone, campaign),
            "?unknownColumns=ignore");
    JsonNode enrolled = json.readTree(fixed.body().lines().findFirst().orElseThrow());
    assertThat(enrolled.path("status").asText())
        .as(fixed.body())
        .isIn("enrolled", "workflow_started");
    var contact = store().contact(enrolled.path("leadId").asText());
    assertThat(contact.getString("name")).isEqualTo("Bob -Lee");
    assertThat(contact.getString("company")).isEqualTo("@Home Realty");
  }

  /**
   * The weekly re-import of a CRM file without a leadId column (found by the QA walk): each row
   * whose number already has this person's live lead in the campaign is that lead, already
   * enrolled, named by its own id; it was refused as phone_active under a leadId made up for the
   * row, a lead that does not exist. Another person's row on the same number stays refused.
   */
  @Test
  void reimportingAFileWithoutLeadIdsAnswersItsLeadsAsAlreadyEnrolled() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "again-" + UUID.randomUUID();
    String phone = phone();
    String csv =
        "name,phone,company,campaignId,consentOptIn,consentSource,consentAt\n"
            + "Ana Souza,%s,Acme,%s,true,form,2026-11-20T10:00:00Z\n".formatted(phone, campaign);
    HttpResponse<String> first = importCsv(csv);
    assertThat(first.body()).as(first.body()).contains("\"enrolled\":1");
    String leadId =
        json.readTree(first.body().lines().findFirst().orElseThrow()).path("leadId").asText();

    HttpResponse<String> again = importCsv(csv.replace("Ana Souza", "  ana  souza "));
    List<String> lines = again.body().lines().toList();
    JsonNode row = json.readTree(lines.get(0));
    assertThat(row.path("status").asText()).as(again.body()).isEqualTo("already_enrolled");
    assertThat(row.path("leadId").asText()).isEqualTo(leadId);
    assertThat(row.has("errors")).isFalse();
    JsonNode summary = json.readTree(lines.get(lines.size() - 1)).path("summary");
    assertThat(summary.path("alreadyEnrolled").asInt()).isEqualTo(1);
    assertThat(summary.path("refused").asInt()).isZero();

    HttpResponse<String> other = importCsv(csv.replace("Ana Souza", "Bruno Lima"));
    JsonNode refused = json.readTree(other.body().lines().findFirst().orElseThrow());
    assertThat(refused.path("status").asText()).isEqualTo("phone_active");
    assertThat(refused.path("activeLeadId").asText()).isEqualTo(leadId);
    assertThat(store().contactList().countContacts(null, campaign)).isEqualTo(1);
  }

  /**
   * What CRMs and spreadsheets call the columns: HubSpot's or Salesforce's export ("First Name",
   * "Last Name", "Phone Number", "Job Title") and a Brazilian or Spanish sheet ("Nome", "Telefone",
   * "Empresa", "Cargo"; "Nombre", "Teléfono") are read as the import's columns; a first and last
   * name make the name. A name given both ways is refused, naming both.
   */
  @Test
  void aCsvWithTheColumnNamesOfACrmOrASpreadsheetIsImported() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "alias-" + UUID.randomUUID();
    String crm =
        "Lead ID,First Name,Last Name,Phone Number,Company Name,Job Title,Time Zone,Campaign,"
            + "WhatsApp Opt-In,Consent Source,Consent Date\n"
            + "alias-1-%s,Ana,Souza,%s,Acme,Head of Sales,America/Sao_Paulo,%s,true,form,2026-11-20T10:00:00Z\n"
                .formatted(campaign, phone(), campaign);
    String portuguese =
        "ID do lead;Nome;Telefone;Empresa;Cargo;Setor;Campanha;Consentimento;Origem do consentimento;Data do consentimento\n"
            + "alias-2-%s;Bea Lima;%s;Padaria Boa Vista;Sócia;varejo;%s;Sim;formulário;2026-11-20T10:00:00Z\n"
                .formatted(campaign, phone(), campaign);
    String spanish =
        "id del lead,nombre,teléfono,empresa,puesto,campaña,consentimiento,origen del consentimiento,fecha del consentimiento\n"
            + "alias-3-%s,Carla Ruiz,%s,Logística Ruiz,Directora,%s,sí,web,2026-11-20T10:00:00Z\n"
                .formatted(campaign, phone(), campaign);

    for (String csv : List.of(crm, portuguese, spanish)) {
      HttpResponse<String> response = importCsv(csv);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).as(response.body()).contains("\"enrolled\":1");
    }
    assertThat(store().contact("alias-1-" + campaign).getString("name")).isEqualTo("Ana Souza");
    assertThat(store().contact("alias-1-" + campaign).getString("jobTitle"))
        .isEqualTo("Head of Sales");
    assertThat(store().contact("alias-2-" + campaign).getString("company"))
        .isEqualTo("Padaria Boa Vista");
    assertThat(store().contact("alias-2-" + campaign).getString("jobTitle")).isEqualTo("Sócia");
    assertThat(store().contact("alias-3-" + campaign).getString("name")).isEqualTo("Carla Ruiz");

    // The name given whole and in parts: which one counts is not for the import to guess.
    HttpResponse<String> both = importCsv("name,First Name,phone\nAna,Ana,+5511998760000\n");
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(both.body()).contains("First Name").contains("name");
    // "Phone" and "Mobile" are one column twice.
    HttpResponse<String> twice =
        importCsv("name,Phone,Mobile\nAna,+5511998760000,+5511998760001\n");
    assertThat(twice.statusCode()).isEqualTo(400);
    assertThat(json.readTree(twice.body()).path("errors").get(0).path("field").asText())
        .isEqualTo("Mobile");
  }

  /**
   * A CRM's export carries columns the import has no use for (Email, Record ID): refused by default
   * as any unknown column, the refusal says how to import without them, and with {@code
   * unknownColumns=ignore} the rows are enrolled and the summary names what was left out.
   */
  @Test
  void aCsvWithColumnsTheImportDoesNotUseIsImportedWithoutThemWhenAsked() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "extra-" + UUID.randomUUID();
    String csv =
        "Record ID,First Name,Last Name,Email,Phone Number,Company Name,Campaign,WhatsApp Opt-In,"
            + "Consent Source,Consent Date\n"
            + "901,Ana,Souza,ana@acme.example,%s,Acme,%s,true,form,2026-11-20T10:00:00Z\n"
                .formatted(phone(), campaign);

    HttpResponse<String> refused = importCsv(csv);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json.readTree(refused.body()).findValuesAsText("field"))
        .containsExactly("Record ID", "Email");
    assertThat(json.readTree(refused.body()).path("message").asText())
        .contains("unknownColumns=ignore");
    assertThat(store().contactList().countContacts(null, campaign)).isZero();

    HttpResponse<String> imported = importCsv(csv, "?unknownColumns=ignore");
    assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
    String[] lines = imported.body().strip().split("\n");
    JsonNode summary = json.readTree(lines[lines.length - 1]).path("summary");
    assertThat(summary.path("enrolled").asInt()).as(imported.body()).isEqualTo(1);
    assertThat(summary.path("ignoredColumns").toString()).isEqualTo("[\"Record ID\",\"Email\"]");
    assertThat(store().contactList().countContacts(null, campaign)).isEqualTo(1);

    HttpResponse<String> bad = importCsv(csv, "?unknownColumns=skip");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json.readTree(bad.body()).path("errors").get(0).path("field").asText())
        .isEqualTo("unknownColumns");
  }

  /**
   * A header naming columns the import does not know (a misspelt "notes") is refused before any row
   * is read, naming them, as the JSON route refuses unknown fields: their data would be lost.
   */
  @Test
  void aCsvHeaderWithUnknownColumnsIsRefusedNamingThem() throws Exception {
    String campaign = "cols-" + UUID.randomUUID();
    String csv =
        "leadId,name,phone,company,notse,campaignId,consentOptIn,consentSource,consentAt,extra\n"
            + "cols-1-"
            + campaign
            + ",Ana,"
            + phone()
            + ",Acme,call after 5,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z,x\n";

    HttpResponse<String> response = importCsv(csv);

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = json.readTree(response.body());
    assertThat(body.findValuesAsText("field")).containsExactly("notse", "extra");
    assertThat(body.path("message").asText()).contains("notse").contains("extra");
    assertThat(store().contactList().countContacts(null, campaign)).isZero();
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

  /**
   * Leads from a HubSpot list (the stub in HubSpot's wire format, two members a page): a contact
   * with consent and a mobile number is enrolled and linked to its HubSpot contact; one without
   * consent, one with a bad number and an id HubSpot no longer has are named with why; the same
   * list again enrols nothing twice; a bad list id is 422, an unknown list 404.
   */
  @Test
  void aHubSpotListIsImportedLikeACsv() throws Exception {
    emulator().setBehaviour(ackOnly());
    String phone = phone();
    String good =
        HUBSPOT.contact(
            java.util.Map.of(
                "firstname", "Helena",
                "lastname", "Prado",
                "mobilephone", phone,
                "company", "Prado Foods",
                "jobtitle", "Head of Sales",
                "whatsapp_opt_in", "true"));
    String noConsent =
        HUBSPOT.contact(
            java.util.Map.of(
                "firstname", "Nico", "mobilephone", phone(), "whatsapp_opt_in", "false"));
    String badPhone =
        HUBSPOT.contact(
            java.util.Map.of("firstname", "Bea", "phone", "12", "whatsapp_opt_in", "true"));
    String list = Long.toString(System.nanoTime() % 1_000_000_000L);
    HUBSPOT.lists.put(list, List.of(good, noConsent, badPhone, "424242"));

    HttpResponse<String> r =
        postJson(
            "/api/leads/import/hubspot",
            "{\"listId\":\"" + list + "\",\"campaignId\":\"crm-list\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode result = json.readTree(r.body());
    assertThat(result.path("members").asInt()).isEqualTo(4);
    assertThat(result.path("enrolled").asInt()).isEqualTo(1);
    assertThat(result.path("rejected").asInt()).isEqualTo(3);
    String text = result.path("notImported").toString();
    assertThat(text)
        .contains("\"contactId\":\"" + noConsent + "\"")
        .contains("consent")
        .contains("\"contactId\":\"" + badPhone + "\"")
        .contains("phone")
        .contains("not found in HubSpot");
    // Every contact's answer is on the import's record, the ones imported too.
    String importId = r.headers().firstValue("Import-Id").orElseThrow();
    assertThat(result.path("importId").asText()).isEqualTo(importId);
    JsonNode record = json.readTree(get("/api/imports/" + importId).body());
    assertThat(record.path("status").asText()).isEqualTo("done");
    assertThat(record.path("kind").asText()).isEqualTo("hubspot");
    assertThat(record.path("counts").path("enrolled").asInt()).isEqualTo(1);
    assertThat(get("/api/imports/" + importId + "/rows").body().lines()).hasSize(4);
    assertThat(get("/api/imports/" + importId + "/rows?status=enrolled").body())
        .contains("\"contactId\":\"" + good + "\"");
    String leadId = "hubspot-" + good;
    assertThat(store().contact(leadId).getString("name")).isEqualTo("Helena Prado");
    assertThat(store().contact(leadId).getString("campaignId")).isEqualTo("crm-list");
    assertThat(
            app()
                .connections()
                .mongo()
                .database()
                .getCollection("crm_links")
                .find(Filters.eq("_id", leadId))
                .first()
                .getString("contactId"))
        .isEqualTo(good);
    await(
        "the imported lead's first message",
        java.time.Duration.ofSeconds(20),
        () ->
            store().messages().messagesOf(leadId).stream()
                .anyMatch(m -> m.getString("wamid") != null));

    JsonNode again =
        json.readTree(
            postJson(
                    "/api/leads/import/hubspot",
                    "{\"listId\":\"" + list + "\",\"campaignId\":\"crm-list\"}")
                .body());
    assertThat(again.path("enrolled").asInt()).isZero();
    assertThat(again.path("alreadyEnrolled").asInt()).isEqualTo(1);
    // The same list into another campaign: its lead ids are the first campaign's leads.
    JsonNode elsewhere =
        json.readTree(
            postJson("/api/leads/import/hubspot", "{\"listId\":\"" + list + "\"}").body());
    assertThat(elsewhere.path("enrolled").asInt()).isZero();
    assertThat(elsewhere.path("notImported").toString()).contains("lead_id_taken");
    assertThat(postJson("/api/leads/import/hubspot", "{\"listId\":\"abc\"}").statusCode())
        .isEqualTo(422);
    assertThat(postJson("/api/leads/import/hubspot", "{\"listId\":\"999000999\"}").statusCode())
        .isEqualTo(404);
    // A list whose paging never ends (HubSpot names a page it gave before) is a 502 naming the
    // list, not a request that reads forever.
    String looping = "7" + (System.nanoTime() % 1_000_000);
    HUBSPOT.lists.put(looping, List.of(good));
    HUBSPOT.loopingLists.add(looping);
    HttpResponse<String> loop =
        postJson("/api/leads/import/hubspot", "{\"listId\":\"" + looping + "\"}");
    assertThat(loop.statusCode()).as(loop.body()).isEqualTo(502);
    assertThat(json.readTree(loop.body()).path("errors").findValuesAsText("field"))
        .containsExactly("listId");
  }

  /**
   * A person who asks to be forgotten (keepSuppressed=false: their number is not suppressed) while
   * a HubSpot list holding them is being imported is not enrolled by that import: their row answers
   * erased_on_request, as a CSV import's does (before, the HubSpot import never read the import's
   * erased numbers and enrolled and messaged them); the list's other contact is enrolled.
   */
  @Test
  void aPersonForgottenWhileTheirHubSpotListIsImportedIsNotEnrolled() throws Exception {
    emulator().setBehaviour(ackOnly());
    String keptPhone = phone();
    String forgottenPhone = phone();
    String kept =
        HUBSPOT.contact(
            java.util.Map.of(
                "firstname",
                "Iara",
                "company",
                "Iara Foods",
                "mobilephone",
                keptPhone,
                "whatsapp_opt_in",
                "true"));
    String forgotten =
        HUBSPOT.contact(
            java.util.Map.of(
                "firstname",
                "Otto",
                "company",
                "Otto Tools",
                "mobilephone",
                forgottenPhone,
                "whatsapp_opt_in",
                "true"));
    String list = Long.toString(System.nanoTime() % 1_000_000_000L);
    HUBSPOT.lists.put(list, List.of(kept, forgotten));
    java.util.concurrent.atomic.AtomicInteger erasure =
        new java.util.concurrent.atomic.AtomicInteger();
    HUBSPOT.onBatchRead =
        () -> {
          try {
            // The person's request comes as the import reads the list's contacts.
            erasure.set(
                postJson(
                        "/api/subject-access/erasure",
                        "{\"phone\":\""
                            + forgottenPhone
                            + "\",\"reason\":\"asked by phone\",\"keepSuppressed\":false}")
                    .statusCode());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    try {
      HttpResponse<String> r =
          postJson(
              "/api/leads/import/hubspot",
              "{\"listId\":\"" + list + "\",\"campaignId\":\"crm-forget\"}");

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(erasure.get()).as("the person's erasure, no lead holding them").isEqualTo(200);
      JsonNode result = json.readTree(r.body());
      assertThat(result.path("enrolled").asInt()).as(r.body()).isEqualTo(1);
      assertThat(result.path("notImported").toString())
          .contains("\"contactId\":\"" + forgotten + "\"")
          .contains("erased_on_request");
      assertThat(store().contact("hubspot-" + forgotten)).isNull();
      assertThat(store().contact("hubspot-" + kept)).isNotNull();
    } finally {
      HUBSPOT.onBatchRead = () -> {};
    }
  }

  /**
   * A filter whose values are a fixed list refuses a value outside it with a 400 naming the field
   * and the values it takes, instead of answering an empty page (a mistyped stage looked like "no
   * leads there") or reading anything but "true" as false (which listed lifted suppressions).
   */
  @Test
  void aFilterWithFixedValuesRefusesAnUnknownOne() throws Exception {
    HttpResponse<String> typo = get("/api/leads?stage=awaiting_reponse");
    assertThat(typo.statusCode()).as(typo.body()).isEqualTo(400);
    JsonNode error = json.readTree(typo.body()).path("errors").get(0);
    assertThat(error.path("field").asText()).isEqualTo("stage");
    assertThat(error.path("message").asText()).contains("awaiting_response", "erasing");
    for (String ok :
        List.of(
            "/api/leads?stage=awaiting_response",
            "/api/leads?stage=erasing",
            "/api/leads?stage=",
            "/api/suppressions?active=false",
            "/api/suppressions?active=TRUE")) {
      assertThat(get(ok).statusCode()).as(ok).isEqualTo(200);
    }
    HttpResponse<String> misspelt = get("/api/leads?variant=v-cost&stage=awaiting_response");
    assertThat(misspelt.statusCode()).as(misspelt.body()).isEqualTo(400);
    assertThat(json.readTree(misspelt.body()).path("errors").get(0).path("field").asText())
        .isEqualTo("variant");
    HttpResponse<String> maybe = get("/api/suppressions?active=maybe");
    assertThat(maybe.statusCode()).as(maybe.body()).isEqualTo(400);
    assertThat(json.readTree(maybe.body()).path("errors").get(0).path("field").asText())
        .isEqualTo("active");
  }

  /**
   * The running application refuses bad input on every route with a 400 naming the field: query
   * parameters of the wrong type (not Jersey's bare 404), unknown fields and fields given twice in
   * a body, whether the route reads a record, a tree or the raw bytes.
   */
  @Test
  void badInputIs400NamingTheFieldOnEveryRoute() throws Exception {
    for (String path :
        List.of(
            "/api/leads?pageSize=abc",
            "/api/leads?page=1.5",
            "/api/suppressions?page=abc",
            "/api/webhooks/dead-letters?page=abc")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(400);
      assertThat(json.readTree(r.body()).path("errors").get(0).path("field").asText())
          .as(path)
          .isEqualTo(path.contains("pageSize") ? "pageSize" : "page");
    }
    String[][] bodies = {
      {"/api/leads/nobody/delivery", "{\"action\":\"resend\"}", "action"},
      {"/api/leads/nobody/approval", "{\"decision\":\"approve\",\"why\":\"ok\"}", "why"},
      {
        "/api/suppressions",
        "{\"number\":\"+5511998760000\",\"reason\":\"asked\",\"note\":1}",
        "note"
      },
      {
        "/api/senders", "{\"phoneNumberId\":\"9990\",\"tokenRef\":\"TOKEN_X\",\"extra\":1}", "extra"
      },
      {"/api/leads", "{\"name\":\"a\",\"name\":\"b\"}", "name"},
      {
        "/api/suppressions",
        "{\"number\":\"+5511998760000\",\"number\":\"+5511998760001\"}",
        "number"
      },
      {
        "/api/senders",
        "{\"phoneNumberId\":\"9990\",\"tokenRef\":\"A\",\"tokenRef\":\"B\"}",
        "tokenRef"
      }
    };
    for (String[] b : bodies) {
      HttpResponse<String> r = postJson(b[0], b[1]);
      assertThat(r.statusCode()).as(b[0] + " " + b[1] + ": " + r.body()).isEqualTo(400);
      JsonNode body = json.readTree(r.body());
      assertThat(body.path("code").asInt()).isEqualTo(400);
      assertThat(body.path("errors").findValuesAsText("field")).as(b[1]).contains(b[2]);
    }
  }

  /** A body sent as {@code type} (none when null), with the token unless {@code token} is null. */
  private HttpResponse<String> postAs(String path, String type, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path)))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b);
  }

  @Test
  void aJsonRouteRefusesABodyOfAnyOtherTypeAsABrowserCouldSendItAcrossSites() throws Exception {
    String leadId = "ctype-" + UUID.randomUUID();
    String lead = leadJson(leadId, phone());
    String[][] refused = {
      // the types a page of another site may send without a preflight, and no type at all
      {"/api/leads", "text/plain;charset=UTF-8", lead},
      {"/api/leads", "application/x-www-form-urlencoded", lead},
      {"/api/leads", "multipart/form-data; boundary=x", lead},
      {"/api/leads", null, lead},
      {"/api/leads", "text/json", lead},
      {"/api/leads/" + leadId + "/outcome", "text/plain", "{\"outcome\":\"lost\"}"},
      {"/api/leads/" + leadId + "/replies", "text/plain", "{\"text\":\"hello\"}"},
      {"/api/leads/" + leadId + "/meeting", "text/plain", "{\"at\":\"2026-12-10T15:00:00Z\"}"},
      {"/api/leads/" + leadId + "/enrol-again", "text/plain", "{}"},
      {"/api/leads/" + leadId + "/handoff/accept", "text/plain", "{}"},
      {"/api/leads/import/hubspot", "text/plain", "{\"listId\":\"1\"}"},
      {"/api/segments", "text/plain", "{\"segmentId\":\"s\",\"name\":\"S\"}"},
      {"/api/suppressions", "text/plain", "{\"number\":\"+5511998760000\"}"},
      {"/api/senders", "text/plain", "{\"phoneNumberId\":\"9990\",\"tokenRef\":\"T\"}"}
    };
    for (String[] r : refused) {
      HttpResponse<String> answer = postAs(r[0], r[1], r[2], TOKEN);
      String what = r[0] + " as " + r[1];
      assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(415);
      JsonNode body = json.readTree(answer.body());
      assertThat(body.path("code").asInt()).as(what).isEqualTo(415);
      assertThat(body.path("errors").get(0).path("field").asText())
          .as(what)
          .isEqualTo("Content-Type");
    }
    assertThat(store().contacts().find(Filters.eq("leadId", leadId)).first())
        .as("nothing enrolled from a refused body")
        .isNull();
    // Without the token the answer says only that.
    assertThat(postAs("/api/leads", "text/plain", lead, null).statusCode()).isEqualTo(401);
    // JSON with its parameters, or a +json type, is read; an optional body may be left out.
    assertThat(postAs("/api/leads", "application/json; charset=utf-8", lead, TOKEN).statusCode())
        .isEqualTo(202);
    assertThat(postAs("/api/leads/nobody-" + leadId + "/enrol-again", null, "", TOKEN).statusCode())
        .isNotEqualTo(415);
    // The import still takes its CSV and JSON lines (each row answered on its own line).
    for (String[] i :
        new String[][] {{"text/csv", "name,phone\n"}, {"application/x-ndjson", "{}\n"}}) {
      HttpResponse<String> imported = postAs("/api/leads/import", i[0], i[1], TOKEN);
      assertThat(imported.statusCode()).as(i[0] + ": " + imported.body()).isNotEqualTo(415);
    }
    // A recording's routes take any audio (its type is sniffed), not what a form may send.
    for (String type :
        new String[] {
          "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"
        }) {
      HttpResponse<String> voice =
          postAs("/api/leads/" + leadId + "/replies/voice-note", type, "RIFF0000WAVEfmt ", TOKEN);
      HttpResponse<String> variant =
          send(
              HttpRequest.newBuilder(URI.create(url("/api/variants/v-nobody/voice-note")))
                  .header("Authorization", "Bearer " + TOKEN)
                  .header("Content-Type", type)
                  .PUT(HttpRequest.BodyPublishers.ofString("RIFF0000WAVEfmt ")));
      for (HttpResponse<String> r : List.of(voice, variant)) {
        assertThat(r.statusCode()).as(type + ": " + r.body()).isEqualTo(415);
        assertThat(json.readTree(r.body()).path("errors").get(0).path("field").asText())
            .as(type + ": " + r.body())
            .isEqualTo("Content-Type");
      }
    }
  }
}

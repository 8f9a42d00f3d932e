package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Every lead import has a record on the server ({@code GET /api/imports/{importId}}, its rows'
 * answers at {@code /rows}), named before any row by the {@code Import-Id} header: a client whose
 * connection dropped in the middle of an import learns what it did, and the rows of a body it sent
 * whole are all imported.
 */
final class ImportRecordsApplicationTest extends AppTestHarness {
  static final String HEADER =
      "leadId,name,phone,company,campaignId,consentOptIn,consentSource,consentAt\n";

  private static String row(String leadId, String campaign, String optIn) {
    return leadId
        + ",Ana Souza,"
        + phone()
        + ",Acme,"
        + campaign
        + ","
        + optIn
        + ",web form,2026-11-20T10:00:00Z\n";
  }

  @Test
  void anImportsRecordAndRowsAreReadBackAfterItsStream() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "rec-" + UUID.randomUUID().toString().substring(0, 8);
    String csv =
        HEADER
            + row("rec-a-" + campaign, campaign, "yes")
            + row("rec-b-" + campaign, campaign, "maybe")
            + row("rec-c-" + campaign, campaign, "yes");
    HttpResponse<String> imported =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import?filename=spring%20fair.csv")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));
    assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
    String id = imported.headers().firstValue("Import-Id").orElseThrow();
    assertThat(imported.headers().firstValue("Location").orElseThrow())
        .endsWith("/api/imports/" + id);
    List<String> lines = imported.body().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(json.readTree(lines.get(3)).path("summary").path("importId").asText()).isEqualTo(id);

    HttpResponse<String> record = get("/api/imports/" + id);
    assertThat(record.statusCode()).as(record.body()).isEqualTo(200);
    JsonNode r = json.readTree(record.body());
    assertThat(r.path("status").asText()).isEqualTo("done");
    assertThat(r.path("filename").asText()).isEqualTo("spring fair.csv");
    assertThat(r.path("kind").asText()).isEqualTo("csv");
    assertThat(r.path("operator").asText()).isNotBlank();
    assertThat(r.path("bodyReceived").asBoolean()).isTrue();
    assertThat(r.path("counts").path("rows").asInt()).isEqualTo(3);
    assertThat(r.path("counts").path("enrolled").asInt()).isEqualTo(2);
    assertThat(r.path("counts").path("rejected").asInt()).isEqualTo(1);
    assertThat(r.path("lastLine").asInt()).isEqualTo(4);
    assertThat(r.path("summary").path("importId").asText()).isEqualTo(id);

    // Each row's answer as the stream gave it, in order; or one status.
    HttpResponse<String> rows = get("/api/imports/" + id + "/rows");
    assertThat(rows.statusCode()).as(rows.body()).isEqualTo(200);
    assertThat(rows.body().lines().toList()).isEqualTo(lines.subList(0, 3));
    HttpResponse<String> rejected = get("/api/imports/" + id + "/rows?status=rejected");
    assertThat(rejected.body().lines().toList()).containsExactly(lines.get(1));
    assertThat(get("/api/imports/" + id + "/rows?afterSeq=2").body().lines().toList())
        .containsExactly(lines.get(2));

    HttpResponse<String> list = get("/api/imports?pageSize=200");
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    assertThat(json.readTree(list.body()).path("imports").findValuesAsText("importId"))
        .contains(id);
  }

  /**
   * {@code ?async=true} (or {@code Prefer: respond-async}): 202 once the body is here, naming the
   * record; the import runs on the server and its record and rows say what it did.
   */
  @Test
  void anAsyncImportAnswers202AndItsRecordSaysWhatItDid() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "async-" + UUID.randomUUID().toString().substring(0, 8);
    String csv =
        HEADER
            + row("async-a-" + campaign, campaign, "yes")
            + row("async-b-" + campaign, campaign, "maybe");
    HttpResponse<String> accepted =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import?async=true")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String id = accepted.headers().firstValue("Import-Id").orElseThrow();
    assertThat(accepted.headers().firstValue("Location").orElseThrow())
        .endsWith("/api/imports/" + id);
    assertThat(json.readTree(accepted.body()).path("importId").asText()).isEqualTo(id);
    await(
        "the import's end",
        Duration.ofSeconds(60),
        () -> !List.of("running", "queued").contains(record(id).path("status").asText()));
    JsonNode r = record(id);
    assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("done");
    assertThat(r.path("options").path("async").asBoolean()).isTrue();
    assertThat(r.path("counts").path("enrolled").asInt()).isEqualTo(1);
    assertThat(r.path("counts").path("rejected").asInt()).isEqualTo(1);
    List<String> rows = get("/api/imports/" + id + "/rows").body().lines().toList();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).contains("async-a-" + campaign).contains("\"status\":\"enrolled\"");

    HttpResponse<String> prefer =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/csv")
                .header("Prefer", "respond-async")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        HEADER + row("async-c-" + campaign, campaign, "maybe"))));
    assertThat(prefer.statusCode()).as(prefer.body()).isEqualTo(202);

    HttpResponse<String> bad =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import?async=maybe")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));
    assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
    assertThat(bad.body()).contains("\"field\":\"async\"");
  }

  /**
   * The dashboard's Stop: the server no longer stops an import whose file it received whole when
   * the page goes away, so it is asked to ({@code POST /api/imports/{importId}/cancel}); the import
   * stops within a second or 200 rows, interrupted naming the operator, and the rows after it are
   * not imported. An import that has ended is 409.
   */
  @Test
  void aRunningImportIsStoppedOnRequestAndSaysByWhom() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "stop-" + UUID.randomUUID().toString().substring(0, 8);
    int unreadable = 30_000;
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < unreadable; i++) {
      csv.append(row("stop-x" + i + "-" + campaign, campaign, "maybe"));
    }
    String last = "stop-last-" + campaign;
    csv.append(row(last, campaign, "yes"));
    HttpResponse<String> accepted =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import?async=true")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv.toString())));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String id = accepted.headers().firstValue("Import-Id").orElseThrow();
    HttpResponse<String> cancel = postJson("/api/imports/" + id + "/cancel", "");
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
    await(
        "the import's end",
        Duration.ofSeconds(60),
        () -> !List.of("running", "queued").contains(record(id).path("status").asText()));
    JsonNode r = record(id);
    assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("interrupted");
    assertThat(r.path("reason").asText()).startsWith("stopped by ");
    assertThat(r.path("counts").path("rows").asInt()).isLessThan(unreadable + 1);
    assertThat(store().contacts().countDocuments(Filters.eq("leadId", last))).isZero();
    assertThat(get("/api/imports/" + id + "/rows").body().lines().count())
        .isEqualTo(r.path("counts").path("rows").asLong());

    HttpResponse<String> again = postJson("/api/imports/" + id + "/cancel", "");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(again.body()).contains("\"field\":\"importId\"");
    assertThat(postJson("/api/imports/imp_000000000000000000000000/cancel", "").statusCode())
        .isEqualTo(404);
    HttpResponse<String> anonymous =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/imports/" + id + "/cancel")))
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void badImportIdsAre400UnknownOnes404AndTheRoutesNeedTheToken() throws Exception {
    HttpResponse<String> bad = get("/api/imports/not-an-id");
    assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
    assertThat(bad.body()).contains("\"field\":\"importId\"");
    HttpResponse<String> badRows = get("/api/imports/not-an-id/rows");
    assertThat(badRows.statusCode()).as(badRows.body()).isEqualTo(400);
    assertThat(badRows.body()).contains("\"field\":\"importId\"");

    String unknown = "imp_000000000000000000000000";
    HttpResponse<String> missing = get("/api/imports/" + unknown);
    assertThat(missing.statusCode()).as(missing.body()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type").orElse("")).contains("json");
    assertThat(missing.body()).contains("\"field\":\"importId\"");
    assertThat(get("/api/imports/" + unknown + "/rows").statusCode()).isEqualTo(404);

    HttpResponse<String> status = get("/api/imports/" + unknown + "/rows?status=Not%20One");
    assertThat(status.statusCode()).isEqualTo(400);
    assertThat(status.body()).contains("\"field\":\"status\"");
    HttpResponse<String> size = get("/api/imports?pageSize=0");
    assertThat(size.statusCode()).isEqualTo(400);
    assertThat(size.body()).contains("\"field\":\"pageSize\"");
    HttpResponse<String> other = get("/api/imports?sort=old");
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(other.body()).contains("\"field\":\"sort\"");

    for (String path :
        List.of("/api/imports", "/api/imports/" + unknown, "/api/imports/" + unknown + "/rows")) {
      HttpResponse<String> anonymous = send(HttpRequest.newBuilder(URI.create(url(path))));
      assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
    }
  }

  /**
   * The QA walk: a client's connection dropped in the middle of an import (a proxy's timeout, a
   * closed tab) and the import stopped at the first answer that could not be written; rows were
   * enrolled that the client never saw, and nothing on the server said which. Here the client sends
   * the whole file, reads two answers and closes its connection while the server still has
   * thousands of answers to write: every row is still imported, the last ones (three leads to
   * enrol) included, and the record says so.
   */
  @Test
  void aClientThatWentAwayAfterSendingItsFileLeavesEveryRowImportedAndRecorded() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "gone-" + UUID.randomUUID().toString().substring(0, 8);
    int unreadable = 30_000;
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < unreadable; i++) {
      // Rejected rows (consentOptIn neither yes nor no) answer fast and echo their columns: far
      // more answer bytes than the sockets hold.
      csv.append(row("gone-x" + i + "-" + campaign, campaign, "maybe"));
    }
    List<String> lastLeads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      lastLeads.add("gone-" + i + "-" + campaign);
      csv.append(row(lastLeads.get(i), campaign, "yes"));
    }
    byte[] body = csv.toString().getBytes(StandardCharsets.UTF_8);
    URI uri = URI.create(url("/api/leads/import"));
    String id;
    CompletableFuture<Void> upload;
    try (Socket socket = new Socket()) {
      // A small receive window: the server's answers back up at once.
      socket.setReceiveBufferSize(8 * 1024);
      socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()));
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/leads/import HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + TOKEN
                  + "\r\nContent-Type: text/csv\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      upload =
          CompletableFuture.runAsync(
              () -> {
                try {
                  out.write(body);
                  out.flush();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      InputStream in = socket.getInputStream();
      assertThat(lineOf(in)).startsWith("HTTP/1.1 200");
      String importId = null;
      for (String h = lineOf(in); !h.isEmpty(); h = lineOf(in)) {
        if (h.toLowerCase(Locale.ROOT).startsWith("import-id:")) {
          importId = h.substring(h.indexOf(':') + 1).trim();
        }
      }
      assertThat(importId).as("the Import-Id header, before any row").isNotNull();
      id = importId;
      int answers = 0;
      while (answers < 2) {
        if (lineOf(in).startsWith("{\"line\"")) {
          answers++;
        }
      }
      // The whole file is on the server (whatever the client does now, it has every row).
      await(
          "the body received",
          Duration.ofSeconds(30),
          () -> record(id).path("bodyReceived").asBoolean());
      upload.get(30, java.util.concurrent.TimeUnit.SECONDS);
      // Closed with answers unread: the connection is reset under the server's next write.
    }
    await(
        "the import's end",
        Duration.ofSeconds(120),
        () -> !List.of("running", "queued").contains(record(id).path("status").asText()));
    JsonNode r = record(id);
    assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("done");
    assertThat(r.path("clientDisconnected").asBoolean()).as(r.toString()).isTrue();
    assertThat(r.path("clientDisconnectedAfterLine").asLong())
        .as("the client went away in the middle")
        .isLessThan(unreadable);
    assertThat(r.path("counts").path("rows").asInt()).isEqualTo(unreadable + 3);
    assertThat(r.path("counts").path("rejected").asInt()).isEqualTo(unreadable);
    assertThat(r.path("counts").path("enrolled").asInt()).isEqualTo(3);
    assertThat(r.path("lastLine").asInt()).isEqualTo(unreadable + 4);
    for (String leadId : lastLeads) {
      assertThat(store().contacts().countDocuments(Filters.eq("leadId", leadId)))
          .as("a row after the disconnect: " + leadId)
          .isEqualTo(1);
    }
    List<String> rows = get("/api/imports/" + id + "/rows").body().lines().toList();
    assertThat(rows).hasSize(unreadable + 3);
    List<String> enrolled =
        get("/api/imports/" + id + "/rows?status=enrolled").body().lines().toList();
    assertThat(enrolled).hasSize(3);
    assertThat(enrolled.get(2)).contains(lastLeads.get(2));
  }

  /**
   * A body cut in the middle of its upload (the connection closed before Content-Length bytes): the
   * rows received whole are imported and recorded, the line cut in two is not read as a row, and
   * the record says interrupted with the last line processed.
   */
  @Test
  void aBodyCutDuringItsUploadIsRecordedInterruptedAfterItsLastWholeLine() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "cut-" + UUID.randomUUID().toString().substring(0, 8);
    String whole =
        HEADER
            + row("cut-a-" + campaign, campaign, "maybe")
            + row("cut-b-" + campaign, campaign, "yes");
    String cut = "cut-c-" + campaign + ",Ana Souza,+5511";
    byte[] sent = (whole + cut).getBytes(StandardCharsets.UTF_8);
    URI uri = URI.create(url("/api/leads/import"));
    String id;
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/leads/import HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + TOKEN
                  // A named charset: the rows are read as they come (no sniffing of 64 KiB).
                  + "\r\nContent-Type: text/csv; charset=utf-8\r\nContent-Length: "
                  + (sent.length + 500)
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(sent);
      out.flush();
      InputStream in = socket.getInputStream();
      assertThat(lineOf(in)).startsWith("HTTP/1.1 200");
      String importId = null;
      for (String h = lineOf(in); !h.isEmpty(); h = lineOf(in)) {
        if (h.toLowerCase(Locale.ROOT).startsWith("import-id:")) {
          importId = h.substring(h.indexOf(':') + 1).trim();
        }
      }
      assertThat(importId).isNotNull();
      id = importId;
      int answers = 0;
      while (answers < 2) {
        if (lineOf(in).startsWith("{\"line\"")) {
          answers++;
        }
      }
    }
    await(
        "the import's end",
        Duration.ofSeconds(60),
        () -> !List.of("running", "queued").contains(record(id).path("status").asText()));
    JsonNode r = record(id);
    assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("interrupted");
    assertThat(r.path("reason").asText()).contains("line 3");
    assertThat(r.path("bodyReceived").asBoolean()).isFalse();
    assertThat(r.path("lastLine").asInt()).isEqualTo(3);
    assertThat(r.path("counts").path("rows").asInt()).isEqualTo(2);
    assertThat(r.path("counts").path("enrolled").asInt()).isEqualTo(1);
    assertThat(store().contacts().countDocuments(Filters.eq("leadId", "cut-c-" + campaign)))
        .isZero();
    assertThat(get("/api/imports/" + id + "/rows").body().lines()).hasSize(2);
  }

  private JsonNode record(String id) {
    try {
      HttpResponse<String> r = get("/api/imports/" + id);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return json.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A line read a byte at a time, without its line break. */
  private static String lineOf(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b == -1) {
        throw new EOFException("the answer ended inside a line: " + line);
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.UTF_8);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }
}

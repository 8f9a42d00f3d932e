package com.salesagent.api.suppressions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ResourceTests;
import com.salesagent.api.leads.LeadValidator;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /api/suppressions/import} alone, on an in-memory MongoDB, with a cap of {@value #CAP}
 * numbers: the list's formats (a one-column CSV, a CRM export, JSON lines, a JSON array), every
 * line answered, and the uploads refused whole.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SuppressionImportTest {
  static final int CAP = 8;
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final MongoClient CLIENT =
      MongoClients.create(
          "mongodb://" + hostPort(MONGO.bind()) + "/?serverSelectionTimeoutMS=2000");
  static final MongoDatabase DB = CLIENT.getDatabase("suppression-import-test");

  static final ResourceExtension RESOURCES =
      ResourceTests.api()
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addProvider(ResourceTests.asOperator("compliance"))
          .addResource(
              new SuppressionResource(
                  DB, new LeadValidator("UTC", "US"), Clock.systemUTC(), null, CAP))
          .build();

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  @AfterAll
  static void close() {
    CLIENT.close();
    MONGO.shutdown();
  }

  private static Response upload(String query, String type, byte[] body) {
    var target = RESOURCES.target("/api/suppressions/import");
    if (query != null) {
      for (String pair : query.split("&")) {
        String[] kv = pair.split("=", 2);
        target = target.queryParam(kv[0], kv[1]);
      }
    }
    return target.request().post(Entity.entity(body, type));
  }

  private static JsonNode ok(Response r) throws Exception {
    String body = r.readEntity(String.class);
    assertThat(r.getStatus()).as(body).isEqualTo(200);
    return JSON.readTree(body);
  }

  private static List<String> statuses(JsonNode answer) {
    List<String> out = new ArrayList<>();
    answer
        .path("results")
        .forEach(
            n ->
                out.add(
                    n.path("line").asLong()
                        + " "
                        + n.path("status").asText()
                        + (n.has("number") ? " " + n.path("number").asText() : "")));
    return out;
  }

  private static boolean active(String number) {
    var d = new Suppressions(DB).find(number);
    return d != null && d.getBoolean("active", false);
  }

  /**
   * One number a line, no header: each line answered, a duplicate line says already_suppressed
   * naming the line that suppressed it, an invalid line names the field and does not stop the lines
   * after it; uploaded again, nothing changes and every number says already_suppressed.
   */
  @Test
  void aListOfOneNumberALineIsAnsweredLineByLineAndAgainChangesNothing() throws Exception {
    String csv =
        "+15005550201\n\n\"+1 500-555-0202\"\nnot a number\n+15005550201\n(21) 3456-7001\n";
    JsonNode first =
        ok(upload("reason=DNC%20list%202026-12", "text/csv", csv.getBytes(StandardCharsets.UTF_8)));
    assertThat(statuses(first))
        .containsExactly(
            "1 suppressed +15005550201",
            "3 suppressed +15005550202",
            "4 invalid",
            "5 already_suppressed +15005550201",
            "6 invalid");
    assertThat(first.path("results").get(3).path("duplicateOf").asLong()).isEqualTo(1);
    JsonNode invalid = first.path("results").get(2);
    assertThat(invalid.path("errors").get(0).path("field").asText()).isEqualTo("number");
    assertThat(invalid.path("value").asText()).isEqualTo("not a number");
    // Without region, a national number is not read in the server's default region (US).
    assertThat(first.path("results").get(4).path("errors").get(0).path("message").asText())
        .contains("region");
    assertThat(active("+12134567001")).isFalse();
    assertThat(first.path("summary").toString())
        .isEqualTo(
            "{\"lines\":5,\"suppressed\":2,\"alreadySuppressed\":1,\"invalid\":2,\"leadsTold\":0}");
    var stored = new Suppressions(DB).find("+15005550202");
    assertThat(stored.getString("source")).isEqualTo(Suppressions.IMPORT);
    assertThat(stored.getString("detail")).isEqualTo("DNC list 2026-12");
    assertThat(
            DB.getCollection(Collections.AUDIT_LOG)
                .countDocuments(
                    Filters.and(
                        Filters.eq("number", "+15005550201"),
                        Filters.eq("action", "suppression_added"),
                        Filters.eq("actor", "compliance"))))
        .isEqualTo(1);

    JsonNode again = ok(upload(null, "text/csv", csv.getBytes(StandardCharsets.UTF_8)));
    assertThat(again.path("summary").path("suppressed").asInt()).isZero();
    assertThat(again.path("summary").path("alreadySuppressed").asInt()).isEqualTo(3);
    assertThat(statuses(again)).contains("1 already_suppressed +15005550201");
    assertThat(new Suppressions(DB).find("+15005550202").getString("detail"))
        .as("the first suppression is kept")
        .isEqualTo("DNC list 2026-12");
    assertThat(
            DB.getCollection(Collections.AUDIT_LOG)
                .countDocuments(Filters.eq("number", "+15005550201")))
        .isEqualTo(1);
  }

  /**
   * A CRM's export (Excel's Windows encoding, ';' separated, Excel's sep= line): the number is read
   * from its Phone Number column, the other columns ignored, national numbers in ?region=.
   */
  @Test
  void aCrmExportsPhoneColumnIsReadAndItsOtherColumnsIgnored() throws Exception {
    String csv =
        "sep=;\r\nFirst Name;Last Name;Phone Number;Notes\r\n"
            + "João;Souza;(21) 3456-7002;\"said; stop\r\nplease\"\r\n"
            + "Ana;Lima;+5511998760003;\r\n"
            + ";;;\r\n"
            + "Rui;Sá;;no number\r\n";
    JsonNode answer =
        ok(upload("region=BR", "text/csv", csv.getBytes(Charset.forName("windows-1252"))));
    assertThat(statuses(answer))
        .containsExactly("3 suppressed +552134567002", "5 suppressed +5511998760003", "7 invalid");
    assertThat(answer.path("results").get(2).path("errors").get(0).path("field").asText())
        .isEqualTo("number");
    assertThat(answer.path("summary").path("column").asText()).isEqualTo("Phone Number");
    assertThat(active("+552134567002")).isTrue();
  }

  @Test
  void jsonLinesAndAJsonArrayTakeNumbersOrObjectsWithTheirRegion() throws Exception {
    String lines =
        "\"+15005550204\"\n{\"number\":\"(21) 3456-7005\",\"region\":\"br\"}\n"
            + "{\"phone\":\"+15005550206\",\"name\":\"ignored\"}\n{\"number\":\"2134567007\",\"region\":\"ZZ\"}\n"
            + "[1]\n{oops\n";
    JsonNode answer =
        ok(upload(null, "application/x-ndjson", lines.getBytes(StandardCharsets.UTF_8)));
    assertThat(statuses(answer))
        .containsExactly(
            "1 suppressed +15005550204",
            "2 suppressed +552134567005",
            "3 suppressed +15005550206",
            "4 invalid",
            "5 invalid",
            "6 invalid");
    assertThat(answer.path("results").get(3).path("errors").get(0).path("field").asText())
        .isEqualTo("region");
    assertThat(answer.path("results").get(5).path("errors").get(0).path("field").asText())
        .isEqualTo("row");

    JsonNode array =
        ok(
            upload(
                "region=BR",
                "application/json",
                "[\"+15005550204\", \"(21) 3456-7008\", {\"number\": 5}]"
                    .getBytes(StandardCharsets.UTF_8)));
    assertThat(statuses(array))
        .containsExactly(
            "1 already_suppressed +15005550204", "2 suppressed +552134567008", "3 invalid");
    Response notAnArray =
        upload(null, "application/json", "{\"number\":\"+15005550209\"}".getBytes());
    assertThat(notAnArray.getStatus()).isEqualTo(400);
    assertThat(notAnArray.readEntity(String.class)).contains("\"field\":\"body\"");
    assertThat(active("+15005550209")).isFalse();
  }

  /**
   * A list refused before its lines changes nothing: no number column (400 naming number), two of
   * them (400 naming column; ?column= chooses), an unknown region (400 naming region), a reason
   * that is no readable line (422 naming reason), a type it does not take (415 naming
   * Content-Type). A list over the cap of numbers is 413 naming body and the limit, and the lines
   * read before the cap are suppressed and answered (summary, results): before, they were dropped,
   * nothing of a compliance team's list was suppressed.
   */
  @Test
  void aListThatCannotBeReadOrIsOverTheCapIsRefusedNamingTheField() throws Exception {
    Response noColumn = upload(null, "text/csv", "name,email\nAna,ana@example.com\n".getBytes());
    assertThat(noColumn.getStatus()).isEqualTo(400);
    assertThat(noColumn.readEntity(String.class)).contains("\"field\":\"number\"");

    String twoColumns = "Name,Phone,Mobile\nAna,+15005550210,+15005550211\n";
    Response two = upload(null, "text/csv", twoColumns.getBytes());
    assertThat(two.getStatus()).isEqualTo(400);
    assertThat(two.readEntity(String.class)).contains("\"field\":\"column\"");
    assertThat(active("+15005550210")).isFalse();
    assertThat(statuses(ok(upload("column=mobile", "text/csv", twoColumns.getBytes()))))
        .containsExactly("2 suppressed +15005550211");

    StringBuilder over = new StringBuilder("phone\n");
    for (int i = 0; i <= CAP; i++) {
      over.append("+1500555030").append(i).append('\n');
    }
    Response tooMany = upload(null, "text/csv", over.toString().getBytes());
    assertThat(tooMany.getStatus()).isEqualTo(413);
    String refused = tooMany.readEntity(String.class);
    assertThat(refused)
        .contains("\"field\":\"body\"")
        .contains("at most " + CAP + " numbers")
        .contains("line " + (CAP + 2));
    // The lines read before the cap are suppressed and answered, never dropped; the one past it
    // is not read.
    Map<?, ?> stopped = JSON.readValue(refused, Map.class);
    assertThat(((Map<?, ?>) stopped.get("summary")).get("suppressed")).isEqualTo(CAP);
    assertThat(((Map<?, ?>) stopped.get("summary")).get("stopped")).isEqualTo(true);
    assertThat((List<?>) stopped.get("results")).hasSize(CAP);
    for (int i = 0; i < CAP; i++) {
      assertThat(active("+1500555030" + i)).as("read before the cap: suppressed").isTrue();
    }
    assertThat(active("+1500555030" + CAP)).as("past the cap: not read").isFalse();

    Response region = upload("region=ZZ", "text/csv", "2134567010\n".getBytes());
    assertThat(region.getStatus()).isEqualTo(400);
    assertThat(region.readEntity(String.class)).contains("\"field\":\"region\"");

    Response reason = upload("reason=a%0Ab", "text/csv", "+15005550212\n".getBytes());
    assertThat(reason.getStatus()).isEqualTo(422);
    assertThat(reason.readEntity(String.class)).contains("\"field\":\"reason\"");
    assertThat(active("+15005550212")).isFalse();

    Response type = upload(null, "application/xml", "<n/>".getBytes());
    assertThat(type.getStatus()).isEqualTo(415);
    assertThat(type.readEntity(String.class)).contains("\"field\":\"Content-Type\"");

    Response empty = upload(null, "text/csv", new byte[0]);
    assertThat(empty.getStatus()).isEqualTo(400);
    assertThat(empty.readEntity(String.class)).contains("\"field\":\"body\"");
  }

  /**
   * {@code ?column=} is at most 100 characters and a value is echoed at most 40, counted in code
   * points as every cap here is: a header's column of 60 emoji (120 UTF-16 units) was refused as
   * over 100 characters, and a column of 30 emoji not in the header was echoed cut to 20 and "…".
   */
  @Test
  void theColumnCapAndItsEchoCountCodePoints() throws Exception {
    String sixty = "\uD83D\uDCDE".repeat(60);
    String csv = "Name," + sixty + "\nAna,+15005550231\n";
    assertThat(
            statuses(
                ok(upload("column=" + sixty, "text/csv", csv.getBytes(StandardCharsets.UTF_8)))))
        .containsExactly("2 suppressed +15005550231");

    String hundred = "\uD83D\uDCDE".repeat(100);
    String atCap = "Name," + hundred + "\nAna,+15005550232\n";
    assertThat(
            statuses(
                ok(
                    upload(
                        "column=" + hundred, "text/csv", atCap.getBytes(StandardCharsets.UTF_8)))))
        .containsExactly("2 suppressed +15005550232");

    String over = "\uD83D\uDCDE".repeat(101);
    Response tooLong =
        upload(
            "column=" + over,
            "text/csv",
            ("Name," + over + "\nAna,+15005550233\n").getBytes(StandardCharsets.UTF_8));
    assertThat(tooLong.getStatus()).isEqualTo(422);
    assertThat(tooLong.readEntity(String.class)).contains("\"field\":\"column\"");
    assertThat(active("+15005550233")).isFalse();

    String thirty = "\uD83D\uDCDE".repeat(30);
    Response missing =
        upload(
            "column=" + thirty,
            "text/csv",
            "Name,Phone\nAna,+15005550234\n".getBytes(StandardCharsets.UTF_8));
    assertThat(missing.getStatus()).isEqualTo(400);
    JsonNode refused = JSON.readTree(missing.readEntity(String.class));
    assertThat(refused.path("errors").get(0).path("message").asText())
        .isEqualTo("not in the header: " + thirty);
    assertThat(active("+15005550234")).isFalse();
  }

  /**
   * A list written in ASCII but sent as {@code charset=utf-32} reads as one line of replacement
   * characters, no digit: it was taken as the header of a one-column list and answered 200 with
   * nothing suppressed, as if the list had been taken. It is 422 naming the body; a header and its
   * numbers, or one line of a number, are read as before.
   */
  @Test
  void aListThatReadsAsOneLineWithoutADigitIsRefusedNotAnsweredAsTaken() throws Exception {
    Response wrongCharset =
        upload(
            null, "text/csv; charset=utf-32", "+15005550220\n".getBytes(StandardCharsets.US_ASCII));
    String body = wrongCharset.readEntity(String.class);
    assertThat(wrongCharset.getStatus()).as(body).isEqualTo(422);
    assertThat(body).contains("\"field\":\"body\"").contains("charset");
    assertThat(active("+15005550220")).isFalse();

    Response headerAlone =
        upload(null, "text/csv", "do not contact\n".getBytes(StandardCharsets.UTF_8));
    assertThat(statuses(ok(headerAlone))).as("a header alone: a list of no number").isEmpty();

    assertThat(
            statuses(
                ok(
                    upload(
                        null,
                        "text/csv",
                        "do not contact\n+15005550221\n".getBytes(StandardCharsets.UTF_8)))))
        .containsExactly("2 suppressed +15005550221");
  }

  /**
   * A number an operator lifted (with the lead's new consent) and a later list names again is
   * suppressed again: the list is the newer ask. Nothing in an upload lifts anything.
   */
  @Test
  void aLiftedNumberListedAgainIsSuppressedAgain() throws Exception {
    Suppressions store = new Suppressions(DB);
    store.suppress(List.of("+15005550213"), Suppressions.OPERATOR, Instant.now(), "asked");
    assertThat(
            store.lift(
                "+15005550213", "ops", "web form", Instant.now(), Instant.now().plusSeconds(1)))
        .isTrue();
    JsonNode answer = ok(upload(null, "text/csv", "+15005550213\n".getBytes()));
    assertThat(statuses(answer)).containsExactly("1 suppressed +15005550213");
    var d = store.find("+15005550213");
    assertThat(d.getBoolean("active")).isTrue();
    assertThat(d.getString("source")).isEqualTo(Suppressions.IMPORT);
    assertThat(d.getList("liftHistory", Object.class)).hasSize(1);
  }
}

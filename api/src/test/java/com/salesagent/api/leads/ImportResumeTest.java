package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.media.EmbeddedS3Extension;
import io.dropwizard.jackson.Jackson;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An asynchronous import answered 202 (accepted) and then its API process stopped (a deploy, a
 * crash): the rows it had not reached were never imported, and its record said "interrupted: import
 * the file again", which a nightly CRM job that was told 202 never reads. Its body is now kept in
 * the object store from the 202 to its end, and another process ({@link ImportResumer}) takes it
 * over after its last recorded line.
 */
class ImportResumeTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();
  @RegisterExtension static final EmbeddedS3Extension S3 = new EmbeddedS3Extension("imports");

  static final TestWorkflowEnvironment TEMPORAL = temporal();

  private static TestWorkflowEnvironment temporal() {
    TestEnvironmentOptions.Builder options = TestEnvironmentOptions.newBuilder();
    com.salesagent.temporal.LeadSearchAttributes.CATALOGUE.forEach(
        options::registerSearchAttribute);
    return TestWorkflowEnvironment.newInstance(options.build());
  }

  static final String HEADER =
      "leadId,name,phone,company,campaignId,consentOptIn,consentSource,consentAt\n";

  private MongoDatabase db;
  private String campaign;

  @BeforeEach
  void setUp() {
    db = MONGO.database();
    MongoSchema.ensure(db, Duration.ZERO);
    campaign = "resume-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterAll
  static void close() {
    TEMPORAL.close();
  }

  /** A process: its records' clock, its background executor. */
  private LeadImportResource process(ImportRecords records, Executor background) {
    WorkflowClient client = TEMPORAL.getWorkflowClient();
    return new LeadImportResource(
        new LeadValidator("UTC", "US"),
        new Enrolment(
            new LeadStore(db), client, Clock.systemUTC(), Duration.ZERO, Duration.ofDays(30)),
        Jackson.newObjectMapper(),
        records,
        background,
        S3.storage());
  }

  /** Another process, started after the first stopped for longer than STALE_AFTER. */
  private static ImportRecords later(MongoDatabase db) {
    return new ImportRecords(
        db,
        Clock.fixed(Instant.now().plus(ImportClaims.STALE_AFTER).plusSeconds(30), ZoneOffset.UTC),
        Duration.ofDays(1));
  }

  private String csv(int from, int to) {
    StringBuilder b = new StringBuilder(HEADER);
    long base = 10_000_000L + ThreadLocalRandom.current().nextLong(80_000_000L);
    for (int i = from; i <= to; i++) {
      b.append(campaign)
          .append("-")
          .append(i)
          .append(",Ana Souza,+55119")
          .append(base + i)
          .append(",Acme,")
          .append(campaign)
          .append(",yes,web form,2026-11-20T10:00:00Z\n");
    }
    return b.toString();
  }

  private static Response post(LeadImportResource to, String body) {
    return to.importLeads(
        new Operator("ops"),
        "text/csv",
        null,
        "crm.csv",
        null,
        null,
        null,
        "true",
        null,
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  private Document record(String id) {
    return db.getCollection(Collections.IMPORTS).find(Filters.eq("_id", id)).first();
  }

  private List<Document> rows(String id) {
    return db.getCollection(Collections.IMPORT_ROWS)
        .find(Filters.eq("importId", id))
        .sort(new Document("seq", 1))
        .into(new ArrayList<>());
  }

  private long contacts() {
    return db.getCollection(Collections.CONTACTS)
        .countDocuments(Filters.eq("campaignId", campaign));
  }

  @Test
  void anAcceptedImportWhoseProcessStoppedBeforeItRanIsImportedByAnother() throws Exception {
    List<Runnable> neverRun = new ArrayList<>();
    ImportRecords first = new ImportRecords(db, Clock.systemUTC(), Duration.ofDays(1));
    Response accepted = post(process(first, neverRun::add), csv(1, 30));
    assertThat(accepted.getStatus()).isEqualTo(202);
    String id = accepted.getHeaderString(LeadImportResource.IMPORT_ID);
    assertThat(record(id).getString("status")).isEqualTo(ImportStatus.QUEUED);
    assertThat(record(id).getString("bodyKey")).isEqualTo(LeadImportResource.bodyKey(id));
    assertThat(S3.storage().exists(LeadImportResource.bodyKey(id))).isTrue();
    // The process stops here: its queued task never runs.

    ImportRecords second = later(db);
    assertThat(new ImportResumer(first, process(first, Runnable::run)).resumeStale())
        .as("not stale yet: the first process may still be alive")
        .isZero();
    ImportResumer resumer = new ImportResumer(second, process(second, Runnable::run));
    assertThat(resumer.resumeStale()).isEqualTo(1);

    Document done = record(id);
    assertThat(done.getString("status")).isEqualTo(ImportStatus.DONE);
    assertThat(done.get("counts", Document.class))
        .containsEntry("rows", 30)
        .containsEntry("enrolled", 30)
        .containsEntry("alreadyEnrolled", 0);
    assertThat(done.getInteger("resumes")).isEqualTo(1);
    assertThat(done.get("resumedAfterLine", Number.class).longValue()).isZero();
    assertThat(done.getString("bodyKey")).as("the kept body is dropped at the end").isNull();
    assertThat(S3.storage().exists(LeadImportResource.bodyKey(id))).isFalse();
    assertThat(contacts()).isEqualTo(30);
    assertThat(rows(id))
        .extracting(r -> r.get("line", Number.class).longValue())
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(2, 31).boxed().toList());
    assertThat(resumer.resumeStale()).as("claimed once").isZero();
  }

  /** An import an operator stopped while its process was gone is not resumed into enrolments. */
  @Test
  void anImportCancelledWhileItsProcessWasGoneEnrolsNothingWhenTakenOver() throws Exception {
    List<Runnable> neverRun = new ArrayList<>();
    ImportRecords first = new ImportRecords(db, Clock.systemUTC(), Duration.ofDays(1));
    Response accepted = post(process(first, neverRun::add), csv(1, 10));
    String id = accepted.getHeaderString(LeadImportResource.IMPORT_ID);
    assertThat(first.cancel(id, "ops")).isTrue();

    ImportRecords second = later(db);
    assertThat(new ImportResumer(second, process(second, Runnable::run)).resumeStale())
        .isEqualTo(1);

    Document ended = record(id);
    assertThat(ended.getString("status")).isEqualTo(ImportStatus.INTERRUPTED);
    assertThat(ended.getString("reason")).contains("stopped by ops");
    assertThat(contacts()).isZero();
    assertThat(S3.storage().exists(LeadImportResource.bodyKey(id))).isFalse();
  }

  /**
   * The process stopped after line 41 of 61, its last write of the record at line 31 (the rows of
   * lines 32-41 enrolled, their answers not recorded yet): the import goes on after line 31, those
   * ten rows answer already_enrolled, the rest are enrolled, and the rows' numbering goes on.
   */
  @Test
  void anImportStoppedMidwayGoesOnAfterItsLastRecordedLine() throws Exception {
    String whole = csv(1, 60);
    String firstForty = whole.substring(0, nthNewline(whole, 41) + 1);
    ImportRecords first = new ImportRecords(db, Clock.systemUTC(), Duration.ofDays(1));
    Response ran = post(process(first, Runnable::run), firstForty);
    assertThat(ran.getStatus()).isEqualTo(202);
    String id = ran.getHeaderString(LeadImportResource.IMPORT_ID);
    assertThat(contacts()).isEqualTo(40);
    // The record as of its last write before the stop: rows through line 31 recorded.
    db.getCollection(Collections.IMPORT_ROWS)
        .deleteMany(Filters.and(Filters.eq("importId", id), Filters.gt("seq", 30)));
    Path full = Files.createTempFile("import", ".csv");
    Files.writeString(full, whole);
    S3.storage().putFile(LeadImportResource.bodyKey(id), full, "text/csv");
    Files.delete(full);
    Document stopped = record(id);
    db.getCollection(Collections.IMPORTS)
        .updateOne(
            Filters.eq("_id", id),
            Updates.combine(
                Updates.set("status", ImportStatus.RUNNING),
                Updates.set("lastLine", 31L),
                Updates.set("rowsRecorded", 30L),
                Updates.set(
                    "counts",
                    new Document("rows", 30)
                        .append("enrolled", 30)
                        .append("alreadyEnrolled", 0)
                        .append("rejected", 0)
                        .append("refused", 0)),
                Updates.set("bodyKey", LeadImportResource.bodyKey(id)),
                Updates.set("heartbeatAt", stopped.getDate("startedAt")),
                Updates.set("updatedAt", stopped.getDate("startedAt")),
                Updates.unset("summary"),
                Updates.unset("endedAt")));

    ImportRecords second = later(db);
    assertThat(new ImportResumer(second, process(second, Runnable::run)).resumeStale())
        .isEqualTo(1);

    Document done = record(id);
    assertThat(done.getString("status")).isEqualTo(ImportStatus.DONE);
    assertThat(done.get("resumedAfterLine", Number.class).longValue()).isEqualTo(31);
    assertThat(done.get("counts", Document.class))
        .containsEntry("rows", 60)
        .containsEntry("enrolled", 50)
        .containsEntry("alreadyEnrolled", 10);
    assertThat(contacts()).isEqualTo(60);
    List<Document> rows = rows(id);
    assertThat(rows)
        .extracting(r -> r.get("seq", Number.class).longValue())
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 60).boxed().toList());
    assertThat(rows)
        .extracting(r -> r.get("line", Number.class).longValue())
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(2, 61).boxed().toList());
    assertThat(rows.subList(30, 40))
        .allSatisfy(r -> assertThat(r.getString("status")).isEqualTo("already_enrolled"));
    assertThat(rows.subList(40, 60))
        .allSatisfy(r -> assertThat(r.getString("status")).isEqualTo("enrolled"));
    assertThat(S3.storage().exists(LeadImportResource.bodyKey(id))).isFalse();
  }

  /** The number of the CSV's {@code row}th row (1 the first after the header). */
  private static String phoneOfRow(String csv, int row) {
    return csv.split("\n")[row].split(",")[2];
  }

  private String oneRow(String leadId, String phone, String campaignId) {
    return HEADER
        + leadId
        + ",Ana Souza,"
        + phone
        + ",Acme,"
        + campaignId
        + ",yes,web form,2026-11-20T10:00:00Z\n";
  }

  private long contactsOf(String phone) {
    return db.getCollection(Collections.CONTACTS).countDocuments(Filters.eq("phone", phone));
  }

  /** Erasures whose workflow is not run here: what they do at the request is what counts. */
  private LeadErasure erasure() {
    return new LeadErasure(
        new LeadStore(db),
        TEMPORAL.getWorkflowClient(),
        Duration.ofMinutes(10),
        Clock.systemUTC(),
        (workflow, request) -> {});
  }

  /**
   * A queued import whose process stopped holds a row of a person who has a lead in another
   * campaign. The person asks to be forgotten and the operator erases that lead with
   * keepSuppressed=false (the number not suppressed): the import, resumed by another process, must
   * not enrol them again from the file it was given before the request. Its row says so and keeps
   * no columns; the number stays unsuppressed, and an import started after the request enrols it.
   */
  @Test
  void aPersonErasedOnRequestIsNotEnrolledAgainByTheImportResumedAfter() throws Exception {
    String file = csv(1, 10);
    String phone = phoneOfRow(file, 5);
    String earlier = "earlier-" + UUID.randomUUID();
    ImportRecords first = new ImportRecords(db, Clock.systemUTC(), Duration.ofDays(1));
    assertThat(
            post(process(first, Runnable::run), oneRow(earlier, phone, campaign + "-a"))
                .getStatus())
        .isEqualTo(202);
    assertThat(contactsOf(phone)).isEqualTo(1);
    List<Runnable> neverRun = new ArrayList<>();
    String id =
        post(process(first, neverRun::add), file).getHeaderString(LeadImportResource.IMPORT_ID);

    assertThat(erasure().request(earlier, "dpo", "forget me", "false").getStatus()).isEqualTo(202);

    ImportRecords second = later(db);
    assertThat(new ImportResumer(second, process(second, Runnable::run)).resumeStale())
        .isEqualTo(1);
    Document done = record(id);
    assertThat(done.getString("status")).isEqualTo(ImportStatus.DONE);
    assertThat(done.get("counts", Document.class))
        .containsEntry("enrolled", 9)
        .containsEntry("refused", 1);
    assertThat(contacts()).as("the forgotten person's row not enrolled").isEqualTo(9);
    Document row = rows(id).get(4);
    assertThat(row.getString("status")).isEqualTo("erased_on_request");
    assertThat(row.toJson()).doesNotContain(phone.substring(1)).doesNotContain("Ana Souza");
    assertThat(new com.salesagent.activities.mongo.Suppressions(db).active(List.of(phone)))
        .as("keepSuppressed=false suppresses nothing")
        .isEmpty();

    // A new import (a new consent) after the request is the operator's to make: it enrols them.
    Response later =
        post(
            process(first, Runnable::run),
            oneRow("again-" + UUID.randomUUID(), phone, campaign + "-b"));
    String again = later.getHeaderString(LeadImportResource.IMPORT_ID);
    assertThat(rows(again).get(0).getString("status")).isEqualTo("enrolled");
  }

  /**
   * An import queued before the upgrade that keyed the numbers' hashes was told of an erasure
   * (keepSuppressed=false) with the plain SHA-256 of the number's spellings, as the old version
   * wrote {@code erasedNumbers}; resumed after the upgrade, it must still not enrol the person. A
   * person forgotten after the upgrade is told by the keyed hash only: no plain SHA-256 stored.
   */
  @Test
  void anImportToldOfAnErasureBeforeTheKeyStillHonoursItWhenResumedAfter() throws Exception {
    String file = csv(1, 6);
    String before = phoneOfRow(file, 2);
    String after = phoneOfRow(file, 4);
    ImportRecords first = new ImportRecords(db, Clock.systemUTC(), Duration.ofDays(1));
    List<Runnable> neverRun = new ArrayList<>();
    String id =
        post(process(first, neverRun::add), file).getHeaderString(LeadImportResource.IMPORT_ID);
    List<String> legacy =
        LeadValidator.spellingsOf(before).stream()
            .map(com.salesagent.activities.compose.LlmWriter::sha256)
            .toList();
    db.getCollection(Collections.IMPORTS)
        .updateOne(Filters.eq("_id", id), Updates.addEachToSet("erasedNumbers", legacy));

    assertThat(ImportRecords.forgetNumbers(db, List.of(after))).isEqualTo(1);
    List<String> told = record(id).getList("erasedNumbers", String.class);
    assertThat(told)
        .contains(com.salesagent.activities.privacy.PiiHash.of(after))
        .doesNotContain(com.salesagent.activities.compose.LlmWriter.sha256(after));

    ImportRecords second = later(db);
    assertThat(new ImportResumer(second, process(second, Runnable::run)).resumeStale())
        .isEqualTo(1);
    assertThat(contactsOf(before)).as("told before the key").isZero();
    assertThat(contactsOf(after)).as("told after the key").isZero();
    assertThat(contacts()).isEqualTo(4);
    assertThat(rows(id).get(1).getString("status")).isEqualTo("erased_on_request");
    assertThat(rows(id).get(3).getString("status")).isEqualTo("erased_on_request");
  }

  /**
   * The person has no lead yet: only the queued import holds their number. Asked to be forgotten,
   * the erasure of the person finds no lead to erase (200), and the import must still not enrol
   * them when it is resumed, whatever keepSuppressed says.
   */
  @Test
  void aPersonWithOnlyAQueuedImportRowIsNotEnrolledAfterAskingToBeForgotten() throws Exception {
    String file = csv(1, 6);
    String phone = phoneOfRow(file, 3);
    ImportRecords first = new ImportRecords(db, Clock.systemUTC(), Duration.ofDays(1));
    List<Runnable> neverRun = new ArrayList<>();
    String id =
        post(process(first, neverRun::add), file).getHeaderString(LeadImportResource.IMPORT_ID);

    SubjectAccess access =
        new SubjectAccess(
            new LeadStore(db),
            new LeadValidator("UTC", "US"),
            Jackson.newObjectMapper(),
            "bucket",
            Clock.systemUTC());
    byte[] body =
        ("{\"phone\":\"" + phone + "\",\"reason\":\"forget me\",\"keepSuppressed\":true}")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(access.erase("dpo", body, erasure()).getStatus())
        .as("no lead holds them")
        .isEqualTo(200);

    ImportRecords second = later(db);
    assertThat(new ImportResumer(second, process(second, Runnable::run)).resumeStale())
        .isEqualTo(1);
    assertThat(contacts()).isEqualTo(5);
    assertThat(contactsOf(phone)).isZero();
    assertThat(rows(id).get(2).getString("status")).isEqualTo("erased_on_request");
  }

  /**
   * LEAD_RETENTION's erasure is no request of the person's: an import under way that holds their
   * number enrols it as a new lead (the erasure suppressed nothing, and nobody asked to forget).
   */
  @Test
  void aLeadErasedByRetentionDoesNotKeepAnImportUnderWayFromEnrollingItsNumber() throws Exception {
    String file = csv(1, 4);
    String phone = phoneOfRow(file, 2);
    String earlier = "aged-" + UUID.randomUUID();
    ImportRecords first = new ImportRecords(db, Clock.systemUTC(), Duration.ofDays(1));
    post(process(first, Runnable::run), oneRow(earlier, phone, campaign + "-a"));
    List<Runnable> neverRun = new ArrayList<>();
    String id =
        post(process(first, neverRun::add), file).getHeaderString(LeadImportResource.IMPORT_ID);

    assertThat(
            erasure()
                .request(
                    earlier, LeadRetentionSweep.OPERATOR, "retention: older than 365d", "false")
                .getStatus())
        .isEqualTo(202);

    ImportRecords second = later(db);
    assertThat(new ImportResumer(second, process(second, Runnable::run)).resumeStale())
        .isEqualTo(1);
    assertThat(contacts()).isEqualTo(4);
    assertThat(rows(id).get(1).getString("status")).isEqualTo("enrolled");
  }

  private static int nthNewline(String s, int n) {
    int at = -1;
    for (int i = 0; i < n; i++) {
      at = s.indexOf('\n', at + 1);
    }
    return at;
  }
}

package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.leads.LeadRetentionSweep;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.Test;

/**
 * LEAD_RETENTION on the embedded stack: an ended lead whose last activity is older than the
 * retention is erased through the erasure on request (audited by {@code system:retention}); a
 * younger one, one in flight, and one that wrote after its end within the retention are not; zero
 * erases nothing. Time is driven by moving the lead's stored times back (no waiting).
 */
final class RetentionApplicationTest extends AppTestHarness {
  private static final Duration YEAR = Duration.ofDays(365);

  private MongoDatabase db() {
    return app().connections().mongo().database();
  }

  private LeadRetentionSweep sweeper(Duration retention) {
    // No pacing between starts: the test's sweeps start a handful.
    return new LeadRetentionSweep(
        store(),
        app().connections().temporal().client(),
        Duration.ofSeconds(2),
        retention,
        Clock.systemUTC(),
        LeadRetentionSweep.BATCH,
        0);
  }

  private boolean runs(String leadId) {
    return app()
            .connections()
            .temporal()
            .client()
            .newUntypedWorkflowStub(LeadWorkflow.workflowId(leadId))
            .describe()
            .getStatus()
        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /** A lead stopped by an operator whose run has completed; returns the wamid of its opener. */
  private String endedLead(String leadId, String phone) throws Exception {
    emulator().setBehaviour(ackOnly());
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    assertThat(postJson("/api/leads/" + leadId + "/stop", "").statusCode()).isEqualTo(202);
    await(
        "stopped",
        Duration.ofSeconds(15),
        () -> "stopped".equals(store().contact(leadId).getString("stage")));
    await("the run completed", Duration.ofSeconds(15), () -> !runs(leadId));
    return wamid;
  }

  /** Every time stored on the lead's documents moved {@code back} into the past. */
  private void age(String leadId, Duration back) {
    Map<String, Bson> ofLead =
        Map.of(
            Collections.CONTACTS, Filters.eq("leadId", leadId),
            Collections.MESSAGES, Filters.eq("leadId", leadId),
            Collections.FEEDBACK, Filters.eq("leadId", leadId),
            Collections.INTERACTION_HISTORY, Filters.eq("meta.leadId", leadId),
            Collections.DRAFTS, Filters.eq("leadId", leadId),
            HandOffActivitiesImpl.HANDOFFS, Filters.eq("_id", leadId));
    ofLead.forEach(
        (name, filter) -> {
          MongoCollection<Document> c = db().getCollection(name);
          for (Document d : c.find(filter).into(new ArrayList<>())) {
            c.replaceOne(Filters.eq("_id", d.get("_id")), (Document) shifted(d, back));
          }
        });
  }

  private static Object shifted(Object value, Duration back) {
    if (value instanceof Date d) {
      return Date.from(d.toInstant().minus(back));
    }
    if (value instanceof Document doc) {
      Document out = new Document();
      doc.forEach((k, v) -> out.append(k, shifted(v, back)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(shifted(v, back)));
      return out;
    }
    return value;
  }

  private List<Document> erasureRequests(String leadId) {
    return db().getCollection(Collections.AUDIT_LOG)
        .find(
            Filters.and(
                Filters.eq("action", "lead_erasure_requested"), Filters.eq("leadId", leadId)))
        .into(new ArrayList<>());
  }

  private boolean untouched(String leadId) {
    Document contact = store().contact(leadId);
    return contact != null && !LeadStore.erasing(contact) && erasureRequests(leadId).isEmpty();
  }

  private String erasureStatus(String leadId) {
    try {
      return json.readTree(get("/api/leads/" + leadId + "/erasure").body()).path("status").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitErased(String leadId) {
    await(
        "erased",
        Duration.ofSeconds(45),
        () -> "erased".equals(erasureStatus(leadId)) && store().contact(leadId) == null);
  }

  @Test
  void anEndedLeadInactiveLongerThanTheRetentionIsErasedOnceBySystemRetention() throws Exception {
    String leadId = "retention-old-" + UUID.randomUUID();
    String phone = phone();
    endedLead(leadId, phone);
    age(leadId, YEAR.plusDays(35));

    LeadRetentionSweep sweep = sweeper(YEAR);
    sweep.sweep();

    assertThat(LeadStore.erasing(store().contact(leadId))).as("marked for erasure").isTrue();
    List<Document> audited = erasureRequests(leadId);
    assertThat(audited).hasSize(1);
    assertThat(audited.get(0).getString("actor")).isEqualTo("system:retention");
    assertThat(audited.get(0).getString("reason")).isEqualTo("retention: older than 365d");
    assertThat(audited.get(0).getBoolean("keepSuppressed")).isFalse();
    // Another API process sweeping the same leads starts nothing more, nor audits it again.
    sweeper(YEAR).sweep();
    sweep.sweep();
    assertThat(erasureRequests(leadId)).hasSize(1);

    awaitErased(leadId);
    assertThat(
            db().getCollection(Collections.MESSAGES).countDocuments(Filters.eq("leadId", leadId)))
        .isZero();
    // Aged out, not a person asking to be forgotten: the number is not suppressed for it.
    assertThat(new Suppressions(db()).active(List.of(phone))).isEmpty();
  }

  @Test
  void anOptedOutLeadErasedByAgeKeepsItsNumbersOptOut() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "retention-stop-" + UUID.randomUUID();
    String phone = phone();
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    assertThat(metaWebhook(textFrom(phone, wamid, "STOP")).statusCode()).isEqualTo(200);
    await(
        "opted out",
        Duration.ofSeconds(20),
        () -> "opted_out".equals(store().contact(leadId).getString("stage")));
    await("the run completed", Duration.ofSeconds(15), () -> !runs(leadId));
    String source = new Suppressions(db()).active(List.of(phone)).orElseThrow().source();
    age(leadId, YEAR.plusDays(1));

    sweeper(YEAR).sweep();
    awaitErased(leadId);

    Suppressions.Entry kept = new Suppressions(db()).active(List.of(phone)).orElseThrow();
    assertThat(kept.source()).isEqualTo(source).isNotEqualTo(Suppressions.ERASURE);
  }

  @Test
  void anEndedLeadYoungerThanTheRetentionIsKept() throws Exception {
    String leadId = "retention-young-" + UUID.randomUUID();
    endedLead(leadId, phone());
    age(leadId, YEAR.minusDays(30));

    sweeper(YEAR).sweep();

    assertThat(untouched(leadId)).isTrue();
  }

  @Test
  void aLeadInFlightIsKeptHoweverOld() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "retention-live-" + UUID.randomUUID();
    enrolAndAwaitFirstSend(leadId, phone());
    age(leadId, YEAR.plusDays(100));

    sweeper(YEAR).sweep();

    assertThat(untouched(leadId)).isTrue();
    assertThat(postJson("/api/leads/" + leadId + "/stop", "").statusCode()).isEqualTo(202);
  }

  @Test
  void anEndedLeadThatWroteAfterItsEndWithinTheRetentionIsKept() throws Exception {
    String leadId = "retention-wrote-" + UUID.randomUUID();
    String phone = phone();
    String wamid = endedLead(leadId, phone);
    age(leadId, YEAR.plusDays(35));
    // A year after its run ended the person writes again: the run stays ended (stopped).
    emulator().recipientWrote(phone);
    assertThat(metaWebhook(textFrom(phone, wamid, "Is the offer still on?")).statusCode())
        .isEqualTo(200);
    await(
        "on the after-the-end list",
        Duration.ofSeconds(15),
        () -> store().contact(leadId).get("afterEnd") != null);
    await(
        "the answer drafted",
        Duration.ofSeconds(30),
        () ->
            store().interactions().timeline(leadId).stream()
                .anyMatch(e -> "answer_drafted".equals(e.getString("type"))));
    assertThat(store().contact(leadId).getString("stage")).isEqualTo("stopped");

    sweeper(YEAR).sweep();
    assertThat(untouched(leadId)).as("it wrote seconds ago").isTrue();

    // A year after that message, nothing since: erased.
    age(leadId, YEAR.plusDays(1));
    sweeper(YEAR).sweep();
    awaitErased(leadId);
  }

  @Test
  void aSweepStartsNoMoreErasuresThanItsBatch() throws Exception {
    String first = "retention-batch-a-" + UUID.randomUUID();
    String second = "retention-batch-b-" + UUID.randomUUID();
    endedLead(first, phone());
    endedLead(second, phone());
    age(first, YEAR.plusDays(10));
    age(second, YEAR.plusDays(10));

    LeadRetentionSweep oneAtATime =
        new LeadRetentionSweep(
            store(),
            app().connections().temporal().client(),
            Duration.ofSeconds(2),
            YEAR,
            Clock.systemUTC(),
            1,
            0);

    // This class's other tests leave no ended lead idle that long (they are erased or younger).
    assertThat(oneAtATime.sweep()).isEqualTo(1);
    assertThat(List.of(first, second).stream().filter(this::untouched).count())
        .as("one of the two left for the next sweep")
        .isEqualTo(1);
    assertThat(oneAtATime.sweep()).isEqualTo(1);
    assertThat(untouched(first) || untouched(second)).isFalse();
  }

  /**
   * PER_MINUTE paces the starts: with 120 a minute, each erasure is requested at least 500 ms after
   * the one before (the audit lines' times, which the erasure takes at its request), so switching
   * retention on over a large history does not start a burst.
   */
  @Test
  void erasuresStartNoFasterThanThePerMinuteLimit() throws Exception {
    List<String> leads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String leadId = "retention-paced-" + i + "-" + UUID.randomUUID();
      endedLead(leadId, phone());
      age(leadId, YEAR.plusDays(20));
      leads.add(leadId);
    }
    LeadRetentionSweep paced =
        new LeadRetentionSweep(
            store(),
            app().connections().temporal().client(),
            Duration.ofSeconds(2),
            YEAR,
            Clock.systemUTC(),
            LeadRetentionSweep.BATCH,
            120);

    long began = System.nanoTime();
    assertThat(paced.sweep()).isEqualTo(3);
    assertThat(Duration.ofNanos(System.nanoTime() - began))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1000));

    List<Long> requested =
        leads.stream()
            .map(id -> erasureRequests(id).get(0).getDate("at").getTime())
            .sorted()
            .toList();
    assertThat(requested.get(1) - requested.get(0)).isGreaterThanOrEqualTo(499);
    assertThat(requested.get(2) - requested.get(1)).isGreaterThanOrEqualTo(499);
    leads.forEach(this::awaitErased);
  }

  /**
   * A lead held by a rep (interested, handed off, in conversation, a meeting booked), one paused
   * from a held stage and one paused from its first send are not ended: however old, the sweep
   * leaves them (and their workflows) alone.
   */
  @Test
  void aHeldLeadAndPausedLeadsAreKeptHoweverOld() throws Exception {
    emulator().setBehaviour(ackOnly());
    String held = "retention-held-" + UUID.randomUUID();
    String pausedHeld = "retention-paused-held-" + UUID.randomUUID();
    String paused = "retention-paused-" + UUID.randomUUID();
    interested(held, phone());
    interested(pausedHeld, phone());
    enrolAndAwaitFirstSend(paused, phone());
    for (String leadId : List.of(pausedHeld, paused)) {
      assertThat(postJson("/api/leads/" + leadId + "/pause", "").statusCode()).isEqualTo(202);
      await("paused", Duration.ofSeconds(15), () -> state(leadId).paused());
    }
    await(
        "the pauses recorded",
        Duration.ofSeconds(15),
        () ->
            "paused".equals(store().contact(pausedHeld).getString("stage"))
                && "paused".equals(store().contact(paused).getString("stage")));
    assertThat(com.salesagent.activities.handoff.Owners.held(store().contact(pausedHeld))).isTrue();
    for (String leadId : List.of(held, pausedHeld, paused)) {
      age(leadId, YEAR.plusDays(200));
    }

    assertThat(sweeper(YEAR).sweep()).isZero();

    for (String leadId : List.of(held, pausedHeld, paused)) {
      assertThat(untouched(leadId)).as(leadId).isTrue();
      assertThat(runs(leadId)).as(leadId + " still runs").isTrue();
      assertThat(postJson("/api/leads/" + leadId + "/stop", "").statusCode()).isEqualTo(202);
    }
  }

  /**
   * A lead whose stage says its run ended while its workflow still runs (the stage is written
   * before the run's last steps, or a run went on past it) is not erased under its running
   * workflow: the sweep leaves it until the run has ended.
   */
  @Test
  void anEndedLeadWhoseWorkflowStillRunsIsKept() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "retention-running-" + UUID.randomUUID();
    enrolAndAwaitFirstSend(leadId, phone());
    String stage = store().contact(leadId).getString("stage");
    db().getCollection(Collections.CONTACTS)
        .updateOne(
            Filters.eq("leadId", leadId),
            com.mongodb.client.model.Updates.set("stage", "no_response"));
    age(leadId, YEAR.plusDays(60));
    assertThat(runs(leadId)).isTrue();

    assertThat(sweeper(YEAR).sweep()).isZero();

    assertThat(untouched(leadId)).isTrue();
    assertThat(runs(leadId)).isTrue();
    db().getCollection(Collections.CONTACTS)
        .updateOne(
            Filters.eq("leadId", leadId), com.mongodb.client.model.Updates.set("stage", stage));
    assertThat(postJson("/api/leads/" + leadId + "/stop", "").statusCode()).isEqualTo(202);
    await(
        "stopped",
        Duration.ofSeconds(15),
        () -> "stopped".equals(store().contact(leadId).getString("stage")));
  }

  /** Enrols the lead and has its person answer with interest: a held stage. */
  private void interested(String leadId, String phone) throws Exception {
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    emulator().recipientWrote(phone);
    assertThat(metaWebhook(textFrom(phone, wamid, "Sounds great, I am interested")).statusCode())
        .isEqualTo(200);
    await(
        "interested",
        Duration.ofSeconds(15),
        () -> "interested".equals(store().contact(leadId).getString("stage")));
  }

  @Test
  void zeroErasesNothing() throws Exception {
    String leadId = "retention-off-" + UUID.randomUUID();
    endedLead(leadId, phone());
    age(leadId, YEAR.multipliedBy(5));

    LeadRetentionSweep off = sweeper(Duration.ZERO);
    assertThat(off.on()).isFalse();
    assertThat(off.sweep()).isZero();

    assertThat(untouched(leadId)).isTrue();
    // The shared application runs with LEAD_RETENTION unset: off.
    assertThat(APP.getConfiguration().getApi().leadRetention().toSeconds()).isZero();
    // Erased by hand: no old ended lead left for this class's other sweeps to count.
    HttpResponse<String> erased =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/" + leadId)))
                .header("Authorization", "Bearer " + TOKEN)
                .DELETE());
    assertThat(erased.statusCode()).isEqualTo(202);
  }
}

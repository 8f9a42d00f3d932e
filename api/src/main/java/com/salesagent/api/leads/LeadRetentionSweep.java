package com.salesagent.api.leads;

import com.mongodb.MongoException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.Stage;
import io.dropwizard.lifecycle.Managed;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage limitation (LEAD_RETENTION): every {@link #EVERY}, the leads whose run has ended (a
 * terminal stage: replied, converted, lost, opted out, no response, failed, stopped) and whose last
 * activity is older than the retention are erased through the erasure on request ({@link
 * LeadErasure}: the same workflow {@code erasure-<leadId>}, audited as {@code
 * lead_erasure_requested} by {@value #OPERATOR}).
 *
 * <p>The last activity is the newest time on any of the lead's documents: the contact (its last
 * stage event's {@code updatedAt}, which the candidates are read by, the "wrote after the end"
 * mark, an outcome, a template request...), its messages (sent, statuses, a person's message after
 * the end), its replies (also those after its run ended, which change no stage), its timeline and
 * its drafts and hand-off. A lead in flight (any other stage), held by a rep (or paused from a held
 * stage), whose workflow still runs, or being erased already is never touched.
 *
 * <p>The erasure keeps no suppression of its own ({@code keepSuppressed=false}): an opt-out, a stop
 * or an operator's suppression of the number is a document of its own that the erasure leaves as it
 * is, while {@code keepSuppressed=true} would suppress, for good, the number of every lead that
 * merely aged out (as if its person had asked to be forgotten), and stop a live lead of the same
 * number in another campaign.
 *
 * <p>Several API processes may sweep at once: the erasure's mark on the contact and its workflow id
 * make a lead erased once (a second request finds it started, and the audit line is written once).
 * At most {@link #BATCH} erasures start per sweep, {@link #PER_MINUTE} a minute, so that switching
 * retention on over a large history does not crowd the leads' task queue.
 */
public final class LeadRetentionSweep implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(LeadRetentionSweep.class);

  static final Duration EVERY = Duration.ofMinutes(5);

  /** Erasures started per sweep at most. */
  public static final int BATCH = 100;

  /** Erasures started per minute at most (per process). */
  public static final int PER_MINUTE = 20;

  /** Candidates read per stage and page; a sweep reads at most {@link #EXAMINED}. */
  static final int PAGE = 100;

  static final int EXAMINED = 2000;

  /** Who the audit log names for these erasures. */
  public static final String OPERATOR =
      com.salesagent.activities.erasure.LeadErasureActivitiesImpl.BY_RETENTION;

  /** The stages of a run that has ended. */
  static final List<String> ENDED =
      Arrays.stream(Stage.values()).filter(Stage::terminal).map(Stage::key).toList();

  /** Waits between two starts (a test waits not at all). */
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private final LeadStore store;
  private final LeadErasure erasure;
  private final WorkflowClient temporal;
  private final Duration retention;
  private final Clock clock;
  private final int batch;
  private final long spacingMillis;
  private final Sleeper sleeper;
  private final String reason;

  /** Per ended stage: the {@code updatedAt} of the last candidate read (the next sweep goes on). */
  private final Map<String, Date> readTo = new HashMap<>();

  private long lastStartNanos;
  private ScheduledExecutorService scheduler;

  public LeadRetentionSweep(
      LeadStore store,
      WorkflowClient temporal,
      Duration erasureSweepAfter,
      Duration retention,
      Clock clock) {
    this(store, temporal, erasureSweepAfter, retention, clock, BATCH, PER_MINUTE, Thread::sleep);
  }

  /**
   * A sweep of its own limits: at most {@code batch} starts per sweep, {@code perMinute} a minute.
   */
  public LeadRetentionSweep(
      LeadStore store,
      WorkflowClient temporal,
      Duration erasureSweepAfter,
      Duration retention,
      Clock clock,
      int batch,
      int perMinute) {
    this(store, temporal, erasureSweepAfter, retention, clock, batch, perMinute, Thread::sleep);
  }

  LeadRetentionSweep(
      LeadStore store,
      WorkflowClient temporal,
      Duration erasureSweepAfter,
      Duration retention,
      Clock clock,
      int batch,
      int perMinute,
      Sleeper sleeper) {
    this.store = store;
    this.erasure = new LeadErasure(store, temporal, erasureSweepAfter, clock);
    this.temporal = temporal;
    this.retention = retention == null ? Duration.ZERO : retention;
    this.clock = clock;
    this.batch = batch;
    this.spacingMillis = perMinute <= 0 ? 0 : 60_000L / perMinute;
    this.sleeper = sleeper;
    this.reason = "retention: older than " + label(this.retention);
  }

  /** Whether leads are erased by age at all (LEAD_RETENTION above zero). */
  public boolean on() {
    return !retention.isZero() && !retention.isNegative();
  }

  /** The audit log's reason for these erasures: {@code retention: older than 365d}. */
  public String reason() {
    return reason;
  }

  @Override
  public void start() {
    if (!on()) {
      LOG.info("LEAD_RETENTION is 0: no lead is erased by age");
      return;
    }
    LOG.info(
        "LEAD_RETENTION {}: ended leads inactive that long are erased (every {} min, at most {} a"
            + " minute)",
        label(retention),
        EVERY.toMinutes(),
        spacingMillis == 0 ? "any" : String.valueOf(60_000L / spacingMillis));
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lead-retention");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(this::sweepQuietly, 60, EVERY.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (MongoException | IllegalStateException e) {
      LOG.warn("lead retention: sweep not finished ({})", e.getClass().getSimpleName());
    } catch (RuntimeException e) {
      LOG.warn("lead retention: sweep failed", e);
    }
  }

  /**
   * One sweep: reads the ended leads last updated before the cut-off, oldest first, going on where
   * the previous sweep stopped, and starts the erasure of those whose last activity is older than
   * the retention. Returns how many erasures it started.
   */
  public int sweep() throws InterruptedException {
    if (!on()) {
      return 0;
    }
    Instant now = clock.instant();
    Date cutoff = Date.from(now.minus(retention));
    int started = 0;
    int examined = 0;
    for (String stage : ENDED) {
      boolean more = true;
      while (more && started < batch && examined < EXAMINED) {
        Date after = readTo.get(stage);
        List<Bson> filter = new ArrayList<>();
        filter.add(Filters.eq("stage", stage));
        filter.add(Filters.exists(LeadStore.ERASURE, false));
        filter.add(Filters.lt("updatedAt", cutoff));
        if (after != null) {
          filter.add(Filters.gt("updatedAt", after));
        }
        List<Document> page =
            store
                .contacts()
                .find(Filters.and(filter))
                .projection(Projections.include("leadId", "updatedAt"))
                .sort(Sorts.ascending("updatedAt"))
                .limit(PAGE)
                .into(new ArrayList<>());
        int read = 0;
        for (Document candidate : page) {
          if (started >= batch || examined >= EXAMINED) {
            break;
          }
          read++;
          examined++;
          readTo.put(stage, candidate.getDate("updatedAt"));
          if (erase(candidate.getString("leadId"), cutoff)) {
            started++;
          }
        }
        if (page.size() < PAGE && read == page.size()) {
          readTo.remove(stage); // read to the end: the next sweep starts from the oldest again
          more = false;
        }
      }
    }
    if (started > 0) {
      LOG.info(
          "lead retention: {} erasure(s) started of ended leads inactive since before {}",
          started,
          cutoff.toInstant());
    }
    return started;
  }

  /**
   * Starts the lead's erasure if it is still ended, idle since before the cut-off, and not held.
   */
  private boolean erase(String leadId, Date cutoff) throws InterruptedException {
    Document contact = store.contact(leadId);
    if (contact == null
        || LeadStore.erasing(contact)
        || !ENDED.contains(contact.getString("stage"))
        || Owners.held(contact)) {
      return false;
    }
    Instant last = lastActivity(contact);
    if (last != null && !last.isBefore(cutoff.toInstant())) {
      return false;
    }
    if (running(leadId)) {
      return false;
    }
    pace();
    try {
      Response accepted = erasure.request(leadId, OPERATOR, reason, "false");
      lastStartNanos = System.nanoTime();
      Object view = accepted.getEntity();
      boolean fresh = view instanceof LeadErasure.ErasureView v && "erasing".equals(v.status());
      if (fresh) {
        LOG.info(
            "lead retention: erasing lead {} (ended {}, last activity {})",
            leadId,
            contact.getString("stage"),
            last);
      }
      return fresh;
    } catch (ApiException e) {
      return false; // gone meanwhile (another process erased it)
    } catch (RuntimeException e) {
      LOG.warn("lead retention: erasure of lead {} not started ({})", leadId, e.toString());
      return false;
    }
  }

  /** At most one start per {@code 60 s / PER_MINUTE}. */
  private void pace() throws InterruptedException {
    if (spacingMillis == 0 || lastStartNanos == 0) {
      return;
    }
    long waited = (System.nanoTime() - lastStartNanos) / 1_000_000L;
    if (waited < spacingMillis) {
      sleeper.sleep(spacingMillis - waited);
    }
  }

  /** Whether the lead's workflow still runs (a stage recorded as ended whose run went on). */
  private boolean running(String leadId) {
    try {
      return temporal.newUntypedWorkflowStub(LeadWorkflow.workflowId(leadId)).describe().getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (WorkflowNotFoundException e) {
      return false; // its history is gone (the namespace's retention)
    }
  }

  /**
   * The newest time on the lead's documents: contact, messages, replies, timeline, drafts and
   * hand-off. Null when none holds a time.
   */
  Instant lastActivity(Document contact) {
    String leadId = contact.getString("leadId");
    Instant[] newest = {newest(contact, null)};
    for (Document m : store.messages().collection().find(Filters.eq("leadId", leadId))) {
      newest[0] = newest(m, newest[0]);
    }
    for (Document f : store.feedback().find(Filters.eq("leadId", leadId))) {
      newest[0] = newest(f, newest[0]);
    }
    Document event =
        store
            .database()
            .getCollection(Collections.INTERACTION_HISTORY)
            .find(Filters.eq("meta.leadId", leadId))
            .projection(Projections.include("ts"))
            .sort(Sorts.descending("ts"))
            .first();
    newest[0] = newest(event, newest[0]);
    for (Document d :
        store.database().getCollection(Collections.DRAFTS).find(Filters.eq("leadId", leadId))) {
      newest[0] = newest(d, newest[0]);
    }
    Document handoff =
        store
            .database()
            .getCollection(HandOffActivitiesImpl.HANDOFFS)
            .find(Filters.eq("_id", leadId))
            .first();
    newest[0] = newest(handoff, newest[0]);
    return newest[0];
  }

  /** The newest of {@code so} and every time in {@code value} (documents and lists walked). */
  private static Instant newest(Object value, Instant so) {
    if (value instanceof Date d) {
      Instant at = d.toInstant();
      return so == null || at.isAfter(so) ? at : so;
    }
    if (value instanceof Document doc) {
      for (Object v : doc.values()) {
        so = newest(v, so);
      }
    } else if (value instanceof List<?> list) {
      for (Object v : list) {
        so = newest(v, so);
      }
    }
    return so;
  }

  /**
   * {@code 365d}, {@code 36h}, {@code 90m}, {@code 30s}: LEAD_RETENTION as an operator writes it.
   */
  static String label(Duration d) {
    long s = d.getSeconds();
    if (s != 0 && s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s != 0 && s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}

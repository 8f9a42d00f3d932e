package com.salesagent.api.suppressions;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.Phones;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.http.ReadableText;
import com.salesagent.api.webhook.LeadSignaller;
import com.salesagent.workflows.lead.OptOutSignal;
import com.salesagent.workflows.lead.Stage;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the live leads of a suppressed number: however the number came to be suppressed (an
 * operator by hand, a STOP or an error 131050 through another lead of the number, a voice note
 * saying stop), each live lead's workflow gets the opt-out signal, so it ends ({@code opted_out})
 * and leaves its rep's Hand-offs queue, its SLA clock, reminders, reassignments and drafts with it.
 * It is counted {@code opted_out} in its campaign's funnel, its contact is marked do-not-contact
 * ({@link LeadStore#SUPPRESSED_AT}: the live feed's event) and its timeline says why ({@code
 * suppressed}: by an operator, or the number opted out in another conversation).
 *
 * <p>Safe to run again: a lead is signalled (idempotent in the workflow), then marked, then its
 * timeline written once (the mark is conditional), and a marked lead is never taken again. At most
 * {@value #MAX_LEADS_PER_NUMBER} leads of a number per pass. The suppression itself is stored first
 * ({@link Suppressions#suppress} marks the number in {@link Suppressions#TO_TELL} before it): what
 * was not told (Temporal unreachable, the process died between storing and signalling, more leads
 * than the cap, a suppression the worker stored) is retried every {@value #EVERY_SECONDS} s by the
 * sweep of every API process until the mark goes. The webhook's own STOP path tells the leads
 * itself ({@code OptOuts}): the sweep leaves such marks {@link #GRACE} first, so the lead that said
 * stop reads "opted out", not "in another conversation".
 */
public final class SuppressedLeads implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(SuppressedLeads.class);

  /** At most this many live leads of one number are told in one pass (the rest the next pass). */
  public static final int MAX_LEADS_PER_NUMBER = 50;

  /** At most this many numbers per sweep pass. */
  static final int MAX_NUMBERS_PER_PASS = 100;

  static final long EVERY_SECONDS = 10;

  /** How long the sweep leaves a mark not an operator's to the path that stored it. */
  static final Duration GRACE = Duration.ofSeconds(30);

  /** The timeline event of a lead told that its number was suppressed. */
  public static final String EVENT = "suppressed";

  private static final List<String> ENDED =
      Arrays.stream(Stage.values()).filter(Stage::terminal).map(Stage::key).toList();

  /** What a pass did for one number: leads told, and whether every live lead was. */
  public record Told(int leads, boolean all) {}

  private final LeadStore store;
  private final Suppressions suppressions;
  private final FunnelStats funnel;
  private final LeadSignaller signaller;
  private final Clock clock;
  private ScheduledExecutorService sweeper;

  public SuppressedLeads(LeadStore store, LeadSignaller signaller, Clock clock) {
    this.store = store;
    this.suppressions = new Suppressions(store.database());
    this.funnel = new FunnelStats(store.database());
    this.signaller = signaller;
    this.clock = clock;
  }

  /**
   * Tells the live leads of this number now (an operator's suppression); the mark goes when all
   * were. A failure is logged and left to the sweep: the suppression stands either way.
   */
  public Told tellNow(String number) {
    Document mark = suppressions.toTellMark(number);
    if (mark == null) {
      return new Told(0, true);
    }
    try {
      return tell(mark);
    } catch (RuntimeException e) {
      LOG.warn(
          "leads of suppressed {} not told yet (the sweep retries): {}",
          Phones.mask(number),
          e.getClass().getSimpleName());
      return new Told(0, false);
    }
  }

  /**
   * Tells the live leads of many numbers just suppressed (an imported list), as {@link
   * #tellNow(String)} does each: one read of their marks and one of their live leads, then each
   * number with live leads told as one suppressed by hand; the marks of those without any go at
   * once (unordered, in one bulk write). A failure is logged and left to the sweep. Returns how
   * many leads were told.
   */
  public int tellNow(java.util.Collection<String> numbers) {
    if (numbers.isEmpty()) {
      return 0;
    }
    List<Document> marks;
    java.util.Set<String> withLeads = new java.util.HashSet<>();
    try {
      marks = suppressions.toTellMarks(numbers);
      List<String> waIds = numbers.stream().map(n -> n.substring(1)).toList();
      for (Document contact :
          store
              .contacts()
              .find(
                  Filters.and(
                      Filters.or(Filters.in("phone", numbers), Filters.in("waIds", waIds)),
                      Filters.nin("stage", ENDED),
                      Filters.ne("doNotContact", true),
                      Filters.exists(LeadStore.ERASURE, false)))
              .projection(Projections.include("phone", "waIds"))) {
        withLeads.add(contact.getString("phone"));
        Object ids = contact.get("waIds");
        if (ids instanceof List<?> list) {
          list.forEach(id -> withLeads.add("+" + id));
        }
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "leads of {} suppressed numbers not told yet (the sweep retries): {}",
          numbers.size(),
          e.getClass().getSimpleName());
      return 0;
    }
    int told = 0;
    List<Document> none = new ArrayList<>();
    for (Document mark : marks) {
      if (!withLeads.contains(mark.getString("_id"))) {
        none.add(mark);
        continue;
      }
      try {
        told += tell(mark).leads();
      } catch (RuntimeException e) {
        LOG.warn(
            "leads of suppressed {} not told yet (the sweep retries): {}",
            Phones.mask(mark.getString("_id")),
            e.getClass().getSimpleName());
      }
    }
    try {
      // No live lead of these numbers: nothing to tell (as tell() finds, one number at a time).
      suppressions.told(none);
    } catch (RuntimeException e) {
      LOG.warn("marks of suppressed numbers not cleared yet: {}", e.getClass().getSimpleName());
    }
    return told;
  }

  /** One pass over the marks: each number's live leads told, the marks of the done ones gone. */
  public int sweep() {
    int told = 0;
    Instant due = clock.instant().minus(GRACE);
    for (Document mark : suppressions.toTell(MAX_NUMBERS_PER_PASS)) {
      Document suppression = suppressions.find(mark.getString("_id"));
      boolean operators =
          suppression != null && Suppressions.OPERATOR.equals(suppression.getString("source"));
      Date at = mark.getDate("at");
      if (!operators && at != null && at.toInstant().isAfter(due)) {
        continue;
      }
      try {
        told += tell(mark).leads();
      } catch (RuntimeException e) {
        LOG.warn(
            "leads of suppressed {} not told yet (retried): {}",
            Phones.mask(mark.getString("_id")),
            e.getClass().getSimpleName());
        break; // Temporal or MongoDB away: the next pass
      }
    }
    return told;
  }

  private Told tell(Document mark) {
    String number = mark.getString("_id");
    Document suppression = suppressions.find(number);
    if (suppression == null || !suppression.getBoolean("active", false)) {
      // Lifted meanwhile (or never stored: the process died before it): nothing to tell.
      if (suppression != null
          || mark.getDate("at") == null
          || mark.getDate("at").toInstant().isBefore(clock.instant().minus(GRACE))) {
        suppressions.told(mark);
      }
      return new Told(0, true);
    }
    String source = suppression.getString("source");
    if (Suppressions.ERASURE.equals(source)) {
      suppressions.told(mark);
      return new Told(0, true);
    }
    Instant at =
        suppression.getDate("at") == null ? clock.instant() : suppression.getDate("at").toInstant();
    List<Document> live =
        store
            .contacts()
            .find(
                Filters.and(
                    Filters.or(
                        Filters.eq("phone", number), Filters.eq("waIds", number.substring(1))),
                    Filters.nin("stage", ENDED),
                    Filters.ne("doNotContact", true),
                    Filters.exists(LeadStore.ERASURE, false)))
            .projection(Projections.include("leadId", "campaignId", "variantId"))
            .limit(MAX_LEADS_PER_NUMBER + 1)
            .into(new ArrayList<>());
    int told = 0;
    String why = why(suppression);
    for (Document contact : live.subList(0, Math.min(live.size(), MAX_LEADS_PER_NUMBER))) {
      String leadId = contact.getString("leadId");
      // The signal first: a failure leaves the lead unmarked, so it is taken again.
      signaller.optOut(leadId, new OptOutSignal(source, at));
      // It ends opted_out, so the campaign's funnel counts it, as a STOP's lead (once: the mark
      // funnel.opted_out is conditional), before the mark the live feed shows, so the counters
      // that follow the feed's event include it. Not the variant's opt-out rate: the variant's
      // message did not make this person ask (README "Suppressions").
      funnel.reach(leadId, "opted_out", at);
      boolean marked =
          store
                  .contacts()
                  .updateOne(
                      Filters.and(Filters.eq("leadId", leadId), Filters.ne("doNotContact", true)),
                      Updates.combine(
                          Updates.set("doNotContact", true),
                          Updates.set("doNotContactSource", source),
                          Updates.set("doNotContactAt", Date.from(at)),
                          Updates.set(LeadStore.SUPPRESSED_AT, Date.from(clock.instant()))))
                  .getModifiedCount()
              == 1;
      if (marked) {
        store
            .interactions()
            .recordInteraction(
                leadId,
                contact.getString("campaignId"),
                contact.getString("variantId"),
                EVENT,
                null,
                why,
                clock.instant());
        told++;
      }
    }
    boolean all = live.size() <= MAX_LEADS_PER_NUMBER;
    if (all) {
      suppressions.told(mark);
    }
    if (told > 0) {
      LOG.info(
          "{} suppressed ({}): {} live lead(s) told{}",
          Phones.mask(number),
          source,
          told,
          all ? "" : ", more left for the next pass");
    }
    return new Told(told, all);
  }

  /** Why the lead ends, for its timeline: an operator's suppression or another conversation's. */
  static String why(Document suppression) {
    String source = suppression.getString("source");
    if (Suppressions.OPERATOR.equals(source)) {
      String detail = suppression.getString("detail");
      // At most 200 code points, never half an emoji (ReadableText counts as every cap here).
      detail = ReadableText.cut(detail, 200);
      return "number suppressed by an operator" + (detail == null ? "" : ": " + detail);
    }
    if (Suppressions.IMPORT.equals(source)) {
      return "number suppressed by an imported do-not-contact list";
    }
    return "the number opted out in another conversation (" + source + ")";
  }

  @Override
  public void start() {
    sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "suppressed-leads");
              t.setDaemon(true);
              return t;
            });
    sweeper.scheduleWithFixedDelay(this::sweepQuietly, 5, EVERY_SECONDS, TimeUnit.SECONDS);
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      LOG.warn("suppressed leads sweep failed: {}", e.getClass().getSimpleName());
    }
  }

  @Override
  public void stop() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }
}

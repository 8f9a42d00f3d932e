package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.AfterEndReplies;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import io.temporal.client.WorkflowClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrols a valid lead: a suppressed number is refused; the contact is stored first (so nothing
 * accepted is lost), then its workflow is started with id lead-<leadId>; a second enrolment of the
 * same leadId starts nothing and says so. One phone has at most one active lead per campaign: a
 * second leadId for it is refused, naming the active one. A contact whose workflow could not be
 * started (Temporal down) is started by the next enrolment of the same leadId. The leadId of a lead
 * being erased is refused until its erasure has ended ({@link #LEAD_ERASING}); then it is a new
 * lead with a workflow run of its own. The {@link RecentContacts} guard and the insert hold the
 * number's lease ({@link EnrolLeases}): one guarded enrolment of a number at a time, across threads
 * and API processes ({@link #PHONE_ENROLLING} when another one held it too long, or took it over
 * from this one before its insert: the contact is then taken back before any workflow starts).
 */
public class Enrolment {
  private static final Logger LOG = LoggerFactory.getLogger(Enrolment.class);

  public static final String ENROLLED = "enrolled";
  public static final String WORKFLOW_STARTED = "workflow_started";
  public static final String ALREADY_ENROLLED = "already_enrolled";
  public static final String SUPPRESSED = "suppressed";
  public static final String PHONE_ACTIVE = "phone_active";

  /** The leadId is another lead's (another phone or campaign): nothing was stored or started. */
  public static final String LEAD_ID_TAKEN = "lead_id_taken";

  /**
   * The leadId is a lead's whose erasure was accepted and has not finished: no workflow was started
   * (nothing was stored either, but in the erasure's last moment, its contact gone and its
   * histories not yet: then the new contact waits, started by the next enrolment of the id);
   * enrolled again after {@code retryAt} (the erasure done) it is a new lead.
   */
  public static final String LEAD_ERASING = "lead_erasing";

  /**
   * An earlier lead of the number was delivered a message within {@code RECONTACT_AFTER} and never
   * answered ({@link RecentContacts}): nothing was stored or started; {@code activeLeadId} names
   * that lead, {@code retryAt} when the number may be contacted again.
   */
  public static final String RECENTLY_CONTACTED = "recently_contacted";

  /**
   * Another enrolment of the number (another import, another API process) held its lease ({@link
   * EnrolLeases}) for all of {@link EnrolLeases#WAIT}: nothing was stored or started; enrol it
   * again after {@code retryAt}, when that one is done (then it is refused {@link
   * #RECENTLY_CONTACTED} if that one enrolled the number in another campaign).
   */
  public static final String PHONE_ENROLLING = "phone_enrolling";

  /**
   * The person asked to be erased while the import enrolling them was under way, the number not
   * suppressed ({@code keepSuppressed=false}), and the request came between the import's check and
   * this enrolment's insert: the contact was taken back, nothing started ({@link #enrol(
   * LeadValidator.Lead, java.util.function.BooleanSupplier)}).
   */
  public static final String ERASED_ON_REQUEST = "erased_on_request";

  /**
   * Why a suppressed number is not enrolled, as POST /api/leads and an import row both say it: the
   * suppression's source and when it was recorded.
   */
  static String suppressedMessage(Suppressions.Entry s) {
    return "this number asked not to be contacted ("
        + s.source()
        + ", "
        + s.at()
        + "): no lead may message it until an operator lifts the suppression with a new consent";
  }

  /** The suppression's source and time, as the 409 and the import row name them. */
  static Map<String, String> suppressionFacts(Suppressions.Entry s) {
    return Map.of("source", s.source(), "at", String.valueOf(s.at()));
  }

  /** What {@code retryAt} adds to an erasure's sweep: its last steps (histories, audit). */
  static final Duration ERASURE_MARGIN = Duration.ofMinutes(1);

  /**
   * {@code status}: one of the constants above. {@code suppression} is set when SUPPRESSED; {@code
   * activeLeadId} when PHONE_ACTIVE; {@code differs} (the fields that differ) when LEAD_ID_TAKEN;
   * {@code retryAt} (when the erasure will be done) when LEAD_ERASING; the earlier lead and when
   * the number is free again when RECENTLY_CONTACTED.
   */
  public record Outcome(
      String leadId,
      String workflowId,
      String status,
      Suppressions.Entry suppression,
      String activeLeadId,
      List<String> differs,
      Instant retryAt) {
    Outcome(String leadId, String workflowId, String status) {
      this(leadId, workflowId, status, null, null, List.of(), null);
    }

    Outcome(
        String leadId,
        String workflowId,
        String status,
        Suppressions.Entry suppression,
        String activeLeadId,
        List<String> differs) {
      this(leadId, workflowId, status, suppression, activeLeadId, differs, null);
    }

    Outcome(
        String leadId,
        String workflowId,
        String status,
        Suppressions.Entry suppression,
        String activeLeadId) {
      this(leadId, workflowId, status, suppression, activeLeadId, List.of());
    }

    /** Whether a workflow runs for this lead now. */
    public boolean started() {
      return ENROLLED.equals(status)
          || WORKFLOW_STARTED.equals(status)
          || ALREADY_ENROLLED.equals(status);
    }
  }

  private final LeadStore store;
  private final WorkflowClient temporal;
  private final Clock clock;
  private final FunnelStats funnel;
  private final Suppressions suppressions;
  private final Duration erasureSweepAfter;
  private final AfterEndReplies afterEnd;
  private final RecentContacts recent;
  private final EnrolLeases leases;
  private final EnrolledRuns runs;

  /** Without the {@link RecentContacts} guard: see the other constructor. */
  public Enrolment(
      LeadStore store, WorkflowClient temporal, Clock clock, Duration erasureSweepAfter) {
    this(store, temporal, clock, erasureSweepAfter, Duration.ZERO);
  }

  /**
   * {@code erasureSweepAfter}: {@code ERASURE_SWEEP_AFTER}, for when an erasure will be done;
   * {@code recontactAfter}: {@code RECONTACT_AFTER} ({@link RecentContacts}; zero: no guard).
   */
  public Enrolment(
      LeadStore store,
      WorkflowClient temporal,
      Clock clock,
      Duration erasureSweepAfter,
      Duration recontactAfter) {
    this(
        store,
        temporal,
        clock,
        erasureSweepAfter,
        recontactAfter.isZero() || recontactAfter.isNegative()
            ? null
            : new RecentContacts(store.database(), recontactAfter),
        recontactAfter.isZero() || recontactAfter.isNegative()
            ? null
            : new EnrolLeases(store.database(), clock));
  }

  private Enrolment(
      LeadStore store,
      WorkflowClient temporal,
      Clock clock,
      Duration erasureSweepAfter,
      RecentContacts recent,
      EnrolLeases leases) {
    this.recent = recent;
    this.leases = leases;
    this.store = store;
    this.erasureSweepAfter = erasureSweepAfter;
    this.funnel = new FunnelStats(store.database());
    this.temporal = temporal;
    this.clock = clock;
    this.suppressions = new Suppressions(store.database());
    this.afterEnd = new AfterEndReplies(store);
    this.runs = new EnrolledRuns(temporal);
  }

  /**
   * The same enrolment without the {@link RecentContacts} guard: an operator's {@code
   * recontact=true}, and "Start a new conversation" with a lead that wrote. It still takes the
   * number's lease: a guarded enrolment of the number at the same moment (an import of another
   * campaign) then sees this lead and is refused, instead of both sending a cold opener.
   */
  public Enrolment recontacting() {
    return recent == null
        ? this
        : new Enrolment(store, temporal, clock, erasureSweepAfter, null, leases);
  }

  /**
   * Whether the live lead {@code activeLeadId} (of the lead's number and campaign) is this lead's
   * person: the same name, case and spacing aside. One read by leadId.
   */
  boolean isLiveLeadOf(String activeLeadId, LeadValidator.Lead lead) {
    return NewContacts.isLiveLeadOf(store, activeLeadId, lead);
  }

  /**
   * Whether an erasure suppressed this number (E.164): its person asked to be forgotten, so an
   * import's record of a row refused for anything keeps none of the row ({@link LeadImport}).
   */
  boolean erasedNumber(String phone) {
    return suppressions
        .active(LeadValidator.spellingsOf(phone))
        .filter(s -> Suppressions.ERASURE.equals(s.source()))
        .isPresent();
  }

  public Outcome enrol(LeadValidator.Lead lead) {
    return enrol(lead, () -> false);
  }

  /**
   * {@link #enrol(LeadValidator.Lead)}, with what else forbids the number, asked again after the
   * contact's insert ({@code forgotten}: an import's {@code ImportRecorder#forgotten}).
   *
   * <p>The number's suppression (and {@code forgotten}) is read before the insert and again after
   * it, before anything starts: an erasure of the person blocks the number first and looks for
   * their leads after ({@link SubjectErasure}), so either its search finds this contact or this
   * second read finds its block, and the contact is taken back. Read only before, an enrolment that
   * read just before the block and inserted just after the erasure's search was erased by nobody.
   */
  public Outcome enrol(LeadValidator.Lead lead, java.util.function.BooleanSupplier forgotten) {
    Instant now = clock.instant();
    Optional<Suppressions.Entry> suppressed =
        suppressions.active(LeadValidator.spellingsOf(lead.phone()));
    if (suppressed.isPresent()) {
      // The leadId of a lead being erased whose erasure suppressed its number is refused as such,
      // naming leadId with when to enrol it again, as with keepSuppressed=false: not as a
      // suppressed number, which would say that no lead may ever message it. A number its person
      // stopped (or an operator suppressed) stays refused as suppressed: that outlasts the erasure.
      Document same =
          Suppressions.ERASURE.equals(suppressed.get().source())
              ? store.contactForSteps(lead.leadId())
              : null;
      if (LeadStore.erasing(same)) {
        return new Outcome(
            lead.leadId(), null, LEAD_ERASING, null, null, List.of(), retryAt(same, now));
      }
      return new Outcome(lead.leadId(), null, SUPPRESSED, suppressed.get(), null);
    }
    // The guard and the insert, one enrolment of the number at a time (threads and processes).
    Optional<EnrolLeases.Lease> lease = Optional.empty();
    if (leases != null) {
      lease = leases.take(lead.phone());
      if (lease.isEmpty()) {
        return enrolling(lead, leases.retryAt(lead.phone()));
      }
    }
    LeadStore.Inserted insert;
    Document contact;
    boolean leaseLost;
    try {
      Optional<RecentContacts.Earlier> earlier =
          recent == null ? Optional.empty() : recent.unanswered(lead, now);
      if (earlier.isPresent()) {
        return new Outcome(
            lead.leadId(),
            null,
            RECENTLY_CONTACTED,
            null,
            earlier.get().leadId(),
            List.of(),
            earlier.get().freeAt());
      }
      contact = NewContacts.contact(lead, now);
      insert = store.insertContact(contact);
    } finally {
      leaseLost = lease.isPresent() && !lease.get().giveBack();
    }
    if (leaseLost && insert == LeadStore.Inserted.INSERTED) {
      // Paused past the lease's staleness between the guard and the insert, this enrolment may
      // have raced one that took the lease over and passed the guard before this insert: the
      // contact is taken back before any workflow starts, and the enrolment is refused as one
      // that met another enrolment of the number (retryable; the next try sees the other lead).
      store.contacts().deleteOne(Filters.eq("_id", contact.get("_id")));
      LOG.warn("an enrolment lost its number's lease before its insert: taken back, retryable");
      return enrolling(lead, now.plus(Duration.ofSeconds(1)));
    }
    if (insert == LeadStore.Inserted.INSERTED) {
      Optional<Suppressions.Entry> since =
          suppressions.active(LeadValidator.spellingsOf(lead.phone()));
      boolean forgot = since.isEmpty() && forgotten.getAsBoolean();
      if (since.isPresent() || forgot) {
        // Blocked between the check above and the insert (an erasure of the person, a stop): the
        // contact is taken back before anything of it starts, and refused as the check would have.
        store.contacts().deleteOne(Filters.eq("_id", contact.get("_id")));
        return forgot
            ? new Outcome(lead.leadId(), null, ERASED_ON_REQUEST, null, null)
            : new Outcome(lead.leadId(), null, SUPPRESSED, since.get(), null);
      }
    }
    if (insert == LeadStore.Inserted.PHONE_ACTIVE) {
      Document active = store.activeContact(lead.campaignId(), lead.phone());
      return new Outcome(
          lead.leadId(),
          null,
          PHONE_ACTIVE,
          null,
          active == null ? null : active.getString("leadId"));
    }
    if (insert == LeadStore.Inserted.LEAD_EXISTS) {
      // The same id again is a retry of the same lead; under another phone or campaign it is
      // another person (a reused CRM id): refused, instead of answering for the first one.
      Document existing = store.contactForSteps(lead.leadId());
      if (LeadStore.erasing(existing)) {
        // Not "enrolled already": that lead is going. Enrolled again once its erasure removed it,
        // the same id is a new lead with nothing of the old one.
        return new Outcome(
            lead.leadId(), null, LEAD_ERASING, null, null, List.of(), retryAt(existing, now));
      }
      List<String> differs = new ArrayList<>();
      if (existing != null && !lead.phone().equals(existing.getString("phone"))) {
        differs.add("phone");
      }
      if (existing != null && !lead.campaignId().equals(existing.getString("campaignId"))) {
        differs.add("campaignId");
      }
      if (!differs.isEmpty()) {
        return new Outcome(lead.leadId(), null, LEAD_ID_TAKEN, null, null, List.copyOf(differs));
      }
    }
    boolean inserted = insert == LeadStore.Inserted.INSERTED;
    if (inserted) {
      store
          .interactions()
          .recordInteraction(lead.leadId(), lead.campaignId(), null, "enrolled", null, null, now);
      // The contact was inserted with its funnel's "enrolled" mark: the counter alone.
      funnel.count(lead.campaignId(), "enrolled", now);
      afterEnd.supersededBy(lead.phone(), lead.leadId());
    }
    return runs.start(lead, inserted, now);
  }

  /**
   * Refused {@link #PHONE_ENROLLING}: another enrolment of the number; again at {@code retryAt}.
   */
  private static Outcome enrolling(LeadValidator.Lead lead, Instant retryAt) {
    return new Outcome(lead.leadId(), null, PHONE_ENROLLING, null, null, List.of(), retryAt);
  }

  /** When the erasure accepted at the contact's mark will be done (now at the earliest). */
  private Instant retryAt(Document erasing, Instant now) {
    Document mark = erasing.get(LeadStore.ERASURE, Document.class);
    Instant requested =
        mark != null && mark.getDate("requestedAt") != null
            ? mark.getDate("requestedAt").toInstant()
            : now;
    Instant done = requested.plus(erasureSweepAfter);
    return (done.isAfter(now) ? done : now).plus(ERASURE_MARGIN);
  }
}

package com.salesagent.activities.lead;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.DeliveryReviews;
import com.salesagent.activities.mongo.HeldMessages;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.persona.PersonaBuilder;
import com.salesagent.activities.persona.Segments;
import com.salesagent.activities.variants.Switched;
import com.salesagent.workflows.lead.ApprovalRecord;
import com.salesagent.workflows.lead.LeadActivities;
import com.salesagent.workflows.lead.LeadEvent;
import com.salesagent.workflows.lead.LeadPolicy;
import com.salesagent.workflows.lead.LeadProfile;
import com.salesagent.workflows.lead.MessageStatusSignal;
import com.salesagent.workflows.lead.VariantAssignment;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/** Profile, persona, variant assignment, policy and the stage/timeline record, in MongoDB. */
public class LeadActivitiesImpl implements LeadActivities {
  private static final Set<String> STOP_WORDS =
      Set.of("and", "the", "for", "with", "head", "from", "team", "of", "at", "&");

  private final LeadStore store;
  private final Clock clock;
  private final Switched switched;

  private final PersonaBuilder personas;
  private final LeadSegments segments;
  private final VariantAssigner assigner;
  private final ReadMarks readMarks;
  private final LeadEventRecords events;

  /** Personas without topics (no embedding model): firmographics and replies only. */
  public LeadActivitiesImpl(LeadStore store, Clock clock) {
    this(store, clock, new PersonaBuilder(store.database(), null, clock));
  }

  public LeadActivitiesImpl(LeadStore store, Clock clock, PersonaBuilder personas) {
    this.store = store;
    this.clock = clock;
    this.switched = new Switched(store.database());
    this.segments = new LeadSegments(store, clock);
    this.assigner = new VariantAssigner(store, clock, segments);
    this.readMarks = new ReadMarks(store);
    this.events = new LeadEventRecords(store, clock);
    this.personas = personas;
  }

  @Override
  public LeadProfile profile(String leadId) {
    Document contact = requireContact(leadId);
    String segment = LeadSegments.sizeBand(contact.getString("companySize"));
    List<String> keywords = keywords(contact.getString("jobTitle"), contact.getString("industry"));
    // Firmographics, country and the research topics (from the chunks' stored vectors).
    Document persona = personas.fromProfile(contact, segment, keywords);
    // An operator's segment the persona matches (first in order) replaces the size band; a lead
    // already assigned (a run resumed from an older version asks its profile again) keeps the
    // segment it was assigned in: later moves go through matchSegment, recorded by the workflow.
    if (contact.getString("variantId") != null && contact.getString("segment") != null) {
      segment = contact.getString("segment");
      store.setContactFields(leadId, new Document("segment", segment));
    } else {
      String band = segment;
      segment = LeadSegments.matching(contact, persona, segments.snapshot());
      if (segment.equals(band)) {
        store.setContactFields(leadId, new Document("segment", segment)); // the persona has it
      } else {
        segments.moveTo(leadId, contact.getString("segment"), segment);
      }
    }
    return new LeadProfile(segment, contact.getString("timezone"), contact.getString("locale"));
  }

  @Override
  public MessageStatusSignal readReceipt(String leadId, String wamid) {
    return readMarks.readReceipt(leadId, wamid);
  }

  @Override
  public String matchSegment(String leadId, String current) {
    return segments.rematch(
        requireContact(leadId), store.persona(leadId), current, segments.snapshot());
  }

  /**
   * Research is done: its topics join the persona, the lead is matched again (a segment may be
   * defined by a research topic, unknown when the profile step ran beside the research), and the
   * variant is assigned in the segment matched; the answer names it. The contact, the persona as
   * refreshed and the segments are read once for all of it.
   */
  @Override
  public VariantAssignment matchAndAssign(String leadId, String segment) {
    Document contact = requireContact(leadId);
    Segments.Snapshot snapshot = segments.snapshot();
    String now = segment;
    if (contact.getString("variantId") == null) {
      // A retry after the assignment keeps the segment it was assigned in.
      Document persona = personas.refreshResearchTopics(leadId);
      now = segments.rematch(contact, persona, segment, snapshot);
    } else if (contact.getString("segment") != null) {
      now = contact.getString("segment");
    }
    // A move above writes only the contact's segment: its variant and campaign are as read.
    VariantAssignment assignment = assigner.assign(contact, now, snapshot, true);
    return new VariantAssignment(
        assignment.variantId(), assignment.angle(), assignment.strategy(), now);
  }

  static List<String> keywords(String... texts) {
    Set<String> words = new LinkedHashSet<>();
    for (String text : texts) {
      if (text == null) {
        continue;
      }
      Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
          .filter(w -> w.length() > 2 && !STOP_WORDS.contains(w))
          .forEach(words::add);
    }
    return new ArrayList<>(words);
  }

  @Override
  public VariantAssignment assignVariant(String leadId, String segment) {
    return assigner.assign(requireContact(leadId), segment, segments.snapshot(), true);
  }

  /** The failure of an assignment that found no enabled variant for the segment. */
  public static final String NO_VARIANT = VariantAssigner.NO_VARIANT;

  /** The contact field naming the segment a lead waits in for an enabled variant. */
  public static final String WAITING_FOR_VARIANT = VariantAssigner.WAITING_FOR_VARIANT;

  /** The timeline event a lead's first failed assignment records. */
  public static final String WAITING_EVENT = VariantAssigner.WAITING_EVENT;

  @Override
  public VariantAssignment reassignVariant(String leadId, String segment) {
    Document contact = requireContact(leadId);
    String current = contact.getString("variantId");
    Document variant =
        current == null
            ? null
            : store
                .database()
                .getCollection(Collections.PROMPT_VARIANTS)
                .find(Filters.eq("variantId", current))
                .first();
    if (variant != null && variant.getBoolean("enabled", true)) {
      // Re-enabled meanwhile, or a retry after the switch: keep what the lead has.
      return new VariantAssignment(current, variant.getString("angle"), "sticky", segment);
    }
    // Takes the lead off the disabled variant's trials (Switched): a clean trial of the new one
    // only if nothing of the old one was sent.
    boolean trial = switched.switchOff(contact, current, segment, clock.instant());
    contact.remove("variantId");
    return assigner.assign(contact, segment, segments.snapshot(), trial);
  }

  @Override
  public LeadPolicy policy(String leadId, String segment) {
    Document definition = segments.definition(segment);
    if (definition == null) {
      throw ApplicationFailure.newFailure("no workflow_definitions", "NoPolicy");
    }
    Document contact = requireContact(leadId);
    AgentConfigs configs = AgentConfigs.read(store.database(), contact.getString("campaignId"));
    if (configs.defaults() == null && configs.campaign() == null) {
      throw ApplicationFailure.newFailure("no agent_configurations", "NoPolicy");
    }
    Document config = configs.effective();
    QuietHours quiet = QuietHours.of(config);
    Document reconciliation = config.get("deliveryReconciliation", new Document());
    return new LeadPolicy(
        Duration.parse(definition.getString("readNoReplyDelay")),
        Duration.parse(definition.getString("unreadDelay")),
        definition.getInteger("maxFollowUps", 2),
        quiet.start(),
        quiet.end(),
        Duration.parse(config.getString("customerServiceWindow")),
        Duration.parse(config.getString("rateLimitBackoff")),
        config.getInteger("maxRateLimitRetries", 7),
        Duration.parse(config.get("approval", new Document()).get("sla", "PT4H")),
        config.get("approval", new Document()).get("default", "approve"),
        Duration.parse(reconciliation.get("window", "PT15M")),
        reconciliation.get("policy", LeadPolicy.HOLD),
        Duration.parse(
            definition.get("reEngageAfter", LeadPolicy.DEFAULT_RE_ENGAGE_AFTER.toString())),
        definition.getInteger("maxReEngagements", 1),
        com.salesagent.activities.handoff.HandOffActivitiesImpl.handOffSla(definition));
  }

  /**
   * Told an owner's id when a lead they held ended (converted, lost, stopped...: it no longer
   * counts against their capacity): the worker hands them the next lead waiting unassigned ({@code
   * WaitingHandOffs#inBackground}). Called on the activity's thread after the stage is written, so
   * it must only queue the work; whatever it throws is logged, never the activity's.
   */
  public LeadActivitiesImpl whenOwnerFreed(java.util.function.Consumer<String> ownerFreed) {
    events.whenOwnerFreed(ownerFreed);
    return this;
  }

  @Override
  public void record(LeadEvent event) {
    events.record(event);
  }

  /** The delivery decisions an operator takes on a send of unknown fate. */
  private static final Set<String> DELIVERY_DECIDED = Set.of("resend", "assume_sent", "stop");

  @Override
  public void recordApproval(ApprovalRecord approval) {
    boolean held = "delivery_unknown".equals(approval.status()) && approval.heldAt() != null;
    Document record =
        new Document("status", approval.status())
            // A hold's time is the workflow's (what a decision names and the workflow checks).
            .append("at", Date.from(held ? approval.heldAt() : clock.instant()));
    if (approval.approver() != null) {
      record.append("by", approval.approver());
    }
    if (approval.slaAt() != null) {
      record.append("slaAt", Date.from(approval.slaAt()));
    }
    // A send whose fate is unknown is decided on like a held message, in its own field.
    boolean delivery = approval.status().startsWith("delivery_");
    if (delivery) {
      record.put("status", approval.status().substring("delivery_".length()));
    }
    if (delivery && DELIVERY_DECIDED.contains(record.getString("status"))) {
      recordDeliveryDecision(approval, record);
    } else if (delivery && "unknown".equals(record.getString("status"))) {
      // Conditional: a late attempt never lists a send decided since (or held again) as pending.
      new DeliveryReviews(store.database()).deliveryHeld(approval.idempotencyKey(), record);
    } else {
      store
          .messages()
          .collection()
          .updateOne(
              Filters.eq("idempotencyKey", approval.idempotencyKey()),
              new Document("$set", new Document(delivery ? "delivery" : "approval", record)));
    }
    if ("pending".equals(approval.status())) {
      // The workflow's next step, the lead's stage becoming awaiting_approval, writes the
      // timeline's approval_requested event with the gate's score: one event, not two.
      return;
    }
    store
        .interactions()
        .recordInteractionOnce(
            recordId(approval),
            approval.leadId(),
            delivery ? approval.status() : "approval_" + approval.status(),
            approval.approver(),
            clock.instant());
  }

  /**
   * The identity of one record of the workflow, the same in each attempt of its activity (a retry
   * records one timeline event, not two): its send, status and hold ({@code heldAt}, from version 1
   * of delivery-hold-identity), else the activity (its run and activity id); null outside one.
   */
  static String recordId(ApprovalRecord approval) {
    String record = approval.idempotencyKey() + "|" + approval.status() + "|";
    if (approval.heldAt() != null) {
      return record + approval.heldAt().toEpochMilli();
    }
    try {
      var info = io.temporal.activity.Activity.getExecutionContext().getInfo();
      return record + info.getRunId() + "/" + info.getActivityId();
    } catch (IllegalStateException notInAnActivity) {
      return null;
    }
  }

  /**
   * The operator's decision the workflow took on a held send: the send's {@link
   * HeldMessages#DELIVERY_REVIEW} of the hold decided, then its {@code delivery}, so the record
   * ends as the workflow took it whatever the API heard.
   *
   * <p>A decision naming its hold (version 1 of delivery-hold-identity) replaces only that hold's
   * {@code delivery}: an attempt landing late (its retry took it, the send was resent and held
   * again) never replaces a later hold's record, which would hide it from GET /api/approvals and
   * leave the workflow waiting. A decision naming none (a hold opened before version 1) is on the
   * hold the send's {@code delivery} shows, written as before; its review is ended first, so a
   * retry after an attempt that stopped in between still finds the hold unknown and ends it.
   */
  private void recordDeliveryDecision(ApprovalRecord approval, Document record) {
    var messages = store.messages().collection();
    Bson send = Filters.eq("idempotencyKey", approval.idempotencyKey());
    Date heldAt;
    Bson only;
    if (approval.heldAt() != null) {
      heldAt = Date.from(approval.heldAt());
      only =
          Filters.and(
              send, Filters.eq("delivery.status", "unknown"), Filters.eq("delivery.at", heldAt));
    } else {
      Document seen = messages.find(send).projection(new Document("delivery", 1)).first();
      Document was = seen == null ? null : seen.get("delivery", Document.class);
      heldAt = was != null && "unknown".equals(was.getString("status")) ? was.getDate("at") : null;
      only = send;
    }
    if (heldAt != null) {
      new DeliveryReviews(store.database())
          .deliveryTaken(
              approval.idempotencyKey(),
              heldAt,
              record.getString("status"),
              approval.approver(),
              clock.instant());
    }
    messages.updateOne(only, new Document("$set", new Document("delivery", record)));
  }

  private Document requireContact(String leadId) {
    Document contact = store.contactForSteps(leadId);
    if (contact == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no contact for lead " + leadId, "UnknownLead");
    }
    return contact;
  }
}

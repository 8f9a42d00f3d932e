package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.Phones;
import com.salesagent.activities.erasure.LeadErasureActivitiesImpl;
import com.salesagent.activities.knowledge.DraftAudience;
import com.salesagent.activities.knowledge.KnowledgeActivitiesImpl;
import com.salesagent.activities.lead.LeadActivitiesImpl;
import com.salesagent.activities.lead.QuietHours;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.persona.PersonaExplanation;
import com.salesagent.api.http.ApiException;
import com.salesagent.workflows.erasure.LeadErasureWorkflow;
import com.salesagent.workflows.lead.LeadState;
import com.salesagent.workflows.lead.LeadWorkflow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.bson.Document;

/**
 * What {@code GET /api/leads/{leadId}} shows of one lead, assembled from MongoDB and the workflow's
 * live state query: every spelling of the number masked, and a send due inside the lead's quiet
 * hours shown at the time it will really go (the leads list uses the same rule, {@link
 * #sendsAt(Document, Map)}).
 */
final class LeadViews {
  /**
   * The next actions that send a message when due: the workflow holds that send until the lead's
   * quiet hours end (Sending.awaitWindow), so the time it goes is shown, not the raw due time.
   */
  static final Set<String> SENDING_ACTIONS =
      Set.of("follow_up_read", "follow_up_unread", "resume_sequence", "re_engage");

  /** A research chunk a message used, with its best retrieval score. */
  public record ResearchUsed(String text, String source, double score) {}

  /**
   * {@code GET /api/leads/{leadId}}: the contact (phone masked), its messages, persona (and
   * personaWhy: each attribute's evidence, and why the lead is in its segment), the research its
   * messages used, its replies, its timeline, and the workflow's live state.
   */
  public record LeadView(
      Document lead,
      Object stage,
      Object nextAction,
      Object nextActionAt,
      List<Document> messages,
      Document persona,
      PersonaExplanation.Explanation personaWhy,
      List<ResearchUsed> research,
      List<Document> feedback,
      List<Document> interactions,
      List<Document> drafts,
      String workflowId,
      Object workflow,
      String temporalUi) {}

  private final LeadStore store;
  private final PersonaExplanation explanation;
  private final Function<String, LeadWorkflow> workflows;
  private final ObjectMapper mapper;
  private final String temporalUiUrl;
  private final String namespace;
  private final Clock clock;

  LeadViews(
      LeadStore store,
      Function<String, LeadWorkflow> workflows,
      ObjectMapper mapper,
      String temporalUiUrl,
      String namespace) {
    this(store, workflows, mapper, temporalUiUrl, namespace, Clock.systemUTC());
  }

  LeadViews(
      LeadStore store,
      Function<String, LeadWorkflow> workflows,
      ObjectMapper mapper,
      String temporalUiUrl,
      String namespace,
      Clock clock) {
    this.clock = clock;
    this.store = store;
    this.explanation = new PersonaExplanation(store.database());
    this.workflows = workflows;
    this.mapper = mapper;
    this.temporalUiUrl = temporalUiUrl;
    this.namespace = namespace;
  }

  /** The lead's page; 404 when there is no such lead. */
  LeadView view(String leadId) {
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    contact.remove("_id");
    // WhatsApp's window is the number's: the page's write box reads it from here (before the
    // number is masked below).
    CustomerServiceWindow window = new CustomerServiceWindow(store);
    Instant numberWrote = window.lastInbound(contact);
    Document live = window.liveLeadBeside(contact);
    contact.put("numberLastWroteAt", numberWrote == null ? null : Date.from(numberWrote));
    contact.put("liveLeadOfNumber", live == null ? null : live.getString("leadId"));
    // A number that said stop gets no sales draft, whatever it writes: the page says why, and how
    // it may opt back in (KnowledgeActivitiesImpl withholds the draft). Its contact marked, its run
    // ended opted out, or the number on the suppression list (an operator's, another lead's STOP),
    // as DraftAudience reads it.
    contact.put(
        "noDraftBecause",
        contact.getBoolean("doNotContact", false)
                || "opted_out".equals(contact.getString("stage"))
                || new com.salesagent.activities.mongo.Suppressions(store.database())
                    .active(com.salesagent.activities.mongo.LeadStore.numbersOf(contact))
                    .isPresent()
            ? DraftAudience.OPTED_OUT_WHY
            : null);
    // A lead whose erasure was accepted gets no draft, whatever its number: it is going (its number
    // suppressed by the erasure read as an opt-out before).
    boolean erasing = LeadStore.erasing(contact);
    if (erasing) {
      contact.put("noDraftBecause", LeadErasure.ERASING_WHY);
    }
    // A rep's snooze (its until, who set it) and whether it holds now: not over, and the lead has
    // not written since it was set.
    contact.put(
        "repSnoozed",
        com.salesagent.api.owners.SnoozedLeads.snoozed(store.database(), contact, clock.instant()));
    String timezone = contact.getString("timezone");
    String campaignId = contact.getString("campaignId");
    // Dashboards get screen-shared: the number is masked here too (MongoDB keeps it whole).
    contact.put("phone", Phones.mask(contact.getString("phone")));
    // Its other spellings too: the active-lead key (campaign|number), the wa_ids WhatsApp answered
    // with, each message's recipient.
    String activeKey = contact.getString("activeKey");
    if (activeKey != null && activeKey.contains("|")) {
      int bar = activeKey.lastIndexOf('|');
      contact.put(
          "activeKey", activeKey.substring(0, bar + 1) + Phones.mask(activeKey.substring(bar + 1)));
    }
    List<?> waIds = contact.getList("waIds", Object.class);
    if (waIds != null) {
      contact.put("waIds", waIds.stream().map(w -> Phones.mask(String.valueOf(w))).toList());
    }
    List<Document> messages = new ArrayList<>(withoutIds(store.messages().messagesOf(leadId)));
    // In the order they were made: the sequence's by step would put every person's message (no
    // step order of its own) before the first contact. Stable: ties keep the step order.
    inMadeOrder(messages);
    Instant now = clock.instant();
    List<Document> timeline = withoutIds(store.interactions().timeline(leadId));
    Set<String> switchedBeforeSend = new HashSet<>();
    for (Document e : timeline) {
      if (SWITCHED_BEFORE_SEND.equals(e.getString("type")) && e.getString("detail") != null) {
        switchedBeforeSend.add(e.getString("detail"));
      }
    }
    messages.forEach(
        m -> {
          if (m.get("waId") != null) {
            m.put("waId", Phones.mask(String.valueOf(m.get("waId"))));
          }
          if (PendingPersonMessages.requestFailed(m, now)) {
            // Nothing sends it: "composed" would read as on its way (shown, not stored).
            m.put("status", "not_sent");
            m.put("notSentBecause", PendingPersonMessages.REQUEST_FAILED);
          } else if (m.get("wamid") == null
              && switchedBeforeSend.contains(m.getString("idempotencyKey"))) {
            // Its variant was switched off while it was held (or before its send): its run
            // dropped it and composes the message again on another variant. "composed", approved,
            // read as on its way (shown, not stored).
            m.put("status", "not_sent");
            m.put(
                "notSentBecause",
                "its variant "
                    + m.getString("variantId")
                    + " was switched off before it went: composed again on another variant");
          }
        });
    Document persona = store.persona(leadId);
    if (persona != null) {
      persona.remove("_id");
    }
    String temporalUi =
        temporalUiUrl.isBlank()
            ? null
            : temporalUiUrl.replaceAll("/+$", "")
                + "/namespaces/"
                + namespace
                + "/workflows/"
                + LeadWorkflow.workflowId(leadId);
    readNotLookedUpYet(contact, messages);
    Map<String, QuietHours> quiet = new HashMap<>();
    sendsAt(contact, quiet);
    // The lead's profile on the page shows the contact's next action: a wait for a variant too.
    contact.put("nextAction", nextAction(contact));
    // Still on a variant switched off: marked, as on the lead list (SwitchedVariants).
    new SwitchedVariants(store.database()).mark(contact);
    if (erasing) {
      // Its run is stopped by the erasure, or about to be: nothing is next, whatever the contact
      // said when it was marked (shown, not stored).
      contact.put("stage", LeadErasureActivitiesImpl.ERASING_STAGE);
      contact.put("nextAction", LeadErasureActivitiesImpl.ERASING_STAGE);
      contact.put("nextActionAt", null);
    }
    return new LeadView(
        contact,
        contact.get("stage"),
        contact.get("nextAction"),
        contact.get("nextActionAt"),
        messages,
        persona,
        explanation.explain(persona, store.contact(leadId)),
        researchUsed(leadId, messages),
        withoutIds(store.feedbackOf(leadId)),
        oneOwnerRepliedPerMessage(answeredVariants(timeline, messages), messages),
        drafts(leadId),
        LeadWorkflow.workflowId(leadId),
        erasing ? erasingState(leadId) : liveState(leadId, campaignId, timezone, quiet),
        temporalUi);
  }

  /**
   * The timeline event of a message its run dropped because its variant was switched off (its
   * detail: the message's key); the run composes it again on another variant.
   */
  static final String SWITCHED_BEFORE_SEND = "variant_switched_before_send";

  /** Timeline events of a lead's message to us that answer one of ours. */
  private static final Set<String> ANSWERS = Set.of("replied", "reaction");

  /**
   * What the lead does next as an operator reads it: a lead whose segment has no enabled variant
   * waits for one (its assignment is retried with back-off, {@code contacts.waitingForVariant}),
   * whatever its stored next action says.
   */
  static String nextAction(Document contact) {
    String waiting = contact.getString(LeadActivitiesImpl.WAITING_FOR_VARIANT);
    return waiting != null
        ? "waiting: no enabled prompt variant for segment " + waiting
        : contact.getString("nextAction");
  }

  /**
   * The timeline names, for a reply, the variant that composed the message it answers (the quoted
   * one, else the sequence's last accepted before the reply was written: {@link
   * com.salesagent.api.webhook.AnsweredMessage#among}). The inbox records a reply of a lead the
   * kill switch moved after its reply with the variant it stays the evidence of (what the counters
   * and their recount read); that one is shown beside it as {@code evidenceVariantId} (shown, not
   * stored).
   */
  static List<Document> answeredVariants(List<Document> timeline, List<Document> messages) {
    List<Document> sequence =
        messages.stream().filter(m -> m.getString("variantId") != null).toList();
    if (sequence.isEmpty()) {
      return timeline;
    }
    for (Document e : timeline) {
      Date at = e.getDate("ts");
      if (!ANSWERS.contains(e.getString("type")) || at == null) {
        continue;
      }
      Document answered =
          com.salesagent.api.webhook.AnsweredMessage.among(
              sequence, e.getString("wamid"), at.toInstant());
      String composer = answered == null ? null : answered.getString("variantId");
      String recorded = e.getString("variantId");
      if (composer != null && !composer.equals(recorded)) {
        e.put("variantId", composer);
        if (recorded != null) {
          e.put(com.salesagent.activities.variants.Switched.EVIDENCE, recorded);
        }
      }
    }
    return timeline;
  }

  /**
   * The unread follow-up the contact says is next, when the message it is timed from was read: the
   * run does not hear of that read until it looks ({@code ReadReceipts}, readNoReplyDelay after the
   * send), so until then the contact said "unread" and the unread due time. The page shows what the
   * run will do: the read follow-up, readNoReplyDelay (the segment's) after the read (shown, not
   * stored). A person's message's read is signalled, and a read looked up already was: theirs are
   * the contact's.
   */
  void readNotLookedUpYet(Document contact, List<Document> messages) {
    if (!"follow_up_unread".equals(contact.getString("nextAction"))) {
      return;
    }
    Document last = null;
    for (int i = messages.size() - 1; i >= 0 && last == null; i--) {
      Document m = messages.get(i);
      boolean person = "person".equals(m.getString("composer"));
      if (m.getString("wamid") != null && !(person && "failed".equals(m.getString("status")))) {
        last = m;
      }
    }
    if (last == null
        || "person".equals(last.getString("composer"))
        || last.getBoolean(com.salesagent.activities.mongo.Messages.READ_SIGNAL, false)) {
      return;
    }
    Document statusAt = last.get("statusAt", Document.class);
    Date read = statusAt == null ? null : statusAt.getDate("read");
    Date reacted = last.getDate(com.salesagent.activities.mongo.Messages.REACTED_AT);
    if (reacted != null && (read == null || reacted.before(read))) {
      read = reacted;
    }
    if (read == null) {
      return;
    }
    Document definition =
        new com.salesagent.activities.lead.LeadSegments(store)
            .definition(
                contact.getString("segment") == null ? "default" : contact.getString("segment"));
    String delay = definition == null ? null : definition.getString("readNoReplyDelay");
    if (delay == null) {
      return;
    }
    contact.put("nextAction", "follow_up_read");
    contact.put("nextActionAt", Date.from(read.toInstant().plus(java.time.Duration.parse(delay))));
  }

  /**
   * The timeline with one {@code owner_replied} per person's message. A rep's first answer to a
   * lead handed to them is recorded twice: the hand-off's record that its owner acted (no wamid, as
   * the run takes the message) and the message's own once it went (its wamid, same person); the
   * page read "owner_replied · by Ana Lima (ana)" twice for one message. The acted record is left
   * out when it was recorded between that message's queueing and its own record with no other
   * message sent in between (shown, not stored); one for a template request (the run composes it:
   * no owner_replied of its own, its send follows the acted record) or for an answer that did not
   * go stays. This page is the one reader that counts owner_replied: the analytics (variant
   * counters, funnel, interest) and the outbound notifications do not read it.
   */
  static List<Document> oneOwnerRepliedPerMessage(
      List<Document> timeline, List<Document> messages) {
    Map<String, Date> queuedByWamid = new HashMap<>();
    for (Document m : messages) {
      if (m.getString("wamid") != null && m.getDate("createdAt") != null) {
        queuedByWamid.put(m.getString("wamid"), m.getDate("createdAt"));
      }
    }
    Set<Integer> twins = new java.util.HashSet<>();
    for (int i = 0; i < timeline.size(); i++) {
      Document sent = timeline.get(i);
      Date queued = queuedByWamid.get(sent.getString("wamid"));
      if (!"owner_replied".equals(sent.getString("type")) || queued == null) {
        continue;
      }
      // Backwards to the acted record; a status of the message (Meta's whole seconds, shown
      // after its send) may read earlier than the queueing, so only another message's own record
      // ends the search.
      for (int j = i - 1; j >= 0; j--) {
        Document acted = timeline.get(j);
        if ("message_sent".equals(acted.getString("type"))
            && !java.util.Objects.equals(acted.getString("wamid"), sent.getString("wamid"))) {
          // Another message went in between: an acted record before it was that message's (a
          // template request the run took first), never this one's.
          break;
        }
        if (!"owner_replied".equals(acted.getString("type"))) {
          continue;
        }
        if (acted.getString("wamid") != null) {
          break;
        }
        Date at = acted.getDate("ts");
        if (at != null
            && !at.before(queued)
            && java.util.Objects.equals(acted.getString("detail"), sent.getString("detail"))) {
          twins.add(j);
        }
        break;
      }
    }
    if (twins.isEmpty()) {
      return timeline;
    }
    List<Document> shown = new ArrayList<>();
    for (int i = 0; i < timeline.size(); i++) {
      if (!twins.contains(i)) {
        shown.add(timeline.get(i));
      }
    }
    return shown;
  }

  /**
   * The contact's {@code nextActionAt} as the lead will see it: a send due inside its quiet hours
   * (its campaign's, {@link QuietHours}, read once per campaign into {@code quiet}) moved to when
   * they end, by the workflow's own rule.
   */
  void sendsAt(Document contact, Map<String, QuietHours> quiet) {
    if (!(contact.get("nextActionAt") instanceof Date due)) {
      return;
    }
    Instant at =
        sendsAt(
            contact.getString("nextAction"),
            due.toInstant(),
            contact.getString("campaignId"),
            contact.getString("timezone"),
            quiet);
    if (!at.equals(due.toInstant())) {
      contact.put("nextActionAt", Date.from(at));
    }
  }

  private Instant sendsAt(
      String action,
      Instant due,
      String campaignId,
      String timezone,
      Map<String, QuietHours> quiet) {
    if (action == null || !SENDING_ACTIONS.contains(action)) {
      return due;
    }
    return quiet
        .computeIfAbsent(
            String.valueOf(campaignId), campaign -> QuietHours.of(store.database(), campaignId))
        .sendsAt(due, timezone);
  }

  /**
   * The workflow's own state as its query answered it, with {@code sendsAt} beside its {@code
   * nextActionAt} when the send waits for the end of the lead's quiet hours: the panel that shows
   * the raw state no longer contradicts the page's due time.
   */
  Object workflowState(
      LeadState state, String campaignId, String timezone, Map<String, QuietHours> quiet) {
    ObjectNode raw = mapper.valueToTree(state);
    if (state.nextActionAt() == null) {
      return raw;
    }
    Instant at = sendsAt(state.nextAction(), state.nextActionAt(), campaignId, timezone, quiet);
    if (at.equals(state.nextActionAt())) {
      return raw;
    }
    ObjectNode shown = mapper.createObjectNode();
    raw.fields()
        .forEachRemaining(
            field -> {
              shown.set(field.getKey(), field.getValue());
              if (field.getKey().equals("nextActionAt")) {
                shown.set("sendsAt", mapper.valueToTree(at));
              }
            });
    return shown;
  }

  /** The agent's drafted answers to the lead's replies, newest first (at most 10). */
  private List<Document> drafts(String leadId) {
    return store
        .database()
        .getCollection(KnowledgeActivitiesImpl.DRAFTS)
        .find(Filters.eq("leadId", leadId))
        .sort(Sorts.descending("createdAt"))
        .limit(10)
        .into(new ArrayList<>());
  }

  private static List<Document> withoutIds(List<Document> documents) {
    documents.forEach(d -> d.remove("_id"));
    return documents;
  }

  /** The research chunks the messages used, with their text, best score first. */
  private List<ResearchUsed> researchUsed(String leadId, List<Document> messages) {
    Map<Object, Double> scores = new LinkedHashMap<>();
    for (Document m : messages) {
      for (Document r : m.getList("retrieved", Document.class, List.of())) {
        Number score = r.get("score", Number.class);
        scores.merge(r.get("chunkId"), score == null ? 0.0 : score.doubleValue(), Math::max);
      }
    }
    if (scores.isEmpty()) {
      return List.of();
    }
    List<ResearchUsed> out = new ArrayList<>();
    for (Document chunk : store.researchChunks(leadId, scores.keySet())) {
      out.add(
          new ResearchUsed(
              chunk.getString("text"), chunk.getString("source"), scores.get(chunk.get("_id"))));
    }
    out.sort(Comparator.comparingDouble(ResearchUsed::score).reversed());
    return out;
  }

  /**
   * The workflow of a lead being erased, as the page shows it: the erasure's, not the lead's run,
   * whose last state (queried from a run being stopped, or from its history once stopped) looked
   * live.
   */
  static Map<String, Object> erasingState(String leadId) {
    Map<String, Object> state = new java.util.LinkedHashMap<>();
    state.put("state", LeadErasureActivitiesImpl.ERASING_STAGE);
    state.put("erasureWorkflowId", LeadErasureWorkflow.workflowId(leadId));
    state.put("message", LeadErasure.ERASING_WHY);
    return state;
  }

  private Object liveState(
      String leadId, String campaignId, String timezone, Map<String, QuietHours> quiet) {
    LeadState state;
    try {
      LeadWorkflow stub = workflows.apply(leadId);
      state = CompletableFuture.supplyAsync(stub::state).get(3, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return Map.of("unavailable", "the workflow did not answer its state query within 3 s");
    } catch (Exception e) {
      return Map.of("unavailable", "the workflow's state could not be queried");
    }
    return state == null ? null : workflowState(state, campaignId, timezone, quiet);
  }

  /** When a message was made: composed by the run, or queued by a person. */
  /** A lead's messages in the order they were made (stable: ties keep the step order). */
  static void inMadeOrder(List<Document> messages) {
    messages.sort(
        Comparator.comparing(LeadViews::madeAt, Comparator.nullsLast(Comparator.naturalOrder())));
  }

  private static Date madeAt(Document message) {
    Date composed = message.getDate("composedAt");
    return composed != null ? composed : message.getDate("createdAt");
  }
}

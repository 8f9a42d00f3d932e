package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.Phones;
import com.salesagent.activities.erasure.LeadErasureActivitiesImpl;
import com.salesagent.activities.knowledge.DraftAudience;
import com.salesagent.activities.knowledge.KnowledgeActivitiesImpl;
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
 * NextActions#sendsAt(Document, Map)}); its timeline shaped by {@link PageTimeline}.
 */
final class LeadViews {
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
  private final NextActions nextActions;
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
    this.nextActions = new NextActions(store, mapper);
    this.temporalUiUrl = temporalUiUrl;
    this.namespace = namespace;
  }

  /** What the lead does next and when, as this page shows it (the leads list too). */
  NextActions nextActions() {
    return nextActions;
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
      if (PageTimeline.SWITCHED_BEFORE_SEND.equals(e.getString("type"))
          && e.getString("detail") != null) {
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
    nextActions.readNotLookedUpYet(contact, messages);
    Map<String, QuietHours> quiet = new HashMap<>();
    nextActions.sendsAt(contact, quiet);
    // The lead's profile on the page shows the contact's next action: a wait for a variant too.
    contact.put("nextAction", NextActions.nextAction(contact));
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
        PageTimeline.oneOwnerRepliedPerMessage(
            PageTimeline.answeredVariants(timeline, messages), messages),
        drafts(leadId),
        LeadWorkflow.workflowId(leadId),
        erasing ? erasingState(leadId) : liveState(leadId, campaignId, timezone, quiet),
        temporalUi);
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
    return state == null ? null : nextActions.workflowState(state, campaignId, timezone, quiet);
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

package com.salesagent.activities.lead;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.compose.LlmWriter;
import com.salesagent.activities.media.CardRenderer;
import com.salesagent.activities.media.OutboundMedia;
import com.salesagent.activities.media.VoiceNotes;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Messages;
import com.salesagent.activities.research.Retriever;
import com.salesagent.workflows.lead.ComposeActivities;
import com.salesagent.workflows.lead.ComposeRequest;
import com.salesagent.workflows.lead.ComposedMessage;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * The offline composer in its simplest form: fills the variant's template for the step with the
 * lead's own fields (never inventing one), and stores the text and the template parameters under
 * the idempotency key. LLM composition comes with the composition issue behind this interface.
 */
public class TemplateComposeActivities implements ComposeActivities {
  public static final String COMPOSER = "offline-template";
  private final LeadStore store;
  private final Retriever retriever;
  private final Clock clock;
  private final LlmWriter llm;
  private final TopicFacts topicFacts;
  private final String llmLabel;
  private final TemplateChoice templates;

  public TemplateComposeActivities(LeadStore store, Retriever retriever, Clock clock) {
    this(store, retriever, clock, null, null);
  }

  /** With an LLM for free-text messages; templates are always filled offline. */
  public TemplateComposeActivities(
      LeadStore store, Retriever retriever, Clock clock, LlmWriter llm, String llmLabel) {
    this.store = store;
    this.topicFacts = new TopicFacts(store.database());
    this.retriever = retriever;
    this.clock = clock;
    this.llm = llm;
    this.llmLabel = llmLabel;
    this.templates = new TemplateChoice(store);
  }

  /** The variant modality whose messages carry an image card. */
  public static final String IMAGE_CARD = "image_card";

  private volatile OutboundMedia cards;

  /**
   * Image cards for variants whose modality is {@value #IMAGE_CARD}, stored through {@code cards}.
   */
  public TemplateComposeActivities withImageCards(OutboundMedia cards) {
    this.cards = cards;
    return this;
  }

  /** The variant modality whose messages go as voice notes inside the 24 h window. */
  public static final String VOICE_NOTE = "voice_note";

  private volatile VoiceNotes voiceNotes;

  /**
   * Voice notes for variants whose modality is {@value #VOICE_NOTE}: the variant's recorded clip
   * ({@code voiceNote} on the variant, uploaded by an operator), else the message spoken.
   */
  public TemplateComposeActivities withVoiceNotes(VoiceNotes voiceNotes) {
    this.voiceNotes = voiceNotes;
    return this;
  }

  @Override
  public ComposedMessage compose(ComposeRequest request) {
    Document existing = store.messages().messageByKey(request.idempotencyKey());
    if (existing != null) {
      return stored(request, existing);
    }
    Document contact = store.contactForSteps(request.leadId());
    Document variant =
        store
            .database()
            .getCollection(Collections.PROMPT_VARIANTS)
            .find(Filters.eq("variantId", request.variantId()))
            .first();
    if (contact == null || variant == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "missing contact or variant " + request.variantId(), "UnknownLead");
    }
    Document defaults = defaultConfig();
    Document composeConfig = defaults.get("compose", new Document());
    LocalizedTemplates.Choice localized =
        LocalizedTemplates.choose(
            variant, contact.getString("locale"), composeConfig.get("fallbackLocale", "en"));
    Document persona = store.persona(request.leadId());
    // A number with a history with us: its wording says so (first_contact@relationship=customer).
    String relationship = ReturningContacts.relationship(contact);
    PersonaWording.Chosen chosen =
        templates.chooseTemplate(
            request,
            localized.templates(),
            relationship == null
                ? persona
                : new Document(persona == null ? new Document() : persona)
                    .append("relationship", relationship));
    Document template = chosen.template();
    if (template == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "variant " + request.variantId() + " has no template for " + request.purpose(),
          "MissingTemplate");
    }
    Map<String, String> fallbacks = LocalizedTemplates.fallbacks(template);
    Map<String, String> values =
        new HashMap<>(TemplateValues.values(contact, fallbacks, template.getString("language")));
    List<Document> retrieved = new ArrayList<>();
    List<Retriever.Hit> hits = List.of();
    List<Retriever.Hit> candidates = List.of();
    ComposeFacts.Quoted quoted = null;
    String factSource = null;
    if (template.getString("body").contains("{{fact}}") || (llm != null && !request.template())) {
      // More than the three the writer sees: the profile line and the notes often rank first, and
      // neither is quoted, so the research chunks behind them are candidates for the fact too.
      candidates =
          retriever.topK(
              request.leadId(), variant.getString("angle"), ComposeFacts.FACT_CANDIDATES);
      hits = candidates.subList(0, Math.min(3, candidates.size()));
      for (Retriever.Hit hit : hits) {
        retrieved.add(
            new Document("chunkId", hit.chunkId())
                .append("source", hit.source())
                .append("score", Math.round(hit.score() * 1000) / 1000.0));
      }
      if (hits.isEmpty()) {
        throw ApplicationFailure.newFailure(
            "lead " + request.leadId() + " has no research yet", "NoResearch");
      }
      String language = template.getString("language");
      String topicFact =
          request.attempt() == 0 ? topicFacts.fact(persona, chosen.qualifier(), language) : null;
      quoted =
          topicFact != null
              ? new ComposeFacts.Quoted(topicFact, "topic")
              : ComposeFacts.chooseFact(candidates, request.attempt(), language);
      // No research sentence fit to quote: the template's wording without a fact.
      values.put("fact", quoted != null ? quoted.text() : fallbacks.get("fact"));
      factSource = quoted != null ? quoted.source() : "none";
    }
    TemplateValues.Filled filled = TemplateValues.fill(template.getString("body"), values);
    String text = filled.text();
    String composer = COMPOSER;
    Document audit = new Document();
    String promptHash =
        LlmWriter.sha256(template.getString("body") + "\n" + values.getOrDefault("fact", ""));
    if (llm != null && !request.template()) {
      LlmWriter.Written written =
          llm.write(
              template.getString("body"),
              variant.getString("angle"),
              TemplateValues.persona(contact, persona),
              hits.stream().map(Retriever.Hit::text).toList(),
              contact.getString("locale"),
              values.get("firstName"),
              relationship);
      audit.append("promptHash", written.promptHash()).append("model", llmLabel);
      if (written.text() != null) {
        text = written.text();
        composer = "llm:" + llmLabel;
      } else {
        audit.append("fallback", written.failure());
      }
    }
    Document config = defaults.get("qualityGate", new Document());
    QualityGate.Verdict verdict =
        QualityGate.score(
            text,
            template.getString("body"),
            composer.equals(COMPOSER)
                ? (quoted == null ? null : quoted.text())
                : hits.isEmpty() ? null : hits.get(0).text(),
            filled.parameters(),
            contact.getString("locale"),
            config.getList("bannedPhrases", String.class, List.of()),
            config.get("approveAt", 0.8),
            config.get("holdAt", 0.5));
    if (composer.equals(COMPOSER)) {
      verdict =
          QualityGate.checkFact(
              verdict,
              quoted == null ? null : quoted.text(),
              ComposeFacts.internalTexts(candidates, contact),
              config.get("approveAt", 0.8),
              config.get("holdAt", 0.5));
      verdict =
          inLeadsLanguage(verdict, template.getString("language"), contact.getString("locale"));
    }
    Document media = null;
    OutboundMedia cardStore = cards;
    if (cardStore != null && IMAGE_CARD.equals(variant.getString("modality"))) {
      // The card quotes the message's research fact, or none (never the wording without one).
      String cardFact = quoted == null ? null : quoted.text();
      media =
          cardStore.card(
              new CardRenderer.Card(
                  values.get("company"),
                  cardFact,
                  variant.getString("offer") == null
                      ? variant.getString("angle")
                      : variant.getString("offer")));
    }
    Document[] voice = ComposeVoiceNotes.voiceNote(voiceNotes, request, variant, text, contact);
    if (voice[0] != null) {
      media = voice[0];
    }
    Document stored =
        store
            .messages()
            .upsertComposed(
                request.idempotencyKey(),
                new Document("leadId", request.leadId())
                    .append("campaignId", request.campaignId())
                    .append("variantId", request.variantId())
                    // The wording it was composed from (the variant's revision of it).
                    .append(
                        com.salesagent.activities.variants.VariantWordings.LEAD_REVISION,
                        com.salesagent.activities.variants.VariantWordings.wordingRevisionOf(
                            variant))
                    .append("step", request.step())
                    .append("purpose", request.purpose())
                    .append("text", text)
                    .append(
                        "template",
                        new Document("name", template.getString("name"))
                            .append("language", template.getString("language"))
                            .append("header", template.getString("header"))
                            .append("persona", chosen.qualifier())
                            .append("parameters", filled.parameters()))
                    .append("media", media)
                    .append("voiceNote", voice[1])
                    .append("composer", composer)
                    .append("requestedBy", request.requestedBy())
                    .append("llm", audit.isEmpty() ? null : audit)
                    .append(
                        "promptHash",
                        audit.getString("promptHash") == null
                            ? promptHash
                            : audit.getString("promptHash"))
                    .append(
                        "approval",
                        "approve".equals(verdict.decision())
                            ? new Document("status", "approve")
                                .append("by", "quality-gate")
                                .append("at", Date.from(clock.instant()))
                            : null)
                    .append("retrieved", retrieved)
                    .append("factSource", factSource)
                    .append("attempt", request.attempt())
                    .append(
                        "gate",
                        new Document("score", verdict.score())
                            .append("decision", verdict.decision())
                            .append("checks", new Document(new LinkedHashMap<>(verdict.checks()))))
                    .append("status", "composed")
                    .append("statusRank", 0)
                    .append(Messages.READS_LOOKED_UP, request.readsLookedUp())
                    .append("composedAt", Date.from(clock.instant())));
    // A lead's first message is of the wording it is a trial of: rewritten since its assignment,
    // the lead moves to the wording it gets (WordingStats), as the stored message says.
    if (request.step() == 0
        && stored != null
        && stored.get(com.salesagent.activities.variants.VariantWordings.LEAD_REVISION)
            instanceof Number composedFrom) {
      new com.salesagent.activities.variants.WordingStats(store.database())
          .composedWith(
              store.contacts(), request.leadId(), request.variantId(), composedFrom.intValue());
    }
    // Another attempt may have stored its composition first (the upsert keeps the first text):
    // answer what is stored, whose text is the one that will be sent.
    return stored(request, stored);
  }

  private static ComposedMessage stored(ComposeRequest request, Document message) {
    Document gate = message.get("gate", new Document());
    String text = message.getString("text");
    return new ComposedMessage(
        request.idempotencyKey(),
        message.getString("composer"),
        text == null ? 0 : text.length(),
        gate.get("score", 0.0),
        gate.getString("decision"));
  }

  /**
   * A template in another language than the lead's (the fallback of a locale no translation covers)
   * is held for a human, also for languages the gate's stop-word vote does not know.
   */
  static QualityGate.Verdict inLeadsLanguage(
      QualityGate.Verdict verdict, String templateLanguage, String leadLocale) {
    boolean same =
        LocalizedTemplates.language(templateLanguage)
            .equals(LocalizedTemplates.language(leadLocale));
    Map<String, Boolean> checks = new LinkedHashMap<>(verdict.checks());
    checks.put("templateInLeadsLanguage", same);
    String decision = !same && "approve".equals(verdict.decision()) ? "hold" : verdict.decision();
    return new QualityGate.Verdict(verdict.score(), decision, checks);
  }

  /**
   * The default agent configuration: the gate's thresholds and banned phrases ({@code
   * qualityGate}), the fallback locale ({@code compose.fallbackLocale}).
   */
  private Document defaultConfig() {
    Document config =
        store
            .database()
            .getCollection(Collections.AGENT_CONFIGURATIONS)
            .find(Filters.eq("configId", "default"))
            .first();
    return config == null ? new Document() : config;
  }
}

package com.salesagent.activities.lead;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.compose.LlmWriter;
import com.salesagent.activities.media.CardRenderer;
import com.salesagent.activities.media.OutboundMedia;
import com.salesagent.activities.media.VoiceNotes;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Messages;
import com.salesagent.activities.persona.IndustryNames;
import com.salesagent.activities.research.Retriever;
import com.salesagent.workflows.lead.ComposeActivities;
import com.salesagent.workflows.lead.ComposeRequest;
import com.salesagent.workflows.lead.ComposedMessage;
import com.salesagent.workflows.lead.OwnerReply;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bson.Document;

/**
 * The offline composer in its simplest form: fills the variant's template for the step with the
 * lead's own fields (never inventing one), and stores the text and the template parameters under
 * the idempotency key. LLM composition comes with the composition issue behind this interface.
 */
public class TemplateComposeActivities implements ComposeActivities {
  public static final String COMPOSER = "offline-template";
  static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");

  private final LeadStore store;
  private final Retriever retriever;
  private final Clock clock;
  private final LlmWriter llm;
  private final TopicFacts topicFacts;
  private final String llmLabel;

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

  /**
   * The voice note of a {@value #VOICE_NOTE} variant's message, or why there is none: a template
   * (first contact, or outside the 24 h window) cannot carry audio, and the offline voice speaks
   * English only. Null fields for other modalities.
   */
  private Document[] voiceNote(
      ComposeRequest request, Document variant, String text, Document contact) {
    VoiceNotes notes = voiceNotes;
    if (notes == null || !VOICE_NOTE.equals(variant.getString("modality"))) {
      return new Document[] {null, null};
    }
    if (request.template()) {
      return new Document[] {
        null,
        new Document("status", "not_made")
            .append(
                "why", "a template goes (outside the 24 h window): WhatsApp has no audio template")
      };
    }
    Document clip = variant.get("voiceNote", Document.class);
    if (clip != null && clip.getString("url") != null) {
      return new Document[] {
        new Document(clip).append("kind", "audio").append("voice", true), null
      };
    }
    try {
      return new Document[] {notes.speak(text, contact.getString("locale")), null};
    } catch (VoiceNotes.Refused e) {
      return new Document[] {
        null, new Document("status", "not_made").append("why", e.getMessage())
      };
    }
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
        chooseTemplate(
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
        new HashMap<>(values(contact, fallbacks, template.getString("language")));
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
    Filled filled = fill(template.getString("body"), values);
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
              persona(contact, persona),
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
    Document[] voice = voiceNote(request, variant, text, contact);
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
   * The lead as the writer sees it: title, industry, size, and from the persona the seniority and
   * function, research topics, and what its replies said so far (intents, objections), so the
   * wording fits a VP who raised cost differently from a manager who asked for later.
   */
  static String persona(Document c, Document persona) {
    List<String> parts =
        new ArrayList<>(
            Stream.of(c.getString("jobTitle"), c.getString("industry"), c.getString("companySize"))
                .filter(Objects::nonNull)
                .toList());
    if (persona != null) {
      for (String field : List.of("seniority", "function")) {
        if (persona.get(field) instanceof String v && !v.isBlank()) {
          parts.add(field + " " + v);
        }
      }
      for (String[] list :
          new String[][] {
            {"topics", "topics"}, {"objections", "objections so far"}, {"intents", "replies so far"}
          }) {
        List<String> values = persona.getList(list[0], String.class, List.of());
        if (!values.isEmpty()) {
          parts.add(
              list[1] + ": " + String.join(" / ", values.subList(0, Math.min(5, values.size()))));
        }
      }
    }
    return String.join(", ", parts);
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

  /**
   * The template for the purpose, in the wording for the lead's persona ({@link PersonaWording});
   * for a follow-up whose template this lead has already received, the other follow-up angle, so a
   * lead never gets the same text twice when another exists. Step 0 is the first contact, except
   * for a re-engagement: a rep's request for the template to a lead that replied to the first
   * contact goes at step 0 (no follow-up nor re-engagement before it) and is the re-engagement.
   */
  private PersonaWording.Chosen chooseTemplate(
      ComposeRequest request, Document templates, Document persona) {
    if (request.step() == 0 && !OwnerReply.TEMPLATE.equals(request.purpose())) {
      return PersonaWording.choose(templates, "first_contact", persona);
    }
    Set<String> used = new HashSet<>();
    for (Document m : store.messages().messagesOf(request.leadId())) {
      Document t = m.get("template", Document.class);
      if (t != null && m.getString("wamid") != null) {
        used.add(t.getString("name"));
      }
    }
    // A re-engagement without its own template (a variant from before) takes a follow-up's.
    List<String> purposes =
        "follow_up_read".equals(request.purpose())
            ? List.of("follow_up_read", "follow_up_unread")
            : "re_engagement".equals(request.purpose())
                ? List.of("re_engagement", "follow_up_unread", "follow_up_read")
                : List.of(request.purpose(), "follow_up_read");
    for (String purpose : purposes) {
      PersonaWording.Chosen candidate = PersonaWording.choose(templates, purpose, persona);
      if (candidate.template() != null && !used.contains(candidate.template().getString("name"))) {
        return candidate;
      }
    }
    // Every candidate went already: one again, the purpose's own first. A variant with one
    // follow-up template sends it again (Document.get with a null default threw here, ten attempts,
    // and the lead ended FAILED at its second follow-up).
    List<String> again = new ArrayList<>(List.of(request.purpose(), "follow_up_read"));
    again.addAll(purposes);
    for (String purpose : again) {
      Document template = templates.get(purpose, Document.class);
      if (template != null) {
        return new PersonaWording.Chosen(template, null);
      }
    }
    return new PersonaWording.Chosen(null, null); // none at all: MissingTemplate, not retried
  }

  record Filled(String text, List<String> parameters) {}

  /** Replaces each {{name}} and lists the values in order: the template's positional params. */
  static Filled fill(String body, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(body);
    StringBuilder text = new StringBuilder();
    List<String> parameters = new ArrayList<>();
    while (m.find()) {
      String value = parameter(values.getOrDefault(m.group(1), ""));
      parameters.add(value);
      m.appendReplacement(text, Matcher.quoteReplacement(value));
    }
    m.appendTail(text);
    return new Filled(text.toString(), parameters);
  }

  /**
   * A template parameter as Meta accepts it (error 132018 otherwise, and final): one line, no tabs,
   * no runs of more than four spaces. Text messages get the same shape.
   */
  static String parameter(String value) {
    return value == null ? "" : value.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
  }

  /**
   * The lead's fields by placeholder, for a template in {@code language}; a missing one in {@code
   * fallbacks}' wording. The industry is named in the template's language ({@link IndustryNames}),
   * and one without a name there reads as a missing one.
   */
  static Map<String, String> values(Document c, Map<String, String> fallbacks, String language) {
    String name = orElse(c.getString("name"), "").strip();
    String first = name.isEmpty() ? fallbacks.get("firstName") : firstName(name);
    String industry = orElse(c.getString("industry"), null);
    String industryName =
        industry == null ? null : IndustryNames.in(industry, LocalizedTemplates.language(language));
    return Map.of(
        "firstName",
        first,
        "name",
        name.isEmpty() ? fallbacks.get("name") : name,
        "company",
        orElse(c.getString("company"), fallbacks.get("company")),
        "jobTitle",
        orElse(c.getString("jobTitle"), fallbacks.get("jobTitle")),
        "industry",
        industryName == null ? fallbacks.get("industry") : industryName);
  }

  /** What follows a surname after a comma and is no given name ("Bob Lee, Jr."). */
  private static final Set<String> SUFFIXES =
      Set.of(
          "jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "esq", "dds", "cpa", "junior", "filho",
          "neto");

  /** A title the greeting keeps with the surname ("Dr. Ana Souza": "Dr. Souza"). */
  private static final Set<String> TITLES =
      Set.of(
          "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sr", "sra", "srta", "dra", "herr", "frau",
          "m", "mme", "mlle");

  /**
   * The given name of a name as people and CRMs write it: the first word of "Bob Lee", the word
   * after the comma of "Lee, Bob" (Salesforce's and Outlook's order, a CSV's quoted field), the
   * first word before a comma that only adds a suffix ("Bob Lee, Jr."), a title with the surname
   * ("Dr. Souza"); never a trailing comma or semicolon ("Hi Lee,, ..." greeted such leads), nor a
   * word without a letter (an emoji before the name).
   */
  static String firstName(String name) {
    String n = name.strip();
    int comma = n.indexOf(',');
    if (comma >= 0) {
      String before = n.substring(0, comma).strip();
      String after = n.substring(comma + 1).strip();
      String afterWord = after.isEmpty() ? "" : after.split("[\\s,]+")[0];
      boolean suffix = SUFFIXES.contains(bare(afterWord));
      n = before.isEmpty() || (!afterWord.isEmpty() && !suffix) ? after : before;
    }
    // Words without a letter (an emoji, a symbol a CRM's name field was decorated with) are no
    // name: a lead named "<technologist emoji> Zoe <rocket emoji>" was greeted with the emoji.
    String[] all = n.split("\\s+");
    String[] words =
        java.util.Arrays.stream(all)
            .filter(w -> w.codePoints().anyMatch(Character::isLetter))
            .toArray(String[]::new);
    if (words.length == 0) {
      words = all;
    }
    String first = words[0];
    if (words.length > 1 && TITLES.contains(bare(first))) {
      first = first + " " + trimPunctuation(words[words.length - 1]);
    }
    String out = trimPunctuation(first);
    return out.isEmpty() ? name.strip() : out;
  }

  private static String bare(String word) {
    return word.replaceAll("[^\\p{L}]", "").toLowerCase(Locale.ROOT);
  }

  /** Without the commas, semicolons and colons a name's word may end with ("Lee,"). */
  private static String trimPunctuation(String word) {
    return word.replaceAll("[,;:]+$", "").replaceAll("^[,;:]+", "");
  }

  /** The value, or the fallback when it is missing, blank or a stand-in such as "N/A". */
  private static String orElse(String value, String fallback) {
    return value == null || value.isBlank() || QualityGate.PLACEHOLDER_LIKE.matcher(value).matches()
        ? fallback
        : value;
  }
}

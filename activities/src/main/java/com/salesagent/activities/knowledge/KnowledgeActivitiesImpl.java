package com.salesagent.activities.knowledge;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.lead.KeepAlive;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.research.Chunker;
import com.salesagent.activities.research.EmbeddingCache;
import com.salesagent.activities.research.Embeddings;
import com.salesagent.workflows.lead.DraftedAnswer;
import com.salesagent.workflows.lead.KnowledgeActivities;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bson.Document;

/**
 * Drafts an answer to a lead's reply from the knowledge base. The conversation's stage ({@link
 * ConversationStage}: qualify, answer, handle an objection, propose a meeting, close) decides which
 * kinds of entry fit and whether the booking link goes with the answer. Offline: the entries in the
 * lead's language are chunked and embedded like research (the embedding cache makes that a lookup
 * after the first draft), the reply is embedded, and the entry whose chunk is nearest answers, said
 * as the entry states it (the booking entry added for an interested lead). No entry near enough
 * ({@link #MIN_SCORE}): "no grounded answer", a person writes it. The model is English-only: in
 * another language an entry's score rests on the content words it shares with the reply ({@link
 * SharedWords}), the cosine only breaking near ties, and such a draft is auto-sent only past a
 * lexical bar. An objection the triage named (cost, competitor, timing) is answered by the entry of
 * that subtype (else one naming no subtype), never by another subtype's answer: none, no draft. The
 * draft ({@code drafts}, held) never goes out on its own: a person sends it from the lead's page
 * (superseded once a person answered or the lead ended: {@link HeldDrafts}). With an LLM configured
 * ({@link #withWriter}) the provider writes the answer from those entries at that stage, and {@link
 * DraftGate} keeps it only if nothing in it goes beyond the entries (numbers, links, promises,
 * statements); otherwise the offline text stays and the draft says why.
 */
public final class KnowledgeActivitiesImpl implements KnowledgeActivities {
  public static final String DRAFTS = "drafts";

  /**
   * The least cosine similarity (all-MiniLM-L6-v2, quantized) between the reply and an entry's
   * title or chunk to answer from it: the sample price question and objection measured 0.64 and
   * 0.85 against the entries that answer them, an unrelated reply 0.15 at best
   * (KnowledgeActivitiesTest).
   */
  static final double MIN_SCORE = 0.35;

  static final String COMPOSER = "knowledge-base-offline";

  private final MongoDatabase db;
  private final KnowledgeBase knowledge;
  private final MongoCollection<Document> drafts;
  private final MongoCollection<Document> feedback;
  private final MongoCollection<Document> contacts;
  private final Function<List<String>, List<float[]>> embed;
  private final EmbeddingCache cache;
  private final Clock clock;
  private final DraftBursts bursts;

  public KnowledgeActivitiesImpl(
      MongoDatabase db,
      Function<List<String>, List<float[]>> embed,
      EmbeddingCache cache,
      Clock clock) {
    this.db = db;
    this.knowledge = new KnowledgeBase(db);
    this.drafts = db.getCollection(DRAFTS);
    this.feedback = db.getCollection(Collections.FEEDBACK);
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.embed = embed;
    this.cache = cache;
    this.clock = clock;
    this.bursts = new DraftBursts(drafts, feedback, clock);
  }

  private volatile DraftWriter writer;

  /**
   * Drafts written by the configured LLM from the entries the offline draft would use (checked by
   * {@link DraftGate}; a draft that fails it keeps the offline text and says why).
   */
  public KnowledgeActivitiesImpl withWriter(
      dev.langchain4j.model.chat.ChatModel model, String label) {
    this.writer = model == null ? null : new DraftWriter(model, label);
    return this;
  }

  /**
   * Heartbeats throughout (KeepAlive): the activity runs with research's 20 s heartbeat timeout,
   * and a provider's draft may take longer than that (its own timeout and retries); without the
   * heartbeats such a draft was timed out and asked again, up to eight times.
   */
  @Override
  public DraftedAnswer draftAnswer(String leadId, String replyMessageId) {
    try (KeepAlive alive = KeepAlive.start()) {
      return draft(leadId, replyMessageId);
    }
  }

  private DraftedAnswer draft(String leadId, String replyMessageId) {
    String draftId = leadId + ":" + replyMessageId;
    Document done = drafts.find(Filters.eq("_id", draftId)).first();
    if (done != null) {
      // A retry after the draft was stored: what its first attempt may not have finished (the
      // older drafts it answers superseded; itself superseded if a newer draft answers it).
      bursts.settle(done);
      return answer(done);
    }
    Document reply =
        feedback
            .find(
                Filters.and(Filters.eq("leadId", leadId), Filters.eq("messageId", replyMessageId)))
            .first();
    String text = reply == null ? null : reply.getString("text");
    Document contact = contacts.find(Filters.eq("leadId", leadId)).first();
    String language = KnowledgeBase.language(contact == null ? null : contact.getString("locale"));
    Document optedOut = DraftAudience.optedOut(db, contact);
    if (optedOut != null) {
      // Never a sales draft for a number that said stop: nothing a person could send as one.
      return withhold(draftId, leadId, replyMessageId, optedOut);
    }
    if (text == null || text.isBlank()) {
      return store(draftId, leadId, replyMessageId, null, 0, List.of(), "the reply has no text");
    }
    if (reply
        .getList("keywords", String.class, List.of())
        .contains(com.salesagent.activities.triage.LexiconClassifier.REFERRAL)) {
      // "Talk to my colleague Pedro": someone else to reach, nothing to answer from the entries
      // (its "talk" read as a call asked for proposed a call to the wrong person).
      return store(
          draftId,
          leadId,
          replyMessageId,
          null,
          0,
          List.of(),
          "a referral: a person follows up the name the lead gave");
    }
    List<Document> entries = knowledge.inLanguage(language);
    if (entries.isEmpty()) {
      return store(
          draftId, leadId, replyMessageId, null, 0, List.of(), "no knowledge entry in " + language);
    }
    String intent = reply.getString("intent");
    // A burst: the lead's messages no person answered yet, up to this one, are answered together
    // (the older drafts of them are superseded by this one once it is stored: DraftBursts.settle).
    List<String> answers = new ArrayList<>();
    List<String> burst = new ArrayList<>();
    String inView = bursts.unanswered(leadId, reply, contact, answers, burst);
    boolean customer = DraftAudience.customer(contact);
    String stage = ConversationStage.of(intent, inView, customer);
    float[] query = embed.apply(List.of(inView)).get(0);
    List<Scored> ranked = rank(query, entries);
    if (SharedWords.applies(language)) {
      ranked = Scored.byWords(text, language, ranked);
    }
    if (customer) {
      // A customer's question is customer care's: the entries that explain the product, never a
      // price list, an objection's answer or the booking link.
      List<String> care = ConversationStage.kinds(ConversationStage.CUSTOMER_CARE);
      ranked = ranked.stream().filter(r -> care.contains(r.entry().getString("kind"))).toList();
      if (ranked.isEmpty()) {
        return store(
            new Draft(draftId, leadId, replyMessageId, stage, null, 0, LeadContext.NONE, null, null)
                .answering(answers),
            List.of(),
            DraftAudience.CUSTOMER_NO_ENTRY,
            null);
      }
    }
    if ("interested".equals(intent)) {
      // An interested lead has no objection to answer ("Agora sim, quero saber mais" drafted the
      // timing objection's answer on the word "agora").
      ranked =
          ranked.stream().filter(r -> !"objection".equals(r.entry().getString("kind"))).toList();
      if (ranked.isEmpty()) {
        return store(
            draftId, leadId, replyMessageId, null, 0, List.of(), "no entry answers interest");
      }
    }
    LeadContext context = LeadContext.of(db, leadId, query);
    // An objection the triage named (cost, competitor, timing) is answered by an entry of that
    // subtype, else by an objection entry that names none; never by another subtype's answer.
    String objection =
        ConversationStage.HANDLE_OBJECTION.equals(stage)
                && KnowledgeBase.isObjection(reply.getString("objection"))
            ? reply.getString("objection")
            : null;
    List<Scored> eligible = objection == null ? ranked : Scored.answering(ranked, objection);
    if (eligible.isEmpty()) {
      return store(
          new Draft(draftId, leadId, replyMessageId, stage, null, 0, context, null, objection)
              .answering(answers),
          ranked.subList(0, Math.min(3, ranked.size())),
          "no entry answers a " + objection + " objection",
          null);
    }
    Scored best = objection == null ? Scored.preferred(ranked, stage) : eligible.get(0);
    boolean ofSubtype = objection != null && objection.equals(best.entry().getString("objection"));
    Document booking =
        entries.stream()
            .filter(e -> "booking".equals(e.getString("kind")))
            .findFirst()
            .orElse(null);
    boolean offerBooking = booking != null && ConversationStage.offersBooking(stage, intent);
    List<Scored> cited = new ArrayList<>();
    if (ofSubtype || best.score() >= MIN_SCORE) {
      cited.add(best);
    } else if (!ConversationStage.PROPOSE_MEETING.equals(stage) || booking == null) {
      return store(
          new Draft(
                  draftId,
                  leadId,
                  replyMessageId,
                  stage,
                  null,
                  best.score(),
                  context,
                  null,
                  objection)
              .answering(answers),
          ranked.subList(0, Math.min(3, ranked.size())),
          customer
              ? DraftAudience.CUSTOMER_NO_ENTRY
              : objection == null
                  ? "no entry answers it closely enough"
                  : "no entry answers a " + objection + " objection",
          null);
    }
    if (burst.size() > 1 && !cited.isEmpty()) {
      // Each message of the burst is asked on its own too: "how much is it?" then "and how does
      // it work?" read together was answered only by the stronger of the two.
      for (Scored also : eachMessagesAnswer(burst, entries, language, customer)) {
        if (cited.size() >= MAX_ANSWERS) {
          break;
        }
        if (cited.stream().noneMatch(c -> c.entry().get("_id").equals(also.entry().get("_id")))) {
          cited.add(also);
        }
      }
    }
    if (offerBooking && cited.stream().noneMatch(c -> c.entry() == booking)) {
      cited.add(Scored.of(ranked, booking)); // a call proposed with the link
    }
    // A customer is thanked as one before the answer (true of them: their outcome is converted).
    StringBuilder answer = new StringBuilder(customer ? KnowledgeBase.careOpening(language) : "");
    for (Scored c : cited) {
      answer
          .append(answer.length() == 0 || c == cited.get(0) ? "" : "\n\n")
          .append(c.entry().getString("text"));
    }
    Draft draft =
        new Draft(
            draftId,
            leadId,
            replyMessageId,
            stage,
            answer.toString(),
            cited.get(0).entry() == booking && best.score() < MIN_SCORE
                ? Scored.scoreOf(ranked, booking)
                : best.score(),
            context,
            cited.get(0).words(),
            objection,
            answers.isEmpty() ? List.of(replyMessageId) : List.copyOf(answers));
    DraftWriter w = writer;
    if (w == null) {
      return store(draft, cited, null, null);
    }
    return store(draft, cited, null, written(w, draft, cited, eligible, text, leadId, language));
  }

  /**
   * A draft's identity and content before it is stored; {@code words}: what the entry it answers
   * from shares with the reply, in a language the model does not cover; {@code objection}: the
   * reply's objection subtype it answers.
   */
  private record Draft(
      String draftId,
      String leadId,
      String replyMessageId,
      String stage,
      String text,
      double score,
      LeadContext context,
      SharedWords.Match words,
      String objection,
      List<String> answers) {
    Draft(
        String draftId,
        String leadId,
        String replyMessageId,
        String stage,
        String text,
        double score,
        LeadContext context,
        SharedWords.Match words,
        String objection) {
      this(
          draftId,
          leadId,
          replyMessageId,
          stage,
          text,
          score,
          context,
          words,
          objection,
          List.of(replyMessageId));
    }

    /** The same draft answering these lead messages (oldest first, ending with its own). */
    Draft answering(List<String> messageIds) {
      return new Draft(
          draftId,
          leadId,
          replyMessageId,
          stage,
          text,
          score,
          context,
          words,
          objection,
          messageIds.isEmpty() ? List.of(replyMessageId) : List.copyOf(messageIds));
    }
  }

  /**
   * The provider's answer from the cited entries and the next best ones (at most four), checked by
   * the gate: the audit of the attempt, with the text when it passed.
   */
  private Document written(
      DraftWriter w,
      Draft draft,
      List<Scored> cited,
      List<Scored> ranked,
      String replyText,
      String leadId,
      String language) {
    List<Document> given = new ArrayList<>();
    cited.forEach(c -> given.add(c.entry()));
    for (Scored s : ranked) {
      if (given.size() >= 4) {
        break;
      }
      if (s.score() >= MIN_SCORE && !given.contains(s.entry())) {
        given.add(s.entry());
      }
    }
    DraftWriter.Written result =
        w.write(draft.stage(), given, draft.context(), conversation(leadId, replyText), language);
    Document audit =
        new Document("model", w.label())
            .append("promptHash", result.promptHash())
            .append("entries", given.stream().map(e -> String.valueOf(e.get("_id"))).toList());
    if (result.text() == null) {
      return audit.append("rejected", result.failure());
    }
    // What a statement may rest on: the entries, and the research sentences the provider was given
    // (those for statements about the lead only: no number, link or promise comes from research).
    List<String> texts = given.stream().map(e -> e.getString("text")).toList();
    DraftGate.Verdict verdict =
        DraftGate.check(result.text(), texts, draft.context().researchTexts(), replyText, embed);
    audit.append(
        "gate",
        new Document("score", verdict.score())
            .append("pass", verdict.pass())
            .append("checks", new Document(verdict.checks())));
    return verdict.pass()
        ? audit.append("text", result.text())
        : audit.append("rejected", verdict.why()).append("rejectedText", result.text());
  }

  /** The lead's recent messages and ours, oldest first (at most six), ending with the reply. */
  private List<String> conversation(String leadId, String replyText) {
    List<String> lines = new ArrayList<>();
    for (Document f :
        feedback
            .find(Filters.eq("leadId", leadId))
            .sort(com.mongodb.client.model.Sorts.descending("receivedAt"))
            .limit(5)) {
      if (f.getString("text") != null) {
        lines.add(0, "Lead: " + f.getString("text"));
      }
    }
    if (lines.isEmpty() || !lines.get(lines.size() - 1).equals("Lead: " + replyText)) {
      lines.add("Lead: " + replyText);
    }
    return lines.size() > 6 ? lines.subList(lines.size() - 6, lines.size()) : lines;
  }

  /** Every entry with its best chunk's similarity to the reply, best first. */
  /** At most this many entries answer a burst's questions in one draft (the booking link aside). */
  static final int MAX_ANSWERS = 3;

  /**
   * Each message's own best entry, in the order the lead wrote them: one that answers it closely
   * enough ({@link #MIN_SCORE}), of the kinds the whole burst may be answered with (customer care
   * for a customer; no objection's answer for an interested lead), never an objection's answer
   * (those answer the objection the triage named, from the whole burst) nor the booking link
   * (offered by the conversation's stage).
   */
  private List<Scored> eachMessagesAnswer(
      List<String> texts, List<Document> entries, String language, boolean customer) {
    List<float[]> queries = embed.apply(texts);
    List<String> care = ConversationStage.kinds(ConversationStage.CUSTOMER_CARE);
    List<Scored> answers = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      List<Scored> ranked = rank(queries.get(i), entries);
      if (SharedWords.applies(language)) {
        ranked = Scored.byWords(texts.get(i), language, ranked);
      }
      for (Scored r : ranked) {
        String kind = r.entry().getString("kind");
        if ("objection".equals(kind)
            || "booking".equals(kind)
            || (customer && !care.contains(kind))) {
          continue;
        }
        if (r.score() >= MIN_SCORE) {
          answers.add(r);
        }
        break; // the message's best eligible entry, or none
      }
    }
    return answers;
  }

  private List<Scored> rank(float[] query, List<Document> entries) {
    List<String> chunks = new ArrayList<>();
    List<Document> owners = new ArrayList<>();
    for (Document e : entries) {
      // The title alone too: written as the question it answers, it is what a question is near.
      chunks.add(e.getString("title"));
      owners.add(e);
      for (String chunk : Chunker.chunks(e.getString("title") + ". " + e.getString("text"))) {
        chunks.add(chunk);
        owners.add(e);
      }
    }
    List<float[]> vectors = cache.embedAll(Embeddings.MODEL, chunks, embed);
    Map<Object, Scored> best = new LinkedHashMap<>();
    for (int i = 0; i < chunks.size(); i++) {
      double s = Embeddings.cosine(query, vectors.get(i));
      Document e = owners.get(i);
      best.merge(e.get("_id"), new Scored(e, s), (a, b) -> a.score() >= b.score() ? a : b);
    }
    List<Scored> ranked = new ArrayList<>(best.values());
    ranked.sort(Comparator.comparingDouble(Scored::score).reversed());
    return ranked;
  }

  private DraftedAnswer store(
      String draftId,
      String leadId,
      String replyMessageId,
      String text,
      double score,
      List<Scored> cited,
      String why) {
    return store(
        new Draft(draftId, leadId, replyMessageId, null, text, score, LeadContext.NONE, null, null),
        cited,
        why,
        null);
  }

  private DraftedAnswer store(Draft d, List<Scored> cited, String why, Document llm) {
    String draftId = d.draftId();
    String leadId = d.leadId();
    String replyMessageId = d.replyMessageId();
    boolean llmWrote = llm != null && llm.getString("text") != null;
    String text = llmWrote ? llm.getString("text") : d.text();
    double score = d.score();
    List<Document> citations = new ArrayList<>();
    for (Scored s : cited) {
      Document citation =
          new Document("entryId", String.valueOf(s.entry().get("_id")))
              .append("title", s.entry().getString("title"))
              .append("kind", s.entry().getString("kind"))
              .append("score", Math.round(s.score() * 1000) / 1000.0);
      if (s.words() != null) {
        citation.append("sharedWords", s.words().shared());
      }
      citations.add(citation);
    }
    Document draft =
        new Document("_id", draftId)
            .append("leadId", leadId)
            .append("replyMessageId", replyMessageId)
            .append("grounded", text != null)
            .append("text", text)
            .append("why", why)
            .append("score", Math.round(score * 1000) / 1000.0)
            .append("citations", citations)
            .append("stage", d.stage())
            .append("objection", d.objection())
            .append("context", d.context().isEmpty() ? null : d.context().toDocument())
            .append("offlineText", llmWrote ? d.text() : null)
            .append("llm", llm == null ? null : new Document(llm).append("text", null))
            .append("composer", llmWrote ? "llm:" + llm.getString("model") : COMPOSER)
            .append("status", "held")
            .append(DraftBursts.ANSWERS, d.answers())
            .append("createdAt", Date.from(clock.instant()));
    // A newer draft answers this message already (this one was slower, or is retried): it comes
    // too late, and neither waits nor goes.
    Document newer = bursts.newer(leadId, draftId, replyMessageId);
    draft.append(
        "autoSendKey",
        text == null || newer != null
            ? null
            : autoSend(draftId, leadId, text, score, d.words(), llmWrote, llm));
    if (newer != null) {
      draft.put("status", HeldDrafts.SUPERSEDED);
      draft.put(HeldDrafts.SUPERSEDED_BY, bursts.supersededBy(newer));
    } else if (draft.getString("autoSendKey") != null) {
      draft.put("status", "auto_sent");
    } else {
      // A person answered the lead's message while the draft was being made: it comes too late.
      Document answered = new HeldDrafts(db).answeredSince(leadId, replyMessageId);
      if (answered != null) {
        draft.put("status", HeldDrafts.SUPERSEDED);
        draft.put(HeldDrafts.SUPERSEDED_BY, answered);
      }
    }
    drafts.replaceOne(
        Filters.eq("_id", draftId),
        draft,
        new com.mongodb.client.model.ReplaceOptions().upsert(true));
    bursts.settle(draft);
    return answer(draft);
  }

  /**
   * The draft of an opted-out lead's message: no text, nothing to use or send, status {@link
   * DraftAudience#WITHHELD} with why ({@link DraftAudience#OPTED_OUT_WHY}) for the lead page. Its
   * older held drafts are superseded by the opt-out's end as before ({@link HeldDrafts#ended}).
   */
  private DraftedAnswer withhold(
      String draftId, String leadId, String replyMessageId, Document optedOut) {
    Document draft =
        new Document("_id", draftId)
            .append("leadId", leadId)
            .append("replyMessageId", replyMessageId)
            .append("grounded", false)
            .append("text", null)
            .append("why", DraftAudience.OPTED_OUT_WHY)
            .append("score", 0.0)
            .append("citations", List.of())
            .append("composer", COMPOSER)
            .append("status", DraftAudience.WITHHELD)
            .append(
                DraftAudience.WITHHELD,
                new Document("why", "opted_out")
                    .append("source", optedOut.get("source"))
                    .append("at", optedOut.get("at")))
            .append(DraftBursts.ANSWERS, List.of(replyMessageId))
            .append("createdAt", Date.from(clock.instant()));
    drafts.replaceOne(
        Filters.eq("_id", draftId),
        draft,
        new com.mongodb.client.model.ReplaceOptions().upsert(true));
    // Nothing held for the lead waits any more: no sales answer goes to an opted-out number.
    drafts.updateMany(
        Filters.and(Filters.eq("leadId", leadId), Filters.eq("status", HeldDrafts.HELD)),
        com.mongodb.client.model.Updates.combine(
            com.mongodb.client.model.Updates.set("status", HeldDrafts.SUPERSEDED),
            com.mongodb.client.model.Updates.set(
                HeldDrafts.SUPERSEDED_BY,
                new Document("why", DraftAudience.OPTED_OUT_WHY)
                    .append("at", Date.from(clock.instant())))));
    return answer(draft);
  }

  /**
   * The key under which a draft goes out without a person, or null (held: the default). The lead's
   * segment allows it with {@code workflow_definitions.autoSendDrafts: {minScore: 0.8}}: the draft
   * must answer from an entry at least that near the reply (and a provider's text must have passed
   * the gate, else the entry's own text goes). The message is stored here, approved by the
   * auto-send rule; the workflow sends it through the lead's send path. A draft in a language the
   * embedding model does not cover ({@code words} not null) must also clear the lexical bar ({@link
   * SharedWords.Match#clearsAutoSendBar}: at least two of the reply's content words, and three
   * quarters of them, in the entry), whatever the segment's score: else it is held.
   */
  private String autoSend(
      String draftId,
      String leadId,
      String text,
      double score,
      SharedWords.Match words,
      boolean llmWrote,
      Document llm) {
    if (words != null && !words.clearsAutoSendBar()) {
      return null;
    }
    Document contact = contacts.find(Filters.eq("leadId", leadId)).first();
    if (contact == null || ended(contact.getString("stage"))) {
      return null; // a lead whose run ended has no run to send it: a person answers
    }
    Document definition =
        new com.salesagent.activities.lead.LeadSegments(new LeadStore(db))
            .definition(
                contact.getString("segment") == null ? "default" : contact.getString("segment"));
    Document rule = definition == null ? null : definition.get("autoSendDrafts", Document.class);
    Object min = rule == null ? null : rule.get("minScore");
    if (!(min instanceof Number minScore) || score < minScore.doubleValue()) {
      return null;
    }
    String key = "lead-" + leadId + "-agent-" + digest(draftId);
    new LeadStore(db)
        .messages()
        .upsertComposed(
            key,
            new Document("leadId", leadId)
                .append("campaignId", contact.getString("campaignId"))
                .append("purpose", "agent_answer")
                .append("composer", llmWrote ? "llm:" + llm.getString("model") : COMPOSER)
                .append("draftId", draftId)
                .append(
                    "approval",
                    new Document("status", "approve")
                        .append("by", "auto-send (score " + score + " >= " + minScore + ")")
                        .append("at", Date.from(clock.instant())))
                .append("status", "composed")
                .append("text", text)
                .append("createdAt", Date.from(clock.instant())));
    return key;
  }

  private static boolean ended(String stage) {
    com.salesagent.workflows.lead.Stage known = com.salesagent.workflows.lead.Stage.of(stage);
    return known != null && known.terminal();
  }

  private static String digest(String s) {
    return com.salesagent.activities.compose.LlmWriter.sha256(s).substring(0, 24);
  }

  private static DraftedAnswer answer(Document d) {
    boolean grounded = Boolean.TRUE.equals(d.getBoolean("grounded"));
    List<String> ids = new ArrayList<>();
    if (grounded) {
      for (Document c : d.getList("citations", Document.class, List.of())) {
        ids.add(c.getString("entryId"));
      }
    }
    Object score = d.get("score");
    return new DraftedAnswer(
        d.getString("_id"),
        grounded,
        score instanceof Number n ? n.doubleValue() : 0,
        ids,
        d.getString("composer"),
        d.getString("autoSendKey"),
        DraftAudience.WITHHELD.equals(d.getString("status")) ? "opted out: no sales draft" : null);
  }
}

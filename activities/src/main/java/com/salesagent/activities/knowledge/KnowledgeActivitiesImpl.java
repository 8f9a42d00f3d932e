package com.salesagent.activities.knowledge;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.lead.KeepAlive;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.research.EmbeddingCache;
import com.salesagent.activities.triage.LexiconClassifier;
import com.salesagent.workflows.lead.DraftedAnswer;
import com.salesagent.workflows.lead.KnowledgeActivities;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;

/**
 * Drafts an answer to a lead's reply from the knowledge base. The conversation's stage ({@link
 * ConversationStage}: qualify, answer, handle an objection, propose a meeting, close) decides which
 * kinds of entry fit and whether the booking link goes with the answer. Offline: the entries in the
 * lead's language are ranked against the reply ({@link EntryRanking}), and the entry whose chunk is
 * nearest answers, said as the entry states it (the booking entry added for an interested lead). No
 * entry near enough ({@link EntryRanking#MIN_SCORE}): "no grounded answer", a person writes it. The
 * model is English-only: in another language an entry's score rests on the content words it shares
 * with the reply ({@link SharedWords}), the cosine only breaking near ties, and such a draft is
 * auto-sent only past a lexical bar ({@link AutoSends}). An objection the triage named (cost,
 * competitor, timing) is answered by the entry of that subtype (else one naming no subtype), never
 * by another subtype's answer: none, no draft. The draft ({@code drafts}, held: {@link
 * StoredDrafts}) never goes out on its own: a person sends it from the lead's page (superseded once
 * a person answered or the lead ended: {@link HeldDrafts}). With an LLM configured ({@link
 * #withWriter}) the provider writes the answer from those entries at that stage, and {@link
 * DraftGate} keeps it only if nothing in it goes beyond the entries (numbers, links, promises,
 * statements); otherwise the offline text stays and the draft says why ({@link GatedWriter}).
 */
public final class KnowledgeActivitiesImpl implements KnowledgeActivities {
  public static final String DRAFTS = Collections.DRAFTS;

  /** At most this many entries answer a burst's questions in one draft (the booking link aside). */
  static final int MAX_ANSWERS = 3;

  private final MongoDatabase db;
  private final KnowledgeBase knowledge;
  private final MongoCollection<Document> feedback;
  private final MongoCollection<Document> contacts;
  private final Function<List<String>, List<float[]>> embed;
  private final EntryRanking ranking;
  private final DraftBursts bursts;
  private final StoredDrafts stored;

  public KnowledgeActivitiesImpl(
      MongoDatabase db,
      Function<List<String>, List<float[]>> embed,
      EmbeddingCache cache,
      Clock clock) {
    MongoCollection<Document> drafts = db.getCollection(DRAFTS);
    this.db = db;
    this.knowledge = new KnowledgeBase(db);
    this.feedback = db.getCollection(Collections.FEEDBACK);
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.embed = embed;
    this.ranking = new EntryRanking(embed, cache);
    this.bursts = new DraftBursts(drafts, feedback, clock);
    this.stored =
        new StoredDrafts(drafts, new HeldDrafts(db), bursts, new AutoSends(db, clock), clock);
  }

  private volatile GatedWriter writer;

  /**
   * Drafts written by the configured LLM from the entries the offline draft would use (checked by
   * {@link DraftGate}; a draft that fails it keeps the offline text and says why).
   */
  public KnowledgeActivitiesImpl withWriter(
      dev.langchain4j.model.chat.ChatModel model, String label) {
    this.writer =
        model == null ? null : new GatedWriter(new DraftWriter(model, label), feedback, embed);
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
    DraftedAnswer again = stored.again(draftId);
    if (again != null) {
      // A retry after the draft was stored.
      return again;
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
      return stored.withhold(draftId, leadId, replyMessageId, optedOut);
    }
    if (text == null || text.isBlank()) {
      return unanswered(draftId, leadId, replyMessageId, "the reply has no text");
    }
    if (reply.getList("keywords", String.class, List.of()).contains(LexiconClassifier.REFERRAL)) {
      // "Talk to my colleague Pedro": someone else to reach, nothing to answer from the entries
      // (its "talk" read as a call asked for proposed a call to the wrong person).
      return unanswered(
          draftId,
          leadId,
          replyMessageId,
          "a referral: a person follows up the name the lead gave");
    }
    List<Document> entries = knowledge.inLanguage(language);
    if (entries.isEmpty()) {
      return unanswered(draftId, leadId, replyMessageId, "no knowledge entry in " + language);
    }
    String intent = reply.getString("intent");
    // A burst: the lead's messages no person answered yet, up to this one, are answered together
    // (the older drafts of them are superseded by this one once it is stored: DraftBursts.settle).
    List<String> answers = new ArrayList<>();
    List<String> burst = new ArrayList<>();
    String inView = bursts.unanswered(leadId, reply, contact, answers, burst);
    boolean customer = DraftAudience.customer(contact);
    String stage = ConversationStage.of(intent, inView, customer);
    Draft asked = Draft.of(draftId, leadId, replyMessageId, stage, answers);
    float[] query = ranking.query(inView);
    List<Scored> ranked = ranking.ranked(query, text, language, entries);
    if (customer) {
      // A customer's question is customer care's: the entries that explain the product, never a
      // price list, an objection's answer or the booking link.
      List<String> care = ConversationStage.kinds(ConversationStage.CUSTOMER_CARE);
      ranked = ranked.stream().filter(r -> care.contains(r.entry().getString("kind"))).toList();
      if (ranked.isEmpty()) {
        return stored.store(asked, List.of(), DraftAudience.CUSTOMER_NO_ENTRY, null);
      }
    }
    if ("interested".equals(intent)) {
      // An interested lead has no objection to answer ("Agora sim, quero saber mais" drafted the
      // timing objection's answer on the word "agora").
      ranked =
          ranked.stream().filter(r -> !"objection".equals(r.entry().getString("kind"))).toList();
      if (ranked.isEmpty()) {
        return unanswered(draftId, leadId, replyMessageId, "no entry answers interest");
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
    Draft known = asked.knowing(context, objection);
    List<Scored> eligible = objection == null ? ranked : Scored.answering(ranked, objection);
    if (eligible.isEmpty()) {
      return stored.store(
          known, nearest(ranked), "no entry answers a " + objection + " objection", null);
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
    if (ofSubtype || best.score() >= EntryRanking.MIN_SCORE) {
      cited.add(best);
    } else if (!ConversationStage.PROPOSE_MEETING.equals(stage) || booking == null) {
      return stored.store(
          known.answered(null, best.score(), null),
          nearest(ranked),
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
      for (Scored also : ranking.eachMessagesAnswer(burst, entries, language, customer)) {
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
        known.answered(
            answer.toString(),
            cited.get(0).entry() == booking && best.score() < EntryRanking.MIN_SCORE
                ? Scored.scoreOf(ranked, booking)
                : best.score(),
            cited.get(0).words());
    GatedWriter w = writer;
    if (w == null) {
      return stored.store(draft, cited, null, null);
    }
    return stored.store(draft, cited, null, w.written(draft, cited, eligible, text, language));
  }

  /** A draft with no answer, {@code why}. */
  private DraftedAnswer unanswered(
      String draftId, String leadId, String replyMessageId, String why) {
    return stored.store(
        Draft.of(draftId, leadId, replyMessageId, null, List.of()), List.of(), why, null);
  }

  /** The best three, cited by a draft that has no answer from them. */
  private static List<Scored> nearest(List<Scored> ranked) {
    return ranked.subList(0, Math.min(3, ranked.size()));
  }
}

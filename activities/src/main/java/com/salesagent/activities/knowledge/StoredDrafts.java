package com.salesagent.activities.knowledge;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.salesagent.workflows.lead.DraftedAnswer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * A draft as it is stored ({@code drafts}, one document per lead message, {@code _id} {@code
 * <leadId>:<reply message id>}) and answered to the workflow: held for a person by default,
 * auto-sent where the lead's segment allows it ({@link AutoSends}), or stored superseded when it
 * comes too late (a newer draft answers its message, a person answered the lead meanwhile, the run
 * ended: {@link HeldDrafts}); withheld for a number that opted out. Each store is an upsert of the
 * whole draft followed by the settling of its burst ({@link DraftBursts#settle}), so a retried
 * activity ends the same.
 */
final class StoredDrafts {
  /** The composer of a draft the knowledge base's own text answers (no provider wrote it). */
  static final String COMPOSER = "knowledge-base-offline";

  private final MongoCollection<Document> drafts;
  private final HeldDrafts held;
  private final DraftBursts bursts;
  private final AutoSends autoSends;
  private final Clock clock;

  StoredDrafts(
      MongoCollection<Document> drafts,
      HeldDrafts held,
      DraftBursts bursts,
      AutoSends autoSends,
      Clock clock) {
    this.drafts = drafts;
    this.held = held;
    this.bursts = bursts;
    this.autoSends = autoSends;
    this.clock = clock;
  }

  /**
   * The draft stored already under {@code draftId} (a retry after it was stored), or null. What its
   * first attempt may not have finished is done again: the older drafts it answers superseded;
   * itself superseded if a newer draft answers it.
   */
  DraftedAnswer again(String draftId) {
    Document done = drafts.find(Filters.eq("_id", draftId)).first();
    if (done == null) {
      return null;
    }
    bursts.settle(done);
    return answer(done);
  }

  /**
   * Stores the draft citing {@code cited}, {@code why} it has no answer (or null), with {@code llm}
   * the provider's audit ({@link GatedWriter}; its text, when it passed, is the draft's, the
   * offline text kept as {@code offlineText}), or null.
   */
  DraftedAnswer store(Draft d, List<Scored> cited, String why, Document llm) {
    String draftId = d.draftId();
    String leadId = d.leadId();
    String replyMessageId = d.replyMessageId();
    boolean llmWrote = llm != null && llm.getString("text") != null;
    String text = llmWrote ? llm.getString("text") : d.text();
    String composer = llmWrote ? "llm:" + llm.getString("model") : COMPOSER;
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
            .append("composer", composer)
            .append("status", HeldDrafts.HELD)
            .append(DraftBursts.ANSWERS, d.answers())
            .append("createdAt", Date.from(clock.instant()));
    // A newer draft answers this message already (this one was slower, or is retried): it comes
    // too late, and neither waits nor goes.
    Document newer = bursts.newer(leadId, draftId, replyMessageId);
    draft.append(
        "autoSendKey",
        text == null || newer != null
            ? null
            : autoSends.autoSend(draftId, leadId, text, score, d.words(), composer));
    if (newer != null) {
      draft.put("status", HeldDrafts.SUPERSEDED);
      draft.put(HeldDrafts.SUPERSEDED_BY, bursts.supersededBy(newer));
    } else if (draft.getString("autoSendKey") != null) {
      draft.put("status", "auto_sent");
    } else {
      // A person answered the lead's message while the draft was being made: it comes too late.
      Document answered = held.answeredSince(leadId, replyMessageId);
      if (answered != null) {
        draft.put("status", HeldDrafts.SUPERSEDED);
        draft.put(HeldDrafts.SUPERSEDED_BY, answered);
      }
    }
    replace(draft);
    bursts.settle(draft);
    return answer(draft);
  }

  /**
   * The draft of an opted-out lead's message: no text, nothing to use or send, status {@link
   * DraftAudience#WITHHELD} with why ({@link DraftAudience#OPTED_OUT_WHY}) for the lead page. Its
   * older held drafts are superseded by the opt-out's end as before ({@link HeldDrafts#ended}).
   */
  DraftedAnswer withhold(String draftId, String leadId, String replyMessageId, Document optedOut) {
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
    replace(draft);
    // Nothing held for the lead waits any more: no sales answer goes to an opted-out number.
    held.optedOut(leadId, clock.instant());
    return answer(draft);
  }

  private void replace(Document draft) {
    drafts.replaceOne(
        Filters.eq("_id", draft.get("_id")), draft, new ReplaceOptions().upsert(true));
  }

  /** The stored draft as the workflow reads it. */
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

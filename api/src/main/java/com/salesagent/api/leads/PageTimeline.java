package com.salesagent.api.leads;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * A lead's timeline as its page shows it (shown, not stored): each reply beside the variant that
 * composed the message it answers, and one {@code owner_replied} per person's message.
 */
final class PageTimeline {
  private PageTimeline() {}

  /**
   * The timeline event of a message its run dropped because its variant was switched off (its
   * detail: the message's key); the run composes it again on another variant.
   */
  static final String SWITCHED_BEFORE_SEND = "variant_switched_before_send";

  /** Timeline events of a lead's message to us that answer one of ours. */
  private static final Set<String> ANSWERS = Set.of("replied", "reaction");

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
}

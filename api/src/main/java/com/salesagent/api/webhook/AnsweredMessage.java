package com.salesagent.api.webhook;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * Which of our messages a lead's message answers: what the inbox counts a reply for ({@link
 * MessageProcessor}) and what the lead page's timeline names (LeadViews).
 */
public final class AnsweredMessage {
  private AnsweredMessage() {}

  /**
   * The message a reply answers among {@code sent}: the one it quotes (context.id), else the one
   * accepted last before the reply was written (its timestamp is in whole seconds: up to the next
   * second); null when none was. Only messages sent before the reply count, so a replay of the
   * event after a later send picks the same message.
   */
  public static Document among(List<Document> sent, String contextWamid, Instant at) {
    Date writtenBy = Date.from(at.plusSeconds(1));
    Document latest = null;
    Date latestAt = null;
    for (Document m : sent) {
      if (contextWamid != null && contextWamid.equals(m.getString("wamid"))) {
        return m;
      }
      Date accepted = m.get("statusAt", new Document()).getDate("accepted");
      if (accepted != null
          && accepted.before(writtenBy)
          && (latestAt == null || accepted.after(latestAt))) {
        latestAt = accepted;
        latest = m;
      }
    }
    return latest;
  }
}

package com.salesagent.activities.lead;

import com.salesagent.activities.Phones;
import com.salesagent.activities.whatsapp.WhatsAppApiException;
import com.salesagent.workflows.lead.OwnerReply;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * What a send leaves besides the message: its metrics ({@code sales_agent_sends_total}, the
 * follow-up's lateness), the log line and stored error of a failure (the number masked), and whose
 * message the timeline names.
 */
final class SendRecords {
  private SendRecords() {}

  /**
   * The result of a send attempt that threw: nothing went, Temporal retries it (a {@link
   * SendResult} outcome otherwise).
   */
  static final String RETRYING = "retrying";

  /**
   * sales_agent_sends_total{result, step}: what went (first contact, follow-up, ...) and how:
   * {@code result} is the send's outcome, or {@link #RETRYING} for an attempt that failed and is
   * retried.
   */
  static void count(SendRequest request, Document message, String result) {
    Metrics.counter("sales_agent.sends", "result", result, "step", kind(request, message))
        .increment();
  }

  /**
   * sales_agent_sends_ambiguous_total{reason}: sends whose outcome became unknown, held (not
   * resent) until a status webhook or a person decides: {@link #NO_ANSWER}, the call's answer was
   * lost (a timeout after the request went out, a reset); {@link #CLAIM_LEFT}, an attempt died
   * during its call and the next found its claim. Counted when the message is marked unknown, once
   * per send and reason (a send already unknown returns before either), not when a status webhook
   * bound its wamid before the answer was lost (it went, nothing is held); the API's
   * sales_agent_sends_unknown gauge says how many are held now.
   */
  static void ambiguous(String reason) {
    Metrics.counter("sales_agent.sends.ambiguous", "reason", reason).increment();
  }

  static final String NO_ANSWER = "no_answer";
  static final String CLAIM_LEFT = "claim_left";

  /**
   * What a send was, for the metric: a person's message, the agent's answer, a re-engagement, the
   * first contact or a follow-up. A person's message and a rep's re-engagement go at the step the
   * lead is at (0 before any follow-up), so the step alone does not tell.
   */
  static String kind(SendRequest request, Document message) {
    String purpose = message == null ? null : message.getString("purpose");
    if (message != null && !whose(message).isEmpty()) {
      return "agent_answer".equals(purpose) ? "agent_answer" : "person";
    }
    if (OwnerReply.TEMPLATE.equals(purpose)) {
      return "re_engagement";
    }
    return request.step() == 0 ? "first_contact" : "follow_up";
  }

  /**
   * sales_agent_follow_up_lateness_seconds (a histogram): from the time the follow-up was due (the
   * lead's next action time: the policy's delay, or the end of quiet hours it waited for) to the
   * Cloud API accepting it. The contact is the one the send read (the workflow set its next action
   * before the send began).
   */
  static void recordLateness(Document contact, Instant acceptedAt) {
    Date due = contact == null ? null : contact.getDate("nextActionAt");
    if (due == null || acceptedAt == null || acceptedAt.isBefore(due.toInstant())) {
      return;
    }
    Timer.builder("sales_agent.follow_up.lateness")
        .description("due time of a follow-up to its acceptance by the Cloud API")
        .publishPercentileHistogram()
        .register(Metrics.globalRegistry)
        .record(Duration.between(due.toInstant(), acceptedAt));
  }

  /**
   * The log line of a failed send: Meta's code, subcode, details (in the message) and trace id,
   * what it proves; the number masked, in the line and in Meta's text.
   */
  static String failureLine(String key, String phone, WhatsAppApiException e) {
    StringBuilder line =
        new StringBuilder("send ")
            .append(key)
            .append(" to ")
            .append(Phones.mask(phone))
            .append(": ")
            .append(Phones.scrub(e.getMessage()))
            .append(" (")
            .append(e.kind());
    if (e.httpStatus() != 0) {
      line.append(", HTTP ").append(e.httpStatus());
    }
    if (e.code() != 0) {
      line.append(", code ").append(e.code());
    }
    if (e.subcode() != null) {
      line.append(", subcode ").append(e.subcode());
    }
    if (e.fbtraceId() != null) {
      line.append(", fbtrace ").append(e.fbtraceId());
    }
    return line.append(')').toString();
  }

  static Document error(WhatsAppApiException e, Instant at) {
    return new Document("code", e.code())
        .append("httpStatus", e.httpStatus())
        .append("subcode", e.subcode())
        .append("details", e.details())
        .append("fbtraceId", e.fbtraceId())
        .append("message", e.getMessage())
        .append("at", Date.from(at));
  }

  /**
   * The variant whose counters the message moves: its own, except for a re-engagement template a
   * rep asked for ({@code requestedBy}), which is a person's message, not the sequence's.
   */
  static String countedVariant(Document message) {
    return message.getString("requestedBy") != null ? null : message.getString("variantId");
  }

  /** Whether a person wrote the message (a rep's text or voice note), not the sequence or agent. */
  static boolean byPerson(Document message) {
    return message != null && "owner reply, ".equals(whose(message));
  }

  /**
   * Whose message the timeline says went out: a person's (an owner's reply) or the agent's answer
   * to a question are not the sequence's steps, whose number they carry.
   */
  static String whose(Document message) {
    String purpose = message.getString("purpose");
    if (OwnerReply.TEXT.equals(purpose)
        || "person".equals(message.getString("composer"))
        || message.getString("requestedBy") != null) {
      return "owner reply, ";
    }
    return "agent_answer".equals(purpose) ? "agent answer, " : "";
  }
}

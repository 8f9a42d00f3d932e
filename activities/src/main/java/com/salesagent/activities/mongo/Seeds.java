package com.salesagent.activities.mongo;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.salesagent.activities.persona.Topics;
import java.time.Duration;
import java.util.List;
import org.bson.Document;

/**
 * Default documents, inserted only where missing ($setOnInsert), so an operator's edits survive
 * restarts: the default follow-up policy, the default agent configuration and three prompt variants
 * for every segment.
 */
public final class Seeds {
  private Seeds() {}

  /** Follow-up timing and sending rules; durations are configuration so demos can shrink them. */
  public record Defaults(
      Duration readNoReplyDelay,
      Duration unreadDelay,
      int maxFollowUps,
      String quietHoursStart,
      String quietHoursEnd,
      String defaultTimezone,
      Duration customerServiceWindow,
      Duration rateLimitBackoff,
      int maxRateLimitRetries,
      Duration approvalSla,
      String approvalDefault,
      Duration unknownSendWindow,
      String unknownSendPolicy) {}

  public static void ensure(MongoDatabase db, Defaults d) {
    upsert(
        db,
        Collections.WORKFLOW_DEFINITIONS,
        "segment",
        "default",
        new Document("readNoReplyDelay", d.readNoReplyDelay().toString())
            .append("unreadDelay", d.unreadDelay().toString())
            .append("maxFollowUps", d.maxFollowUps())
            .append(
                "steps",
                List.of(
                    new Document("condition", "read_no_reply")
                        .append("delay", d.readNoReplyDelay().toString())
                        .append("angle", "same"),
                    new Document("condition", "unread")
                        .append("delay", d.unreadDelay().toString())
                        .append("angle", "another"))));
    upsert(
        db,
        Collections.AGENT_CONFIGURATIONS,
        "configId",
        "default",
        new Document("version", 1)
            .append(
                "quietHours",
                new Document("start", d.quietHoursStart()).append("end", d.quietHoursEnd()))
            .append("defaultTimezone", d.defaultTimezone())
            .append("customerServiceWindow", d.customerServiceWindow().toString())
            .append("rateLimitBackoff", d.rateLimitBackoff().toString())
            .append("maxRateLimitRetries", d.maxRateLimitRetries())
            .append("strategy", "round_robin")
            .append("thompson", new Document("burnIn", 30).append("floor", 0.01))
            .append(
                "autoDisable",
                new Document("enabled", false)
                    .append("minSamples", 200)
                    .append("maxProbabilityToBeBest", 0.02)
                    .append("consecutiveChecks", 3))
            .append(
                "approval",
                new Document("sla", d.approvalSla().toString())
                    .append("default", d.approvalDefault()))
            .append(
                "deliveryReconciliation",
                new Document("window", d.unknownSendWindow().toString())
                    .append("policy", d.unknownSendPolicy()))
            .append(
                "qualityGate",
                new Document("approveAt", 0.8)
                    .append("holdAt", 0.5)
                    .append(
                        "bannedPhrases",
                        List.of("guaranteed", "100% free", "act now", "risk-free", "click here"))));
    variant(
        db,
        "v-scaling",
        "scaling challenges",
        "intro_scaling",
        "Hi {{firstName}}, I saw that {{fact}}. Scaling outreach usually means more people; we"
            + " help {{industry}} teams like {{company}} do it on WhatsApp without adding"
            + " headcount. Open to a 15-minute chat this week?",
        "followup_scaling",
        "Hi {{firstName}}, following up on my note: teams like {{company}} usually start with one"
            + " campaign and scale from there. Shall I send a two-line summary?",
        "followup_scaling_angle",
        "Hi {{firstName}}, a different thought for {{company}}: what slows your outreach most"
            + " today, people or tools? Happy to share what works for {{industry}} teams.");
    variant(
        db,
        "v-cost",
        "cost savings",
        "intro_cost",
        "Hi {{firstName}}, I saw that {{fact}}. Companies in {{industry}} like {{company}} cut"
            + " their cost per qualified lead by automating first contact on WhatsApp. Worth a"
            + " quick look?",
        "followup_cost",
        "Hi {{firstName}}, circling back: would a short cost comparison for {{company}} help?",
        "followup_cost_angle",
        "Hi {{firstName}}, another angle: how much time does your team spend on follow-ups each"
            + " week? We take that off their plate.");
    variant(
        db,
        "v-speed",
        "speed to value",
        "intro_speed",
        "Hi {{firstName}}, I saw that {{fact}}. {{company}} could have a personalised WhatsApp"
            + " campaign running this week. Want to see how {{industry}} teams do it?",
        "followup_speed",
        "Hi {{firstName}}, just checking in: shall I show you a live example?",
        "followup_speed_angle",
        "Hi {{firstName}}, quick question for you as {{jobTitle}}: is faster first contact on"
            + " your list this quarter?");
    Topics.seed(db);
  }

  private static void variant(
      MongoDatabase db,
      String variantId,
      String angle,
      String firstName,
      String firstBody,
      String followName,
      String followBody,
      String angleName,
      String angleBody) {
    upsert(
        db,
        Collections.PROMPT_VARIANTS,
        "variantId",
        variantId,
        new Document("segments", List.of("*"))
            .append("angle", angle)
            .append("locale", "en")
            .append("enabled", true)
            .append("weight", 1)
            .append(
                "templates",
                new Document("first_contact", template(firstName, firstBody))
                    .append("follow_up_read", template(followName, followBody))
                    .append("follow_up_unread", template(angleName, angleBody))));
  }

  private static Document template(String name, String body) {
    return new Document("name", name).append("language", "en").append("body", body);
  }

  private static void upsert(
      MongoDatabase db, String collection, String key, String value, Document fields) {
    db.getCollection(collection)
        .updateOne(
            Filters.eq(key, value),
            new Document("$setOnInsert", fields.append(key, value)),
            new UpdateOptions().upsert(true));
  }
}

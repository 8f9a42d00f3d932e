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
 * restarts: the default follow-up policy, the default agent configuration, three prompt variants
 * for every segment (the cold openers, {@link SeededVariants}), the returning-contact variant
 * ({@link ReturningVariantSeed}), the topics and the sample knowledge entries ({@link
 * KnowledgeSamples}).
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
                        List.of("guaranteed", "100% free", "act now", "risk-free", "click here")))
            .append("compose", new Document("fallbackLocale", "en")));
    SeededVariants.ensure(db);
    ReturningVariantSeed.ensure(db);
    Topics.seed(db);
    KnowledgeSamples.ensure(db);
  }

  static void upsert(
      MongoDatabase db, String collection, String key, String value, Document fields) {
    db.getCollection(collection)
        .updateOne(
            Filters.eq(key, value),
            new Document("$setOnInsert", fields.append(key, value)),
            new UpdateOptions().upsert(true));
  }
}

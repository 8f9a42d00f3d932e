package com.salesagent.worker.health;

import com.codahale.metrics.health.HealthCheck;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.worker.MongoConnection;
import java.util.List;
import java.util.stream.Collectors;
import org.bson.Document;

/**
 * Unhealthy while a business number is paused by one of Meta's account-level errors (token expired,
 * account locked, payment problem): leads wait instead of failing, so nothing else would tell an
 * operator that no message is going out. This check is for alerting, not for liveness: a restart
 * does not renew a token.
 */
public class SendersHealthCheck extends HealthCheck {
  private final MongoConnection mongo;

  public SendersHealthCheck(MongoConnection mongo) {
    this.mongo = mongo;
  }

  @Override
  protected Result check() {
    List<Document> paused = new Senders(mongo.database()).paused();
    if (paused.isEmpty()) {
      return Result.healthy("no business number paused");
    }
    return Result.unhealthy(
        "sending paused for %s (leads wait; one send every %d minutes probes whether it works"
            + " again)",
        paused.stream().map(SendersHealthCheck::describe).collect(Collectors.joining("; ")),
        Senders.PROBE.toMinutes());
  }

  private static String describe(Document sender) {
    return "phone number id "
        + sender.get("_id")
        + " since "
        + (sender.getDate("since") == null ? "?" : sender.getDate("since").toInstant())
        + ": Meta error "
        + sender.get("code")
        + " ("
        + sender.getString("detail")
        + ")";
  }
}

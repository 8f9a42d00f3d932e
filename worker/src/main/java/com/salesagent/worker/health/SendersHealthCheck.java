package com.salesagent.worker.health;

import com.codahale.metrics.health.HealthCheck;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.worker.MongoConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.bson.Document;

/**
 * Unhealthy while a business number cannot send and nothing else would tell an operator that no
 * message is going out on it (leads wait instead of failing):
 *
 * <ul>
 *   <li>paused by one of Meta's account-level errors (token expired, account locked, payment
 *       problem) or by its quality;
 *   <li>active, but no live worker has its token variable: the senders API's {@code token_missing}
 *       ({@link Senders#unusable}, the same rule): named by its phone-number id and the variable's
 *       name, never a token.
 * </ul>
 *
 * Start-up: workers report their token variables when they start and every {@link
 * Senders#TOKEN_REPORT_EVERY}; a report holds {@link Senders#TOKEN_SEEN_FOR}. After the whole
 * system was down longer than that, every report in MongoDB is stale until the first worker is up
 * again, so during this process's first {@link Senders#TOKEN_SEEN_FOR} a missing token is only
 * mentioned (healthy), not reported: the check does not flap red for a start's first seconds. A
 * worker process (and the embedded default) reports before its admin port serves, so its own
 * numbers are covered from the first check. A pause is reported at once.
 *
 * <p>This check is for alerting, not for liveness: a restart does not renew a token or set a
 * variable.
 */
public class SendersHealthCheck extends HealthCheck {
  private final Supplier<MongoDatabase> db;
  private final Clock clock;
  private final Instant started;

  /**
   * Its reads give up after 3 s, as the MongoDB check's ping: a silent server held them for the
   * read deadline (two minutes) and the whole {@code /healthcheck} with them.
   */
  public SendersHealthCheck(MongoConnection mongo) {
    this(
        () ->
            mongo
                .database()
                .withTimeout(
                    MongoHealthCheck.DEADLINE.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS),
        Clock.systemUTC());
  }

  /** {@code clock}: its instant now is this process's start (the grace for token reports). */
  SendersHealthCheck(Supplier<MongoDatabase> db, Clock clock) {
    this.db = db;
    this.clock = clock;
    this.started = clock.instant();
  }

  @Override
  protected Result check() {
    Senders senders = new Senders(db.get());
    Instant now = clock.instant();
    List<String> problems = new ArrayList<>();
    List<Document> paused = senders.paused();
    if (!paused.isEmpty()) {
      problems.add(
          String.format(
              "sending paused for %s (leads wait; one send every %d minutes probes whether it works"
                  + " again)",
              paused.stream().map(SendersHealthCheck::describe).collect(Collectors.joining("; ")),
              Senders.PROBE.toMinutes()));
    }
    List<Document> missing = new ArrayList<>();
    for (Document sender : senders.sending()) {
      if (!"paused".equals(sender.getString("status"))
          && Senders.TOKEN_MISSING.equals(Senders.unusable(sender, now))) {
        missing.add(sender);
      }
    }
    boolean starting = now.isBefore(started.plus(Senders.TOKEN_SEEN_FOR));
    if (!missing.isEmpty() && !starting) {
      problems.add(
          Senders.TOKEN_MISSING
              + ": no worker has reported the token variable of "
              + missing.stream().map(SendersHealthCheck::variable).collect(Collectors.joining("; "))
              + " within the last "
              + Senders.TOKEN_SEEN_FOR.toSeconds()
              + " s (set it in every worker that sends; no new lead is pinned to it meanwhile)");
    }
    if (!problems.isEmpty()) {
      return Result.unhealthy(String.join("; ", problems));
    }
    if (!missing.isEmpty()) {
      return Result.healthy(
          "no business number paused; workers' token reports awaited (this process started"
              + " moments ago) for "
              + missing.stream()
                  .map(SendersHealthCheck::variable)
                  .collect(Collectors.joining("; ")));
    }
    return Result.healthy("no business number paused, none without its token variable");
  }

  private static String variable(Document sender) {
    return "phone number id " + sender.get("_id") + " (" + sender.getString("tokenRef") + ")";
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

package com.salesagent.worker.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.health.HealthCheck;
import com.salesagent.activities.MutableClock;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.Senders;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The senders health check: red for a paused number, and for an active number whose token variable
 * no live worker has (the senders API's {@code token_missing}), naming the number and the variable,
 * never a token; not in this process's first minute, before the workers' first reports.
 */
class SendersHealthCheckTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private final MutableClock clock = new MutableClock(Instant.now());
  private Senders senders;

  @BeforeEach
  void setUp() {
    senders = new Senders(MONGO.database());
    senders.register("111", "WHATSAPP_ACCESS_TOKEN", null, true);
    senders.register("222", "TOKEN_B", null, false);
  }

  /** A check made at {@code startedAgo} before the clock's now (the process's start). */
  private SendersHealthCheck startedAgo(Duration ago) {
    clock.advance(ago.negated());
    SendersHealthCheck check = new SendersHealthCheck(MONGO::database, clock);
    clock.advance(ago);
    return check;
  }

  @Test
  void everyNumberAWorkerCanSendFromIsHealthy() throws Exception {
    clock.advance(Duration.ofMinutes(5));
    senders.tokensSeen(Map.of("111", "WHATSAPP_ACCESS_TOKEN", "222", "TOKEN_B"), clock.instant());

    HealthCheck.Result result = startedAgo(Duration.ofMinutes(3)).execute();

    assertThat(result.isHealthy()).as(result.getMessage()).isTrue();
  }

  @Test
  void anActiveNumberNoWorkerHasTheTokenOfIsUnhealthyNamingTheNumberAndTheVariable()
      throws Exception {
    clock.advance(Duration.ofMinutes(5));
    // Only the first number's variable is reported; the second's last report is 2 minutes old.
    senders.tokensSeen(Map.of("222", "TOKEN_B"), clock.instant().minus(Duration.ofMinutes(2)));
    senders.tokensSeen(Map.of("111", "WHATSAPP_ACCESS_TOKEN"), clock.instant());

    HealthCheck.Result result = startedAgo(Duration.ofMinutes(3)).execute();

    assertThat(result.isHealthy()).isFalse();
    assertThat(result.getMessage())
        .contains("phone number id 222")
        .contains("TOKEN_B")
        .contains(Senders.TOKEN_MISSING)
        .doesNotContain("111");
    // The variable set again in a worker: its next report makes the check green.
    senders.tokensSeen(Map.of("111", "WHATSAPP_ACCESS_TOKEN", "222", "TOKEN_B"), clock.instant());
    assertThat(startedAgo(Duration.ofMinutes(3)).execute().isHealthy()).isTrue();
  }

  @Test
  void aNumberJustRegisteredIsNotReportedBeforeTheWorkersHadTimeToReport() throws Exception {
    senders.tokensSeen(Map.of("111", "WHATSAPP_ACCESS_TOKEN"), clock.instant());

    // 222 was registered moments ago: token_unchecked, not token_missing.
    assertThat(Senders.unusable(senders.get("222"), clock.instant()))
        .isEqualTo(Senders.TOKEN_UNCHECKED);
    assertThat(startedAgo(Duration.ofMinutes(3)).execute().isHealthy()).isTrue();
  }

  /**
   * Right after a start (the whole system down for a while: every report in MongoDB is old), the
   * workers have not reported yet: the check waits one report lifetime before it calls a token
   * missing, so it does not flap red for a start's first seconds; a pause is reported at once.
   */
  @Test
  void inTheProcesssFirstMinuteAMissingTokenIsNotYetUnhealthy() throws Exception {
    clock.advance(Duration.ofHours(1));
    senders.tokensSeen(Map.of("111", "WHATSAPP_ACCESS_TOKEN", "222", "TOKEN_B"), clock.instant());
    clock.advance(Duration.ofMinutes(10));
    SendersHealthCheck check = startedAgo(Duration.ofSeconds(5));

    HealthCheck.Result early = check.execute();
    assertThat(early.isHealthy()).as(early.getMessage()).isTrue();
    assertThat(early.getMessage()).contains("222").contains("awaited");

    clock.advance(Senders.TOKEN_SEEN_FOR);
    HealthCheck.Result later = check.execute();
    assertThat(later.isHealthy()).isFalse();
    assertThat(later.getMessage()).contains("phone number id 111").contains("phone number id 222");

    senders.pause("222", 190, "Session has expired", clock.instant());
    clock.set(clock.instant().minus(Senders.TOKEN_SEEN_FOR));
    HealthCheck.Result paused = check.execute();
    assertThat(paused.isHealthy()).as("a pause is not held back").isFalse();
    assertThat(paused.getMessage()).contains("sending paused for phone number id 222");
  }

  @Test
  void aPausedNumberIsReportedAsPausedOnly() throws Exception {
    clock.advance(Duration.ofMinutes(5));
    senders.tokensSeen(Map.of("111", "WHATSAPP_ACCESS_TOKEN"), clock.instant());
    senders.pause("222", 190, "Session has expired", clock.instant());

    HealthCheck.Result result = startedAgo(Duration.ofMinutes(3)).execute();

    assertThat(result.isHealthy()).isFalse();
    assertThat(result.getMessage())
        .contains("sending paused for phone number id 222")
        .doesNotContain(Senders.TOKEN_MISSING);
  }
}

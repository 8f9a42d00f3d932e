package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Messages;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.workflows.lead.SendResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A send's claim lease ({@code SendClaims.CLAIM_LEASE}) is written and judged on MongoDB's clock,
 * never a worker's; and an attempt re-checks that it still holds its claim right before its call to
 * Meta. Against the embedded MongoDB-wire server and a stub Cloud API, counting Meta's calls.
 */
class ClaimLeaseTest extends HeldSendFixture {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  @Override
  protected MongoDatabase database() {
    return MONGO.database();
  }

  @Override
  protected String prefix() {
    return "C-";
  }

  /**
   * A resend's attempt claimed, called Meta and may still be in its call (its claim is seconds
   * old). The next resend judges that claim on a clock 3 minutes off the holder's, more than the
   * lease: before, the holder's clock behind (its claim's {@code sendingSince} 3 minutes early) or
   * the judge's ahead made the claim look over, the send was held again under its holder and the
   * resend after it called Meta a second time. Judged on MongoDB's clock, the claim stands.
   * (Workers' whole clocks are not skewed here: the send's pacing reads them too.)
   */
  @ParameterizedTest(name = "holder {0} min, judge {1} min")
  @CsvSource({"-3, 0", "0, 3"})
  void aSkewedClockNeverMakesAClaimUnderWayLookOver(int holderSkew, int judgeSkew) {
    String key = heldAfterADeadAttempt();
    assertThatThrownBy(() -> dyingWorker("lead/run/5").send(resend(key)))
        .hasMessageContaining("worker died");
    // What a holder whose clock is behind writes as its claim's time.
    store
        .messages()
        .setMessageFields(key, new Document("sendingSince", Date.from(skewed(holderSkew))));

    boolean heldAgain = store.messages().markUnknownLeft(key, "lead/run/9", skewed(judgeSkew));
    SendResult after = worker("lead/run/12").send(resend(key));

    assertThat(heldAgain).as("a claim under way is not held again").isFalse();
    assertThat(after.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(store.messages().messageByKey(key).getString(Messages.RESENT_BY_ACTIVITY))
        .as("the holder's claim stands")
        .isEqualTo("lead/run/5");
    assertThat(api.requests).as("Meta called once").hasSize(1);
  }

  /**
   * The same claim once it is older than the lease on MongoDB's clock: a resend judging on a clock
   * 3 minutes behind holds it again on its dead holder's behalf, and the next resend calls once.
   */
  @Test
  void aClaimOlderThanTheLeaseOnMongosClockIsHeldAgain() {
    String key = heldAfterADeadAttempt();
    assertThatThrownBy(() -> dyingWorker("lead/run/5").send(resend(key)))
        .hasMessageContaining("worker died");
    claimedLongAgo(key);

    assertThat(store.messages().markUnknownLeft(key, "lead/run/9", skewed(-3))).isTrue();
    assertThat(store.messages().messageByKey(key).get(Messages.RESENT_BY))
        .as("held again")
        .isNull();
    assertThat(worker("lead/run/12").send(resend(key)).outcome()).isEqualTo(SendResult.SENT);
    assertThat(api.requests).hasSize(2);
  }

  /**
   * An attempt claimed, then stalled between its reads and its call past its lease; meanwhile its
   * send was held unknown and a resend took the claim over (and calls). When it resumes it finds
   * its claim gone and does not call. Before, nothing was checked after the claim: it called too.
   */
  @Test
  void anAttemptWhoseClaimWasTakenOverBeforeItsCallDoesNotCall() {
    String key = composed("1");
    AtomicReference<Runnable> stall = new AtomicReference<>();
    LeadStore stalling =
        new LeadStore(database()) {
          @Override
          public boolean erasingNow(String id) {
            Runnable during = stall.getAndSet(null);
            if (during != null) {
              during.run();
            }
            return super.erasingNow(id);
          }
        };
    stall.set(
        () -> {
          Document claimed = store.messages().messageByKey(key);
          assertThat(claimed.getString("sendingBy")).as("after the claim").isNotNull();
          assertThat(store.messages().markUnknown(key, "no answer", Instant.now())).isTrue();
          assertThat(store.messages().claimSend(key, "resend-2", Instant.now(), true)).isTrue();
        });
    MessagingActivitiesImpl worker =
        new MessagingActivitiesImpl(
            stalling, new WhatsAppClient(settings, Duration.ofSeconds(5)), settings, clock);

    SendResult result = worker.send(send(key));

    assertThat(stall.get()).as("the stall ran").isNull();
    assertThat(api.requests).as("the attempt whose claim was taken over never calls").isEmpty();
    assertThat(result.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(store.messages().messageByKey(key).getString("sendingBy"))
        .as("the resend's claim stays")
        .isEqualTo("resend-2");
  }

  /** Now on a clock {@code minutes} off. */
  private static Instant skewed(int minutes) {
    return Instant.now().plus(Duration.ofMinutes(minutes));
  }
}

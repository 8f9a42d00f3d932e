package com.salesagent.activities.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.Senders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sending worker tells the pool which numbers' token variables it has; a number no worker has
 * reported on is unusable ({@code token_missing}), and the token itself is written nowhere.
 */
class SenderTokenReportTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private Senders senders;

  @BeforeEach
  void setUp() {
    senders = new Senders(MONGO.database());
    senders.register("111", SenderClients.PRIMARY_TOKEN_REF, 80, true);
    senders.register("222", "TOKEN_B", 80, false);
    senders.register("333", "TOKEN_NOBODY_SET", 80, false);
    // Registered a while ago: past the moment a first report is awaited.
    MONGO
        .database()
        .getCollection(Senders.COLLECTION)
        .updateMany(
            Filters.exists("_id"),
            Updates.set("registeredAt", Date.from(NOW.minus(Duration.ofMinutes(10)))));
  }

  private void report(Instant at) {
    WhatsAppSettings settings = new WhatsAppSettings("http://127.0.0.1:9", "v24.0", "111", "t-a");
    Map<String, String> env = Map.of("TOKEN_B", "token-b-secret");
    new SenderTokenReport(
            senders,
            new SenderClients(
                settings, new WhatsAppClient(settings, Duration.ofSeconds(1)), env::get),
            Clock.fixed(at, ZoneOffset.UTC))
        .run();
  }

  @Test
  void aNumberWhoseTokenVariableNoWorkerHasIsUnusableTheOthersAreUsable() {
    report(NOW);

    assertThat(Senders.unusable(senders.get("111"), NOW)).isNull();
    assertThat(Senders.unusable(senders.get("222"), NOW)).isNull();
    assertThat(Senders.unusable(senders.get("333"), NOW)).isEqualTo(Senders.TOKEN_MISSING);
    // Only the variable's name and a time are stored: never the token.
    for (Document d : senders.all()) {
      assertThat(d.toJson()).doesNotContain("token-b-secret").doesNotContain("t-a\"");
    }
  }

  @Test
  void aReportHoldsForAMinuteAndOnlyForTheReferenceItWasMadeFor() {
    report(NOW);

    assertThat(Senders.unusable(senders.get("222"), NOW.plusSeconds(59))).isNull();
    assertThat(Senders.unusable(senders.get("222"), NOW.plusSeconds(61)))
        .as("the workers that had it stopped reporting")
        .isEqualTo(Senders.TOKEN_MISSING);

    // The operator points the number at another variable: the old report says nothing about it.
    senders.register("222", "TOKEN_B2", 80, false);
    assertThat(Senders.unusable(senders.get("222"), Instant.now()))
        .isEqualTo(Senders.TOKEN_UNCHECKED);
    assertThat(Senders.unusable(senders.get("222"), Instant.now().plus(Duration.ofMinutes(2))))
        .isEqualTo(Senders.TOKEN_MISSING);
  }

  @Test
  void aPausedNumberWithItsTokenIsUnusableBecausePaused() {
    report(NOW);
    senders.pause("222", 131031, "account locked", NOW);

    assertThat(Senders.unusable(senders.get("222"), NOW)).isEqualTo(Senders.PAUSED);
  }
}

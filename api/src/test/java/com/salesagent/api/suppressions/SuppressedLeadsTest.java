package com.salesagent.api.suppressions;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.webhook.LeadSignaller;
import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.MessageStatusSignal;
import com.salesagent.workflows.lead.OptOutSignal;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Telling the live leads of a suppressed number: bounded, idempotent, retried after a failure. */
class SuppressedLeadsTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final MongoClient CLIENT =
      MongoClients.create(
          "mongodb://" + hostPort(MONGO.bind()) + "/?serverSelectionTimeoutMS=2000");
  static final MongoDatabase DB = CLIENT.getDatabase("suppressed-leads-test");
  static final LeadStore STORE = new LeadStore(DB);

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  @AfterAll
  static void close() {
    CLIENT.close();
    MONGO.shutdown();
  }

  /** Records the opt-outs it is asked to signal; fails them all while {@code down}. */
  static final class Signals implements LeadSignaller {
    final List<String> optedOut = new CopyOnWriteArrayList<>();
    volatile boolean down;

    @Override
    public String status(String leadId, MessageStatusSignal signal) {
      return SIGNALLED;
    }

    @Override
    public String inbound(String leadId, InboundMessageSignal signal) {
      return SIGNALLED;
    }

    @Override
    public String optOut(String leadId, OptOutSignal signal) {
      if (down) {
        throw new IllegalStateException("Temporal unreachable");
      }
      optedOut.add(leadId);
      return SIGNALLED;
    }
  }

  private static String number() {
    return "+5511"
        + String.format("%09d", Math.floorMod(UUID.randomUUID().hashCode(), 1_000_000_000));
  }

  private static String contact(String phone, String stage) {
    String leadId = "l-" + UUID.randomUUID();
    STORE
        .contacts()
        .insertOne(
            new Document("leadId", leadId)
                .append("phone", phone)
                .append("campaignId", "c")
                .append("stage", stage));
    return leadId;
  }

  private static long told(String leadId) {
    return STORE.interactions().timeline(leadId).stream()
        .filter(e -> SuppressedLeads.EVENT.equals(e.getString("type")))
        .count();
  }

  private static boolean marked(String phone) {
    return DB.getCollection(Suppressions.TO_TELL).countDocuments(Filters.eq("_id", phone)) == 1;
  }

  @Test
  void atMostTheCapOfANumbersLeadsArePassedOnAPassTheRestTheNextAndNoneTwice() {
    String phone = number();
    List<String> live =
        java.util.stream.IntStream.range(0, SuppressedLeads.MAX_LEADS_PER_NUMBER + 1)
            .mapToObj(i -> contact(phone, i % 2 == 0 ? "handed_off" : "follow_up_scheduled"))
            .toList();
    String ended = contact(phone, "converted");
    String otherNumber = contact(number(), "handed_off");
    Signals signals = new Signals();
    SuppressedLeads leads = new SuppressedLeads(STORE, signals, Clock.systemUTC());
    new Suppressions(DB).suppress(List.of(phone), Suppressions.OPERATOR, Instant.now(), "by ops");

    SuppressedLeads.Told first = leads.tellNow(phone);

    assertThat(first)
        .isEqualTo(new SuppressedLeads.Told(SuppressedLeads.MAX_LEADS_PER_NUMBER, false));
    assertThat(marked(phone)).as("more leads than the cap: told on the next pass").isTrue();
    assertThat(leads.sweep()).isEqualTo(1);
    assertThat(marked(phone)).isFalse();
    assertThat(leads.sweep()).isZero();
    assertThat(leads.tellNow(phone)).isEqualTo(new SuppressedLeads.Told(0, true));
    assertThat(signals.optedOut).containsExactlyInAnyOrderElementsOf(live);
    assertThat(live).allSatisfy(id -> assertThat(told(id)).isEqualTo(1));
    assertThat(live)
        .allSatisfy(id -> assertThat(STORE.contact(id).getBoolean("doNotContact")).isTrue());
    assertThat(STORE.interactions().timeline(live.get(0)))
        .filteredOn(e -> SuppressedLeads.EVENT.equals(e.getString("type")))
        .extracting(e -> e.getString("detail"))
        .containsExactly("number suppressed by an operator: by ops");
    assertThat(signals.optedOut).doesNotContain(ended, otherNumber);
  }

  @Test
  void aFailedSignalLeavesTheLeadToBeToldAndTheSuppressionStands() {
    String phone = number();
    String leadId = contact(phone, "handed_off");
    Signals signals = new Signals();
    signals.down = true;
    SuppressedLeads leads = new SuppressedLeads(STORE, signals, Clock.systemUTC());
    new Suppressions(DB).suppress(List.of(phone), Suppressions.OPERATOR, Instant.now(), null);

    assertThat(leads.tellNow(phone)).isEqualTo(new SuppressedLeads.Told(0, false));
    assertThat(new Suppressions(DB).active(List.of(phone))).isPresent();
    assertThat(marked(phone)).isTrue();
    assertThat(STORE.contact(leadId).getBoolean("doNotContact")).isNull();
    assertThat(told(leadId)).isZero();

    signals.down = false;
    leads.sweep();

    assertThat(signals.optedOut).contains(leadId);
    assertThat(told(leadId)).isEqualTo(1);
    assertThat(marked(phone)).isFalse();
  }

  @Test
  void aStopIsLeftToTheWebhookForAWhileThenItsOtherLeadsAreTold() {
    String phone = number();
    String leadId = contact(phone, "handed_off");
    Signals signals = new Signals();
    new Suppressions(DB).suppress(List.of(phone), Suppressions.KEYWORD, Instant.now(), "reply x");

    new SuppressedLeads(STORE, signals, Clock.systemUTC()).sweep();
    assertThat(signals.optedOut).doesNotContain(leadId);

    Clock later =
        Clock.offset(Clock.systemUTC(), SuppressedLeads.GRACE.plus(Duration.ofSeconds(1)));
    new SuppressedLeads(STORE, signals, later).sweep();

    assertThat(signals.optedOut).contains(leadId);
    assertThat(STORE.interactions().timeline(leadId))
        .filteredOn(e -> SuppressedLeads.EVENT.equals(e.getString("type")))
        .extracting(e -> e.getString("detail"))
        .containsExactly("the number opted out in another conversation (keyword)");
  }

  @Test
  void anErasuresSuppressionEndsNoOtherLead() {
    String phone = number();
    String leadId = contact(phone, "handed_off");
    Signals signals = new Signals();
    new Suppressions(DB).suppressErased(List.of(phone), Instant.now());

    assertThat(marked(phone)).isFalse();
    new SuppressedLeads(STORE, signals, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(5)))
        .sweep();
    assertThat(signals.optedOut).doesNotContain(leadId);
  }

  /**
   * An operator's reason is told on the lead's timeline at most 200 characters, counted in code
   * points as the reason's own cap (500, kept) is: 150 emoji (300 UTF-16 units) were told cut to
   * 100.
   */
  @Test
  void anOperatorsReasonIsToldUpToTwoHundredCodePointsNeverHalfAnEmoji() {
    String stop = "\uD83D\uDEAB";
    Document within =
        new Document("source", Suppressions.OPERATOR).append("detail", stop.repeat(150));
    assertThat(SuppressedLeads.why(within))
        .isEqualTo("number suppressed by an operator: " + stop.repeat(150));

    Document over =
        new Document("source", Suppressions.OPERATOR).append("detail", stop.repeat(201));
    assertThat(SuppressedLeads.why(over))
        .isEqualTo("number suppressed by an operator: " + stop.repeat(200));

    Document odd =
        new Document("source", Suppressions.OPERATOR).append("detail", "a" + stop.repeat(200));
    assertThat(SuppressedLeads.why(odd))
        .isEqualTo("number suppressed by an operator: a" + stop.repeat(199));
  }
}

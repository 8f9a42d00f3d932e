package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The recontact guard and the contact's insert are one step per number ({@link EnrolLeases}): two
 * enrolments of one number in two campaigns at the same moment, from two API processes sharing one
 * MongoDB, enrol one. A lease a crashed process left blocks the number until it is stale, no
 * longer; an enrolment that fails between its lease and its insert gives the lease back.
 */
class EnrolmentRaceTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final String URI =
      "mongodb://" + hostPort(MONGO.bind()) + "/?serverSelectionTimeoutMS=2000";

  /** Every command on enrol_leases, by name, as the server was sent it. */
  static final List<String> LEASE_COMMANDS = new CopyOnWriteArrayList<>();

  /**
   * The race in progress: its number, and the two enrolments' arrivals (at the contact's insert, or
   * finding the number's lease held).
   */
  record Race(String phone, CountDownLatch arrivals) {}

  static final AtomicReference<Race> RACE = new AtomicReference<>();

  /**
   * A pause at the contact's insert of {@code phone} (once): {@code meanwhile} runs while the
   * insert waits, as another process would while this one is paused.
   */
  record Pause(String phone, Runnable meanwhile) {}

  static final AtomicReference<Pause> PAUSE = new AtomicReference<>();

  /** Two API processes: a client each. The first one counts its commands on enrol_leases. */
  static final MongoClient PROCESS_A = client(true);

  static final MongoClient PROCESS_B = client(false);

  static final LeadStore STORE_A = new LeadStore(PROCESS_A.getDatabase("race-test"));
  static final LeadStore STORE_B = new LeadStore(PROCESS_B.getDatabase("race-test"));

  static {
    com.salesagent.activities.mongo.MongoSchema.ensure(STORE_A.database(), Duration.ZERO);
  }

  static final TestWorkflowEnvironment TEMPORAL = temporal();

  /**
   * Run at each block of a person's numbers by an erasure in process B (its {@code imports} write,
   * before the suppression), with how many blocks it made so far, as another process enrolling then
   * would.
   */
  static final AtomicReference<java.util.function.IntConsumer> AT_BLOCK = new AtomicReference<>();

  static final java.util.concurrent.atomic.AtomicInteger BLOCKS =
      new java.util.concurrent.atomic.AtomicInteger();

  static final Duration RECONTACT_AFTER = Duration.ofDays(30);

  static final MovableClock CLOCK = new MovableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

  @AfterAll
  static void close() {
    PROCESS_A.close();
    PROCESS_B.close();
    MONGO.shutdown();
    TEMPORAL.close();
  }

  /**
   * The race: both enrolments reach the contact's insert, past the guard, before either inserts
   * (the listener holds the first insert until the other enrolment reaches its own, or finds the
   * number's lease held). Before the lease both passed the guard and both were enrolled, a cold
   * opener each; now the second waits for the first's insert and is refused {@code
   * recently_contacted} naming it.
   */
  @Test
  void twoEnrolmentsOfOneNumberInTwoCampaignsAtOnceFromTwoProcessesEnrolOne() throws Exception {
    String phone = "+5511998760301";
    Enrolment a = enrolment(STORE_A);
    Enrolment b = enrolment(STORE_B);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    RACE.set(new Race(phone, new CountDownLatch(2)));
    try {
      Future<Enrolment.Outcome> autumn =
          threads.submit(
              () -> {
                go.await();
                return a.enrol(lead("race-autumn", phone, "autumn"));
              });
      Future<Enrolment.Outcome> winter =
          threads.submit(
              () -> {
                go.await();
                return b.enrol(lead("race-winter", phone, "winter"));
              });
      go.countDown();
      List<Enrolment.Outcome> outcomes =
          List.of(autumn.get(30, TimeUnit.SECONDS), winter.get(30, TimeUnit.SECONDS));

      assertThat(outcomes)
          .extracting(Enrolment.Outcome::status)
          .containsExactlyInAnyOrder("enrolled", "recently_contacted");
      Enrolment.Outcome enrolled =
          outcomes.stream().filter(o -> "enrolled".equals(o.status())).findFirst().get();
      Enrolment.Outcome refused =
          outcomes.stream().filter(o -> !"enrolled".equals(o.status())).findFirst().get();
      assertThat(refused.activeLeadId()).as("names the lead enrolled").isEqualTo(enrolled.leadId());
      assertThat(STORE_A.contacts().countDocuments(Filters.eq("phone", phone)))
          .as("one contact of the number")
          .isEqualTo(1);
      assertThat(leaseOf(phone)).as("the lease was given back").isNull();
    } finally {
      RACE.set(null);
      threads.shutdownNow();
    }
  }

  /**
   * The common path costs two commands more (the lease's insert and delete; the delete also tells
   * whether the lease was still the enrolment's), with the guard and with {@code recontact=true},
   * which skips the guard but not the lease; none with RECONTACT_AFTER 0.
   */
  @Test
  void aGuardedEnrolmentCostsTwoLeaseCommandsAndAnUnguardedOneNone() {
    LEASE_COMMANDS.clear();
    Enrolment guarded = enrolment(STORE_A);
    assertThat(guarded.enrol(lead("cost-1", "+5511998760311", "autumn")).status())
        .isEqualTo("enrolled");
    assertThat(LEASE_COMMANDS).containsExactly("insert", "delete");

    LEASE_COMMANDS.clear();
    assertThat(guarded.recontacting().enrol(lead("cost-2", "+5511998760312", "autumn")).status())
        .isEqualTo("enrolled");
    assertThat(LEASE_COMMANDS).containsExactly("insert", "delete");

    LEASE_COMMANDS.clear();
    Enrolment unguarded =
        new Enrolment(STORE_A, TEMPORAL.getWorkflowClient(), CLOCK, Duration.ZERO, Duration.ZERO);
    assertThat(unguarded.enrol(lead("cost-3", "+5511998760313", "autumn")).status())
        .isEqualTo("enrolled");
    assertThat(LEASE_COMMANDS).isEmpty();
  }

  /**
   * An operator's {@code recontact=true} skips the guard, not the lease: a guarded enrolment of the
   * number in another campaign at the same moment (an import) waits for it, then sees its lead and
   * is refused. Without the lease both passed (the guarded one's guard before the other's insert)
   * and both sent a cold opener.
   */
  @Test
  void aRecontactingEnrolmentAndAGuardedOneAtOnceEnrolOne() {
    String phone = "+5511998760341";
    Enrolment operator = enrolment(STORE_A).recontacting();
    Enrolment importer = enrolment(STORE_B);
    List<Enrolment.Outcome> imported = new CopyOnWriteArrayList<>();
    // The import's enrolment comes while the operator's is between its (skipped) guard and its
    // insert.
    PAUSE.set(
        new Pause(
            phone, () -> imported.add(importer.enrol(lead("import-summer", phone, "summer")))));
    try {
      assertThat(operator.enrol(lead("anyway-spring", phone, "spring")).status())
          .isEqualTo("enrolled");
      assertThat(imported)
          .extracting(Enrolment.Outcome::status)
          .as("it waited for the operator's enrolment")
          .containsExactly("phone_enrolling");
      assertThat(STORE_A.contacts().countDocuments(Filters.eq("phone", phone)))
          .as("one contact of the number")
          .isEqualTo(1);
      Enrolment.Outcome again = importer.enrol(lead("import-summer", phone, "summer"));
      assertThat(again.status())
          .as("tried again, it sees the lead")
          .isEqualTo("recently_contacted");
      assertThat(again.activeLeadId()).isEqualTo("anyway-spring");
    } finally {
      PAUSE.set(null);
    }
  }

  /**
   * An enrolment paused between its guard and its insert for longer than the lease's staleness (a
   * GC, a slow network) loses the lease to another enrolment of the number, which passes the guard
   * before the paused one inserts. Before, both were enrolled (two contacts, two cold openers); now
   * the paused one learns, when it gives the lease back, that it was no longer its own, takes its
   * contact back before starting anything, and is refused {@code phone_enrolling} (retryable: the
   * next try sees the other lead).
   */
  @Test
  void anEnrolmentThatLostItsLeaseBeforeItsInsertTakesItsContactBack() {
    String phone = "+5511998760351";
    Enrolment paused = enrolment(STORE_A);
    Enrolment other = enrolment(STORE_B);
    List<Enrolment.Outcome> others = new CopyOnWriteArrayList<>();
    PAUSE.set(
        new Pause(
            phone,
            () -> {
              // While the first one's insert is held: its lease goes stale and another
              // enrolment of the number takes it over, passes the guard and inserts.
              CLOCK.move(EnrolLeases.STALE_AFTER.plusSeconds(1));
              others.add(other.enrol(lead("lost-winter", phone, "winter")));
            }));
    try {
      Enrolment.Outcome outcome = paused.enrol(lead("lost-autumn", phone, "autumn"));

      assertThat(others).extracting(Enrolment.Outcome::status).containsExactly("enrolled");
      assertThat(outcome.status()).isEqualTo("phone_enrolling");
      assertThat(outcome.retryAt()).isNotNull();
      assertThat(STORE_A.contact("lost-autumn")).as("taken back").isNull();
      assertThat(STORE_A.contacts().countDocuments(Filters.eq("phone", phone)))
          .as("one contact of the number")
          .isEqualTo(1);
      assertThat(leaseOf(phone)).as("the successor gave its lease back").isNull();
      assertThat(paused.enrol(lead("lost-autumn", phone, "autumn")).status())
          .as("tried again, it sees the other lead")
          .isEqualTo("recently_contacted");
    } finally {
      PAUSE.set(null);
    }
  }

  /**
   * A process that died holding a number's lease (between the lease and the insert) blocks the
   * number until the lease is stale, no longer: before, another enrolment of it tries again, then
   * is refused {@code phone_enrolling} with the time the lease goes stale, nothing stored; after,
   * it takes the lease over, is enrolled, and gives the lease back. The lease holds a hash, never
   * the number.
   */
  @Test
  void aLeaseACrashedProcessLeftIsTakenOverOnceStale() {
    String phone = "+5511998760321";
    Instant takenAt = CLOCK.instant();
    STORE_B
        .database()
        .getCollection(Collections.ENROL_LEASES)
        .insertOne(
            new Document("_id", EnrolLeases.key(phone))
                .append("owner", "a-process-that-died")
                .append("takenAt", Date.from(takenAt))
                .append("expireAt", Date.from(takenAt.plus(EnrolLeases.KEEP))));
    assertThat(leaseOf(phone).toJson()).doesNotContain(phone.substring(1));
    Enrolment enrolment = enrolment(STORE_A);

    LEASE_COMMANDS.clear();
    Enrolment.Outcome held = enrolment.enrol(lead("crash-winter", phone, "winter"));
    assertThat(held.status()).isEqualTo("phone_enrolling");
    assertThat(held.retryAt()).isEqualTo(takenAt.plus(EnrolLeases.STALE_AFTER));
    assertThat(LEASE_COMMANDS.stream().filter("insert"::equals).count())
        .as("it tried again before refusing")
        .isGreaterThan(1);
    assertThat(STORE_A.contact("crash-winter")).as("nothing stored").isNull();
    ApiException refusal = LeadResource.refusal(held, true);
    assertThat(refusal.status()).isEqualTo(409);
    assertThat(refusal.errors()).extracting(e -> e.field()).containsExactly("phone");
    assertThat(refusal.details()).containsEntry("status", "phone_enrolling");
    assertThat(refusal.headers()).containsKey("Retry-After");

    CLOCK.move(EnrolLeases.STALE_AFTER.plusSeconds(1));
    assertThat(enrolment.enrol(lead("crash-winter", phone, "winter")).status())
        .isEqualTo("enrolled");
    assertThat(leaseOf(phone)).as("given back after the insert").isNull();
  }

  /**
   * An enrolment that fails between its lease and its insert (here a lead the validator would have
   * refused, its consent time missing: building the contact throws) gives the lease back: the next
   * enrolment of the number takes it at once, without waiting.
   */
  @Test
  void anEnrolmentThatFailsBetweenItsLeaseAndItsInsertGivesTheLeaseBack() {
    String phone = "+5511998760331";
    LeadValidator.Lead broken = lead("broken-autumn", phone, "autumn");
    LeadValidator.Lead noConsentTime =
        new LeadValidator.Lead(
            broken.leadId(),
            broken.name(),
            broken.phone(),
            broken.company(),
            null,
            null,
            null,
            "UTC",
            null,
            null,
            null,
            null,
            broken.campaignId(),
            "form",
            null);
    assertThatThrownBy(() -> enrolment(STORE_A).enrol(noConsentTime))
        .isInstanceOf(NullPointerException.class);
    assertThat(leaseOf(phone)).as("given back").isNull();

    LEASE_COMMANDS.clear();
    assertThat(enrolment(STORE_A).enrol(lead("broken-winter", phone, "winter")).status())
        .isEqualTo("enrolled");
    assertThat(LEASE_COMMANDS).as("taken at once").containsExactly("insert", "delete");
  }

  private static Document leaseOf(String phone) {
    return STORE_A
        .database()
        .getCollection(Collections.ENROL_LEASES)
        .find(Filters.eq("_id", EnrolLeases.key(phone)))
        .first();
  }

  /** The erasure of a person by another API process (B): what {@code SubjectAccess.erase} does. */
  private static SubjectSearch.Subject search(String phone) {
    return new SubjectSearch(
            STORE_B,
            new LeadValidator("UTC", "US"),
            io.dropwizard.jackson.Jackson.newObjectMapper(),
            100)
        .find(new SubjectSearch.Asked(phone, null));
  }

  private static SubjectErasure.PersonErased erase(SubjectSearch.Subject subject, boolean keep) {
    LeadErasure leads =
        new LeadErasure(
            STORE_B, TEMPORAL.getWorkflowClient(), Duration.ofMinutes(10), CLOCK, (w, r) -> {});
    return (SubjectErasure.PersonErased)
        new SubjectErasure(STORE_B.database(), CLOCK)
            .erase("dpo", subject, "forget me", keep, leads)
            .getEntity();
  }

  /**
   * A person asks to be erased; their leads are found, and another lead of their number is enrolled
   * before the erasure blocks the number (suppression, imports told). Before, the erasure erased
   * the leads it had found and the new one went on, its cold opener to come: the person asked to be
   * forgotten and was messaged. Now the erasure blocks the number first and finds the person again:
   * the lead enrolled in the window is erased too, with keepSuppressed=false also.
   */
  @Test
  void aLeadEnrolledBetweenAnErasuresSearchAndItsBlockIsErasedToo() {
    for (boolean keep : new boolean[] {true, false}) {
      String phone = keep ? "+5511998760401" : "+5511998760402";
      Enrolment operator = enrolment(STORE_A).recontacting();
      assertThat(operator.enrol(lead("window-first-" + keep, phone, "spring")).status())
          .isEqualTo("enrolled");
      SubjectSearch.Subject found = search(phone);
      assertThat(found.exported()).containsExactly("window-first-" + keep);

      // The window: enrolled after the erasure's search, before its block.
      assertThat(operator.enrol(lead("window-second-" + keep, phone, "summer")).status())
          .isEqualTo("enrolled");
      SubjectErasure.PersonErased erased = erase(found, keep);

      assertThat(erased.leads())
          .as("keepSuppressed=" + keep)
          .extracting(SubjectErasure.LeadErased::leadId)
          .containsExactlyInAnyOrder("window-first-" + keep, "window-second-" + keep);
      assertThat(LeadStore.erasing(STORE_A.contactForSteps("window-second-" + keep)))
          .as("keepSuppressed=" + keep + ": the lead enrolled in the window is being erased")
          .isTrue();
    }
  }

  /**
   * An enrolment reads the number's suppression, and before its insert a whole erasure of the
   * person (keepSuppressed=true) blocks the number and searches for their leads: its search cannot
   * see a contact not yet inserted. Before, the enrolment inserted and started its lead: the person
   * who asked to be forgotten was enrolled, and messaged. Now the enrolment reads the suppression
   * again after its insert and takes its contact back, refused as suppressed.
   */
  @Test
  void anEnrolmentWhoseInsertFollowsAnErasuresSearchIsTakenBack() {
    String phone = "+5511998760411";
    Enrolment operator = enrolment(STORE_A).recontacting();
    assertThat(operator.enrol(lead("late-first", phone, "spring")).status()).isEqualTo("enrolled");
    List<SubjectErasure.PersonErased> erasures = new CopyOnWriteArrayList<>();
    PAUSE.set(new Pause(phone, () -> erasures.add(erase(search(phone), true))));
    try {
      Enrolment.Outcome outcome = operator.enrol(lead("late-second", phone, "summer"));

      assertThat(erasures).hasSize(1);
      assertThat(erasures.get(0).leads())
          .extracting(SubjectErasure.LeadErased::leadId)
          .containsExactly("late-first");
      assertThat(outcome.status()).isEqualTo("suppressed");
      assertThat(outcome.started()).isFalse();
      assertThat(STORE_A.contact("late-second")).as("taken back").isNull();
    } finally {
      PAUSE.set(null);
    }
  }

  /**
   * The erasure's rounds: each block of the person's numbers is followed by a search, so a lead
   * enrolled on a number while it was being blocked is found. Here every block brings a new number
   * (a lead enrolled on it whose wa_id is the person's first number), so the rounds run out; at the
   * last block (the fourth: the request's numbers and three rounds) a lead is enrolled on the
   * number being blocked, past its own second suppression read. Before, the last round blocked that
   * number and searched no more: the lead went on, its cold opener to come. Now a search follows
   * the last block: it is erased too.
   */
  @Test
  void aLeadEnrolledWhileTheLastRoundBlocksItsNumberIsErasedToo() {
    String first = "+5511998760431";
    String[] chain = {"+5511998760432", "+5511998760433", "+5511998760434"};
    Enrolment operator = enrolment(STORE_A).recontacting();
    assertThat(operator.enrol(lead("rounds-first", first, "spring")).status())
        .isEqualTo("enrolled");
    SubjectSearch.Subject found = search(first);
    BLOCKS.set(0);
    AT_BLOCK.set(
        block -> {
          if (block <= chain.length) {
            // A lead on a new number, known by the person's first one too: the next round finds
            // the new number and blocks it.
            String leadId = "rounds-chain-" + block;
            assertThat(operator.enrol(lead(leadId, chain[block - 1], "c-" + block)).status())
                .isEqualTo("enrolled");
            STORE_A
                .contacts()
                .updateOne(
                    Filters.eq("leadId", leadId),
                    com.mongodb.client.model.Updates.set("waIds", List.of(first.substring(1))));
          } else if (block == chain.length + 1) {
            // The last round's block of the chain's last number: enrolled as it is blocked.
            assertThat(
                    operator.enrol(lead("rounds-late", chain[chain.length - 1], "late")).status())
                .isEqualTo("enrolled");
          }
        });
    SubjectErasure.PersonErased erased;
    try {
      erased = erase(found, true);
    } finally {
      AT_BLOCK.set(null);
    }

    assertThat(BLOCKS.get()).as("the request's numbers and three rounds").isEqualTo(4);
    assertThat(erased.leads())
        .extracting(SubjectErasure.LeadErased::leadId)
        .contains("rounds-first", "rounds-chain-1", "rounds-chain-2", "rounds-chain-3")
        .contains("rounds-late");
    assertThat(LeadStore.erasing(STORE_A.contactForSteps("rounds-late")))
        .as("the lead enrolled while the last round blocked its number is being erased")
        .isTrue();
  }

  /**
   * keepSuppressed=false suppresses nothing: an import under way is told the number instead ({@code
   * ImportRecorder#forgotten}, what the enrolment is given to ask). Told between the import's own
   * check and the insert, the enrolment asks again after its insert and takes its contact back,
   * refused {@code erased_on_request}.
   */
  @Test
  void anImportsEnrolmentToldToForgetTheNumberBeforeItsInsertEndsTakesItsContactBack() {
    String phone = "+5511998760421";
    java.util.concurrent.atomic.AtomicBoolean forgotten =
        new java.util.concurrent.atomic.AtomicBoolean();
    PAUSE.set(new Pause(phone, () -> forgotten.set(true)));
    try {
      Enrolment.Outcome outcome =
          enrolment(STORE_A).enrol(lead("forgot-first", phone, "spring"), forgotten::get);

      assertThat(outcome.status()).isEqualTo(Enrolment.ERASED_ON_REQUEST);
      assertThat(outcome.started()).isFalse();
      assertThat(STORE_A.contact("forgot-first")).as("taken back").isNull();
    } finally {
      PAUSE.set(null);
    }
  }

  private static Enrolment enrolment(LeadStore store) {
    return new Enrolment(
        store, TEMPORAL.getWorkflowClient(), CLOCK, Duration.ZERO, RECONTACT_AFTER);
  }

  private static LeadValidator.Lead lead(String leadId, String phone, String campaignId) {
    return new LeadValidator.Lead(
        leadId,
        "Ada",
        phone,
        "Acme",
        null,
        null,
        null,
        "UTC",
        null,
        null,
        null,
        null,
        campaignId,
        "form",
        Instant.parse("2026-11-20T10:00:00Z"));
  }

  private static MongoClient client(boolean counted) {
    MongoClientSettings.Builder settings =
        MongoClientSettings.builder().applyConnectionString(new ConnectionString(URI));
    settings.addCommandListener(
        new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent event) {
            BsonValue target = event.getCommand().get(event.getCommandName());
            String collection =
                target != null && target.isString() ? target.asString().getValue() : "";
            if (counted && Collections.ENROL_LEASES.equals(collection)) {
              LEASE_COMMANDS.add(event.getCommandName());
            }
            java.util.function.IntConsumer atBlock = AT_BLOCK.get();
            if (!counted
                && atBlock != null
                && "update".equals(event.getCommandName())
                && Collections.IMPORTS.equals(collection)) {
              atBlock.accept(BLOCKS.incrementAndGet());
            }
            Pause pause = PAUSE.get();
            if (pause != null
                && "insert".equals(event.getCommandName())
                && Collections.CONTACTS.equals(collection)
                && pause.phone().equals(insertedPhone(event))
                && PAUSE.compareAndSet(pause, null)) {
              pause.meanwhile().run();
            }
            Race race = RACE.get();
            if (race != null
                && "insert".equals(event.getCommandName())
                && Collections.CONTACTS.equals(collection)
                && race.phone().equals(insertedPhone(event))) {
              // Held here until the other enrolment is past its guard too, or finds the lease held.
              race.arrivals().countDown();
              try {
                // Not an assertion: how long the first one holds the window open at most.
                race.arrivals().await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }

          @Override
          public void commandSucceeded(CommandSucceededEvent event) {
            Race race = RACE.get();
            if (race != null
                && "insert".equals(event.getCommandName())
                && event.getResponse().containsKey("writeErrors")) {
              // A duplicate key: the lease of the number is held by the other enrolment.
              race.arrivals().countDown();
            }
          }
        });
    return MongoClients.create(settings.build());
  }

  private static String insertedPhone(CommandStartedEvent event) {
    return event.getCommand().containsKey("documents")
        ? event
            .getCommand()
            .getArray("documents")
            .get(0)
            .asDocument()
            .getString("phone", new BsonString(""))
            .getValue()
        : "";
  }

  private static TestWorkflowEnvironment temporal() {
    TestEnvironmentOptions.Builder options = TestEnvironmentOptions.newBuilder();
    com.salesagent.temporal.LeadSearchAttributes.CATALOGUE.forEach(
        options::registerSearchAttribute);
    return TestWorkflowEnvironment.newInstance(options.build());
  }

  private static String hostPort(java.net.InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  /** A clock the test moves on (a lease's age). */
  static final class MovableClock extends Clock {
    private final AtomicReference<Instant> now;

    MovableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void move(Duration by) {
      now.updateAndGet(t -> t.plus(by));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}

package com.salesagent.api.owners;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ResourceTests;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The owners resource alone, on an in-memory MongoDB (no workflow is signalled here). */
@ExtendWith(DropwizardExtensionsSupport.class)
class OwnersResourceTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final String ADDRESS = hostPort(MONGO.bind());
  static final MongoClient CLIENT =
      MongoClients.create("mongodb://" + ADDRESS + "/?serverSelectionTimeoutMS=2000");
  static final MongoDatabase DB = CLIENT.getDatabase("owners-test");

  static final ResourceExtension RESOURCES =
      ResourceTests.api()
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addProvider(ResourceTests.asOperator("ops"))
          .addResource(new OwnersResource(DB, null, Clock.systemUTC()))
          .build();

  /** A database of its own for the owners' limit (the other tests' owners count in theirs). */
  static final MongoDatabase LIMIT_DB = CLIENT.getDatabase("owners-limit-test");

  static final ResourceExtension LIMITED =
      ResourceTests.api()
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addProvider(ResourceTests.asOperator("ops"))
          .addResource(new OwnersResource(LIMIT_DB, null, Clock.systemUTC()))
          .build();

  /** A database of its own for owners deleted straight in MongoDB. */
  static final MongoDatabase DELETED_DB = CLIENT.getDatabase("owners-deleted-test");

  static final ResourceExtension DELETED =
      ResourceTests.api()
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addProvider(ResourceTests.asOperator("ops"))
          .addResource(new OwnersResource(DELETED_DB, null, Clock.systemUTC()))
          .build();

  /** A database of its own for owners written straight into MongoDB. */
  static final MongoDatabase EDITED_DB = CLIENT.getDatabase("owners-edited-test");

  static final ResourceExtension EDITED =
      ResourceTests.api()
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addProvider(ResourceTests.asOperator("ops"))
          .addResource(new OwnersResource(EDITED_DB, null, Clock.systemUTC()))
          .build();

  /**
   * Set: the next create's slot claim (its {@code $inc} on {@code owner_slots}) is preceded by an
   * operator's edit that fills the owners' limit straight in MongoDB ({@link #RACED_DB}).
   */
  static final java.util.concurrent.atomic.AtomicBoolean EDIT_AT_CLAIM =
      new java.util.concurrent.atomic.AtomicBoolean();

  static final MongoClient RACED_CLIENT =
      MongoClients.create(
          com.mongodb.MongoClientSettings.builder()
              .applyConnectionString(new com.mongodb.ConnectionString("mongodb://" + ADDRESS))
              .addCommandListener(
                  new com.mongodb.event.CommandListener() {
                    @Override
                    public void commandStarted(com.mongodb.event.CommandStartedEvent e) {
                      var target = e.getCommand().get("update");
                      if (target != null
                          && target.isString()
                          && "owner_slots".equals(target.asString().getValue())
                          && e.getCommand()
                              .getArray("updates")
                              .get(0)
                              .asDocument()
                              .getDocument("u")
                              .containsKey("$inc")
                          && EDIT_AT_CLAIM.compareAndSet(true, false)) {
                        var owners =
                            CLIENT
                                .getDatabase("owners-raced-test")
                                .getCollection(Owners.COLLECTION);
                        List<Document> byHand = new java.util.ArrayList<>();
                        for (long i = owners.countDocuments(); i < OwnersResource.MAX_OWNERS; i++) {
                          byHand.add(
                              new Document("_id", "hand-" + i)
                                  .append("name", "Seed")
                                  .append("timezone", "UTC")
                                  .append("capacity", 1)
                                  .append("active", true));
                        }
                        owners.insertMany(byHand);
                      }
                    }
                  })
              .build());

  static final MongoDatabase RACED_DB = RACED_CLIENT.getDatabase("owners-raced-test");

  static final ResourceExtension RACED =
      ResourceTests.api()
          .addProvider(new AuthValueFactoryProvider.Binder<>(Operator.class))
          .addProvider(ResourceTests.asOperator("ops"))
          .addResource(new OwnersResource(RACED_DB, null, Clock.systemUTC()))
          .build();

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  @AfterAll
  static void close() {
    RACED_CLIENT.close();
    CLIENT.close();
    MONGO.shutdown();
  }

  private static Response put(String ownerId, String timezone) {
    return RESOURCES
        .target("/api/owners/" + ownerId)
        .request()
        .put(
            Entity.json(
                "{\"name\":\"Ana\",\"timezone\":\""
                    + timezone
                    + "\",\"capacity\":5,"
                    + "\"workingHours\":{\"start\":\"09:00\",\"end\":\"18:00\"}}"));
  }

  private static Response putTimeOff(String ownerId, String timeOff) {
    return RESOURCES
        .target("/api/owners/" + ownerId)
        .request()
        .put(
            Entity.json(
                "{\"name\":\"Ana\",\"timezone\":\"UTC\",\"capacity\":5,\"timeOff\":"
                    + timeOff
                    + "}"));
  }

  /**
   * An owner's time off is stored and shown (offNow, and not working now while away); every bad
   * range is 422 naming its entry and field, and nothing is stored.
   */
  @Test
  void anOwnersTimeOffIsStoredAndEachBadRangeIs422NamingIt() {
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    Response ok =
        putTimeOff(
            "away",
            "[{\"from\":\""
                + today.minusDays(1)
                + "\",\"to\":\""
                + today.plusDays(1)
                + "\"},{\"from\":\"2027-08-01\",\"to\":\"2027-08-15\"}]");
    String body = ok.readEntity(String.class);
    assertThat(ok.getStatus()).as(body).isEqualTo(201);
    assertThat(body).contains("\"offNow\":true").contains("\"workingNow\":false");
    assertThat(body).contains("{\"from\":\"2027-08-01\",\"to\":\"2027-08-15\"}");
    assertThat(
            DB.getCollection(Owners.COLLECTION)
                .find(new Document("_id", "away"))
                .first()
                .getList("timeOff", Document.class))
        .hasSize(2);

    java.util.Map<String, String> bad =
        java.util.Map.of(
            "[{\"from\":\"2026-12-24\",\"to\":\"2026-12-20\"}]",
            "timeOff[0].to",
            "[{\"from\":\"24/12/2026\",\"to\":\"2026-12-30\"}]",
            "timeOff[0].from",
            "[{\"from\":\"2026-12-24\"}]",
            "timeOff[0].to",
            "[{\"from\":\"2026-12-24\",\"to\":\"2026-12-30\",\"note\":\"x\"}]",
            "timeOff[0].note",
            "[{\"from\":\"2026-01-01\",\"to\":\"2027-06-01\"}]",
            "timeOff[0].to",
            "[\"2026-12-24\"]",
            "timeOff[0]",
            "{\"from\":\"2026-12-24\"}",
            "timeOff",
            "["
                + "{\"from\":\"2026-12-24\",\"to\":\"2026-12-25\"},".repeat(20)
                + "{\"from\":\"2026-12-24\",\"to\":\"2026-12-25\"}]",
            "timeOff");
    bad.forEach(
        (value, field) -> {
          Response r = putTimeOff("away-bad", value);
          assertThat(r.getStatus()).as(value).isEqualTo(422);
          assertThat(r.readEntity(String.class)).as(value).contains("\"field\":\"" + field + "\"");
        });
    assertThat(DB.getCollection(Owners.COLLECTION).countDocuments(new Document("_id", "away-bad")))
        .isZero();
  }

  @Test
  void anOwnersTimeZoneMustBeARegionNotAnOffset() {
    for (String offset : List.of("+05:30", "GMT+1", "UTC+2", "Etc/GMT-2")) {
      Response r = put("tz-offset", offset);
      assertThat(r.getStatus()).as(offset).isEqualTo(422);
      assertThat(r.readEntity(String.class)).as(offset).contains("\"field\":\"timezone\"");
    }
    assertThat(DB.getCollection(Owners.COLLECTION).countDocuments(new Document("_id", "tz-offset")))
        .isZero();
    for (String region : List.of("America/Sao_Paulo", "UTC")) {
      Response r = put("tz-region", region);
      assertThat(r.getStatus()).as(region).isIn(200, 201);
      assertThat(r.readEntity(String.class)).contains("\"timezone\":\"" + region + "\"");
    }
  }

  /**
   * An owner's PUT (a name or hours changed) while an assignment to them is being written keeps
   * that assignment's claim on their capacity (OwnerClaims.claim): the rep with one place and a
   * claim in flight is still full after it, and their round-robin turn is kept.
   */
  @Test
  void anOwnersPutKeepsTheClaimsOnTheirCapacityMadeMeanwhile() {
    java.time.Instant now = java.time.Instant.now();
    Owners owners = new Owners(DB);
    com.salesagent.activities.handoff.OwnerClaims claims =
        new com.salesagent.activities.handoff.OwnerClaims(DB);
    // Of another segment: not one the owner's PUT hands them (no workflow to signal here).
    DB.getCollection(com.salesagent.activities.mongo.Collections.CONTACTS)
        .insertOne(
            new Document("leadId", "claim-1").append("stage", "interested").append("segment", "x"));
    assertThat(
            RESOURCES
                .target("/api/owners/claims")
                .request()
                .put(
                    Entity.json(
                        "{\"name\":\"Ana\",\"timezone\":\"UTC\",\"capacity\":1,\"segments\":[\"y\"]}"))
                .getStatus())
        .isEqualTo(201);
    assertThat(claims.claim("claims", "claim-1", now)).as("the one place, claimed").isTrue();
    owners.takeTurn(owners.get("claims"), now);

    Response r =
        RESOURCES
            .target("/api/owners/claims")
            .request()
            .put(
                Entity.json(
                    "{\"name\":\"Ana Lima\",\"timezone\":\"UTC\",\"capacity\":1,\"segments\":[\"y\"]}"));

    assertThat(r.getStatus()).as(r.readEntity(String.class)).isEqualTo(200);
    assertThat(owners.get("claims").getString("name")).isEqualTo("Ana Lima");
    assertThat(owners.get("claims").getDate("lastAssignedAt")).isNotNull();
    assertThat(claims.claim("claims", "claim-2", now))
        .as("full: the claim in flight still counts")
        .isFalse();
  }

  @Test
  void anOwnerStoredWithAnOffsetBeforeIsStillListed() {
    DB.getCollection(Owners.COLLECTION)
        .insertOne(
            new Document("_id", "tz-legacy")
                .append("name", "Old")
                .append("timezone", "+05:30")
                .append(
                    "workingHours",
                    new Document("start", "09:00")
                        .append("end", "18:00")
                        .append("days", List.of(1, 2, 3, 4, 5)))
                .append("capacity", 3)
                .append("segments", List.of())
                .append("active", true));

    Response r = RESOURCES.target("/api/owners").request().get();

    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(r.readEntity(String.class))
        .contains("\"ownerId\":\"tz-legacy\"")
        .contains("\"timezone\":\"+05:30\"");
  }

  /**
   * An owner's name is shown on every lead they hold, in the dashboard and its CSV export: text
   * that could not be read (U+FFFD, half an emoji), a control character (NUL, a line break) or a
   * bidi override or isolate (which shows "Ana\u202Eatsoc" as "Anacosta") is refused naming {@code
   * name}, and nothing is stored; a right-to-left name without those controls is taken.
   */
  @Test
  void anOwnersNameWithUnreadableControlOrBidiOverrideCharactersIs422NamingName() {
    for (String name :
        List.of(
            "Jo\\ufffdo",
            "Ana \\ud83d",
            "Ana\\u0000",
            "Ana\\nSouza",
            "Ana\\u001b[31m",
            "Ana\\u202eatsoc",
            "\\u2066Ana\\u2069")) {
      Response r =
          RESOURCES
              .target("/api/owners/bad-name")
              .request()
              .put(Entity.json("{\"name\":\"" + name + "\",\"capacity\":5}"));
      assertThat(r.getStatus()).as(name).isEqualTo(422);
      assertThat(r.readEntity(String.class)).as(name).contains("\"field\":\"name\"");
    }
    assertThat(DB.getCollection(Owners.COLLECTION).countDocuments(new Document("_id", "bad-name")))
        .isZero();

    Response rtl =
        RESOURCES
            .target("/api/owners/rtl-name")
            .request()
            .put(Entity.json("{\"name\":\"\u0639\u0644\u064a Jos\u00e9\",\"capacity\":5}"));
    assertThat(rtl.getStatus()).isEqualTo(201);
    assertThat(rtl.readEntity(String.class)).contains("\u0639\u0644\u064a Jos\u00e9");
  }

  /**
   * The owners' limit holds when new owners are created at the same time. Before, each PUT counted
   * the owners and then upserted: with 990 owners, 40 creates at once each counted fewer than 1,000
   * and all went through (the limit exceeded by up to 30). Now exactly the 10 free slots are taken
   * (201), the others are 422 naming ownerId, and there are 1,000 owners; replacing an owner still
   * works at the limit, and a new one is still refused.
   */
  @Test
  void theOwnersLimitHoldsUnderConcurrentCreates() throws Exception {
    List<Document> there = new java.util.ArrayList<>();
    for (int i = 0; i < OwnersResource.MAX_OWNERS - 10; i++) {
      there.add(
          new Document("_id", "seed-" + i)
              .append("name", "Seed")
              .append("timezone", "UTC")
              .append("capacity", 1)
              .append("active", true));
    }
    LIMIT_DB.getCollection(Owners.COLLECTION).insertMany(there);

    int creates = 40;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(creates);
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    List<java.util.concurrent.Future<Response>> answers = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < creates; i++) {
        String id = "new-" + i;
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  Response r = limited(id, "Ana");
                  r.bufferEntity();
                  return r;
                }));
      }
      start.countDown();
      int created = 0;
      for (var answer : answers) {
        Response r = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
        if (r.getStatus() == 201) {
          created++;
        } else {
          assertThat(r.getStatus()).isEqualTo(422);
          assertThat(r.readEntity(String.class))
              .contains("\"field\":\"ownerId\"")
              .contains("at most " + OwnersResource.MAX_OWNERS + " owners");
        }
      }
      assertThat(LIMIT_DB.getCollection(Owners.COLLECTION).countDocuments())
          .isEqualTo(OwnersResource.MAX_OWNERS);
      assertThat(created).isEqualTo(10);
    } finally {
      pool.shutdownNow();
    }
    assertThat(limited("seed-0", "Bea").getStatus()).isEqualTo(200);
    assertThat(limited("one-more", "Ana").getStatus()).isEqualTo(422);
    assertThat(LIMIT_DB.getCollection(Owners.COLLECTION).countDocuments())
        .isEqualTo(OwnersResource.MAX_OWNERS);
  }

  /**
   * Owners written straight into MongoDB (an operator's edit) after the slot counter exists count
   * against the limit. Before, the counter was made once from the owners there were and only
   * counted the API's creates: with it at one and 999 owners inserted by hand, a create through the
   * API made the 1,001st owner. Now a create brings the counter up to the owners there are first.
   */
  @Test
  void ownersWrittenStraightIntoMongoDbCountAgainstTheLimit() {
    assertThat(edited("first").getStatus()).as("the counter made, one slot taken").isEqualTo(201);
    List<Document> byHand = new java.util.ArrayList<>();
    for (int i = 0; i < OwnersResource.MAX_OWNERS - 1; i++) {
      byHand.add(
          new Document("_id", "hand-" + i)
              .append("name", "Seed")
              .append("timezone", "UTC")
              .append("capacity", 1)
              .append("active", true));
    }
    EDITED_DB.getCollection(Owners.COLLECTION).insertMany(byHand);

    Response refused = edited("one-more");
    assertThat(refused.getStatus()).isEqualTo(422);
    assertThat(refused.readEntity(String.class))
        .contains("\"field\":\"ownerId\"")
        .contains("at most " + OwnersResource.MAX_OWNERS + " owners");
    assertThat(EDITED_DB.getCollection(Owners.COLLECTION).countDocuments())
        .isEqualTo(OwnersResource.MAX_OWNERS);
    assertThat(edited("hand-0").getStatus()).as("an owner is still changed").isEqualTo(200);
  }

  /**
   * An operator's edit that fills the limit straight in MongoDB while a create is between its slot
   * and its insert: the counter had room when the create claimed, so only the count after the
   * insert sees the limit passed; the create takes its owner back and answers 422. Before, it
   * answered 201 and there were 1,001 owners.
   */
  @Test
  void anOwnerCreatedWhileAnEditFillsTheLimitIsTakenBack() {
    assertThat(raced("first").getStatus()).as("the counter made, one slot taken").isEqualTo(201);
    EDIT_AT_CLAIM.set(true);

    Response refused = raced("second");

    assertThat(EDIT_AT_CLAIM.get()).as("the edit was made at the claim").isFalse();
    assertThat(refused.getStatus()).isEqualTo(422);
    assertThat(refused.readEntity(String.class)).contains("\"field\":\"ownerId\"");
    assertThat(RACED_DB.getCollection(Owners.COLLECTION).countDocuments())
        .isEqualTo(OwnersResource.MAX_OWNERS);
    assertThat(
            RACED_DB.getCollection(Owners.COLLECTION).countDocuments(new Document("_id", "second")))
        .isZero();
  }

  /**
   * Known defect (note of session 47): owners deleted straight in MongoDB gave no slot back, since
   * the counter was only ever brought up to the owners there were: at the limit, three owners
   * deleted by hand left every create refused (422) for good. Now a claim brings the counter to the
   * owners there are plus the creates under way, down as well as up: three deleted, three created,
   * and the limit still holds.
   */
  @Test
  void ownersDeletedStraightInMongoDbGiveTheirSlotsBack() {
    assertThat(deleted("first").getStatus()).as("the counter made, one slot taken").isEqualTo(201);
    List<Document> byHand = new java.util.ArrayList<>();
    for (int i = 0; i < OwnersResource.MAX_OWNERS - 1; i++) {
      byHand.add(
          new Document("_id", "hand-" + i)
              .append("name", "Seed")
              .append("timezone", "UTC")
              .append("capacity", 1)
              .append("active", true));
    }
    DELETED_DB.getCollection(Owners.COLLECTION).insertMany(byHand);
    assertThat(deleted("full").getStatus()).as("the limit is reached").isEqualTo(422);

    DELETED_DB
        .getCollection(Owners.COLLECTION)
        .deleteMany(
            new Document("_id", new Document("$in", List.of("hand-1", "hand-2", "hand-3"))));

    for (String id : List.of("again-1", "again-2", "again-3")) {
      Response r = deleted(id);
      assertThat(r.getStatus()).as(id + ": " + r.readEntity(String.class)).isEqualTo(201);
    }
    Response refused = deleted("one-more");
    assertThat(refused.getStatus()).isEqualTo(422);
    assertThat(refused.readEntity(String.class)).contains("\"field\":\"ownerId\"");
    assertThat(DELETED_DB.getCollection(Owners.COLLECTION).countDocuments())
        .isEqualTo(OwnersResource.MAX_OWNERS);
  }

  /**
   * Known defect (reviewer, session 48): a create stalled past {@link OwnerSlots#PENDING_GRACE}
   * whose claim the next claim dropped as lapsed, then failing, gave its slot back anyway: the
   * counter went one below the slots taken (here 0 with one create under way), so one more create
   * than the limit could pass it. Now a claim gives back only while it is still pending.
   */
  @Test
  void aLapsedClaimDroppedByReconcileGivesNoSlotBackWhenItsCreateFails() {
    MongoDatabase db = CLIENT.getDatabase("owners-lapsed-test");
    var clock = new com.salesagent.activities.MutableClock(java.time.Instant.now());
    OwnerSlots slots = new OwnerSlots(db, 5, clock);
    String stalled = slots.claim();
    assertThat(taken(db)).isEqualTo(1);
    clock.advance(OwnerSlots.PENDING_GRACE.plusMinutes(1));

    String next = slots.claim(); // drops the stalled claim as lapsed: no owner was inserted
    assertThat(next).isNotNull();
    assertThat(taken(db)).as("the next create's slot only").isEqualTo(1);

    slots.release(stalled); // the stalled create fails at last
    assertThat(taken(db)).as("the next create's slot still counts").isEqualTo(1);
    slots.release(next);
    assertThat(taken(db)).isZero();
  }

  private static long taken(MongoDatabase db) {
    return db.getCollection(OwnerSlots.COLLECTION)
        .find(new Document("_id", "owners"))
        .first()
        .get("taken", Number.class)
        .longValue();
  }

  private static Response deleted(String ownerId) {
    return DELETED
        .target("/api/owners/" + ownerId)
        .request()
        .put(Entity.json("{\"name\":\"Ana\",\"timezone\":\"UTC\",\"capacity\":5}"));
  }

  private static Response raced(String ownerId) {
    return RACED
        .target("/api/owners/" + ownerId)
        .request()
        .put(Entity.json("{\"name\":\"Ana\",\"timezone\":\"UTC\",\"capacity\":5}"));
  }

  private static Response edited(String ownerId) {
    return EDITED
        .target("/api/owners/" + ownerId)
        .request()
        .put(Entity.json("{\"name\":\"Ana\",\"timezone\":\"UTC\",\"capacity\":5}"));
  }

  private static Response limited(String ownerId, String name) {
    return LIMITED
        .target("/api/owners/" + ownerId)
        .request()
        .put(Entity.json("{\"name\":\"" + name + "\",\"timezone\":\"UTC\",\"capacity\":5}"));
  }

  /**
   * A name's cap counts what a person sees (code points), not Java's UTF-16 chars: 100 emoji
   * (non-BMP, two chars each) are a name of 100, taken; 101 are 422 naming name. Before, 51 emoji
   * (102 chars) were refused as longer than 100.
   */
  @Test
  void anOwnersNameCapCountsCodePoints() {
    String emoji = new String(Character.toChars(0x1F600));
    Response hundred = putNamed("emoji-100", emoji.repeat(100));
    assertThat(hundred.getStatus()).as(hundred.readEntity(String.class)).isEqualTo(201);
    assertThat(
            DB.getCollection(Owners.COLLECTION)
                .find(new Document("_id", "emoji-100"))
                .first()
                .getString("name"))
        .isEqualTo(emoji.repeat(100));
    Response more = putNamed("emoji-101", emoji.repeat(100) + "\uD840\uDC00");
    assertThat(more.getStatus()).isEqualTo(422);
    assertThat(more.readEntity(String.class)).contains("\"field\":\"name\"");
  }

  private static Response putNamed(String ownerId, String name) {
    return RESOURCES
        .target("/api/owners/" + ownerId)
        .request()
        .put(Entity.json("{\"name\":\"" + name + "\",\"timezone\":\"UTC\",\"capacity\":5}"));
  }
}

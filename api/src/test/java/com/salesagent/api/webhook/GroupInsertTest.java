package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12: webhook requests arriving together share their inserts (a group commit), and each still
 * gets the answer it would have had alone.
 */
class GroupInsertTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private final AtomicInteger inserts = new AtomicInteger();

  /** Holds every insert while set, until the test lets them go (so the others queue behind). */
  private final AtomicReference<CountDownLatch> hold = new AtomicReference<>();

  private MongoClient client;
  private MongoCollection<Document> events;
  private final ExecutorService pool = Executors.newFixedThreadPool(40);

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    client =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(MONGO.connectionString()))
                .addCommandListener(
                    new CommandListener() {
                      @Override
                      public void commandStarted(CommandStartedEvent e) {
                        if (!"insert".equals(e.getCommandName())) {
                          return;
                        }
                        CountDownLatch held = hold.get();
                        inserts.incrementAndGet();
                        if (held != null) {
                          try {
                            held.await(10, TimeUnit.SECONDS);
                          } catch (InterruptedException ex) {
                            Thread.currentThread().interrupt();
                          }
                        }
                      }
                    })
                .build());
    events =
        client.getDatabase(MONGO.database().getName()).getCollection(Collections.WEBHOOK_EVENTS);
  }

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
    client.close();
  }

  private static Document event(String key) {
    return new Document("eventKey", key).append("kind", "status").append("processed", false);
  }

  /**
   * The first callers' inserts ({@link GroupInsert#WRITERS} of them) are held while the 32 -
   * WRITERS others queue: one more insert stores all of those.
   */
  private List<Future<List<Document>>> thirtyTwoTogether(
      GroupInsert group, java.util.function.IntFunction<List<Document>> docsOf) throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    hold.set(held);
    List<Future<List<Document>>> answers = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int i = 0; i < GroupInsert.WRITERS; i++) {
      int n = i;
      answers.add(pool.submit(() -> group.insertOnce(docsOf.apply(n))));
      while (inserts.get() <= i && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
    }
    for (int i = GroupInsert.WRITERS; i < 32; i++) {
      int n = i;
      answers.add(pool.submit(() -> group.insertOnce(docsOf.apply(n))));
    }
    while (group.queued() < 32 - GroupInsert.WRITERS && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(group.queued())
        .as("callers queued behind the inserts under way")
        .isEqualTo(32 - GroupInsert.WRITERS);
    hold.set(null);
    held.countDown();
    return answers;
  }

  @Test
  void requestsThatArriveTogetherShareOneInsertAndEachGetsItsOwnDocuments() throws Exception {
    GroupInsert group = new GroupInsert(events);
    events.insertOne(event("e-5")); // stored before: a redelivery
    inserts.set(0);

    List<Future<List<Document>>> answers =
        thirtyTwoTogether(group, i -> List.of(event("e-" + i), event("f-" + i)));

    for (int i = 0; i < 32; i++) {
      List<Document> stored = answers.get(i).get(10, TimeUnit.SECONDS);
      List<String> keys = stored.stream().map(d -> d.getString("eventKey")).toList();
      if (i == 5) {
        assertThat(keys).as("the redelivered one left out").containsExactly("f-5");
      } else {
        assertThat(keys).containsExactly("e-" + i, "f-" + i);
      }
    }
    assertThat(inserts.get())
        .as("insert commands for 32 requests")
        .isEqualTo(GroupInsert.WRITERS + 1);
    assertThat(group.commands()).isEqualTo(GroupInsert.WRITERS + 1);
    assertThat(events.countDocuments()).isEqualTo(64);
  }

  @Test
  void aRedeliveryRacingItsFirstDeliveryInOneBatchIsStoredOnceAndAnsweredOnce() throws Exception {
    GroupInsert group = new GroupInsert(events);

    // The callers queued together all carry the same event (Meta delivering it again and again).
    List<Future<List<Document>>> answers =
        thirtyTwoTogether(
            group, i -> List.of(event(i < GroupInsert.WRITERS ? "first-" + i : "same")));

    int storedBy = 0;
    for (int i = GroupInsert.WRITERS; i < 32; i++) {
      storedBy += answers.get(i).get(10, TimeUnit.SECONDS).size();
    }
    assertThat(storedBy).as("callers told they stored it").isEqualTo(1);
    assertThat(events.countDocuments(new Document("eventKey", "same"))).isEqualTo(1);
  }

  @Test
  void aDocumentTheServerRefusesFailsOnlyItsOwnCaller() throws Exception {
    GroupInsert group = new GroupInsert(events);

    // Caller 7 (queued with others) has an array for _id, which MongoDB refuses (no duplicate).
    List<Future<List<Document>>> answers =
        thirtyTwoTogether(
            group,
            i -> List.of(i == 7 ? event("bad").append("_id", List.of(1, 2)) : event("ok-" + i)));

    for (int i = 0; i < 32; i++) {
      Future<List<Document>> answer = answers.get(i);
      if (i == 7) {
        assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(com.mongodb.MongoBulkWriteException.class);
      } else {
        assertThat(answer.get(10, TimeUnit.SECONDS)).hasSize(1);
      }
    }
    assertThat(events.countDocuments()).isEqualTo(31);
  }

  @Test
  void aMongoDbThatCannotBeReachedFailsTheCallerAndTheNextInsertIsNotStuck() {
    try (MongoClient down =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(
                    new ConnectionString("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200"))
                .build())) {
      GroupInsert group =
          new GroupInsert(down.getDatabase("x").getCollection(Collections.WEBHOOK_EVENTS));
      assertThatThrownBy(() -> group.insertOnce(List.of(event("a"))))
          .isInstanceOf(com.mongodb.MongoTimeoutException.class);
      assertThatThrownBy(() -> group.insertOnce(List.of(event("b"))))
          .isInstanceOf(com.mongodb.MongoTimeoutException.class);
      assertThat(group.queued()).isZero();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void anErrorInsideTheInsertReachesItsCallerAndLeavesNobodyWaiting() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    MongoCollection<Document> broken =
        (MongoCollection<Document>)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {MongoCollection.class},
                (proxy, method, args) -> {
                  gate.await(10, TimeUnit.SECONDS);
                  throw new StackOverflowError("deep inside the driver");
                });
    GroupInsert group = new GroupInsert(broken);

    List<Future<Object>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int n = i;
      answers.add(
          pool.submit(
              () -> {
                try {
                  return group.insertOnce(List.of(event("err-" + n)));
                } catch (Throwable t) {
                  return t;
                }
              }));
    }
    // The first inserts are held until the others have queued: they go in one batch after them.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (group.queued() < 8 - GroupInsert.WRITERS && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    gate.countDown();
    for (Future<Object> answer : answers) {
      assertThat(answer.get(10, TimeUnit.SECONDS))
          .as("every caller answered, none stored")
          .isInstanceOfAny(StackOverflowError.class, IllegalStateException.class);
    }
    assertThat(group.queued()).isZero();
  }
}

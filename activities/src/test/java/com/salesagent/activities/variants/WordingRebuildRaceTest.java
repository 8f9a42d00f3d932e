package com.salesagent.activities.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Session 46: the wording rebuild replaced the rows that live counts {@code $inc}, recounted from
 * the history as it read it; a lead assigned between its recount and its write was counted live,
 * then overwritten. The rebuild now adds the difference and starts again when a count came while it
 * ran; when counts keep coming it gives up (409 at the API) without losing any.
 */
class WordingRebuildRaceTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private LeadStore store;
  private WordingStats wordings;
  private MongoClient client;
  private final AtomicInteger leads = new AtomicInteger();

  @BeforeEach
  void setUp() {
    MongoDatabase db = MONGO.database();
    MongoSchema.ensure(db);
    store = new LeadStore(db);
    wordings = new WordingStats(db);
    db.getCollection(Collections.PROMPT_VARIANTS)
        .insertOne(new Document("variantId", "v1").append("enabled", true).append("revision", 0));
    assign();
    // A drift for the rebuild to repair: the row says 5 assigned, the history 1.
    db.getCollection(WordingStats.COLLECTION)
        .updateOne(
            Filters.and(Filters.eq("variantId", "v1"), Filters.eq("segment", "smb")),
            Updates.inc("assigned", 4));
  }

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
  }

  /** A lead assigned as the activities do it: its contact, its history event, its live counts. */
  private void assign() {
    historyOfAssignment();
    liveCountOfAssignment();
  }

  /**
   * The first half of an assignment ({@code VariantAssigner}): the lead's contact and its history
   * event, which the recount reads, and its variant_stats count; its wording row not yet counted.
   */
  private void historyOfAssignment() {
    String leadId = "L-" + leads.incrementAndGet();
    store.insertContact(
        new Document("leadId", leadId)
            .append("phone", "+55119987654" + (10 + leads.get()))
            .append("segment", "smb")
            .append("variantId", "v1")
            .append(VariantWordings.LEAD_REVISION, 0));
    Instant at = Instant.now();
    store.interactions().recordInteraction(leadId, "c1", "v1", "assigned", null, null, at);
    new VariantStats(MONGO.database()).increment("v1", "smb", "assigned", at);
  }

  /** The second half: the live {@code $inc} of the lead's wording row. */
  private void liveCountOfAssignment() {
    wordings.add("v1", 0, "smb", "assigned", 1);
  }

  /** The database through a client on which a lead is assigned before each command {@code when}. */
  private MongoDatabase assigningBefore(Predicate<CommandStartedEvent> when) {
    CommandListener live =
        new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent e) {
            if (when.test(e)) {
              assign();
            }
          }
        };
    client =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(MONGO.connectionString()))
                .addCommandListener(live)
                .build());
    return MONGO.database(client);
  }

  private static boolean on(CommandStartedEvent e, String command, String collection) {
    var target = e.getCommand().get(e.getCommandName());
    return command.equals(e.getCommandName())
        && target != null
        && target.isString()
        && collection.equals(target.asString().getValue());
  }

  private long assigned() {
    return wordings.of("v1", 0, "smb").getOrDefault("assigned", 0L);
  }

  @Test
  void aLeadCountedLiveWhileTheRebuildWritesIsKept() {
    AtomicInteger once = new AtomicInteger();
    MongoDatabase rebuilding =
        assigningBefore(
            e -> on(e, "update", WordingStats.COLLECTION) && once.getAndIncrement() == 0);

    int repaired = new WordingRecount(rebuilding).rebuild();

    assertThat(once.get()).as("the live count came during the rebuild's writes").isPositive();
    assertThat(repaired).isEqualTo(1);
    assertThat(assigned()).as("both leads, the one assigned while it wrote too").isEqualTo(2);
    assertThat(new WordingRecount(MONGO.database()).check()).isEmpty();
  }

  /**
   * Session 47: a live count whose history line the rebuild recounts and whose {@code $inc} lands
   * after the rebuild read the rows, while it still runs: the row's {@link WordingStats#WRITES}
   * moved, so the round check sees it and the next attempt takes the second count off.
   */
  @Test
  void aLiveIncThatLandsAfterTheRowsWereReadIsNotCountedTwice() {
    historyOfAssignment(); // lead 2: its history line is there before the rebuild reads
    AtomicInteger rowReads = new AtomicInteger();
    AtomicInteger once = new AtomicInteger();
    CommandListener incAfterRowsRead =
        new CommandListener() {
          @Override
          public void commandStarted(CommandStartedEvent e) {
            if (on(e, "find", WordingStats.COLLECTION)) {
              rowReads.incrementAndGet();
            }
            // The first attempt read the rows' writes (its version), then the rows: the next
            // read of the history is its recount's, the rows already read without this count.
            if (rowReads.get() == 2
                && on(e, "aggregate", Collections.INTERACTION_HISTORY)
                && once.getAndIncrement() == 0) {
              liveCountOfAssignment();
            }
          }
        };
    client =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(MONGO.connectionString()))
                .addCommandListener(incAfterRowsRead)
                .build());

    new WordingRecount(MONGO.database(client)).rebuild();

    assertThat(once.get()).as("the live $inc landed during the rebuild").isPositive();
    assertThat(assigned()).as("two leads, each counted once").isEqualTo(2);
    assertThat(new WordingRecount(MONGO.database()).check()).isEmpty();
  }

  /**
   * Session 47, known defect (low): a live count whose history line is stored before the rebuild
   * reads and whose {@code $inc} lands after the rebuild ended (an activity between its two writes,
   * {@code VariantAssigner}: history, then counters) is counted twice: the rebuild's recount holds
   * it and wrote it into the row, then the live {@code $inc} adds it again. Nothing the rebuild
   * reads (the rows' {@link WordingStats#WRITES}, the history's size) can show a count that has not
   * come yet; a fix needs the live paths to mark on the history line that their count landed (or to
   * count from the history line), which touches every live count of a wording row. A later rebuild
   * (or a check) repairs it: more, never fewer.
   */
  @org.junit.jupiter.api.Disabled(
      "known defect (low): a live $inc that lands after the rebuild ended, for a history line it"
          + " recounted, is counted twice; needs the live counts to mark their history line")
  @Test
  void aLiveIncThatLandsAfterTheRebuildForAHistoryLineItRecountedIsNotCountedTwice() {
    historyOfAssignment(); // lead 2: history stored, its wording row not yet counted

    new WordingRecount(MONGO.database()).rebuild();
    liveCountOfAssignment(); // the activity's second write, after the rebuild ended

    assertThat(assigned()).as("two leads, each counted once").isEqualTo(2);
    assertThat(new WordingRecount(MONGO.database()).check()).isEmpty();
  }

  @Test
  void countsThatKeepComingMakeItGiveUpWithoutLosingOne() {
    // A lead assigned while each attempt recounts the history.
    MongoDatabase rebuilding =
        assigningBefore(e -> on(e, "aggregate", Collections.INTERACTION_HISTORY));

    assertThatThrownBy(() -> new WordingRecount(rebuilding).rebuild())
        .isInstanceOf(WordingRecount.ConcurrentChange.class);

    long live = leads.get();
    assertThat(live).isGreaterThan(WordingRecount.ATTEMPTS);
    // A lead assigned between the recount's reads may be in both its recount and its live count
    // (a check shows it): more, never fewer.
    assertThat(assigned()).as("no live count overwritten").isGreaterThanOrEqualTo(live);
    // When it is quiet, a rebuild settles the rows.
    new WordingRecount(MONGO.database()).rebuild();
    assertThat(assigned()).isEqualTo(live);
    assertThat(new WordingRecount(MONGO.database()).check()).isEmpty();
  }
}

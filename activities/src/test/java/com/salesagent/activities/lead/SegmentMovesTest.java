package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoSocketReadException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.variants.SegmentMoves;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lead's move between segments is recorded with the segment it sets, or not at all (the review of
 * the analytics walk's fix): the move was set, then recorded by a second write, so a connection
 * lost between the two (the activity retried) left the new segment without its move, which the
 * retry, reading the new segment already, did not record; the recount then counted the lead's
 * events before the move in the new segment for good. And the move's time is the clock the lead's
 * events are stamped with.
 */
class SegmentMovesTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private MongoDatabase db;
  private LeadStore store;

  @BeforeEach
  void setUp() {
    db = MONGO.database();
    MongoSchema.ensure(db);
    store = new LeadStore(db);
    store.contacts().deleteMany(new Document());
    store.contacts().insertOne(new Document("leadId", "L-1").append("segment", "smb"));
  }

  /** The contacts, whose first update command (after any reads) is lost on the network. */
  @SuppressWarnings("unchecked")
  private MongoCollection<Document> losingTheFirstUpdate() {
    MongoCollection<Document> real = store.contacts();
    AtomicBoolean lost = new AtomicBoolean();
    return (MongoCollection<Document>)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {MongoCollection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("updateOne") && lost.compareAndSet(false, true)) {
                throw new MongoSocketReadException(
                    "connection lost", new ServerAddress("embedded"));
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void aMoveWhoseWriteWasLostIsRecordedByItsRetry() {
    MongoCollection<Document> contacts = losingTheFirstUpdate();
    Date at = Date.from(Instant.parse("2026-12-07T00:50:00Z"));

    assertThatThrownBy(() -> SegmentMoves.move(contacts, "L-1", "smb", "retail-heads", at))
        .isInstanceOf(MongoSocketReadException.class);
    // The activity's retry, reading the contact again.
    String read = store.contacts().find(new Document("leadId", "L-1")).first().getString("segment");
    SegmentMoves.move(contacts, "L-1", read, "retail-heads", at);

    Document contact = store.contacts().find(new Document("leadId", "L-1")).first();
    assertThat(contact.getString("segment")).isEqualTo("retail-heads");
    assertThat(contact.getList(SegmentMoves.FIELD, Document.class))
        .as("the move, recorded once")
        .containsExactly(new Document("from", "smb").append("to", "retail-heads").append("at", at));
    assertThat(SegmentMoves.at(contact, "retail-heads", Date.from(at.toInstant().minusSeconds(5))))
        .isEqualTo("smb");
  }

  @Test
  void aMoveFromASegmentReadBeforeAnotherMoveReadsTheContactAgain() {
    Date first = Date.from(Instant.parse("2026-12-07T00:50:00Z"));
    Date second = Date.from(Instant.parse("2026-12-07T00:51:00Z"));
    SegmentMoves.move(store.contacts(), "L-1", "smb", "enterprise", first);
    // Read "smb" before the first move was written: its conditional write misses, the contact is
    // read again, and the move is recorded from where the lead was.
    SegmentMoves.move(store.contacts(), "L-1", "smb", "retail-heads", second);

    Document contact = store.contacts().find(new Document("leadId", "L-1")).first();
    assertThat(contact.getString("segment")).isEqualTo("retail-heads");
    assertThat(contact.getList(SegmentMoves.FIELD, Document.class))
        .containsExactly(
            new Document("from", "smb").append("to", "enterprise").append("at", first),
            new Document("from", "enterprise").append("to", "retail-heads").append("at", second));
  }

  @Test
  void aMoveIsStampedWithTheClockOfTheLeadsEvents() {
    Instant then = Instant.parse("2026-03-01T09:30:00Z");
    new LeadSegments(store, Clock.fixed(then, ZoneOffset.UTC)).moveTo("L-1", "smb", "enterprise");

    Document contact = store.contacts().find(new Document("leadId", "L-1")).first();
    assertThat(contact.getList(SegmentMoves.FIELD, Document.class))
        .extracting(m -> m.getDate("at"))
        .isEqualTo(List.of(Date.from(then)));
  }
}

package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.NoopOplog;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the embedded MongoDB-wire server answers is a snapshot (see {@link
 * EmbeddedSnapshotCollection}): a later update of the stored document, which the memory backend
 * makes in place, must not reach a document already answered (the wire encoder reads it after the
 * collection's lock is released: a ConcurrentModificationException closed the connection during a
 * 200-lead burst, and a read could see half an update).
 */
class EmbeddedMongoServerTest {
  private static MongoCollection<?> collection(MemoryBackend backend) {
    MongoCollection<?> c =
        backend.openOrCreateDatabase("t").createCollectionOrThrowIfExists("messages");
    c.addDocument(new Document("_id", "m1").append("status", "accepted").append("n", 1));
    return c;
  }

  /** An update that changes the stored map's shape: a key removed, another added. */
  private static void update(MongoCollection<?> c) {
    c.updateDocuments(
        new Document("_id", "m1"),
        new Document("$set", new Document("status", "read").append("wamid", "w1"))
            .append("$unset", new Document("n", "")),
        ArrayFilters.empty(),
        false,
        false,
        NoopOplog.get());
  }

  private static List<Document> found(MongoCollection<?> c) {
    List<Document> out = new ArrayList<>();
    c.handleQuery(new Document()).forEach(out::add);
    return out;
  }

  private static Document findAndModifyNew(MongoCollection<?> c) {
    return (Document)
        c.findAndModify(
                new Document("query", new Document("_id", "m1"))
                    .append("update", new Document("$set", new Document("claimed", true)))
                    .append("new", true))
            .get("value");
  }

  @Test
  void answeredDocumentsStayAsTheyWereWhenTheStoredOneIsUpdated() {
    MongoCollection<?> c = collection(new EmbeddedMongoServer.ProbedBackend());
    Document answered = found(c).get(0);
    Document claimed = findAndModifyNew(c);
    update(c);
    assertThat(answered).containsEntry("status", "accepted").containsEntry("n", 1);
    assertThat(answered).doesNotContainKey("wamid");
    assertThat(claimed).containsEntry("status", "accepted").containsEntry("claimed", true);
    // The writes themselves were stored (findAndModify's and the update's), and the next answer
    // has them.
    assertThat(found(c).get(0))
        .containsEntry("status", "read")
        .containsEntry("wamid", "w1")
        .containsEntry("claimed", true)
        .doesNotContainKey("n");
    // The backend's own reads on the way to a removal still find the stored documents.
    c.addDocument(new Document("_id", "m2").append("status", "accepted"));
    c.addDocument(new Document("_id", "m3").append("status", "accepted"));
    assertThat(c.deleteDocuments(new Document("_id", "m1"), 0)).isEqualTo(1);
    assertThat(
            c.findAndModify(new Document("query", new Document("_id", "m2")).append("remove", true))
                .get("value"))
        .isNotNull();
    assertThat(found(c)).extracting(d -> d.get("_id")).containsExactly("m3");
  }

  @Test
  void theShippedMemoryBackendAnswersTheStoredDocumentsThemselves() {
    // The aliasing the snapshot removes: if this fails after an upgrade of mongo-java-server,
    // SnapshotCollection can go.
    MongoCollection<?> c = collection(new MemoryBackend());
    Document answered = found(c).get(0);
    Document claimed = findAndModifyNew(c);
    update(c);
    assertThat(answered).containsEntry("status", "read").containsKey("wamid");
    assertThat(claimed).containsEntry("status", "read");
  }
}

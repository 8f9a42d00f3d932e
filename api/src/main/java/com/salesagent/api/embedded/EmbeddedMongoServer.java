package com.salesagent.api.embedded;

import com.salesagent.temporal.Ports;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.exception.NamespaceExistsException;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import io.dropwizard.lifecycle.Managed;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process MongoDB-wire server: memory backend; state lives as long as the process, like the
 * Temporal dev server's. Its oplog (what change streams read) is on only when asked for
 * (LIVE_FEED_SOURCE=change_streams): it keeps a copy of every write for the life of the process,
 * and each change-stream poll rescans it whole.
 */
public final class EmbeddedMongoServer implements Managed {
  private final int port;
  private final boolean oplog;
  private MongoServer server;
  private ProbedBackend backend;

  public EmbeddedMongoServer(int port, boolean oplog) {
    this.port = port == 0 ? Ports.freePort() : port;
    this.oplog = oplog;
  }

  public String connectionString() {
    return "mongodb://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void start() {
    Ports.requireFree(port, "embedded MongoDB server", "EMBEDDED_MONGODB_PORT");
    backend = new ProbedBackend();
    server = new MongoServer(backend);
    if (oplog) {
      server.enableOplog();
    }
    server.bind("127.0.0.1", port);
  }

  /** Queries answered from a unique index by a key they pin, though they say more (tests). */
  long narrowedQueries() {
    return backend == null ? 0 : backend.narrowed.get();
  }

  /** Updates applied by {@link EmbeddedSnapshotCollection#updateDocuments}'s own path. */
  long updatesInPlace() {
    return backend == null ? 0 : backend.inPlace.get();
  }

  @Override
  public void stop() {
    if (server != null) {
      server.shutdownNow();
    }
  }

  /**
   * The memory backend, answering the two capability probes every start makes (Atlas Search's
   * {@code $listSearchIndexes}, a change stream without the oplog) and a {@code create} of a
   * collection that exists (two processes starting together) as a real standalone mongod does, with
   * an error the client reads, instead of the server logging an ERROR with a stack trace on a
   * newcomer's first screen. Every other failure is logged as before.
   */
  static final class ProbedBackend extends MemoryBackend {
    /** How many queries were answered from an index by a key they pin (tests read it). */
    final AtomicLong narrowed = new AtomicLong();

    final AtomicLong inPlace = new AtomicLong();

    @Override
    public MemoryDatabase openOrCreateDatabase(String databaseName) {
      return new MemoryDatabase(databaseName, getCursorRegistry()) {
        @Override
        protected Index<Integer> openOrCreateSecondaryIndex(
            String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
          return new EmbeddedSecondaryIndex(indexName, keys, sparse);
        }

        @Override
        protected MemoryCollection openOrCreateCollection(
            String collectionName, CollectionOptions options) {
          return new EmbeddedSnapshotCollection(
              this, collectionName, options, cursorRegistry, narrowed, inPlace);
        }
      };
    }

    /**
     * An aggregate whose first stage is a {@code $match} (every {@code countDocuments}) reads its
     * source collection through {@link EmbeddedSnapshotCollection#queryAllAsStream}, which copied
     * and then matched every document: the match is handed to it on this thread, so it can narrow.
     */
    @Override
    public Document handleMessage(MongoMessage message) {
      Document command = message.getDocument();
      if (command != null
          && command.get("aggregate") instanceof String collection
          && command.get("pipeline") instanceof List<?> pipeline
          && !pipeline.isEmpty()
          && pipeline.get(0) instanceof Document first
          && first.get("$match") instanceof Document match) {
        EmbeddedSnapshotCollection.FIRST_MATCH.set(
            new EmbeddedSnapshotCollection.FirstMatch(collection, match));
      }
      long startMillis = System.currentTimeMillis();
      long start = System.nanoTime();
      try {
        return handled(message);
      } finally {
        EmbeddedSnapshotCollection.FIRST_MATCH.remove();
        EmbeddedCommandTimes.record(command, startMillis, System.nanoTime() - start);
      }
    }

    private Document handled(MongoMessage message) {
      try {
        return super.handleMessage(message);
      } catch (MongoServerError e) {
        if (stage(message.getDocument(), "$listSearchIndexes")
            || (e instanceof NamespaceExistsException
                && message.getDocument() != null
                && message.getDocument().containsKey("create"))) {
          // The second of two processes starting together creates a collection the first just
          // made (the time-series history): an answer the client handles, not a server ERROR.
          return refusal(e.getCode(), e.getCodeName(), e.getMessageWithoutErrorCode());
        }
        throw e;
      } catch (NoSuchElementException e) {
        if (stage(message.getDocument(), "$changeStream")) {
          // What a standalone mongod answers: change streams need a replica set (its oplog).
          return refusal(
              40573, "Location40573", "The $changeStream stage is only supported on replica sets");
        }
        throw e;
      }
    }

    /** A command's error answer, read by the client as a MongoCommandException. */
    static Document refusal(int code, String codeName, String message) {
      Document answer = new Document("ok", 0).append("errmsg", message).append("code", code);
      if (codeName != null) {
        answer.append("codeName", codeName);
      }
      return answer;
    }

    /** Whether the command is an aggregate whose pipeline starts with this stage. */
    static boolean stage(Document command, String stage) {
      return command != null
          && command.get("pipeline") instanceof List<?> pipeline
          && !pipeline.isEmpty()
          && pipeline.get(0) instanceof Document first
          && first.containsKey(stage);
    }
  }
}

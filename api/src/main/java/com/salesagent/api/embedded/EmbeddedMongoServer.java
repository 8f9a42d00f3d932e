package com.salesagent.api.embedded;

import com.salesagent.temporal.Ports;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import io.dropwizard.lifecycle.Managed;
import java.util.List;
import java.util.NoSuchElementException;

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
    server = new MongoServer(new ProbedBackend());
    if (oplog) {
      server.enableOplog();
    }
    server.bind("127.0.0.1", port);
  }

  @Override
  public void stop() {
    if (server != null) {
      server.shutdownNow();
    }
  }

  /**
   * The memory backend, answering the two capability probes every start makes (Atlas Search's
   * {@code $listSearchIndexes}, a change stream without the oplog) as a real standalone mongod
   * does, with an error the client reads, instead of the server logging an ERROR with a stack trace
   * on a newcomer's first screen. Every other failure is logged as before.
   */
  static final class ProbedBackend extends MemoryBackend {
    @Override
    public Document handleMessage(MongoMessage message) {
      try {
        return super.handleMessage(message);
      } catch (MongoServerError e) {
        if (stage(message.getDocument(), "$listSearchIndexes")) {
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

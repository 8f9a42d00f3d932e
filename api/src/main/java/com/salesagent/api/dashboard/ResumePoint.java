package com.salesagent.api.dashboard;

import com.mongodb.MongoException;
import java.util.Set;
import org.bson.BsonDocument;

/**
 * The last point of one change stream the live feed has delivered: the resume token a reopened
 * stream starts after. Only the watcher thread of its collection touches it.
 */
final class ResumePoint {
  /**
   * The server cannot resume from the token: ChangeStreamHistoryLost 286, ChangeStreamFatalError
   * 280, InvalidResumeToken 260, CappedPositionLost 136.
   */
  static final Set<Integer> LOST = Set.of(286, 280, 260, 136);

  private BsonDocument token;

  BsonDocument token() {
    return token;
  }

  /** Moves the point forward; a null (no token yet) keeps the last one. */
  void advance(BsonDocument next) {
    if (next != null) {
      token = next;
    }
  }

  void clear() {
    token = null;
  }

  static boolean isLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof MongoException m && LOST.contains(m.getCode())) {
        return true;
      }
    }
    return false;
  }
}

package com.salesagent.activities.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.salesagent.activities.whatsapp.WhatsAppLimits;
import java.util.Locale;
import java.util.Set;

/**
 * Sorts MongoDB failures into those worth retrying (the network, an election) and those that no
 * retry fixes (a conflicting index, duplicates under a unique index, an Atlas tier refusing a
 * command, credentials), and says the latter in one line without the documents' values.
 */
public final class MongoErrors {
  private MongoErrors() {}

  /**
   * Server codes of a node that is stepping down, shutting down or not reachable from the one we
   * asked: HostUnreachable 6, HostNotFound 7, NetworkTimeout 89, ShutdownInProgress 91,
   * PrimarySteppedDown 189, ExceededTimeLimit 262, SocketException 9001, NotWritablePrimary 10107,
   * InterruptedAtShutdown 11600, InterruptedDueToReplStateChange 11602, NotPrimaryNoSecondaryOk
   * 13435, NotPrimaryOrSecondary 13436.
   */
  static final Set<Integer> TRANSIENT_CODES =
      Set.of(6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436);

  /** IndexOptionsConflict 85, IndexKeySpecsConflict 86. */
  static final Set<Integer> INDEX_CONFLICT_CODES = Set.of(85, 86);

  /** AtlasError 8000, CommandNotSupported 115, CommandNotFound 59. */
  static final Set<Integer> REFUSED_CODES = Set.of(8000, 115, 59);

  /** The most of a server's message a summary repeats, in code points (never half an emoji). */
  static final int MAX_MESSAGE = 300;

  /** Whether waiting and trying again can help: the network, a timeout, an election. */
  public static boolean isTransient(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof MongoSecurityException) {
        return false;
      }
      if (t instanceof MongoSocketException
          || t instanceof MongoTimeoutException
          || t instanceof MongoNotPrimaryException
          || t instanceof MongoNodeIsRecoveringException) {
        return true;
      }
      if (t instanceof MongoException m
          && (TRANSIENT_CODES.contains(m.getCode())
              || m.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
              || m.hasErrorLabel("RetryableWriteError"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** Authentication failed (18) or the user lacks a privilege (13). */
  public static boolean isAuth(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof MongoSecurityException) {
        return true;
      }
      if (t instanceof MongoException m && (m.getCode() == 18 || m.getCode() == 13)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** Documents with equal values prevent a unique index (E11000). */
  public static boolean isDuplicateKey(MongoException e) {
    return e.getCode() == 11000
        || (e instanceof MongoServerException
            && ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY);
  }

  /** An index of the same name or keys exists with other options. */
  public static boolean isIndexConflict(MongoException e) {
    return INDEX_CONFLICT_CODES.contains(e.getCode());
  }

  /**
   * The server (often an Atlas shared or flex tier) does not allow this command or option:
   * AtlasError 8000, CommandNotSupported 115, CommandNotFound 59, or a message saying so.
   */
  public static boolean isRefused(MongoException e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return REFUSED_CODES.contains(e.getCode())
        || message.contains("not allowed in this atlas tier")
        || message.contains("is not allowed")
        || message.contains("not supported");
  }

  /**
   * One line naming the error (code name and number) and, where it cannot carry document values,
   * the server's message. Duplicate-key messages quote the duplicated values (phone numbers, ids),
   * so they are never repeated.
   */
  public static String summary(MongoException e) {
    StringBuilder s = new StringBuilder();
    String codeName = e instanceof MongoCommandException c ? c.getErrorCodeName() : null;
    if (codeName != null && !codeName.isBlank()) {
      s.append(codeName).append(' ');
    } else {
      s.append(e.getClass().getSimpleName()).append(' ');
    }
    s.append(e.getCode());
    String raw = e instanceof MongoCommandException c ? c.getErrorMessage() : e.getMessage();
    if (!isDuplicateKey(e) && raw != null && !raw.isBlank()) {
      String message = raw.replaceAll("\\s+", " ").strip();
      s.append(": ")
          .append(
              WhatsAppLimits.fits(message, MAX_MESSAGE)
                  ? message
                  : WhatsAppLimits.cut(message, MAX_MESSAGE) + "...");
    }
    return s.toString();
  }

  /** What an operator does about a non-transient failure while ensuring {@code what}. */
  static String remedy(MongoException e, String collection, String indexName) {
    if (isAuth(e)) {
      return "the MongoDB user lacks the privilege (createIndex, createCollection, collMod on the"
          + " database); grant it (e.g. readWrite + dbAdmin) or check MONGODB_URI";
    }
    if (isIndexConflict(e)) {
      return "an index with this name or these keys exists with other options; drop it"
          + " (db."
          + collection
          + ".dropIndex(\""
          + indexName
          + "\")) and start again";
    }
    if (isDuplicateKey(e)) {
      return "documents in "
          + collection
          + " share a value the unique index forbids; remove the duplicates and start again";
    }
    if (isRefused(e)) {
      return "the server or its Atlas tier refuses this command; use a tier or server that allows"
          + " it";
    }
    return "fix the cause on the server and start again";
  }
}

package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Atlas vector index over the research chunks answers queries yet. A search index is
 * built asynchronously after {@code createSearchIndexes}: {@code $listSearchIndexes} reports it
 * with {@code status} (PENDING, BUILDING, READY, FAILED, ...) and {@code queryable}; only a
 * queryable index serves {@code $vectorSearch}. Until then retrieval uses exact cosine; {@link
 * #queryable()} asks the server again at most every {@code recheck}, so the switch to $vectorSearch
 * needs no restart.
 */
public final class VectorIndex {
  private static final Logger LOG = LoggerFactory.getLogger(VectorIndex.class);

  /** A server without search indexes: never queryable, never asks. */
  public static final VectorIndex NONE = new VectorIndex(null, System::nanoTime, Duration.ZERO);

  static final Duration RECHECK = Duration.ofSeconds(15);

  private final Supplier<List<Document>> lister;
  private final String name;
  private final String use;
  private final LongSupplier nanoTime;
  private final long recheckNanos;
  private volatile boolean queryable;
  private volatile String status = "UNKNOWN";
  private volatile long nextCheck;

  VectorIndex(Supplier<List<Document>> lister, LongSupplier nanoTime, Duration recheck) {
    this(lister, nanoTime, recheck, MongoSchema.VECTOR_INDEX, "retrieval uses $vectorSearch");
  }

  private VectorIndex(
      Supplier<List<Document>> lister,
      LongSupplier nanoTime,
      Duration recheck,
      String name,
      String use) {
    this.lister = lister;
    this.name = name;
    this.use = use;
    this.nanoTime = nanoTime;
    this.recheckNanos = recheck.toNanos();
    this.nextCheck = nanoTime.getAsLong();
  }

  /**
   * The readiness of another search index of ours ({@code use}: what switches once it answers, for
   * the log), with the same rechecks.
   */
  public static VectorIndex of(MongoCollection<Document> collection, String name, String use) {
    return new VectorIndex(
        () -> collection.listSearchIndexes().name(name).into(new ArrayList<>()),
        System::nanoTime,
        RECHECK,
        name,
        use);
  }

  /** The index {@link MongoSchema#VECTOR_INDEX} over these chunks. */
  public static VectorIndex of(MongoCollection<Document> chunks) {
    return new VectorIndex(
        () -> chunks.listSearchIndexes().name(MongoSchema.VECTOR_INDEX).into(new ArrayList<>()),
        System::nanoTime,
        RECHECK);
  }

  /**
   * Whether $vectorSearch can be used now. Once queryable it stays so (a dropped index then returns
   * no hits, and retrieval falls back by itself); before, the server is asked at most every
   * recheck.
   */
  public boolean queryable() {
    if (queryable || lister == null) {
      return queryable;
    }
    long now = nanoTime.getAsLong();
    if (now - nextCheck < 0) {
      return false;
    }
    nextCheck = now + recheckNanos;
    return check();
  }

  /** The last status the server reported (UNKNOWN before the first answer). */
  public String status() {
    return status;
  }

  /** Asks the server now. */
  boolean check() {
    if (lister == null) {
      return false;
    }
    try {
      Document index =
          lister.get().stream()
              .filter(d -> name.equals(d.getString("name")))
              .findFirst()
              .orElse(null);
      String now = index == null ? "DOES_NOT_EXIST" : String.valueOf(index.get("status"));
      boolean ready = index != null && Boolean.TRUE.equals(index.get("queryable"));
      if (!now.equals(status) && "FAILED".equals(now)) {
        LOG.warn("search index {} failed to build; see the index in Atlas", name);
      }
      status = now;
      if (ready && !queryable) {
        queryable = true;
        LOG.info("search index {} is queryable (status {}); {}", name, now, use);
      }
    } catch (RuntimeException e) {
      LOG.debug("listing search indexes failed: {}", e.toString());
    }
    return queryable;
  }

  /** Waits up to {@code max} for the index to be queryable, asking every {@code poll}. */
  public boolean await(Duration max, Duration poll) throws InterruptedException {
    if (lister == null) {
      return false;
    }
    long deadline = nanoTime.getAsLong() + max.toNanos();
    while (!check()) {
      long left = deadline - nanoTime.getAsLong();
      if (left <= 0) {
        return false;
      }
      Thread.sleep(Math.max(1, Math.min(poll.toMillis(), left / 1_000_000)));
    }
    return true;
  }
}

package com.salesagent.activities.media;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.workflows.media.StoredMedia;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Set;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention of leads' inbound media (MEDIA_RETENTION): an object stored longer ago than the
 * retention is deleted from S3 and its feedback documents say {@code expired} (with when), so the
 * lead page and the media route answer "expired" rather than pointing at nothing. Objects are
 * content-addressed: one that a reply received within the retention also names is kept. Done here
 * rather than by an S3 lifecycle rule so the documents and the bucket agree on every S3 (the
 * embedded one has no lifecycle rules) and the deletion is counted.
 */
public final class MediaRetention {
  private static final Logger LOG = LoggerFactory.getLogger(MediaRetention.class);
  public static final String EXPIRED = "expired";

  /** Objects looked at per sweep: the rest waits for the next one (hourly). */
  static final int BATCH = 1_000;

  private final MongoCollection<Document> feedback;
  private final ObjectStorage storage;
  private final Clock clock;

  public MediaRetention(LeadStore store, ObjectStorage storage, Clock clock) {
    this.feedback = store.feedback();
    this.storage = storage;
    this.clock = clock;
  }

  /** Deletes what is past {@code retention}; answers how many objects went. Zero keeps forever. */
  public int sweep(Duration retention) {
    if (retention.isZero() || retention.isNegative()) {
      return 0;
    }
    Instant now = clock.instant();
    Date cutoff = Date.from(now.minus(retention));
    Set<String> urls = new LinkedHashSet<>();
    // Distinct objects, not documents: old replies naming an object a recent one names too would
    // otherwise fill every batch and starve the rest.
    for (String url :
        feedback.distinct(
            "media.url",
            Filters.and(
                Filters.eq("media.status", StoredMedia.STORED), Filters.lt("media.at", cutoff)),
            String.class)) {
      urls.add(url);
      if (urls.size() == BATCH) {
        break;
      }
    }
    String prefix = "s3://" + storage.bucket() + "/";
    int deleted = 0;
    for (String url : urls) {
      if (url == null) {
        continue;
      }
      boolean recent =
          feedback.countDocuments(
                  Filters.and(
                      Filters.eq("media.url", url),
                      Filters.eq("media.status", StoredMedia.STORED),
                      Filters.gte("media.at", cutoff)))
              > 0;
      if (recent) {
        continue;
      }
      if (url.startsWith(prefix)) {
        storage.delete(url.substring(prefix.length()));
        deleted++;
      }
      feedback.updateMany(
          Filters.and(Filters.eq("media.url", url), Filters.lt("media.at", cutoff)),
          Updates.combine(
              Updates.set("media.status", EXPIRED),
              Updates.set("media.expiredAt", Date.from(now))));
    }
    if (deleted > 0) {
      LOG.info("deleted {} inbound media objects older than {}", deleted, retention);
    }
    return deleted;
  }
}

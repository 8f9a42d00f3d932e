package com.salesagent.api.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.media.MediaRetention;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Inbound media past its retention leaves S3 and its feedback says expired; an object a recent
 * reply also names (content-addressed: the same photo sent again) stays; zero retention keeps all.
 */
class MediaRetentionTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();
  @RegisterExtension static final EmbeddedS3Extension S3 = new EmbeddedS3Extension("retention");

  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private LeadStore store;
  private MediaRetention retention;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    store.feedback().deleteMany(new Document());
    retention = new MediaRetention(store, S3.storage(), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private String object(String name) {
    String key = "media/inbound/" + name + ".png";
    S3.storage().put(key, new byte[] {1, 2, 3}, "image/png");
    return "s3://" + S3.storage().bucket() + "/" + key;
  }

  private void reply(String leadId, String url, Duration ago) {
    store
        .feedback()
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", "wamid." + leadId + ago.toDays())
                .append(
                    "media",
                    new Document("status", "stored")
                        .append("url", url)
                        .append("sha256", url.replaceAll(".*/|\\.png", ""))
                        .append("at", Date.from(NOW.minus(ago)))));
  }

  private String status(String leadId) {
    return store
        .feedback()
        .find(Filters.eq("leadId", leadId))
        .first()
        .get("media", Document.class)
        .getString("status");
  }

  @Test
  void oldMediaIsDeletedAndMarkedExpiredWhileRecentOrSharedMediaStays() {
    String old = object("aaa");
    String fresh = object("bbb");
    String shared = object("ccc");
    reply("L-old", old, Duration.ofDays(200));
    reply("L-fresh", fresh, Duration.ofDays(10));
    reply("L-shared-old", shared, Duration.ofDays(300));
    reply("L-shared-new", shared, Duration.ofDays(1));

    assertThat(retention.sweep(Duration.ofDays(180))).isEqualTo(1);

    assertThat(S3.storage().exists("media/inbound/aaa.png")).isFalse();
    assertThat(status("L-old")).isEqualTo(MediaRetention.EXPIRED);
    assertThat(S3.storage().exists("media/inbound/bbb.png")).isTrue();
    assertThat(status("L-fresh")).isEqualTo("stored");
    assertThat(S3.storage().exists("media/inbound/ccc.png")).isTrue();
    assertThat(status("L-shared-old")).isEqualTo("stored");
    // Nothing left to do: a second sweep deletes nothing more.
    assertThat(retention.sweep(Duration.ofDays(180))).isZero();
  }

  @Test
  void zeroRetentionKeepsEverything() {
    String old = object("ddd");
    reply("L-kept", old, Duration.ofDays(5_000));
    assertThat(retention.sweep(Duration.ZERO)).isZero();
    assertThat(S3.storage().exists("media/inbound/ddd.png")).isTrue();
    assertThat(status("L-kept")).isEqualTo("stored");
  }
}

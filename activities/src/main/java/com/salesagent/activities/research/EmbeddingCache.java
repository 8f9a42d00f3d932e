package com.salesagent.activities.research;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.salesagent.activities.mongo.MongoErrors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bson.Document;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeddings of identical chunks computed once, for every worker: a MongoDB collection keyed by
 * SHA-256 of (model, normalised text) holding the vector (384 little-endian float32, 1.5 KiB). The
 * text itself is not stored. Entries expire {@link #TTL} after they were written (a TTL index,
 * MongoSchema), which bounds the collection to the distinct chunks of that window; a vector of a
 * given model never changes, so an expired entry is just computed again.
 *
 * <p>The cache only ever saves work: a failed lookup or write is logged and the chunks are embedded
 * as if it were empty; research never fails because of it.
 */
public final class EmbeddingCache {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingCache.class);
  public static final String COLLECTION = "embedding_cache";

  /** How long an entry lives (the TTL index on createdAt). */
  public static final long TTL_DAYS = 30;

  /** Deadline of the lookup; past it the chunks are embedded. */
  private static final long LOOKUP_MS = 2_000;

  private static final int DUPLICATE_KEY = 11000;

  private final MongoCollection<Document> cache;
  private final Clock clock;

  public EmbeddingCache(MongoDatabase db, Clock clock) {
    this.cache = db.getCollection(COLLECTION);
    this.clock = clock;
  }

  /** Whitespace runs collapse to one space, ends stripped: re-flowed text is the same chunk. */
  static String normalise(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }

  static String key(String model, String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(model.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(normalise(text).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The vectors of {@code texts} under {@code model}, in order: cached ones read, the others (each
   * distinct text once) computed by {@code embed} in one call and written back.
   */
  public List<float[]> embedAll(
      String model, List<String> texts, Function<List<String>, List<float[]>> embed) {
    if (texts.isEmpty()) {
      return List.of();
    }
    List<String> keys = new ArrayList<>(texts.size());
    for (String text : texts) {
      keys.add(key(model, text));
    }
    Map<String, float[]> found = lookup(keys);
    Map<String, String> missing = new LinkedHashMap<>();
    for (int i = 0; i < texts.size(); i++) {
      if (!found.containsKey(keys.get(i))) {
        missing.putIfAbsent(keys.get(i), texts.get(i));
      }
    }
    if (!missing.isEmpty()) {
      List<String> missingKeys = new ArrayList<>(missing.keySet());
      List<float[]> computed = embed.apply(new ArrayList<>(missing.values()));
      Map<String, float[]> fresh = new LinkedHashMap<>();
      for (int i = 0; i < missingKeys.size(); i++) {
        fresh.put(missingKeys.get(i), computed.get(i));
      }
      store(model, fresh);
      found.putAll(fresh);
    }
    List<float[]> out = new ArrayList<>(texts.size());
    for (String key : keys) {
      out.add(found.get(key));
    }
    return out;
  }

  private Map<String, float[]> lookup(List<String> keys) {
    Map<String, float[]> found = new LinkedHashMap<>();
    try {
      for (Document d :
          cache
              .find(Filters.in("_id", keys.stream().distinct().toList()))
              .maxTime(LOOKUP_MS, TimeUnit.MILLISECONDS)) {
        Binary vector = d.get("vector", Binary.class);
        if (vector != null) {
          found.put(d.getString("_id"), decode(vector.getData()));
        }
      }
    } catch (MongoException | ClassCastException e) {
      LOG.warn("embedding cache lookup failed ({}); embedding every chunk", summary(e));
      found.clear();
    }
    return found;
  }

  private void store(String model, Map<String, float[]> vectors) {
    Date now = Date.from(clock.instant());
    List<Document> docs = new ArrayList<>(vectors.size());
    vectors.forEach(
        (key, vector) ->
            docs.add(
                new Document("_id", key)
                    .append("model", model)
                    .append("dimension", vector.length)
                    .append("vector", new Binary(encode(vector)))
                    .append("createdAt", now)));
    try {
      cache.insertMany(docs, new InsertManyOptions().ordered(false));
    } catch (MongoBulkWriteException e) {
      // Another worker wrote the same chunk meanwhile: its vector is the same one.
      if (e.getWriteErrors().stream().anyMatch(w -> w.getCode() != DUPLICATE_KEY)) {
        LOG.warn("embedding cache write failed in part ({})", summary(e));
      }
    } catch (MongoException e) {
      LOG.warn("embedding cache write failed ({}); vectors not cached", summary(e));
    }
  }

  private static String summary(RuntimeException e) {
    return e instanceof MongoException m ? MongoErrors.summary(m) : e.toString();
  }

  static byte[] encode(float[] vector) {
    ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : vector) {
      buffer.putFloat(f);
    }
    return buffer.array();
  }

  static float[] decode(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] vector = new float[bytes.length / 4];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = buffer.getFloat();
    }
    return vector;
  }
}

package com.salesagent.api.embedded;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The emulator's stored media, kept in memory: each with its type, bytes, SHA-256 and how often it
 * was asked for and downloaded; the oldest evicted once they total more than {@link
 * #MAX_STORED_BYTES}. Ids it never stored (served as samples) are counted too, up to {@link
 * #MAX_COUNTED_SAMPLES} of them.
 */
final class EmulatorMediaStore {
  /** Stored media beyond this total evict the oldest. */
  static final long MAX_STORED_BYTES = 512L * 1024 * 1024;

  private static final int MAX_COUNTED_SAMPLES = 10_000;

  private final Map<String, Stored> stored = new LinkedHashMap<>();
  private final Map<String, Counters> sampleCounters = new ConcurrentHashMap<>();
  private long storedBytes;

  /** How often a media id's URL was asked for and its bytes downloaded. */
  static final class Counters {
    final AtomicInteger downloads = new AtomicInteger();
    final AtomicInteger urlRequests = new AtomicInteger();
  }

  record Stored(String mimeType, byte[] bytes, String sha256, Counters counters) {}

  /** Stores media and returns its new id (numeric-looking, as Meta's). */
  String put(String mimeType, byte[] bytes) {
    synchronized (stored) {
      String id;
      do {
        id = "10" + EmulatorHttp.digits(14);
      } while (stored.containsKey(id));
      return putAs(id, mimeType, bytes);
    }
  }

  /** Stores media under an id it does not hold yet; false when it holds it already. */
  boolean putNew(String id, String mimeType, byte[] bytes) {
    synchronized (stored) {
      if (stored.containsKey(id)) {
        return false;
      }
      putAs(id, mimeType, bytes);
      return true;
    }
  }

  private String putAs(String id, String mimeType, byte[] bytes) {
    Stored s = new Stored(mimeType, bytes.clone(), sha256(bytes), new Counters());
    synchronized (stored) {
      stored.put(id, s);
      storedBytes += bytes.length;
      Iterator<Map.Entry<String, Stored>> oldest = stored.entrySet().iterator();
      while (storedBytes > MAX_STORED_BYTES && oldest.hasNext()) {
        Map.Entry<String, Stored> e = oldest.next();
        if (e.getKey().equals(id)) {
          break;
        }
        storedBytes -= e.getValue().bytes().length;
        oldest.remove();
      }
      return id;
    }
  }

  /** The stored media of this id, or null. */
  Stored stored(String mediaId) {
    synchronized (stored) {
      return stored.get(mediaId);
    }
  }

  /** How many media are stored. */
  int count() {
    synchronized (stored) {
      return stored.size();
    }
  }

  /**
   * The counters of a media id: a stored one's, else a sample's ({@code create}: made for an id not
   * counted yet, while fewer than {@link #MAX_COUNTED_SAMPLES} are); null when there are none.
   */
  Counters counters(String mediaId, boolean create) {
    Stored s = stored(mediaId);
    if (s != null) {
      return s.counters();
    }
    Counters c = sampleCounters.get(mediaId);
    if (c == null && create && sampleCounters.size() < MAX_COUNTED_SAMPLES) {
      c = sampleCounters.computeIfAbsent(mediaId, k -> new Counters());
    }
    return c;
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Bytes(bytes));
  }

  static byte[] sha256Bytes(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

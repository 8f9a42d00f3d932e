package com.salesagent.activities.research;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process embedding model (all-MiniLM-L6-v2, quantized, 384 dimensions), loaded once per
 * process on first use. Offline by construction: the weights ship in the jar, and DJL's telemetry
 * and downloads are switched off before the tokenizer loads (else it calls 169.254.169.254).
 */
public final class Embeddings {
  public static final String MODEL = "all-minilm-l6-v2-q";
  public static final int DIMENSION = 384;

  /** Query texts (a variant's angle) longer than this are not remembered. */
  static final int MAX_QUERY_CHARS = 2_000;

  /** Distinct queries remembered (least recently used dropped): 1.5 KiB of vector each. */
  static final int MAX_QUERIES = 512;

  private final Path cacheDir;
  private volatile EmbeddingModel model;
  private final AtomicLong computed = new AtomicLong();

  /**
   * Queries repeat for every lead (retrieval asks with the variant's angle, a handful of texts):
   * each is computed once per process.
   */
  private final Map<String, float[]> queries =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
          return size() > MAX_QUERIES;
        }
      };

  public Embeddings(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  /** Must run before any DJL class loads; idempotent. */
  public static void offline(Path cacheDir) {
    setIfAbsent("OPT_OUT_TRACKING", "true");
    setIfAbsent("DJL_OFFLINE", "true");
    if (cacheDir != null) {
      setIfAbsent("DJL_CACHE_DIR", cacheDir.resolve("djl").toString());
      setIfAbsent("ENGINE_CACHE_DIR", cacheDir.resolve("djl").toString());
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  private EmbeddingModel model() {
    EmbeddingModel m = model;
    if (m == null) {
      synchronized (this) {
        if (model == null) {
          offline(cacheDir);
          model = MiniLmModel.shared();
        }
        m = model;
      }
    }
    return m;
  }

  /** A query's vector, remembered (bounded, per process): the same text is computed once. */
  public float[] embed(String text) {
    if (text.length() > MAX_QUERY_CHARS) {
      computed.incrementAndGet();
      return model().embed(text).content().vector();
    }
    float[] known;
    synchronized (queries) {
      known = queries.get(text);
    }
    if (known == null) {
      computed.incrementAndGet();
      known = model().embed(text).content().vector();
      synchronized (queries) {
        queries.put(text, known);
      }
    }
    return known.clone();
  }

  /** How many texts the model has embedded in this process (cache hits excluded). */
  public long computedTexts() {
    return computed.get();
  }

  public List<float[]> embedAll(List<String> texts) {
    computed.addAndGet(texts.size());
    return model().embedAll(texts.stream().map(TextSegment::from).toList()).content().stream()
        .map(e -> e.vector())
        .toList();
  }

  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}

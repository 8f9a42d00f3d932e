package com.salesagent.activities.research;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.nio.file.Path;
import java.util.List;

/**
 * The in-process embedding model (all-MiniLM-L6-v2, quantized, 384 dimensions), loaded once per
 * process on first use. Offline by construction: the weights ship in the jar, and DJL's telemetry
 * and downloads are switched off before the tokenizer loads (else it calls 169.254.169.254).
 */
public final class Embeddings {
  public static final String MODEL = "all-minilm-l6-v2-q";
  public static final int DIMENSION = 384;

  private final Path cacheDir;
  private volatile EmbeddingModel model;

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
          model = new AllMiniLmL6V2QuantizedEmbeddingModel();
        }
        m = model;
      }
    }
    return m;
  }

  public float[] embed(String text) {
    return model().embed(text).content().vector();
  }

  public List<float[]> embedAll(List<String> texts) {
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

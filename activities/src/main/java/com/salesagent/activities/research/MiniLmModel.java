package com.salesagent.activities.research;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * all-MiniLM-L6-v2 (quantized) from the weights LangChain4j ships in its jar, run by ONNX Runtime
 * with one thread per inference and no spin-waiting; the chunks of one call run in parallel on a
 * pool of one thread per core, shared by the whole process.
 *
 * <p>Why not LangChain4j's own {@code AllMiniLmL6V2QuantizedEmbeddingModel}: its session uses ONNX
 * Runtime's defaults, an intra-op pool of one thread per core whose threads spin after each
 * operator waiting for the next one. Beside its own pool of one caller per core, that is two
 * threads per core where one suffices, and the spinning burns the cores the worker's other threads
 * (Temporal, MongoDB, HTTP) need: measured on 2 cores, 21-22.5 core-ms per chunk against 16-21 with
 * this session, and 88-92 chunks/s against 95-122 for the model alone (BENCHMARKS.md). Same
 * weights, tokenizer and mean pooling, so the vectors are the same (the embedding cache keeps its
 * entries).
 */
final class MiniLmModel extends AbstractInProcessEmbeddingModel {
  private static final String WEIGHTS = "all-minilm-l6-v2-q.onnx";
  private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

  private static final AtomicInteger POOLS = new AtomicInteger();

  private static volatile MiniLmModel shared;

  private final OnnxBertBiEncoder encoder;
  private final String threadPrefix;

  private MiniLmModel(Executor executor, String threadPrefix, OnnxBertBiEncoder encoder) {
    super(executor);
    this.encoder = encoder;
    this.threadPrefix = threadPrefix;
  }

  /** Names of this model's pool threads start with this ({@code embedding-1-}, ...). */
  String threadPrefix() {
    return threadPrefix;
  }

  /** The process's one model (one session, one pool), loaded on first use. */
  static MiniLmModel shared() {
    MiniLmModel m = shared;
    if (m == null) {
      synchronized (MiniLmModel.class) {
        if (shared == null) {
          shared = load(Runtime.getRuntime().availableProcessors());
        }
        m = shared;
      }
    }
    return m;
  }

  /** A model whose chunks run on at most {@code threads} cores at once. */
  static MiniLmModel load(int threads) {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        InputStream tokenizer = resource(TOKENIZER)) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      options.addConfigEntry("session.inter_op.allow_spinning", "0");
      byte[] weights;
      try (InputStream in = resource(WEIGHTS)) {
        weights = in.readAllBytes();
      }
      OrtSession session = environment.createSession(weights, options);
      String prefix = "embedding-" + POOLS.incrementAndGet() + "-";
      return new MiniLmModel(
          pool(threads, prefix),
          prefix,
          new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN));
    } catch (OrtException e) {
      throw new IllegalStateException("the embedding model did not load: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("the embedding model's files did not read", e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = MiniLmModel.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(name + " is not on the class path");
    }
    return in;
  }

  private static ThreadPoolExecutor pool(int threads, String prefix) {
    AtomicInteger serial = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, prefix + serial.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  @Override
  protected OnnxBertBiEncoder model() {
    return encoder;
  }

  @Override
  protected Integer knownDimension() {
    return Embeddings.DIMENSION;
  }
}

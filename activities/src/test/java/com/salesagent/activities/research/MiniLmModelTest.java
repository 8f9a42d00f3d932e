package com.salesagent.activities.research;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MiniLmModelTest {
  @TempDir static Path dir;

  @BeforeAll
  static void offline() {
    Embeddings.offline(dir);
  }

  private static List<TextSegment> texts() {
    return List.of(
        TextSegment.from("Acme Retail sells garden furniture in 40 stores across Portugal."),
        TextSegment.from("Met at a fair. Expanding to new cities."),
        TextSegment.from("Prazo de entrega de duas semanas para pedidos acima de 500 unidades."),
        TextSegment.from("x"),
        TextSegment.from(
            "The CFO asked about pricing for annual plans and a pilot in Q3. ".repeat(20)));
  }

  @Test
  void itsVectorsAreLangChain4jsOwnForTheSameWeights() {
    // The embedding cache keeps vectors under the model's name: a new session must not move them.
    List<Embedding> ours = MiniLmModel.load(2).embedAll(texts()).content();
    List<Embedding> theirs = new AllMiniLmL6V2QuantizedEmbeddingModel().embedAll(texts()).content();
    assertThat(ours).hasSameSizeAs(theirs);
    for (int i = 0; i < ours.size(); i++) {
      float[] a = ours.get(i).vector();
      float[] b = theirs.get(i).vector();
      assertThat(a).hasSize(Embeddings.DIMENSION);
      assertThat(Embeddings.cosine(a, b)).as("text %d", i).isGreaterThan(0.9999);
    }
    // ...and they still tell texts apart.
    assertThat(Embeddings.cosine(ours.get(0).vector(), ours.get(2).vector())).isLessThan(0.9);
  }

  @Test
  void aCallsChunksRunOnAPoolOfAtMostTheAskedThreads() {
    MiniLmModel model = MiniLmModel.load(3);
    List<TextSegment> many = new ArrayList<>();
    IntStream.range(0, 24).forEach(i -> many.add(TextSegment.from("Chunk number " + i + ".")));
    List<Embedding> out = model.embedAll(many).content();

    assertThat(out).hasSize(24);
    // In order: the i-th vector is the i-th text's, whatever thread embedded it.
    assertThat(
            Embeddings.cosine(
                out.get(7).vector(), model.embed("Chunk number 7.").content().vector()))
        .isGreaterThan(0.9999);
    // Each of the first three chunks started a thread of its own; the other 21 waited for one.
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(model.threadPrefix()))
                .filter(Thread::isDaemon)
                .count())
        .isEqualTo(3);
  }

  @Test
  void theProcessSharesOneModel() {
    assertThat(MiniLmModel.shared()).isSameAs(MiniLmModel.shared());
    Embeddings a = new Embeddings(dir);
    Embeddings b = new Embeddings(dir);
    float[] va = a.embedAll(List.of("one model per process")).get(0);
    float[] vb = b.embedAll(List.of("one model per process")).get(0);
    assertThat(va).containsExactly(vb);
  }
}

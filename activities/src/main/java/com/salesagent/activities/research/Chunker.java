package com.salesagent.activities.research;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import java.util.List;

/**
 * Sentence-aware chunking with overlap (LangChain4j's recursive splitter: paragraphs, then
 * sentences, then words), sized for a small embedding model.
 */
public final class Chunker {
  public static final int MAX_CHARS = 500;
  public static final int OVERLAP_CHARS = 80;
  private static final DocumentSplitter SPLITTER =
      DocumentSplitters.recursive(MAX_CHARS, OVERLAP_CHARS);

  private Chunker() {}

  public static List<String> chunks(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return SPLITTER.split(Document.from(text.strip())).stream()
        .map(s -> s.text().strip())
        .filter(s -> !s.isEmpty())
        .toList();
  }
}

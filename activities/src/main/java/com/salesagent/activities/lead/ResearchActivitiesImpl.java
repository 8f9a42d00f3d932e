package com.salesagent.activities.lead;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.research.Chunker;
import com.salesagent.activities.research.EmbeddingCache;
import com.salesagent.activities.research.Embeddings;
import com.salesagent.activities.research.ResearchSource;
import com.salesagent.workflows.lead.ResearchActivities;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bson.Document;

/**
 * Researches a lead: collects text from the configured sources, chunks it (sentence-aware, with
 * overlap), embeds each chunk in process and stores the set in research_results with the model's
 * name and dimension. A new run is inserted before the old one is deleted, so a reader always sees
 * one complete set (the newest).
 */
public class ResearchActivitiesImpl implements ResearchActivities {
  private final LeadStore store;
  private final List<ResearchSource> sources;
  private final Embeddings embeddings;
  private final Clock clock;
  private final EmbeddingCache cache;
  private final Admission admission;

  /** Without an embedding cache: every chunk is embedded. */
  public ResearchActivitiesImpl(
      LeadStore store, List<ResearchSource> sources, Embeddings embeddings, Clock clock) {
    this(store, sources, embeddings, clock, null, Admission.OPEN);
  }

  /**
   * {@code cache}: vectors of chunks already embedded by any worker (null: none). {@code
   * admission}: asked before each research, which is where a new lead enters the pipeline: while
   * due follow-ups queue on this machine, new leads wait in the research queue instead of adding
   * their first-contact steps to the same workflow-task queue.
   */
  public ResearchActivitiesImpl(
      LeadStore store,
      List<ResearchSource> sources,
      Embeddings embeddings,
      Clock clock,
      EmbeddingCache cache,
      Admission admission) {
    this.store = store;
    this.sources = sources;
    this.embeddings = embeddings;
    this.clock = clock;
    this.cache = cache;
    this.admission = admission;
  }

  /**
   * Tells Temporal this attempt is alive: a worker that dies mid-research is noticed after the
   * heartbeat timeout, not the whole start-to-close timeout. (Called outside an activity, in tests,
   * it does nothing.)
   */
  private static void heartbeat() {
    try {
      Activity.getExecutionContext().heartbeat(null);
    } catch (IllegalStateException e) {
      // not running as an activity
    }
  }

  @Override
  public int research(String leadId) {
    try {
      admission.await(ResearchActivitiesImpl::heartbeat);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while held back", "Interrupted");
    }
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no contact for lead " + leadId, "UnknownLead");
    }
    List<String> sourceNames = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (ResearchSource source : sources) {
      heartbeat();
      for (ResearchSource.SourceText piece : source.collect(contact)) {
        for (String chunk : Chunker.chunks(piece.text())) {
          sourceNames.add(piece.source());
          texts.add(chunk);
        }
      }
    }
    heartbeat();
    List<float[]> vectors =
        cache == null
            ? embeddings.embedAll(texts)
            : cache.embedAll(Embeddings.MODEL, texts, embeddings::embedAll);
    heartbeat();
    String runId = UUID.randomUUID().toString();
    Date now = Date.from(clock.instant());
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      List<Double> vector = new ArrayList<>(Embeddings.DIMENSION);
      for (float f : vectors.get(i)) {
        vector.add((double) f);
      }
      docs.add(
          new Document("leadId", leadId)
              .append("runId", runId)
              .append("seq", i)
              .append("source", sourceNames.get(i))
              .append("text", texts.get(i))
              .append("embedding", vector)
              .append("model", Embeddings.MODEL)
              .append("dimension", vectors.get(i).length)
              .append("createdAt", now));
    }
    var results = store.database().getCollection(Collections.RESEARCH_RESULTS);
    if (!docs.isEmpty()) {
      results.insertMany(docs);
    }
    results.deleteMany(Filters.and(Filters.eq("leadId", leadId), Filters.ne("runId", runId)));
    return docs.size();
  }
}

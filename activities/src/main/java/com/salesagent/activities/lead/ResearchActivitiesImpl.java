package com.salesagent.activities.lead;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.lead.ResearchActivities;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bson.Document;

/**
 * Research in its simplest honest form: the enrolment's own text (profile line, notes,
 * researchText) stored as paragraph chunks in research_results. Embeddings and web sources come
 * with the research issue behind this same interface.
 */
public class ResearchActivitiesImpl implements ResearchActivities {
  static final int MAX_CHUNK = 800;
  private final LeadStore store;
  private final Clock clock;

  public ResearchActivitiesImpl(LeadStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public int research(String leadId) {
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no contact for lead " + leadId, "UnknownLead");
    }
    String runId = UUID.randomUUID().toString();
    List<Document> chunks = new ArrayList<>();
    add(chunks, leadId, runId, "profile", List.of(profileLine(contact)));
    add(chunks, leadId, runId, "notes", chunk(contact.getString("notes")));
    add(chunks, leadId, runId, "research_text", chunk(contact.getString("researchText")));
    var results = store.database().getCollection(Collections.RESEARCH_RESULTS);
    // New set first, then the old one goes: a reader always sees one complete set (the latest run).
    results.insertMany(chunks);
    results.deleteMany(Filters.and(Filters.eq("leadId", leadId), Filters.ne("runId", runId)));
    return chunks.size();
  }

  private void add(
      List<Document> out, String leadId, String runId, String source, List<String> texts) {
    for (String text : texts) {
      out.add(
          new Document("leadId", leadId)
              .append("runId", runId)
              .append("source", source)
              .append("seq", out.size())
              .append("text", text)
              .append("createdAt", Date.from(clock.instant())));
    }
  }

  static String profileLine(Document c) {
    StringBuilder line =
        new StringBuilder(c.getString("company") == null ? "" : c.getString("company"));
    if (c.getString("industry") != null) {
      line.append(" works in ").append(c.getString("industry"));
    }
    if (c.getString("companySize") != null) {
      line.append(" (").append(c.getString("companySize")).append(" employees)");
    }
    if (c.getString("jobTitle") != null) {
      line.append("; contact role: ").append(c.getString("jobTitle"));
    }
    return line.append('.').toString();
  }

  /** Paragraphs, with long ones cut at sentence ends near {@link #MAX_CHUNK} characters. */
  static List<String> chunk(String text) {
    List<String> out = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String paragraph : text.strip().split("\\R\\s*\\R")) {
      String p = paragraph.strip().replaceAll("\\s+", " ");
      while (p.length() > MAX_CHUNK) {
        int cut = p.lastIndexOf(". ", MAX_CHUNK);
        cut = cut < MAX_CHUNK / 2 ? MAX_CHUNK : cut + 1;
        out.add(p.substring(0, cut).strip());
        p = p.substring(cut).strip();
      }
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }
}

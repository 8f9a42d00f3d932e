package com.salesagent.activities.persona;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a lead's {@code personas} document incrementally, each attribute with its evidence (see
 * {@link Evidence}): at the profile step (after research) the enrolment's firmographics, the
 * phone's country and the research chunks' topics (their stored vectors, not embedded again); on
 * each reply its triage (intent, objection, sentiment), keyphrases, topics and engagement. The
 * facet fields ({@link PersonaFields}) are derived from the evidence on every write. Writes are
 * optimistic (a version per document), so a reply and a profile step never lose each other's
 * attributes.
 */
public final class PersonaBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(PersonaBuilder.class);

  /** Caps per persona: evidence lists keep the newest entries. */
  static final int MAX_KEYPHRASES = 40;

  static final int MAX_LIST_EVIDENCE = 60;
  static final int MAX_CHUNKS = 500;
  static final int KEYPHRASES_PER_REPLY = 6;
  private static final int ATTEMPTS = 8;

  /** What a reply brought: its triage, its text, when it came. */
  public record Reply(
      String messageId,
      String text,
      String intent,
      String objection,
      String sentiment,
      List<String> keywords,
      Instant at,
      String modality) {
    /** A text reply. */
    public Reply(
        String messageId,
        String text,
        String intent,
        String objection,
        String sentiment,
        List<String> keywords,
        Instant at) {
      this(messageId, text, intent, objection, sentiment, keywords, at, "text");
    }
  }

  private final MongoCollection<Document> personas;
  private final MongoCollection<Document> research;
  private final Topics topics;
  private final Clock clock;

  /** {@code topics}: null builds personas without topics (no embedding model here). */
  public PersonaBuilder(MongoDatabase db, Topics topics, Clock clock) {
    this.personas = db.getCollection(Collections.PERSONAS);
    this.research = db.getCollection(Collections.RESEARCH_RESULTS);
    this.topics = topics;
    this.clock = clock;
  }

  /**
   * The profile step: firmographics from the enrolment (replaced), the country from the phone, the
   * research topics of the lead's newest research run (replacing earlier research topics; reply
   * topics stay), whether the lead replied, the segment and the legacy keyword list. Answers the
   * persona as written.
   */
  public Document fromProfile(Document contact, String segment, List<String> keywords) {
    String leadId = contact.getString("leadId");
    Instant now = clock.instant();
    List<Document> researchTopics = topics == null ? null : researchTopics(leadId, now);
    return update(
        leadId,
        true,
        p -> {
          p.put("campaignId", contact.getString("campaignId"));
          p.put("segment", segment);
          p.put("jobTitle", contact.getString("jobTitle"));
          p.put("companySize", contact.getString("companySize"));
          p.put("industryRaw", contact.getString("industry"));
          p.put("locale", contact.getString("locale"));
          p.put("keywords", union(p.getList("keywords", String.class, List.of()), keywords));
          Document ev = evidence(p);
          put(
              ev,
              "industry",
              Firmographics.industry(contact.getString("industry")),
              "industry",
              now);
          put(
              ev,
              "sizeBand",
              Firmographics.sizeBand(contact.getString("companySize")),
              "companySize",
              now);
          put(
              ev,
              "seniority",
              Firmographics.seniority(contact.getString("jobTitle")),
              "jobTitle",
              now);
          put(
              ev,
              "function",
              Firmographics.function(contact.getString("jobTitle")),
              "jobTitle",
              now);
          put(ev, "timezone", contact.getString("timezone"), "timezone", now);
          String country = Firmographics.country(contact.getString("phone"));
          ev.put(
              "country",
              country == null ? null : Evidence.of(country, Evidence.PHONE, "phone", now));
          if (researchTopics != null) {
            replaceResearchTopics(ev, researchTopics);
          }
          Document funnel = contact.get("funnel", Document.class);
          if (funnel != null && funnel.get("replied") != null) {
            p.put("replied", true);
          }
        });
  }

  /**
   * The research topics of the lead's newest research run, replacing earlier research topics (reply
   * topics stay): research runs beside the profile step, so its topics join the persona once it is
   * done. Nothing without a topic list (no embedding model) or a persona. Answers the persona as
   * written, or as stored when nothing was written (null: none).
   */
  public Document refreshResearchTopics(String leadId) {
    if (topics == null) {
      return personas.find(Filters.eq("leadId", leadId)).first();
    }
    List<List<Document>> found = new ArrayList<>(1); // read once, whatever the write attempts
    return update(
        leadId,
        false,
        p -> {
          if (found.isEmpty()) {
            found.add(researchTopics(leadId, clock.instant()));
          }
          replaceResearchTopics(evidence(p), found.get(0));
        });
  }

  private static void replaceResearchTopics(Document ev, List<Document> researchTopics) {
    List<Document> kept = new ArrayList<>();
    for (Document t : ev.getList("topics", Document.class, List.of())) {
      if (!Evidence.RESEARCH.equals(t.getString("source"))) {
        kept.add(t);
      }
    }
    kept.addAll(researchTopics);
    ev.put("topics", newest(kept));
  }

  /** A reply's triage, keyphrases, topics (its text embedded once) and engagement. */
  public void fromReply(Document contact, Reply reply) {
    String leadId = contact.getString("leadId");
    String evidenceId = reply.messageId();
    List<String> phrases =
        Keyphrases.extract(reply.text(), contact.getString("locale"), KEYPHRASES_PER_REPLY);
    List<Topics.Hit> hits = replyTopics(reply.text());
    Instant at = reply.at();
    update(
        leadId,
        true,
        p -> {
          if (p.get("campaignId") == null) {
            p.put("campaignId", contact.getString("campaignId"));
          }
          p.put(
              "keywords", union(p.getList("keywords", String.class, List.of()), reply.keywords()));
          Document ev = evidence(p);
          if (reply.intent() != null) {
            append(ev, "intents", Evidence.of(reply.intent(), Evidence.REPLY, evidenceId, at));
          }
          if (reply.objection() != null) {
            append(
                ev, "objections", Evidence.of(reply.objection(), Evidence.REPLY, evidenceId, at));
          }
          if (reply.sentiment() != null) {
            ev.put("sentiment", Evidence.of(reply.sentiment(), Evidence.REPLY, evidenceId, at));
          }
          for (String phrase : phrases) {
            append(ev, "keyphrases", Evidence.of(phrase, Evidence.REPLY, evidenceId, at));
          }
          for (Topics.Hit hit : hits) {
            append(ev, "topics", topicEvidence(hit, Evidence.REPLY, evidenceId, at));
          }
          p.put("replied", true);
          p.put("replies", p.get("replies", 0) + 1);
          engagement(p, contact, at);
          modality(p, reply.modality());
        });
  }

  /** A failing model costs the reply its topics, not its triage (logged). */
  private List<Topics.Hit> replyTopics(String text) {
    if (topics == null) {
      return List.of();
    }
    try {
      return topics.matchText(text);
    } catch (RuntimeException e) {
      LOG.warn("reply topics skipped: the embedding model failed ({})", e.toString());
      return List.of();
    }
  }

  /**
   * How the lead answers: replies counted by WhatsApp message type (text, audio for a voice note,
   * image, ...), and the one it uses most (the latest on a tie) as {@code preferredModality}.
   */
  private static void modality(Document p, String modality) {
    if (modality == null || modality.isBlank()) {
      return;
    }
    Document e = p.get("engagement", new Document());
    Document counts = e.get("replyModalities", new Document());
    counts.put(modality, counts.get(modality, 0) + 1);
    String preferred = modality;
    for (String m : counts.keySet()) {
      if (counts.getInteger(m) > counts.getInteger(preferred)) {
        preferred = m;
      }
    }
    e.put("replyModalities", counts);
    e.put("preferredModality", preferred);
    p.put("engagement", e);
  }

  private static void engagement(Document p, Document contact, Instant replyAt) {
    Document funnel = contact.get("funnel", Document.class);
    Date sent = funnel == null ? null : funnel.getDate("sent");
    if (sent == null) {
      return;
    }
    Document e = p.get("engagement", new Document());
    Date read = funnel.getDate("read");
    if (read != null) {
      e.put(
          "readLatencySeconds",
          Math.max(0, Duration.between(sent.toInstant(), read.toInstant()).toSeconds()));
    }
    if (e.get("replyLatencySeconds") == null) {
      e.put(
          "replyLatencySeconds",
          Math.max(0, Duration.between(sent.toInstant(), replyAt).toSeconds()));
    }
    p.put("engagement", e);
  }

  /** The best chunk of the newest research run for every topic some chunk matches. */
  private List<Document> researchTopics(String leadId, Instant now) {
    Document latest =
        research
            .find(Filters.eq("leadId", leadId))
            .sort(Sorts.descending("createdAt"))
            .projection(Projections.include("runId"))
            .first();
    if (latest == null) {
      return List.of();
    }
    List<ObjectId> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (Document d :
        research
            .find(
                Filters.and(
                    Filters.eq("leadId", leadId), Filters.eq("runId", latest.getString("runId"))))
            .projection(Projections.include("embedding"))
            .limit(MAX_CHUNKS)) {
      List<Number> values = d.getList("embedding", Number.class);
      if (values == null || values.isEmpty()) {
        continue;
      }
      float[] v = new float[values.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = values.get(i).floatValue();
      }
      ids.add(d.getObjectId("_id"));
      vectors.add(v);
    }
    List<List<Topics.Hit>> hits = topics.match(vectors);
    java.util.Map<String, Document> best = new java.util.LinkedHashMap<>();
    for (int i = 0; i < hits.size(); i++) {
      for (Topics.Hit hit : hits.get(i)) {
        Document current = best.get(hit.topicId());
        if (current == null || current.getDouble("score") < hit.score()) {
          best.put(
              hit.topicId(), topicEvidence(hit, Evidence.RESEARCH, ids.get(i).toHexString(), now));
        }
      }
    }
    return new ArrayList<>(best.values());
  }

  private static Document topicEvidence(
      Topics.Hit hit, String source, String evidence, Instant at) {
    return Evidence.of(hit.topicId(), source, evidence, at)
        .append("label", hit.label())
        .append("score", Math.round(hit.score() * 1000) / 1000.0);
  }

  private static Document evidence(Document p) {
    Document ev = p.get("evidence", Document.class);
    if (ev == null) {
      ev = new Document();
      p.put("evidence", ev);
    }
    return ev;
  }

  private static void put(
      Document ev, String field, String value, String enrolmentField, Instant at) {
    ev.put(
        field, value == null ? null : Evidence.of(value, Evidence.ENROLMENT, enrolmentField, at));
  }

  private static void append(Document ev, String field, Document entry) {
    List<Document> list = new ArrayList<>(ev.getList(field, Document.class, List.of()));
    list.add(entry);
    ev.put(field, newest(list));
  }

  private static List<Document> newest(List<Document> list) {
    return list.size() <= MAX_LIST_EVIDENCE
        ? list
        : new ArrayList<>(list.subList(list.size() - MAX_LIST_EVIDENCE, list.size()));
  }

  private static List<String> union(List<String> a, List<String> b) {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>(a);
    if (b != null) {
      out.addAll(b);
    }
    List<String> list = new ArrayList<>(out);
    return list.size() <= MAX_KEYPHRASES
        ? list
        : list.subList(list.size() - MAX_KEYPHRASES, list.size());
  }

  /**
   * Read, change, derive the facet fields, write if nobody wrote meanwhile; else again. Answers the
   * persona as written; null when there is none and {@code create} is false (nothing written).
   */
  private Document update(String leadId, boolean create, Consumer<Document> change) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Document old = personas.find(Filters.eq("leadId", leadId)).first();
      if (old == null && !create) {
        return null;
      }
      Document p = old == null ? new Document("leadId", leadId) : new Document(old);
      p.remove("_id");
      Number version = old == null ? null : old.get("version", Number.class);
      change.accept(p);
      PersonaFields.derive(p);
      p.put("version", version == null ? 1L : version.longValue() + 1);
      p.put("updatedAt", Date.from(clock.instant()));
      try {
        if (old == null) {
          personas.insertOne(p);
          return p;
        }
        Bson same =
            version == null ? Filters.exists("version", false) : Filters.eq("version", version);
        if (personas
                .replaceOne(Filters.and(Filters.eq("_id", old.get("_id")), same), p)
                .getMatchedCount()
            == 1) {
          return p;
        }
      } catch (MongoWriteException e) {
        if (e.getError().getCode() != 11000) {
          throw e;
        }
        // another writer created it first: read theirs and apply the change to it
      }
    }
    throw new IllegalStateException("persona kept changing under " + ATTEMPTS + " writes; retry");
  }
}

package com.salesagent.api.knowledge;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.salesagent.activities.knowledge.KnowledgeBase;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * The product knowledge base the agent drafts answers from: product facts, pricing, FAQs, objection
 * answers, the booking link. Each entry's text is said as it stands, so write it as the answer.
 */
@Tag(name = "knowledge", description = "What the agent may answer from")
@Timed
@Path("/api/knowledge")
@Produces(MediaType.APPLICATION_JSON)
public class KnowledgeResource {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");

  public record Entry(
      String entryId,
      String kind,
      String title,
      String text,
      String language,
      List<String> keywords,
      String objection,
      boolean sample) {}

  public record EntryList(List<Entry> entries) {}

  private final KnowledgeBase knowledge;
  private final MongoDatabase db;
  private final Clock clock;

  public KnowledgeResource(MongoDatabase db, Clock clock) {
    this.db = db;
    this.knowledge = new KnowledgeBase(db);
    this.clock = clock;
  }

  @GET
  public EntryList list() {
    return new EntryList(knowledge.all().stream().map(KnowledgeResource::view).toList());
  }

  /**
   * {@code PUT /api/knowledge/{entryId}} {@code {"kind": "faq", "title": "How does it work?",
   * "text": "...", "language": "en", "keywords": ["funciona"], "objection": "cost"}}: creates or
   * replaces the entry (201 / 200); 422 names every bad field. {@code keywords} (optional, at most
   * {@link KnowledgeBase#MAX_KEYWORDS} of 1-{@link KnowledgeBase#MAX_KEYWORD} characters): words in
   * the entry's language a reply it answers would use, matched with the title in languages the
   * embedding model does not cover; {@code objection} (optional, kind objection only): the subtype
   * it answers ({@link KnowledgeBase#OBJECTIONS}). Drafts from then on use it (its vectors are
   * computed at the next draft, then cached).
   */
  @PUT
  @Path("/{entryId}")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response put(
      @Auth Operator operator, @PathParam("entryId") String entryId, JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new ApiException(
          400,
          "a JSON object is required",
          List.of(new FieldError("body", "{kind, title, text, language}")));
    }
    List<FieldError> errors = new ArrayList<>();
    if (entryId == null || !ID.matcher(entryId).matches()) {
      errors.add(new FieldError("entryId", "1-64 letters, digits, '-' or '_'"));
    }
    for (var names = body.fieldNames(); names.hasNext(); ) {
      String f = names.next();
      if (!Set.of("kind", "title", "text", "language", "keywords", "objection").contains(f)) {
        errors.add(new FieldError(f, "unknown field"));
      }
    }
    String kind = body.path("kind").isTextual() ? body.path("kind").textValue() : null;
    if (kind == null || !KnowledgeBase.KINDS.contains(kind)) {
      errors.add(new FieldError("kind", "one of " + new java.util.TreeSet<>(KnowledgeBase.KINDS)));
    }
    String title = text(body.path("title"), KnowledgeBase.MAX_TITLE, false);
    String titleProblem =
        body.path("title").isTextual()
            ? ReadableText.lineProblem(body.path("title").textValue().strip())
            : null;
    if (unreadable(body.path("title"))) {
      errors.add(new FieldError("title", ReadableText.MESSAGE));
    } else if (titleProblem != null) {
      errors.add(new FieldError("title", titleProblem));
    } else if (title == null) {
      errors.add(new FieldError("title", "required: 1-" + KnowledgeBase.MAX_TITLE + " characters"));
    }
    String text = text(body.path("text"), KnowledgeBase.MAX_TEXT, true);
    if (unreadable(body.path("text"))) {
      errors.add(new FieldError("text", ReadableText.MESSAGE));
    } else if (text == null) {
      errors.add(new FieldError("text", "required: 1-" + KnowledgeBase.MAX_TEXT + " characters"));
    }
    String language =
        body.path("language").isMissingNode() ? "en" : body.path("language").asText(null);
    if (language == null || !LANGUAGE.matcher(language).matches()) {
      errors.add(new FieldError("language", "a language code such as en, es or pt"));
    }
    List<String> keywords = keywords(body.path("keywords"));
    if (keywords == null) {
      errors.add(
          new FieldError(
              "keywords",
              "at most "
                  + KnowledgeBase.MAX_KEYWORDS
                  + " words or phrases of 1-"
                  + KnowledgeBase.MAX_KEYWORD
                  + " characters"));
    }
    JsonNode subtype = body.path("objection");
    String objection = subtype.isTextual() ? subtype.textValue() : null;
    if (!subtype.isMissingNode() && !subtype.isNull()) {
      if (!"objection".equals(kind)) {
        errors.add(new FieldError("objection", "only for kind objection"));
      } else if (!KnowledgeBase.isObjection(objection)) {
        errors.add(new FieldError("objection", "one of " + KnowledgeBase.OBJECTIONS));
      }
    }
    Document before =
        errors.isEmpty() ? knowledge.collection().find(Filters.eq("_id", entryId)).first() : null;
    if (errors.isEmpty()
        && before == null
        && knowledge.collection().countDocuments() >= KnowledgeBase.MAX_ENTRIES) {
      errors.add(new FieldError("entryId", "at most " + KnowledgeBase.MAX_ENTRIES + " entries"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid knowledge entry", errors);
    }
    Document entry =
        new Document("_id", entryId)
            .append("kind", kind)
            .append("title", title)
            .append("text", text)
            .append("language", language)
            .append("updatedBy", operator.name())
            .append("updatedAt", Date.from(clock.instant()));
    if (!keywords.isEmpty()) {
      entry.append("keywords", keywords);
    }
    if (objection != null) {
      entry.append("objection", objection);
    }
    knowledge
        .collection()
        .replaceOne(Filters.eq("_id", entryId), entry, new ReplaceOptions().upsert(true));
    audit(operator.name(), before == null ? "knowledge_added" : "knowledge_changed", entryId);
    return (before == null ? Response.status(201) : Response.ok()).entity(view(entry)).build();
  }

  @DELETE
  @Path("/{entryId}")
  public Response delete(@Auth Operator operator, @PathParam("entryId") String entryId) {
    if (entryId == null
        || !ID.matcher(entryId).matches()
        || knowledge.collection().deleteOne(Filters.eq("_id", entryId)).getDeletedCount() == 0) {
      throw ApiException.notFound("knowledge entry " + entryId, "entryId");
    }
    audit(operator.name(), "knowledge_deleted", entryId);
    return Response.noContent().build();
  }

  private void audit(String operator, String action, String entryId) {
    db.getCollection(Collections.AUDIT_LOG)
        .insertOne(
            new Document("action", action)
                .append("by", operator)
                .append("entryId", entryId)
                .append("at", Date.from(clock.instant())));
  }

  /** The keywords given (none when absent), or null when any is bad. */
  private static List<String> keywords(JsonNode v) {
    if (v.isMissingNode() || v.isNull()) {
      return List.of();
    }
    if (!v.isArray() || v.size() > KnowledgeBase.MAX_KEYWORDS) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode k : v) {
      String word = text(k, KnowledgeBase.MAX_KEYWORD, false);
      if (word == null) {
        return null;
      }
      out.add(word);
    }
    return out;
  }

  private static boolean unreadable(JsonNode v) {
    return v.isTextual() && ReadableText.unreadable(v.textValue());
  }

  /**
   * Trimmed text within the cap, without control characters (new lines allowed in a text) or
   * characters that could not be read.
   */
  private static String text(JsonNode v, int max, boolean lines) {
    if (!v.isTextual() || unreadable(v)) {
      return null;
    }
    String t = v.textValue().strip();
    boolean control =
        t.codePoints()
            .anyMatch(c -> Character.isISOControl(c) && !(lines && (c == '\n' || c == '\t')));
    return t.isEmpty() || ReadableText.length(t) > max || control ? null : t;
  }

  private static Entry view(Document d) {
    return new Entry(
        String.valueOf(d.get("_id")),
        d.getString("kind"),
        d.getString("title"),
        d.getString("text"),
        d.getString("language"),
        d.getList("keywords", String.class, List.of()),
        d.getString("objection"),
        Boolean.TRUE.equals(d.getBoolean("sample")));
  }
}

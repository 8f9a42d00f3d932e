package com.salesagent.activities.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * The do-not-contact list, keyed by the E.164 number (one document per number, unique): once a
 * number said stop — a keyword reply, Meta's marketing preference, error 131050, an operator, an
 * imported list — no lead of any campaign may message it again, whatever leadId or spelling it is
 * enrolled under. Checked at enrolment and by the send activity right before the API call. Only an
 * operator lifts a suppression, and only with the lead's new consent, which is kept.
 */
public final class Suppressions {
  public static final String COLLECTION = "suppressions";

  /**
   * Numbers whose live leads are still to be told of their suppression (one small document per
   * number, {@code _id} the number, {@code at} when first marked, by the process's clock): written
   * before the suppression, removed once every live lead of the number was told (the API's {@code
   * SuppressedLeads}). A process that dies between the two leaves the mark, so the telling is
   * retried, never lost.
   */
  public static final String TO_TELL = "suppressions_to_tell";

  public static final String KEYWORD = "keyword";
  public static final String USER_PREFERENCES = "marketing_preference";
  public static final String OPERATOR = "operator";
  public static final String ERASURE = "erasure";
  public static final String IMPORT = "import";
  public static final String MARKETING_STOPPED = "meta_131050";

  /** The detail of an erasure's suppression ({@link #ERASURE}): nothing of the person. */
  public static final String ERASED_DETAIL = "erased on request";

  /** An active suppression: why and since when. */
  public record Entry(String number, String source, Instant at, String detail) {}

  private final MongoCollection<Document> collection;
  private final MongoCollection<Document> toTell;

  public Suppressions(MongoDatabase db) {
    this.collection = db.getCollection(COLLECTION);
    this.toTell = db.getCollection(TO_TELL);
  }

  /**
   * Suppresses each number; idempotent: a number already suppressed keeps its first source and
   * time, one lifted earlier is suppressed again.
   */
  public void suppress(Collection<String> numbers, String source, Instant at, String detail) {
    for (String number : numbers) {
      if (number == null || number.isBlank()) {
        continue;
      }
      if (!ERASURE.equals(source)) {
        // First the mark that the number's live leads are to be told, then the suppression.
        UpdateOneModel<Document> mark = toTellMark(number, new Date());
        toTell.updateOne(mark.getFilter(), mark.getUpdate(), mark.getOptions());
      }
      try {
        UpdateOneModel<Document> suppression = suppression(number, source, at, detail);
        collection.updateOne(
            suppression.getFilter(), suppression.getUpdate(), suppression.getOptions());
      } catch (MongoWriteException e) {
        // Active already: the upsert collided with the unique number. Nothing to change.
        if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
          throw e;
        }
      }
    }
  }

  /**
   * Suppresses many numbers at once (an imported do-not-contact list), as {@link #suppress} does
   * each: first the marks that their live leads are to be told, then the suppressions, in two
   * unordered bulk writes (and one read of those already active) instead of two commands a number.
   * Returns the numbers this call suppressed; the others were active already (a number lifted
   * earlier is suppressed again, and returned). Not for erasures ({@link #suppressErased}).
   */
  public java.util.Set<String> suppressAll(
      Collection<String> numbers, String source, Instant at, String detail) {
    if (ERASURE.equals(source)) {
      throw new IllegalArgumentException("an erasure's numbers go through suppressErased");
    }
    java.util.Set<String> wanted = new java.util.LinkedHashSet<>();
    for (String number : numbers) {
      if (number != null && !number.isBlank()) {
        wanted.add(number);
      }
    }
    if (wanted.isEmpty()) {
      return java.util.Set.of();
    }
    for (Document d :
        collection
            .find(Filters.and(Filters.in("number", wanted), Filters.eq("active", true)))
            .projection(new Document("number", 1))) {
      wanted.remove(d.getString("number"));
    }
    if (wanted.isEmpty()) {
      return java.util.Set.of();
    }
    List<String> fresh = new ArrayList<>(wanted);
    // First the marks that the numbers' live leads are to be told, then the suppressions.
    Date marked = new Date();
    List<com.mongodb.client.model.WriteModel<Document>> marks = new ArrayList<>();
    for (String number : fresh) {
      marks.add(toTellMark(number, marked));
    }
    toTell.bulkWrite(marks, new com.mongodb.client.model.BulkWriteOptions().ordered(false));
    List<com.mongodb.client.model.WriteModel<Document>> writes = new ArrayList<>();
    for (String number : fresh) {
      writes.add(suppression(number, source, at, detail));
    }
    java.util.Set<String> suppressed = new java.util.LinkedHashSet<>(fresh);
    try {
      collection.bulkWrite(writes, new com.mongodb.client.model.BulkWriteOptions().ordered(false));
    } catch (com.mongodb.MongoBulkWriteException e) {
      for (com.mongodb.bulk.BulkWriteError error : e.getWriteErrors()) {
        if (error.getCategory() != ErrorCategory.DUPLICATE_KEY) {
          throw e;
        }
        // Active meanwhile (another path suppressed it first): its upsert met the unique number.
        suppressed.remove(fresh.get(error.getIndex()));
      }
    }
    return suppressed;
  }

  /**
   * The mark that the number's live leads are to be told, {@code marked} when first written (the
   * process's clock: the suppression's own time may be Meta's, older); kept as it is when there.
   */
  private static UpdateOneModel<Document> toTellMark(String number, Date marked) {
    return new UpdateOneModel<>(
        Filters.eq("_id", number),
        Updates.setOnInsert("at", marked),
        new UpdateOptions().upsert(true));
  }

  /**
   * The number's suppression from {@code source} at {@code at}, unless it is active already (then
   * the upsert meets the unique number: a duplicate key). A lift ended the earlier suppression;
   * liftHistory keeps it.
   */
  private static UpdateOneModel<Document> suppression(
      String number, String source, Instant at, String detail) {
    return new UpdateOneModel<>(
        Filters.and(Filters.eq("number", number), Filters.ne("active", true)),
        Updates.combine(
            Updates.set("active", true),
            Updates.set("source", source),
            Updates.set("at", Date.from(at)),
            Updates.set("detail", detail),
            Updates.unset("lifted"),
            Updates.setOnInsert("createdAt", Date.from(at))),
        new UpdateOptions().upsert(true));
  }

  /**
   * Suppresses the numbers of a lead whose erasure keeps them suppressed: at the erasure's
   * acceptance and again (changing nothing then) by its first pass, in this one form.
   */
  public void suppressErased(Collection<String> numbers, Instant at) {
    suppress(numbers, ERASURE, at, ERASED_DETAIL);
  }

  /** Up to {@code limit} numbers whose live leads are still to be told, the oldest marks first. */
  public List<Document> toTell(int limit) {
    return toTell.find().sort(Sorts.ascending("at")).limit(limit).into(new ArrayList<>());
  }

  /** Every live lead of the number was told (the mark read as {@code mark} goes). */
  public void told(Document mark) {
    toTell.deleteOne(
        Filters.and(Filters.eq("_id", mark.get("_id")), Filters.eq("at", mark.get("at"))));
  }

  /** Every live lead of each of these numbers was told: their marks, as read, go. */
  public void told(List<Document> marks) {
    if (marks.isEmpty()) {
      return;
    }
    List<com.mongodb.client.model.WriteModel<Document>> deletes = new ArrayList<>();
    for (Document mark : marks) {
      deletes.add(
          new com.mongodb.client.model.DeleteOneModel<>(
              Filters.and(Filters.eq("_id", mark.get("_id")), Filters.eq("at", mark.get("at")))));
    }
    toTell.bulkWrite(deletes, new com.mongodb.client.model.BulkWriteOptions().ordered(false));
  }

  /** The marks of those of these numbers whose live leads are still to be told. */
  public List<Document> toTellMarks(Collection<String> numbers) {
    return toTell.find(Filters.in("_id", numbers)).into(new ArrayList<>());
  }

  /** The mark of a number whose live leads are still to be told, or null. */
  public Document toTellMark(String number) {
    return toTell.find(Filters.eq("_id", number)).first();
  }

  /** The first active suppression among these numbers, if any. */
  public Optional<Entry> active(Collection<String> numbers) {
    List<String> wanted = numbers.stream().filter(n -> n != null && !n.isBlank()).toList();
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    Document d =
        collection
            .find(Filters.and(Filters.in("number", wanted), Filters.eq("active", true)))
            .first();
    return Optional.ofNullable(d).map(Suppressions::entry);
  }

  /** The number's document (active or lifted), or null. */
  public Document find(String number) {
    return collection.find(Filters.eq("number", number)).first();
  }

  /**
   * A page of the list, newest first: the active suppressions ({@code active} true), the lifted
   * ones (false) or all (null).
   */
  public List<Document> list(Boolean active, int skip, int limit) {
    return collection
        .find(listed(active))
        .sort(Sorts.descending("at"))
        .skip(skip)
        .limit(limit)
        .into(new ArrayList<>());
  }

  /** How many {@link #list} holds in all pages. */
  public long count(Boolean active) {
    return collection.countDocuments(listed(active));
  }

  private static org.bson.conversions.Bson listed(Boolean active) {
    if (active == null) {
      return new Document();
    }
    return active ? Filters.eq("active", true) : Filters.ne("active", true);
  }

  /**
   * Lifts an active suppression, recording who did it and the lead's new consent; false when the
   * number is not suppressed.
   */
  public boolean lift(
      String number, String operator, String consentSource, Instant consentAt, Instant now) {
    Document lifted =
        new Document("by", operator)
            .append("at", Date.from(now))
            .append(
                "consent",
                new Document("source", consentSource).append("at", Date.from(consentAt)));
    return collection
            .updateOne(
                Filters.and(Filters.eq("number", number), Filters.eq("active", true)),
                Updates.combine(
                    Updates.set("active", false),
                    Updates.set("lifted", lifted),
                    Updates.push("liftHistory", lifted)))
            .getModifiedCount()
        == 1;
  }

  private static Entry entry(Document d) {
    Date at = d.getDate("at");
    return new Entry(
        d.getString("number"),
        d.getString("source"),
        at == null ? null : at.toInstant(),
        d.getString("detail"));
  }
}

package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The operator's list of contacts: filtered, newest first, a page at a time, and counted. Reached
 * through {@link LeadStore#contactList()}.
 */
public class ContactList {
  private final MongoDatabase db;

  public ContactList(MongoDatabase db) {
    this.db = db;
  }

  private MongoCollection<Document> contacts() {
    return db.getCollection(Collections.CONTACTS);
  }

  /**
   * Filters: stage, campaignId, segment, variantId, ownerId, evidenceVariantId (each optional).
   * {@code evidenceVariantId}: the variant whose evidence the lead is, the one the variants report
   * counts it under: the variant it kept as {@value #EVIDENCE} when the kill switch moved it after
   * its first message (or reply), else its own {@code variantId} (as {@code
   * Switched.evidenceVariant} reads a contact).
   */
  public record ContactQuery(
      String stage,
      String campaignId,
      String segment,
      String variantId,
      String ownerId,
      String evidenceVariantId) {
    public ContactQuery(
        String stage, String campaignId, String segment, String variantId, String ownerId) {
      this(stage, campaignId, segment, variantId, ownerId, null);
    }

    public ContactQuery(String stage, String campaignId, String segment, String variantId) {
      this(stage, campaignId, segment, variantId, null, null);
    }
  }

  /**
   * The contact's field naming the variant it stayed the evidence of ({@code Switched.EVIDENCE}).
   */
  public static final String EVIDENCE = "evidenceVariantId";

  public List<Document> listContacts(String stage, String campaignId, int page, int pageSize) {
    return listContacts(new ContactQuery(stage, campaignId, null, null), page, pageSize);
  }

  private volatile boolean insertionOrderNewestFirst;

  /**
   * For the embedded MongoDB-wire server, whose sorts are never index-backed (a newest-first page
   * of 20,000 contacts sorted them all: 260 ms): list newest first by natural order, which is the
   * enrolment order there (contacts are inserted when enrolled). A real MongoDB uses the enrolledAt
   * index.
   */
  public ContactList insertionOrderNewestFirst(boolean on) {
    this.insertionOrderNewestFirst = on;
    return this;
  }

  public List<Document> listContacts(ContactQuery q, int page, int pageSize) {
    return contacts()
        .find(contactFilter(q))
        .sort(Sorts.descending(insertionOrderNewestFirst ? "$natural" : "enrolledAt"))
        .skip(page * pageSize)
        .limit(pageSize)
        .into(new ArrayList<>());
  }

  public long countContacts(String stage, String campaignId) {
    return countContacts(new ContactQuery(stage, campaignId, null, null));
  }

  public long countContacts(ContactQuery q) {
    return contacts().countDocuments(contactFilter(q));
  }

  private static Bson contactFilter(ContactQuery q) {
    String stage = q.stage();
    String campaignId = q.campaignId();
    List<Bson> filters = new ArrayList<>();
    if (q.segment() != null && !q.segment().isBlank()) {
      filters.add(Filters.eq("segment", q.segment()));
    }
    if (q.variantId() != null && !q.variantId().isBlank()) {
      filters.add(Filters.eq("variantId", q.variantId()));
    }
    if (q.evidenceVariantId() != null && !q.evidenceVariantId().isBlank()) {
      filters.add(
          Filters.or(
              Filters.eq(EVIDENCE, q.evidenceVariantId()),
              Filters.and(
                  Filters.eq(EVIDENCE, null), // missing or null, as $ifNull reads it
                  Filters.eq("variantId", q.evidenceVariantId()))));
    }
    if (stage != null && !stage.isBlank()) {
      filters.add(Filters.eq("stage", stage));
    }
    if (q.ownerId() != null && !q.ownerId().isBlank()) {
      filters.add(Filters.eq("ownerId", q.ownerId()));
    }
    if (campaignId != null && !campaignId.isBlank()) {
      filters.add(Filters.eq("campaignId", campaignId));
    }
    return filters.isEmpty() ? new Document() : Filters.and(filters);
  }

  /** All contacts, from the collection's metadata: no scan. */
  public long estimatedContacts() {
    return contacts().estimatedDocumentCount();
  }
}

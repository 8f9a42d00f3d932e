package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.mongo.LeadStore;
import jakarta.ws.rs.core.Response;
import java.time.Clock;

/**
 * A subject access request (GDPR Art. 15): everything the product holds about one person, found by
 * their number or one of their leads, as one JSON document ({@code POST /api/subject-access}); and
 * the erasure of that person, every lead of theirs ({@code POST /api/subject-access/erasure}).
 *
 * <p>The person is every number asked for and every number their leads are known by (the enrolled
 * number and each wa_id WhatsApp answered with); their leads are every contact of those numbers, in
 * every campaign, leads being erased too ({@link SubjectSearch}). At most {@link #MAX_LEADS} leads
 * are exported by one request; the others are named, to be asked for by their lead id.
 *
 * <p>This class is the two requests' entry: it reads the body and finds the person ({@link
 * SubjectSearch}), then hands them to the export ({@link SubjectExport}: audited before the first
 * byte, streamed from MongoDB's cursors) or to the erasure ({@link SubjectErasure}: each lead
 * through its own {@link LeadErasure}).
 */
public final class SubjectAccess {
  /** The most leads one export holds. */
  public static final int MAX_LEADS = 100;

  /** What an operator sends: the number (with + and country code, or with region) and/or a lead. */
  public record Request(String phone, String leadId, String region) {}

  /** {@code POST /api/subject-access/erasure}: the person, and the erasure's own choices. */
  public record ErasureOfPerson(
      String phone, String leadId, String region, String reason, Boolean keepSuppressed) {}

  private final SubjectSearch search;
  private final SubjectExport exports;
  private final SubjectErasure erasures;

  public SubjectAccess(
      LeadStore store, LeadValidator phones, ObjectMapper mapper, String bucket, Clock clock) {
    this(store, phones, mapper, bucket, clock, MAX_LEADS);
  }

  SubjectAccess(
      LeadStore store,
      LeadValidator phones,
      ObjectMapper mapper,
      String bucket,
      Clock clock,
      int maxLeads) {
    this.search = new SubjectSearch(store, phones, mapper, maxLeads);
    this.exports = new SubjectExport(store, mapper, bucket, clock, maxLeads);
    this.erasures = new SubjectErasure(store.database(), clock);
  }

  /** 200 with the document (streamed), or 400 naming the field at fault; audited first. */
  public Response export(String operator, byte[] body) {
    Request request =
        search.read(body, Request.class, "the body is not a JSON subject access request");
    Request named = request == null ? new Request(null, null, null) : request;
    return exports.export(
        operator, search.find(search.valid(named.phone(), named.leadId(), named.region())));
  }

  /**
   * Erases every lead of the person, found as the export finds them ({@link SubjectErasure}). 202
   * with each lead's status, 200 with none when no lead holds the person, 400 naming the field for
   * a bad request.
   */
  public Response erase(String operator, byte[] body, LeadErasure erasure) {
    ErasureOfPerson asked =
        search.read(body, ErasureOfPerson.class, "the body is not a JSON erasure of a person");
    ErasureOfPerson named =
        asked == null ? new ErasureOfPerson(null, null, null, null, null) : asked;
    SubjectSearch.Subject subject =
        search.find(search.valid(named.phone(), named.leadId(), named.region()));
    return erasures.erase(operator, subject, named.reason(), named.keepSuppressed(), erasure);
  }
}

package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.privacy.PiiHash;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.RequestJson;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * Who a subject access request (the export or the erasure of a person) is about: the request read
 * and checked (400 naming the field), then the person found: every number asked for and every
 * number their leads are known by (the enrolled number and each wa_id WhatsApp answered with), and
 * every contact of those numbers, in every campaign, leads being erased too.
 */
final class SubjectSearch {
  /** The most lead ids {@code leadsNotExported} names (the count is always whole). */
  static final int MAX_NAMED = 1_000;

  /** Rounds of "the numbers of the leads of the numbers" followed (a wa_id unlike the number). */
  private static final int ROUNDS = 3;

  private static final Pattern LEAD_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /** Who a request names: its number (E.164) and its lead id, either null. */
  record Asked(String phone, String leadId) {}

  /** The person asked for: their numbers and leads, the asked lead first. */
  record Subject(
      String phone,
      String leadId,
      List<String> numbers,
      List<String> exported,
      List<String> notExported,
      int leadCount,
      int maxLeads) {
    boolean truncated() {
      return !notExported.isEmpty();
    }

    /**
     * An audit entry of a request about this person: who, which leads, and the keyed hash of the
     * numbers ({@link PiiHash}, as import rows keep them: the number can be confirmed from it with
     * the key, not read), never a number.
     */
    Document auditEntry(String operator, String action, List<String> leadIds, Instant now) {
      return new Document("at", Date.from(now))
          .append("actor", operator)
          .append("action", action)
          .append("leadIds", leadIds)
          .append("numberHashes", numbers.stream().map(PiiHash::of).toList())
          .append("askedBy", askedBy())
          .append("leadCount", leadCount);
    }

    private String askedBy() {
      if (phone != null && leadId != null) {
        return "phone and leadId";
      }
      return phone != null ? "phone" : "leadId";
    }
  }

  private final LeadStore store;
  private final LeadValidator phones;
  private final ObjectMapper strict;
  private final int maxLeads;

  /**
   * The person found again, as {@link #find} found them: what an erasure reads once it has blocked
   * their numbers, so that a lead enrolled between the first search and the block is theirs too.
   */
  static Subject again(LeadStore store, Subject subject) {
    return new SubjectSearch(store, null, null, subject.maxLeads())
        .find(new Asked(subject.phone(), subject.leadId()));
  }

  SubjectSearch(LeadStore store, LeadValidator phones, ObjectMapper mapper, int maxLeads) {
    this.store = store;
    this.phones = phones;
    this.strict = mapper == null ? null : RequestJson.strict(mapper.copy());
    this.maxLeads = maxLeads;
  }

  // ---- the request

  /** The body as {@code type} (null when empty), or 400 saying it is not {@code what}. */
  <T> T read(byte[] body, Class<T> type, String notWhat) {
    try {
      return body == null || body.length == 0 ? null : strict.readValue(body, type);
    } catch (IOException e) {
      throw new ApiException(400, notWhat, FieldError.ofJson(e));
    }
  }

  /**
   * Who the request names, its number normalised (written with +, or in {@code region}), or 400
   * naming each field at fault; all null (no body) names no one.
   */
  Asked valid(String writtenPhone, String writtenLeadId, String writtenRegion) {
    if (blank(writtenPhone) && blank(writtenLeadId)) {
      throw new ApiException(
          400,
          "name the person: their phone number, one of their lead ids, or both",
          new FieldError(
              "phone",
              "required unless leadId is given: with + and its country code, e.g. +5511998765432"),
          new FieldError("leadId", "required unless phone is given"));
    }
    List<FieldError> errors = new ArrayList<>();
    String phone = null;
    if (!blank(writtenPhone)) {
      String region = LeadValidator.region(writtenRegion);
      String written = writtenPhone.strip();
      if (written.length() > 40) {
        errors.add(new FieldError("phone", "at most 40 characters"));
      } else if (!written.startsWith("+") && region == null) {
        // Never the server's default region: another country's reading of the same digits is
        // another person, whose data this would export.
        errors.add(
            new FieldError(
                "phone",
                "write it with + and its country code, e.g. +5521934567890, or name its country"
                    + " with region (e.g. \"region\": \"BR\")"));
      } else {
        phone = (region == null ? phones : phones.withRegion(region)).normalisePhone(written);
        if (phone == null) {
          errors.add(
              new FieldError(
                  "phone",
                  region == null
                      ? "not a valid phone number (with + and its country code, e.g."
                          + " +5511998765432)"
                      : "not a valid phone number of " + region));
        }
      }
    } else if (writtenRegion != null) {
      LeadValidator.region(writtenRegion); // 400 naming region for a bad one, all the same
    }
    String leadId = blank(writtenLeadId) ? null : writtenLeadId.strip();
    if (leadId != null && !LEAD_ID.matcher(leadId).matches()) {
      errors.add(new FieldError("leadId", "1-64 characters among letters, digits and . _ : -"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(400, "bad subject access request", errors);
    }
    return new Asked(phone, leadId);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  // ---- the person

  /**
   * The numbers asked for (the number, the asked lead's numbers) and those their leads are known
   * by, a few rounds deep; every lead of them (leads being erased too), the asked lead first.
   */
  Subject find(Asked request) {
    Set<String> numbers = new LinkedHashSet<>();
    if (request.phone() != null) {
      numbers.add(request.phone());
    }
    Set<String> leads = new TreeSet<>();
    if (request.leadId() != null) {
      Document asked = store.contact(request.leadId());
      if (asked != null) {
        leads.add(request.leadId());
        numbers.addAll(LeadStore.numbersOf(asked));
      }
    }
    Set<String> searched = new LinkedHashSet<>();
    for (int round = 0; round < ROUNDS && !searched.containsAll(numbers); round++) {
      List<String> fresh = numbers.stream().filter(n -> !searched.contains(n)).toList();
      searched.addAll(fresh);
      List<String> digits =
          fresh.stream().map(n -> n.startsWith("+") ? n.substring(1) : n).toList();
      for (Document c :
          store
              .contacts()
              .find(Filters.or(Filters.in("phone", fresh), Filters.in("waIds", digits)))
              .projection(Projections.include("leadId", "phone", "waIds"))) {
        if (c.getString("leadId") != null) {
          leads.add(c.getString("leadId"));
        }
        numbers.addAll(LeadStore.numbersOf(c));
      }
    }
    List<String> ordered = new ArrayList<>();
    if (request.leadId() != null && leads.contains(request.leadId())) {
      ordered.add(request.leadId());
    }
    for (String id : leads) {
      if (!id.equals(request.leadId())) {
        ordered.add(id);
      }
    }
    int cut = Math.min(maxLeads, ordered.size());
    List<String> rest = ordered.subList(cut, ordered.size());
    return new Subject(
        request.phone(),
        request.leadId(),
        List.copyOf(numbers),
        List.copyOf(ordered.subList(0, cut)),
        List.copyOf(rest.subList(0, Math.min(MAX_NAMED, rest.size()))),
        ordered.size(),
        maxLeads);
  }
}

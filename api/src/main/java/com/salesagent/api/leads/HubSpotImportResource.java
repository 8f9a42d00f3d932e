package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.crm.HubSpotClient;
import com.salesagent.api.crm.HubSpotSync;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.RequestJson;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * Leads from a HubSpot list instead of a CSV ({@code POST /api/leads/import/hubspot} {@code
 * {"listId": "123", "campaignId": "spring"}}): the list's members are read page by page (HubSpot's
 * lists API), their contacts in batches of 100, and each becomes a lead {@code hubspot-<contactId>}
 * validated and enrolled like a CSV row (the same answers: enrolled, already enrolled, refused for
 * a suppressed number, rejected with the fields). WhatsApp consent comes from a contact property
 * ({@code HUBSPOT_CONSENT_PROPERTY}, {@code whatsapp_opt_in} by default) that must be {@code true};
 * the contact is linked ({@code crm_links}) so the write-back updates it rather than searching. At
 * most {@link #MAX_MEMBERS} members a call; each HubSpot call has a 10 s deadline.
 */
@Path("/api/leads/import/hubspot")
public class HubSpotImportResource {
  static final int MAX_MEMBERS = 10_000;
  static final Pattern LIST_ID = Pattern.compile("[0-9]{1,20}");
  static final Pattern CAMPAIGN = LeadValidator.CAMPAIGN_ID;
  static final List<String> PROPERTIES =
      List.of(
          "firstname",
          "lastname",
          "mobilephone",
          "phone",
          "company",
          "jobtitle",
          "industry",
          "hs_language");

  /** What the import takes. */
  public record ImportRequest(String listId, String campaignId) {}

  /**
   * What it did: counts, and each contact that did not become a lead, with why (the first 100;
   * every contact's answer is on the import's record, {@code GET /api/imports/{importId}/rows}).
   */
  public record Imported(
      String importId,
      String listId,
      int members,
      int enrolled,
      int alreadyEnrolled,
      int refused,
      int rejected,
      List<Map<String, Object>> notImported) {}

  private final HubSpotClient hubspot;
  private final String consentProperty;
  private final LeadValidator validator;
  private final Enrolment enrolment;
  private final MongoCollection<Document> links;
  private final ObjectMapper strict;
  private final Clock clock;
  private final ImportRecords records;

  /** {@code hubspot} null: not configured (HUBSPOT_ACCESS_TOKEN unset), the route answers 409. */
  public HubSpotImportResource(
      HubSpotClient hubspot,
      String consentProperty,
      LeadValidator validator,
      Enrolment enrolment,
      LeadStore store,
      ObjectMapper mapper,
      Clock clock,
      ImportRecords records) {
    this.hubspot = hubspot;
    this.consentProperty =
        consentProperty == null || consentProperty.isBlank() ? "whatsapp_opt_in" : consentProperty;
    this.validator = validator;
    this.enrolment = enrolment;
    this.links = store.database().getCollection(HubSpotSync.LINKS);
    this.strict = RequestJson.strict(mapper.copy());
    this.clock = clock;
    this.records = records;
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @io.swagger.v3.oas.annotations.responses.ApiResponse(
      responseCode = "200",
      content =
          @io.swagger.v3.oas.annotations.media.Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema =
                  @io.swagger.v3.oas.annotations.media.Schema(implementation = Imported.class)))
  public Response importList(
      @Auth Operator operator, @QueryParam("recontact") String recontact, byte[] body)
      throws InterruptedException {
    Enrolment enrolment =
        RecentContacts.recontact(recontact) ? this.enrolment.recontacting() : this.enrolment;
    ImportRequest request;
    try {
      request = strict.readValue(body, ImportRequest.class);
    } catch (IOException e) {
      throw new ApiException(
          400, "the body is not JSON {listId, campaignId}", FieldError.ofJson(e));
    }
    List<FieldError> errors = new ArrayList<>();
    if (request == null
        || request.listId() == null
        || !LIST_ID.matcher(request.listId()).matches()) {
      errors.add(new FieldError("listId", "a HubSpot list id (digits)"));
    }
    if (request != null
        && request.campaignId() != null
        && !CAMPAIGN.matcher(request.campaignId()).matches()) {
      errors.add(new FieldError("campaignId", "1-64 letters, digits, '-' or '_'"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid import", errors);
    }
    if (hubspot == null) {
      throw new ApiException(
          409,
          "HubSpot is not connected",
          new FieldError("listId", "set HUBSPOT_ACCESS_TOKEN to import from HubSpot"));
    }
    List<String> members = members(request.listId());
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("listId", request.listId());
    options.put("campaignId", request.campaignId());
    options.put("recontact", RecentContacts.recontact(recontact));
    ImportRecorder recorder =
        records.start("hubspot", operator == null ? null : operator.name(), null, options);
    Map<String, Object> tally = new LinkedHashMap<>();
    recorder.counting(() -> new LinkedHashMap<>(tally));
    int enrolled = 0;
    int already = 0;
    int refused = 0;
    int rejected = 0;
    int line = 0;
    List<Map<String, Object>> notImported = new ArrayList<>();
    List<String> props = new ArrayList<>(PROPERTIES);
    props.add(consentProperty);
    try {
      for (int from = 0; from < members.size(); from += 100) {
        List<String> batch = members.subList(from, Math.min(members.size(), from + 100));
        Map<String, Map<String, String>> contacts =
            hubspotCall(() -> hubspot.readContacts(batch, props));
        for (String id : batch) {
          line++;
          Map<String, String> c = contacts.get(id);
          Map<String, Object> why = new LinkedHashMap<>();
          why.put("line", line);
          why.put("contactId", id);
          LeadValidator.Result result =
              c == null ? null : validator.validate(lead(id, c, request, operator));
          if (c == null) {
            rejected++;
            why.put("status", "rejected");
            why.put("errors", List.of(new FieldError("contactId", "not found in HubSpot")));
            notImported.add(why);
          } else if (!result.valid()) {
            rejected++;
            why.put("status", "rejected");
            why.put("errors", result.errors());
            notImported.add(why);
          } else if (recorder.forgotten(result.lead().phone())) {
            // The person asked to be forgotten while this import ran (their number not
            // suppressed: keepSuppressed=false, or no lead held them): as a CSV import's row.
            refused++;
            why.put("status", RowEnrolment.ERASED_ON_REQUEST);
            why.put("message", RowEnrolment.FORGOTTEN);
            notImported.add(why);
          } else {
            String number = result.lead().phone();
            Enrolment.Outcome outcome =
                enrolment.enrol(result.lead(), () -> recorder.forgotten(number));
            why.put("leadId", outcome.leadId());
            if (Enrolment.ALREADY_ENROLLED.equals(outcome.status())) {
              already++;
              why.put("status", outcome.status());
            } else if (outcome.started()) {
              enrolled++;
              why.put("status", outcome.status());
              links.updateOne(
                  Filters.eq("_id", outcome.leadId()),
                  Updates.setOnInsert("contactId", id),
                  new UpdateOptions().upsert(true));
            } else {
              refused++;
              why.put("status", outcome.status());
              if (Enrolment.RECENTLY_CONTACTED.equals(outcome.status())) {
                why.put("retryAt", outcome.retryAt().toString());
                why.put(
                    "errors",
                    List.of(
                        new FieldError(
                            "phone",
                            RecentContacts.message(outcome.activeLeadId(), outcome.retryAt()))));
              } else if (Enrolment.PHONE_ENROLLING.equals(outcome.status())) {
                why.put("retryAt", outcome.retryAt().toString());
                why.put("errors", List.of(new FieldError("phone", RecentContacts.ENROLLING)));
              } else if (Enrolment.ERASED_ON_REQUEST.equals(outcome.status())) {
                why.put("message", RowEnrolment.FORGOTTEN);
              }
              notImported.add(why);
            }
          }
          tally.put("rows", line);
          tally.put("enrolled", enrolled);
          tally.put("alreadyEnrolled", already);
          tally.put("rejected", rejected);
          tally.put("refused", refused);
          recorder.row(
              line,
              why.get("status"),
              strict.writeValueAsString(why),
              ImportRows.leadIdsOf(why),
              null);
        }
      }
    } catch (InterruptedException e) {
      recorder.end(ImportStatus.INTERRUPTED, "interrupted after contact " + line, null);
      throw e;
    } catch (IOException | RuntimeException e) {
      recorder.end(
          ImportStatus.FAILED,
          "failed after contact "
              + line
              + " of "
              + members.size()
              + (e instanceof ApiException a ? ": " + a.getMessage() : ": " + e),
          null);
      if (e instanceof IOException io) {
        throw new java.io.UncheckedIOException(io);
      }
      throw (RuntimeException) e;
    }
    Imported imported =
        new Imported(
            recorder.id(),
            request.listId(),
            members.size(),
            enrolled,
            already,
            refused,
            rejected,
            notImported.size() > 100 ? notImported.subList(0, 100) : notImported);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("importId", recorder.id());
    summary.put("listId", request.listId());
    summary.put("members", members.size());
    summary.putAll(tally);
    recorder.end(ImportStatus.DONE, null, summary);
    return Response.ok(imported)
        .header(LeadImportResource.IMPORT_ID, recorder.id())
        .header(jakarta.ws.rs.core.HttpHeaders.LOCATION, "/api/imports/" + recorder.id())
        .build();
  }

  private List<String> members(String listId) throws InterruptedException {
    List<String> ids = hubspotCall(() -> hubspot.allMembers(listId, MAX_MEMBERS));
    if (ids.size() > MAX_MEMBERS) {
      throw new ApiException(
          413,
          "the list has more than " + MAX_MEMBERS + " members",
          new FieldError("listId", "import at most " + MAX_MEMBERS + " members at a time"));
    }
    return ids;
  }

  /** A contact as the lead a CSV row would give (consent from its property). */
  private LeadRequest lead(
      String id, Map<String, String> c, ImportRequest request, Operator operator) {
    String name =
        String.join(
                " ",
                c.getOrDefault("firstname", "") == null ? "" : c.getOrDefault("firstname", ""),
                c.getOrDefault("lastname", "") == null ? "" : c.getOrDefault("lastname", ""))
            .strip();
    String phone = c.get("mobilephone") != null ? c.get("mobilephone") : c.get("phone");
    boolean consent = "true".equalsIgnoreCase(String.valueOf(c.get(consentProperty)));
    return new LeadRequest(
        "hubspot-" + id,
        name.isEmpty() ? null : name,
        phone,
        c.get("company"),
        c.get("jobtitle"),
        c.get("industry"),
        null,
        null,
        c.get("hs_language"),
        null,
        null,
        null,
        request.campaignId(),
        new LeadRequest.Consent(
            consent ? Boolean.TRUE : Boolean.FALSE,
            "hubspot list "
                + request.listId()
                + " ("
                + consentProperty
                + ", by "
                + operator.name()
                + ")",
            clock.instant().toString()));
  }

  private interface Call<T> {
    T run() throws IOException, InterruptedException;
  }

  /** A HubSpot call; its refusal as an API error naming it (404 list, 502/503 HubSpot). */
  private static <T> T hubspotCall(Call<T> call) throws InterruptedException {
    try {
      return call.run();
    } catch (HubSpotClient.HubSpotException e) {
      if (e.status() == 404) {
        throw new ApiException(
            404, "no such HubSpot list", new FieldError("listId", e.getMessage()));
      }
      throw new ApiException(
          e.retryable() ? 503 : 502,
          "HubSpot answered " + e.status() + (e.retryable() ? ": try again later" : ""),
          new FieldError("listId", e.getMessage()));
    } catch (HubSpotClient.PagingException e) {
      throw new ApiException(
          502, "HubSpot's list paging did not end", new FieldError("listId", e.getMessage()));
    } catch (IOException e) {
      throw new ApiException(
          503,
          "HubSpot unreachable: try again later",
          new FieldError("listId", e.getClass().getSimpleName()));
    }
  }
}

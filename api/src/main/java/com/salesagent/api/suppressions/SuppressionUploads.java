package com.salesagent.api.suppressions;

import static com.salesagent.api.suppressions.SuppressionReasons.kept;
import static com.salesagent.api.suppressions.SuppressionReasons.stripped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.JsonBodies;
import com.salesagent.api.http.ReadableText;
import com.salesagent.api.http.RequestGuard;
import com.salesagent.api.leads.CsvCharset;
import com.salesagent.api.leads.CsvRecords;
import com.salesagent.api.leads.LeadValidator;
import com.salesagent.api.suppressions.SuppressionResource.ImportResult;
import com.salesagent.api.suppressions.SuppressionResource.LineResult;
import jakarta.ws.rs.core.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * {@code POST /api/suppressions/import}: an uploaded do-not-contact list read by its type (CSV,
 * JSON lines, a JSON array) by {@link SuppressionCsv} or {@link SuppressionJson} into the lines of
 * {@link SuppressionImport}, its numbers suppressed a batch at a time ({@link Upload}) and every
 * line answered, also when the upload stops part-way.
 */
final class SuppressionUploads {
  /** How many numbers of an upload are suppressed (and their leads told) in one bulk step. */
  static final int BATCH = 1000;

  private static final ObjectMapper JSON = SuppressionJson.capped(new ObjectMapper());

  private final Suppressions suppressions;
  private final MongoDatabase db;
  private final LeadValidator phones;
  private final Clock clock;
  private final SuppressedLeads leads;
  private final int maxNumbers;

  SuppressionUploads(
      Suppressions suppressions,
      MongoDatabase db,
      LeadValidator phones,
      Clock clock,
      SuppressedLeads leads,
      int maxNumbers) {
    this.suppressions = suppressions;
    this.db = db;
    this.phones = phones;
    this.clock = clock;
    this.leads = leads;
    this.maxNumbers = maxNumbers;
  }

  Response importList(
      Operator operator,
      String contentType,
      String regionParam,
      String reasonParam,
      String column,
      InputStream body) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).strip();
    boolean csv = type.startsWith("text/csv") || type.startsWith("text/tab-separated-values");
    boolean jsonLines =
        type.contains("ndjson") || type.contains("jsonl") || type.contains("json-lines");
    boolean jsonArray =
        !jsonLines && (type.startsWith("application/json") || type.contains("+json"));
    if (!csv && !jsonLines && !jsonArray) {
      throw new ApiException(
          415,
          "send text/csv (one number per line, a header optional), application/x-ndjson or"
              + " application/json (an array)",
          new FieldError(
              "Content-Type",
              "unsupported: " + (contentType == null ? "none" : JsonBodies.shown(contentType))));
    }
    String region = LeadValidator.region(regionParam);
    List<FieldError> errors = new ArrayList<>();
    ReadableText.checkLine(errors, "reason", stripped(reasonParam));
    if (column != null && (column.isBlank() || ReadableText.length(column) > 100)) {
      errors.add(
          new FieldError("column", "the header's name of the number column, 1-100 characters"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid upload", errors);
    }
    PushbackInputStream in = new PushbackInputStream(body, CsvCharset.SNIFF);
    Upload upload = new Upload(operator, reasonParam);
    SuppressionImport list = new SuppressionImport(phones, region, maxNumbers, BATCH, upload::add);
    String read = null;
    try {
      int first = in.read();
      if (first == -1) {
        throw new ApiException(
            400, "empty list: send one number per line", new FieldError("body", "empty"));
      }
      in.unread(first);
      if (csv) {
        read =
            new SuppressionCsv(list)
                .read(
                    new CsvRecords(
                        new BufferedReader(
                            new InputStreamReader(in, CsvCharset.of(contentType, in))),
                        SuppressionCsv.MAX_FIELD,
                        SuppressionCsv.MAX_ROW),
                    column == null ? null : column.strip());
      } else if (jsonLines) {
        new SuppressionJson(list)
            .lines(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), JSON);
      } else {
        new SuppressionJson(list).array(in, JSON);
      }
      list.flush();
    } catch (ApiException e) {
      // Over the cap of numbers, or unreadable after some lines: the lines read are suppressed
      // (a do-not-contact list's numbers are never dropped once read), and the answer says so.
      throw upload.stopped(list, e);
    } catch (RequestGuard.TooLarge e) {
      throw upload.stopped(
          list,
          new ApiException(
                  413,
                  "the list is larger than "
                      + RequestGuard.describe(RequestGuard.SUPPRESSION_LIST_CAP)
                      + " (the limit): the lines before line "
                      + (list.lastLine() + 1)
                      + " were read and are answered in results; upload the rest as another list",
                  new FieldError(
                      "body",
                      "larger than "
                          + RequestGuard.describe(RequestGuard.SUPPRESSION_LIST_CAP)
                          + " (the limit)"))
              .withHeader("Connection", "close"));
    } catch (IOException e) {
      throw upload.stopped(
          list,
          new ApiException(
              400,
              "the body could not be read to its end: the lines before line "
                  + (list.lastLine() + 1)
                  + " were read and are answered in results",
              new FieldError("body", String.valueOf(e.getMessage()))));
    }
    return Response.ok(new ImportResult(upload.summary(read), upload.results)).build();
  }

  /**
   * One upload's suppressions, made a batch at a time as its lines are read ({@link #add}): the
   * answer's line results and counts so far.
   */
  private final class Upload {
    private final Operator operator;
    private final String reason;
    private final String detail;
    private final Instant now = clock.instant();
    private final List<LineResult> results = new ArrayList<>();
    private final Map<String, Long> firstLine = new HashMap<>();
    private int suppressed;
    private int already;
    private int invalid;
    private int told;

    Upload(Operator operator, String reason) {
      this.operator = operator;
      this.reason = reason;
      this.detail = kept(reason) == null ? "imported by " + operator.name() : kept(reason);
    }

    /** Suppresses one batch of lines (their leads told) and answers each. */
    void add(List<SuppressionImport.Line> batch) {
      Set<String> numbers = new LinkedHashSet<>();
      for (SuppressionImport.Line l : batch) {
        if (l.number() != null && !firstLine.containsKey(l.number())) {
          numbers.add(l.number());
        }
      }
      Set<String> fresh = suppressions.suppressAll(numbers, Suppressions.IMPORT, now, detail);
      if (!fresh.isEmpty()) {
        List<Document> audits = new ArrayList<>();
        for (String number : fresh) {
          audits.add(
              new Document("at", Date.from(now))
                  .append("actor", operator.name())
                  .append("action", "suppression_added")
                  .append("number", number)
                  .append("reason", kept(reason))
                  .append("source", Suppressions.IMPORT));
        }
        db.getCollection(Collections.AUDIT_LOG).insertMany(audits);
      }
      // Stored (and marked to be told) first: a lead not told now is told by the sweep.
      if (leads != null) {
        told += leads.tellNow(fresh);
      }
      for (SuppressionImport.Line l : batch) {
        LineResult r;
        if (l.number() == null) {
          invalid++;
          r = new LineResult(l.line(), null, "invalid", null, l.value(), l.errors());
        } else if (firstLine.containsKey(l.number())) {
          already++;
          r =
              new LineResult(
                  l.line(),
                  l.number(),
                  "already_suppressed",
                  firstLine.get(l.number()),
                  null,
                  null);
        } else {
          firstLine.put(l.number(), l.line());
          boolean mine = fresh.contains(l.number());
          if (mine) {
            suppressed++;
          } else {
            already++;
          }
          r =
              new LineResult(
                  l.line(),
                  l.number(),
                  mine ? "suppressed" : "already_suppressed",
                  null,
                  null,
                  null);
        }
        results.add(r);
      }
    }

    Map<String, Object> summary(String column) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("lines", results.size());
      summary.put("suppressed", suppressed);
      summary.put("alreadySuppressed", already);
      summary.put("invalid", invalid);
      summary.put("leadsTold", told);
      if (column != null) {
        summary.put("column", column);
      }
      return summary;
    }

    /**
     * The refusal of an upload stopped while read: the lines read before it suppressed (flushed),
     * and, when there were any, the answer's summary ({@code stopped: true}) and results with it.
     */
    ApiException stopped(SuppressionImport list, ApiException e) {
      list.flush();
      if (results.isEmpty()) {
        return e;
      }
      Map<String, Object> summary = summary(null);
      summary.put("stopped", true);
      return e.with("summary", summary).with("results", List.copyOf(results));
    }
  }
}

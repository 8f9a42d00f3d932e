package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams an import: one row read, validated, enrolled and answered at a time (one result line per
 * row, then a summary), so 10,000 rows never sit in memory together. Bad rows are reported with
 * their line number; good rows are enrolled.
 */
class LeadImport {
  private final LeadValidator validator;
  private final Enrolment enrolment;
  private final ObjectMapper json;
  private int rows;
  private int enrolled;
  private int duplicates;
  private int rejected;

  LeadImport(LeadValidator validator, Enrolment enrolment, ObjectMapper json) {
    this.validator = validator;
    this.enrolment = enrolment;
    this.json = json;
  }

  void run(InputStream body, boolean csv, OutputStream out) throws IOException {
    if (csv) {
      csv(body, out);
    } else {
      jsonLines(body, out);
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("rows", rows);
    summary.put("enrolled", enrolled);
    summary.put("alreadyEnrolled", duplicates);
    summary.put("rejected", rejected);
    write(out, Map.of("summary", summary));
  }

  private void csv(InputStream body, OutputStream out) throws IOException {
    CsvMapper mapper = new CsvMapper();
    CsvSchema schema = CsvSchema.emptySchema().withHeader().withColumnReordering(true);
    try (MappingIterator<Map<String, String>> it =
        mapper
            .readerForMapOf(String.class)
            .with(schema)
            .readValues(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      // Where the parser stands after a row is the line the next row starts on; the header is 1.
      long nextLine = 2;
      while (true) {
        Map<String, String> row;
        try {
          if (!it.hasNextValue()) {
            break;
          }
          row = it.nextValue();
        } catch (RuntimeException | IOException e) {
          rows++;
          rejected++;
          write(
              out,
              rejectedLine(
                  nextLine, List.of(new FieldError("row", "unreadable CSV: " + firstLine(e)))));
          break;
        }
        long line = nextLine;
        nextLine = it.getCurrentLocation().getLineNr();
        handle(line, fromCsv(row), out);
      }
    }
  }

  private void jsonLines(InputStream body, OutputStream out) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    String text;
    long line = 0;
    while ((text = reader.readLine()) != null) {
      line++;
      if (text.isBlank()) {
        continue;
      }
      LeadRequest request;
      try {
        request = json.readValue(text, LeadRequest.class);
      } catch (IOException e) {
        rows++;
        rejected++;
        write(out, rejectedLine(line, List.of(LeadResource.jsonError(e))));
        continue;
      }
      handle(line, request, out);
    }
  }

  private void handle(long line, LeadRequest request, OutputStream out) throws IOException {
    rows++;
    LeadValidator.Result result = validator.validate(request);
    if (!result.valid()) {
      rejected++;
      write(out, rejectedLine(line, result.errors()));
      return;
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("line", line);
    try {
      Enrolment.Outcome outcome = enrolment.enrol(result.lead());
      if ("already_enrolled".equals(outcome.status())) {
        duplicates++;
      } else {
        enrolled++;
      }
      answer.put("status", outcome.status());
      answer.put("leadId", outcome.leadId());
      answer.put("workflowId", outcome.workflowId());
    } catch (RuntimeException e) {
      rejected++;
      answer.put("status", "error");
      answer.put("leadId", result.lead().leadId());
      answer.put("message", "stored but not started, enrol it again: " + e.getMessage());
    }
    write(out, answer);
  }

  static LeadRequest fromCsv(Map<String, String> r) {
    String optIn = r.get("consentOptIn");
    return new LeadRequest(
        r.get("leadId"),
        r.get("name"),
        r.get("phone"),
        r.get("company"),
        r.get("jobTitle"),
        r.get("industry"),
        r.get("companySize"),
        r.get("timezone"),
        r.get("locale"),
        r.get("notes"),
        r.get("website"),
        r.get("researchText"),
        r.get("campaignId"),
        optIn == null && r.get("consentSource") == null && r.get("consentAt") == null
            ? null
            : new LeadRequest.Consent(
                optIn == null ? null : Boolean.parseBoolean(optIn.trim()),
                r.get("consentSource"),
                r.get("consentAt")));
  }

  private static Map<String, Object> rejectedLine(long line, List<FieldError> errors) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("line", line);
    answer.put("status", "rejected");
    answer.put("errors", errors);
    return answer;
  }

  private void write(OutputStream out, Object value) {
    try {
      out.write(json.writeValueAsBytes(value));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String firstLine(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.split("\n")[0];
  }
}

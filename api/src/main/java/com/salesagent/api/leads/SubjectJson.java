package com.salesagent.api.leads;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.mongodb.client.FindIterable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * How a subject access export writes MongoDB's documents: as plain JSON (times as ISO-8601,
 * ObjectIds as hex, bytes as base64), without their {@code _id}, read from cursors in batches.
 */
final class SubjectJson {
  /**
   * Documents per cursor batch: a lead with a long history is read in batches of this many, never
   * as one reply (the embedded MongoDB-wire server answered a sorted find of 100,000 replies in one
   * 49 MB message, past the driver's 48 MB limit, and the export was cut off).
   */
  static final int BATCH = 500;

  private final ObjectWriter writer;

  SubjectJson(ObjectMapper mapper) {
    // One flush per lead (SubjectExport), not one per document.
    this.writer = mapper.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
  }

  /** {@code name}: every document found, in batches of {@link #BATCH}. */
  void array(JsonGenerator g, String name, FindIterable<Document> found) throws IOException {
    g.writeArrayFieldStart(name);
    for (Document d : found.batchSize(BATCH)) {
      d.remove("_id");
      value(g, d);
    }
    g.writeEndArray();
  }

  /** One value as plain JSON: times as ISO-8601, ObjectIds as hex, bytes as base64. */
  void value(JsonGenerator g, Object v) throws IOException {
    writer.writeValue(g, plain(v));
  }

  static Object plain(Object v) {
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
      return out;
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(x -> out.add(plain(x)));
      return out;
    }
    if (v instanceof Date d) {
      return d.toInstant().toString();
    }
    if (v instanceof ObjectId id) {
      return id.toHexString();
    }
    if (v instanceof Binary b) {
      return Base64.getEncoder().encodeToString(b.getData());
    }
    if (v instanceof byte[] b) {
      return Base64.getEncoder().encodeToString(b);
    }
    if (v instanceof Decimal128 d) {
      return d.bigDecimalValue();
    }
    return v;
  }
}

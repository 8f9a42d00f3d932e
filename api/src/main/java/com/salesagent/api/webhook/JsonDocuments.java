package com.salesagent.api.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * A parsed JSON object as the document {@code Document.parse(node.toString())} gives, without
 * writing the tree out as text and reading it again (at one status per webhook request that round
 * trip was most of the notification's parse: BENCHMARKS.md). Integers become Integer when they fit
 * 32 bits and Long when they fit 64, other numbers Double, as the BSON JSON reader reads them. What
 * that reader reads another way (a key starting with {@code $}, which it may take for an extended
 * JSON type such as {@code {"$date": ...}}; an integer beyond 64 bits; a number that is not finite
 * as a double) is left to it, so the answer is always the one it gives.
 */
final class JsonDocuments {
  private JsonDocuments() {}

  /** Signals a value the direct conversion leaves to the BSON JSON reader. */
  private static final class NotDirect extends RuntimeException {
    NotDirect() {
      super(null, null, false, false);
    }
  }

  private static final NotDirect NOT_DIRECT = new NotDirect();

  static Document of(JsonNode object) {
    try {
      return document(object);
    } catch (NotDirect e) {
      return Document.parse(object.toString());
    }
  }

  private static Document document(JsonNode object) {
    Document d = new Document();
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getKey().startsWith("$")) {
        throw NOT_DIRECT;
      }
      d.append(field.getKey(), value(field.getValue()));
    }
    return d;
  }

  private static Object value(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT:
        return document(node);
      case ARRAY:
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode element : node) {
          list.add(value(element));
        }
        return list;
      case STRING:
        return node.textValue();
      case BOOLEAN:
        return node.booleanValue();
      case NULL:
        return null;
      case NUMBER:
        if (node.isInt()) {
          return node.intValue();
        }
        if (node.isLong()) {
          long v = node.longValue();
          return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v;
        }
        if (node.isDouble() || node.isFloat()) {
          double v = node.doubleValue();
          if (!Double.isFinite(v)) {
            throw NOT_DIRECT;
          }
          return v;
        }
        throw NOT_DIRECT;
      default:
        throw NOT_DIRECT;
    }
  }
}

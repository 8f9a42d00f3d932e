package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Random;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonDocuments#of} gives what {@code Document.parse(node.toString())} gives, value for
 * value and type for type (an int stays an Integer, a 64-bit number a Long), for Meta's payloads,
 * for hostile ones and for random trees.
 */
class JsonDocumentsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static void same(String json) throws Exception {
    JsonNode node = JSON.readTree(json);
    Document parsed;
    try {
      parsed = Document.parse(node.toString());
    } catch (RuntimeException refused) {
      // What the reader refuses (an integer beyond 64 bits) is refused the same way.
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> JsonDocuments.of(node))
          .as(json)
          .isInstanceOf(refused.getClass());
      return;
    }
    Document direct = JsonDocuments.of(node);
    assertThat(direct).as(json).isEqualTo(parsed);
    // toJson names the types ({"$numberLong": ...} for a Long): equal maps of other types differ.
    assertThat(direct.toJson()).as(json).isEqualTo(parsed.toJson());
  }

  @Test
  void metasPayloadsAreTheSameDocuments() throws Exception {
    for (String json :
        List.of(
            "{\"id\":\"wamid.HBgLMTU1NTAxMjM0NTYVAgARGBI=\",\"status\":\"read\","
                + "\"timestamp\":\"1733000000\",\"recipient_id\":\"15550123456\","
                + "\"conversation\":{\"id\":\"c1\",\"expiration_timestamp\":\"1733086400\","
                + "\"origin\":{\"type\":\"marketing\"}},\"pricing\":{\"billable\":true,"
                + "\"pricing_model\":\"PMP\",\"category\":\"marketing\"}}",
            "{\"id\":\"wamid.X\",\"status\":\"failed\",\"timestamp\":\"1\",\"recipient_id\":\"155501\","
                + "\"errors\":[{\"code\":131026,\"title\":\"Message undeliverable\","
                + "\"error_data\":{\"details\":\"é ✓ \\u0000 \\\"q\\\" \\n\"}}]}",
            "{\"from\":\"15550123456\",\"id\":\"wamid.M\",\"timestamp\":\"1733000001\","
                + "\"type\":\"interactive\",\"context\":{\"from\":\"1555\",\"id\":\"wamid.C\"},"
                + "\"interactive\":{\"type\":\"button_reply\",\"button_reply\":{\"id\":\"b1\","
                + "\"title\":\"Yes\"}}}",
            "{\"wa_id\":\"15550123456\",\"detail\":\"User requested to stop marketing messages\","
                + "\"category\":\"marketing_messages\",\"value\":\"stop\",\"timestamp\":1733000002}")) {
      same(json);
    }
  }

  @Test
  void numbersKeepTheReadersTypes() throws Exception {
    for (String number :
        List.of(
            "0",
            "-0",
            "7",
            "-2147483648",
            "2147483647",
            "2147483648",
            "-2147483649",
            "9223372036854775807",
            "-9223372036854775808",
            "1.5",
            "-0.0",
            "1e3",
            "2.5E-7",
            "123456789012345678901234567890",
            "1e400")) {
      same("{\"n\":" + number + ",\"list\":[" + number + "]}");
    }
  }

  @Test
  void whatTheReaderReadsAnotherWayIsLeftToIt() throws Exception {
    same("{\"a\":{\"$date\":0}}");
    same("{\"a\":{\"$numberLong\":\"5\"}}");
    same("{\"a\":[{\"$oid\":\"5f43a1b2c3d4e5f6a7b8c9d0\"}]}");
    same("{\"$where\":\"sleep(1000)\",\"b\":1}");
    same("{\"a\":null,\"b\":[null,true,false,[],{}],\"c\":{}}");
  }

  @Test
  void randomTreesAreTheSameDocuments() throws Exception {
    Random random = new Random(11);
    for (int i = 0; i < 2_000; i++) {
      same(object(random, 0));
    }
  }

  private static String object(Random r, int depth) {
    StringBuilder s = new StringBuilder("{");
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        s.append(',');
      }
      s.append('"').append(r.nextInt(20) == 0 ? "$k" : "k").append(i).append("\":");
      s.append(value(r, depth + 1));
    }
    return s.append('}').toString();
  }

  private static String value(Random r, int depth) {
    int kind = r.nextInt(depth > 3 ? 6 : 8);
    return switch (kind) {
      case 0 -> Integer.toString(r.nextInt());
      case 1 -> Long.toString(r.nextLong());
      case 2 -> Double.toString(r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20));
      case 3 -> "\"s" + r.nextInt(1000) + (r.nextBoolean() ? "\\u00e9\\t" : "") + "\"";
      case 4 -> r.nextBoolean() ? "true" : "null";
      case 5 -> Long.toString(r.nextInt(3) - 1L);
      case 6 -> object(r, depth);
      default -> {
        StringBuilder s = new StringBuilder("[");
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          s.append(i > 0 ? "," : "").append(value(r, depth + 1));
        }
        yield s.append(']').toString();
      }
    };
  }
}

package com.salesagent.tools.bench;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * The status traffic of {@link WebhookBenchCommand}: accepted messages cloned from the enrolled
 * leads' first messages, and the Meta-format status items (sent, delivered, read) of each.
 */
final class StatusTraffic {
  private StatusTraffic() {}

  /** An accepted message the bench posts statuses for. */
  record Msg(String wamid, String recipient) {}

  /** Accepted messages of the enrolled leads: each lead's first message cloned under new ids. */
  static List<Msg> messagesFor(
      MongoCollection<Document> messages,
      List<String> phones,
      Map<String, String> wamidOf,
      String tag,
      int count) {
    List<Msg> out = new ArrayList<>();
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String phone = phones.get(i % phones.size());
      Document first = messages.find(Filters.eq("wamid", wamidOf.get(phone))).first();
      Document copy = new Document(first);
      copy.remove("_id");
      String wamid = "wamid.bench-" + tag + "-" + i;
      copy.put("wamid", wamid);
      copy.put("idempotencyKey", "bench-" + tag + "-" + i);
      copy.put("status", "accepted");
      copy.put("statusRank", 1);
      copy.put("statusAt", new Document("accepted", new Date()));
      docs.add(copy);
      out.add(new Msg(wamid, phone));
      if (docs.size() == 500) {
        messages.insertMany(docs);
        docs.clear();
      }
    }
    if (!docs.isEmpty()) {
      messages.insertMany(docs);
    }
    return out;
  }

  /** sent, delivered, read of every message; a group of 100 messages at a time, in that order. */
  static List<String> statuses(List<Msg> msgs) {
    long ts = Instant.now().getEpochSecond();
    List<String> items = new ArrayList<>();
    for (int g = 0; g < msgs.size(); g += 100) {
      List<Msg> group = msgs.subList(g, Math.min(msgs.size(), g + 100));
      for (String status : List.of("sent", "delivered", "read")) {
        for (Msg m : group) {
          items.add(
              "{\"id\":\"%s\",\"status\":\"%s\",\"timestamp\":\"%d\",\"recipient_id\":\"%s\"}"
                  .formatted(m.wamid(), status, ts, m.recipient()));
        }
      }
    }
    return items;
  }
}

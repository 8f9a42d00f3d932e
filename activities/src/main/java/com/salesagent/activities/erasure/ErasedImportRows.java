package com.salesagent.activities.erasure;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.privacy.PiiHash;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.conversions.Bson;

/** An erased lead's rows in the imports' records ({@code import_rows}), for each erasure pass. */
final class ErasedImportRows {
  private ErasedImportRows() {}

  /**
   * The import rows' answers that name the lead or echo a row with one of its numbers, rewritten to
   * their line and status only ({@code erased}): the import's record keeps its shape and counts,
   * nothing of the person. Rows recorded before rows kept their keys are found by the lead's id in
   * their answer.
   */
  static long rewrite(MongoDatabase db, String leadId, List<String> numbers, Instant now) {
    List<Bson> naming = new ArrayList<>();
    naming.add(Filters.eq(Collections.IMPORT_ROW_LEAD_IDS, leadId));
    if (!numbers.isEmpty()) {
      naming.add(
          Filters.in(
              Collections.IMPORT_ROW_NUMBER_HASHES,
              numbers.stream().flatMap(n -> PiiHash.forms(n).stream()).toList()));
    }
    naming.add(
        Filters.and(
            Filters.exists(Collections.IMPORT_ROW_LEAD_IDS, false),
            Filters.regex("result", Pattern.quote("\"" + leadId + "\""))));
    MongoCollection<Document> rows = db.getCollection(Collections.IMPORT_ROWS);
    long rewritten = 0;
    for (Document row :
        rows.find(Filters.or(naming)).projection(new Document("line", 1).append("status", 1))) {
      Document erased =
          new Document("line", row.get("line"))
              .append("status", row.getString("status"))
              .append("erased", "erased on request");
      rewritten +=
          rows.updateOne(
                  Filters.eq("_id", row.get("_id")),
                  Updates.combine(
                      Updates.set("result", erased.toJson()),
                      Updates.set(Collections.IMPORT_ROW_LEAD_IDS, List.of()),
                      Updates.unset(Collections.IMPORT_ROW_NUMBER_HASHES),
                      Updates.set("erasedAt", Date.from(now))))
              .getModifiedCount();
    }
    return rewritten;
  }
}

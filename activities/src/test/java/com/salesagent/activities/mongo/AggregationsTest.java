package com.salesagent.activities.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rebuild aggregations ask for allowDiskUse and run without it where a tier refuses it. */
class AggregationsTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static MongoCommandException error(int code, String codeName, String message) {
    return new MongoCommandException(
        BsonDocument.parse(
            "{ok: 0, code: " + code + ", codeName: '" + codeName + "', errmsg: '" + message + "'}"),
        new ServerAddress());
  }

  @Test
  void aTierThatRefusesDiskUseGetsTheAggregationWithoutIt() {
    List<Boolean> asked = new ArrayList<>();
    List<Document> result =
        Aggregations.withDiskUse(
            allow -> {
              asked.add(allow);
              if (allow) {
                throw error(8000, "AtlasError", "allowDiskUse is not allowed in this atlas tier");
              }
              return List.of(new Document("n", 1));
            },
            "test");

    assertThat(asked).containsExactly(true, false);
    assertThat(result).containsExactly(new Document("n", 1));
  }

  @Test
  void otherFailuresAreNotRetried() {
    List<Boolean> asked = new ArrayList<>();
    assertThatThrownBy(
            () ->
                Aggregations.withDiskUse(
                    allow -> {
                      asked.add(allow);
                      throw error(16410, "Location16410", "FieldPath field names may not start");
                    },
                    "test"))
        .isInstanceOf(MongoCommandException.class);
    assertThat(asked).containsExactly(true);
  }

  @Test
  void aServerThatAllowsItRunsOnce() {
    MONGO.database().getCollection("c").insertOne(new Document("a", 1));

    assertThat(
            Aggregations.withDiskUse(
                MONGO.database().getCollection("c"),
                List.of(new Document("$match", new Document("a", 1))),
                "test"))
        .hasSize(1);
  }
}

package com.salesagent.activities.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import java.io.IOException;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** Which failures the connect loop retries, and how the others read. */
class MongoErrorsTest {
  private static final ServerAddress HOST = new ServerAddress("mongo", 27017);

  private static MongoCommandException command(int code, String codeName, String message) {
    return new MongoCommandException(
        BsonDocument.parse(
            "{ok: 0, code: "
                + code
                + ", codeName: '"
                + codeName
                + "', errmsg: '"
                + message.replace("'", "\\'")
                + "'}"),
        HOST);
  }

  @Test
  void theNetworkTimeoutsAndElectionsAreRetried() {
    assertThat(MongoErrors.isTransient(new MongoSocketOpenException("refused", HOST))).isTrue();
    assertThat(
            MongoErrors.isTransient(
                new MongoSocketReadTimeoutException("slow", HOST, new IOException())))
        .isTrue();
    assertThat(MongoErrors.isTransient(new MongoTimeoutException("no server"))).isTrue();
    assertThat(
            MongoErrors.isTransient(
                new MongoNotPrimaryException(
                    BsonDocument.parse("{ok: 0, code: 10107, errmsg: 'not primary'}"), HOST)))
        .isTrue();
    assertThat(
            MongoErrors.isTransient(
                new MongoNodeIsRecoveringException(
                    BsonDocument.parse("{ok: 0, code: 11602, errmsg: 'recovering'}"), HOST)))
        .isTrue();
    assertThat(MongoErrors.isTransient(command(189, "PrimarySteppedDown", "stepped down")))
        .isTrue();
  }

  @Test
  void schemaTierAndAuthFailuresAreNot() {
    assertThat(MongoErrors.isTransient(command(85, "IndexOptionsConflict", "x"))).isFalse();
    assertThat(MongoErrors.isTransient(command(86, "IndexKeySpecsConflict", "x"))).isFalse();
    assertThat(MongoErrors.isTransient(command(11000, "DuplicateKey", "E11000"))).isFalse();
    assertThat(MongoErrors.isTransient(command(8000, "AtlasError", "tier"))).isFalse();
    assertThat(MongoErrors.isTransient(command(115, "CommandNotSupported", "no"))).isFalse();
    assertThat(MongoErrors.isTransient(command(13, "Unauthorized", "not authorized"))).isFalse();
    assertThat(MongoErrors.isTransient(command(18, "AuthenticationFailed", "bad"))).isFalse();
    assertThat(
            MongoErrors.isTransient(
                new MongoSecurityException(
                    MongoCredential.createCredential("u", "admin", "p".toCharArray()),
                    "Exception authenticating",
                    command(18, "AuthenticationFailed", "bad"))))
        .isFalse();
  }

  @Test
  void eachKindIsRecognised() {
    assertThat(MongoErrors.isIndexConflict(command(85, "IndexOptionsConflict", "x"))).isTrue();
    assertThat(MongoErrors.isIndexConflict(command(86, "IndexKeySpecsConflict", "x"))).isTrue();
    assertThat(MongoErrors.isDuplicateKey(command(11000, "DuplicateKey", "E11000"))).isTrue();
    assertThat(MongoErrors.isRefused(command(8000, "AtlasError", "x"))).isTrue();
    assertThat(
            MongoErrors.isRefused(command(2, "BadValue", "$out is not allowed in this atlas tier")))
        .isTrue();
    assertThat(MongoErrors.isAuth(command(13, "Unauthorized", "x"))).isTrue();
    assertThat(MongoErrors.isAuth(command(18, "AuthenticationFailed", "x"))).isTrue();
    assertThat(MongoErrors.isAuth(command(85, "IndexOptionsConflict", "x"))).isFalse();
  }

  @Test
  void aSummaryIsOneLineAndNeverRepeatsDuplicatedValues() {
    assertThat(
            MongoErrors.summary(
                command(
                    11000,
                    "DuplicateKey",
                    "E11000 duplicate key error collection: db.contacts index: phone_1 dup key:"
                        + " { phone: \"+15551234567\" }")))
        .isEqualTo("DuplicateKey 11000");
    assertThat(MongoErrors.summary(command(85, "IndexOptionsConflict", "Index already\nexists")))
        .isEqualTo("IndexOptionsConflict 85: Index already exists");
  }

  /**
   * A summary repeats at most 300 characters of the server's message, counted in code points: a
   * message whose 300th character is an emoji (a quoted validator's text) keeps the whole emoji,
   * never half of its surrogate pair.
   */
  @Test
  void aSummaryCutsTheMessageNeverInsideAnEmoji() {
    String emoji = "\uD83D\uDE00";
    String head = "x".repeat(MongoErrors.MAX_MESSAGE - 1);
    assertThat(MongoErrors.summary(command(121, "DocumentValidationFailure", head + emoji + "y")))
        .isEqualTo("DocumentValidationFailure 121: " + head + emoji + "...");
    assertThat(
            MongoErrors.summary(
                command(121, "DocumentValidationFailure", emoji.repeat(MongoErrors.MAX_MESSAGE))))
        .isEqualTo("DocumentValidationFailure 121: " + emoji.repeat(MongoErrors.MAX_MESSAGE));
  }
}

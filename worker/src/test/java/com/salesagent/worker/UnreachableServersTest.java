package com.salesagent.worker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.salesagent.temporal.Ports;
import com.salesagent.temporal.StartupException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Real-stack start-up against servers that are not there: one line naming the setting. */
class UnreachableServersTest {
  @Test
  void anUnreachableMongoNamesItsHostAndTheSetting() {
    int port = Ports.freePort();
    MongoConnection mongo = new MongoConnection("mongodb://127.0.0.1:" + port, "db", 1);
    try {
      assertThatThrownBy(mongo::start)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("Cannot reach MongoDB at 127.0.0.1:" + port)
          .hasMessageContaining("MONGODB_URI")
          .hasMessageNotContaining("\n");
    } finally {
      mongo.stop();
    }
  }

  @Test
  void credentialsInTheMongoUriNeverReachTheMessage() {
    MongoConnection mongo =
        new MongoConnection("mongodb://agent:s3cret@127.0.0.1:" + Ports.freePort(), "db", 1);
    try {
      assertThatThrownBy(mongo::start).hasMessageNotContaining("s3cret");
    } finally {
      mongo.stop();
    }
  }

  @Test
  void anUnreachableS3NamesTheEndpointSetting() {
    String endpoint = "http://127.0.0.1:" + Ports.freePort();
    StorageConnection storage =
        new StorageConnection(
            endpoint,
            "us-east-1",
            "media",
            true,
            true,
            StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")),
            1);
    try {
      assertThatThrownBy(storage::start)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("Cannot reach S3 at " + endpoint)
          .hasMessageContaining("S3_ENDPOINT");
    } finally {
      storage.stop();
    }
  }
}

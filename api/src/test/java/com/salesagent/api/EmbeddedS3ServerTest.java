package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.salesagent.api.embedded.EmbeddedS3Server;
import com.salesagent.temporal.StartupException;
import com.salesagent.worker.StorageConnection;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The embedded S3 server checks signatures, and S3 start-up errors name their setting. */
class EmbeddedS3ServerTest {
  @TempDir static Path dir;
  private static EmbeddedS3Server server;

  @BeforeAll
  static void start() throws Exception {
    server = new EmbeddedS3Server(0, dir);
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
  }

  private static StorageConnection connect(
      String bucket, boolean create, AwsCredentialsProvider credentials) {
    return new StorageConnection(
        server.endpoint(), "us-east-1", bucket, true, create, credentials, 2);
  }

  @Test
  void createsTheBucketWhenAllowed() {
    StorageConnection storage = connect("created-bucket", true, server.credentials());
    try {
      storage.start();
      storage.storage().headBucket();
      assertThat(dir.resolve("created-bucket")).isDirectory();
    } finally {
      storage.stop();
    }
  }

  @Test
  void aMissingBucketNamesTheSettingWhenCreationIsOff() {
    StorageConnection storage = connect("missing-bucket", false, server.credentials());
    try {
      assertThatThrownBy(storage::start)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("missing-bucket")
          .hasMessageContaining("S3_BUCKET");
    } finally {
      storage.stop();
    }
  }

  @Test
  void wrongCredentialsAreRefusedAndNamed() {
    StorageConnection storage =
        connect(
            "any-bucket",
            true,
            StaticCredentialsProvider.create(AwsBasicCredentials.create("nobody", "wrong")));
    try {
      assertThatThrownBy(storage::start)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("AWS_ACCESS_KEY_ID");
    } finally {
      storage.stop();
    }
  }
}

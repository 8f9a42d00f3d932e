package com.salesagent.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.salesagent.temporal.StartupException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Start-up against a stub that answers like AWS: the bucket is created with the region's
 * LocationConstraint, and S3's refusals are configuration errors named at once, not retried.
 */
class StorageConnectionStartupTest {
  private StubS3 s3;

  @BeforeEach
  void start() throws Exception {
    s3 = new StubS3();
  }

  @AfterEach
  void stop() {
    s3.close();
  }

  private StorageConnection connect(String region, int timeoutSeconds) {
    return new StorageConnection(
        s3.endpoint(),
        region,
        "media",
        true,
        true,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")),
        timeoutSeconds);
  }

  private static void startAndStop(StorageConnection storage) {
    try {
      storage.start();
    } finally {
      storage.stop();
    }
  }

  @Test
  void outsideUsEast1TheBucketIsCreatedWithTheRegionAsLocationConstraint() {
    startAndStop(connect("eu-west-1", 3));

    assertThat(s3.requests("PUT")).hasSize(1);
    assertThat(s3.requests("PUT").get(0).body())
        .contains("<LocationConstraint>eu-west-1</LocationConstraint>");
  }

  @Test
  void inUsEast1NoLocationConstraintIsSent() {
    startAndStop(connect("us-east-1", 3));

    assertThat(s3.requests("PUT")).hasSize(1);
    assertThat(s3.requests("PUT").get(0).body()).doesNotContain("LocationConstraint");
  }

  @Test
  void anExistingBucketIsNotCreatedAgain() {
    s3.bucket("media");

    startAndStop(connect("eu-west-1", 3));

    assertThat(s3.requests("PUT")).isEmpty();
  }

  @Test
  void aForbiddenCreateFailsAtOnceNamingS3sCodeAndMessage() {
    s3.fail("PUT", 403, "AccessDenied", "Access Denied");
    StorageConnection storage = connect("eu-west-1", 10);
    long started = System.nanoTime();
    try {
      assertThatThrownBy(storage::start)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("AccessDenied")
          .hasMessageContaining("Access Denied")
          .hasMessageContaining("AWS_ACCESS_KEY_ID")
          .hasMessageNotContaining("Cannot reach");
    } finally {
      storage.stop();
    }
    assertThat(System.nanoTime() - started).isLessThan(5_000_000_000L);
    assertThat(s3.requests("PUT")).hasSize(1);
  }

  @Test
  void anyOtherClientErrorIsAConfigurationErrorNamedAtOnce() {
    s3.fail("PUT", 400, "InvalidBucketName", "The specified bucket is not valid.");
    StorageConnection storage = connect("eu-west-1", 10);
    long started = System.nanoTime();
    try {
      assertThatThrownBy(storage::start)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("InvalidBucketName")
          .hasMessageContaining("The specified bucket is not valid.")
          .hasMessageNotContaining("Cannot reach");
    } finally {
      storage.stop();
    }
    assertThat(System.nanoTime() - started).isLessThan(5_000_000_000L);
    assertThat(s3.requests("PUT")).hasSize(1);
  }

  @Test
  void anIllegalLocationConstraintNamesTheRegionSetting() {
    s3.fail(
        "PUT",
        400,
        "IllegalLocationConstraintException",
        "The unspecified location constraint is incompatible for the region specific endpoint"
            + " this request was sent to.");
    StorageConnection storage = connect("eu-west-1", 10);
    try {
      assertThatThrownBy(storage::start)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("IllegalLocationConstraintException")
          .hasMessageContaining("S3_REGION");
    } finally {
      storage.stop();
    }
  }

  @Test
  void aBucketNameTakenByAnotherAccountIsAClearError() {
    s3.fail(
        "PUT",
        409,
        "BucketAlreadyExists",
        "The requested bucket name is not available. The bucket namespace is shared by all users"
            + " of the system. Please select a different name and try again.");
    StorageConnection storage = connect("eu-west-1", 10);
    try {
      assertThatThrownBy(storage::start)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("BucketAlreadyExists")
          .hasMessageContaining("another account")
          .hasMessageContaining("S3_BUCKET");
    } finally {
      storage.stop();
    }
  }

  @Test
  void aBucketWeAlreadyOwnIsPresent() {
    s3.fail(
        "PUT",
        409,
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.");

    startAndStop(connect("eu-west-1", 3));

    assertThat(s3.requests("PUT")).hasSize(1);
  }
}

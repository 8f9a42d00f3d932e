package com.salesagent.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.worker.StorageConnection.Checksums;
import com.salesagent.worker.StorageConnection.Settings;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

/** What the configured client puts on the wire: addressing style, checksums, presigned hosts. */
class StorageConnectionRequestsTest {
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret"));

  private StubS3 s3;

  @BeforeEach
  void start() throws Exception {
    s3 = new StubS3();
    s3.bucket("media");
  }

  @AfterEach
  void stop() {
    s3.close();
  }

  private static Settings settings(
      String endpoint, String publicEndpoint, boolean pathStyle, Checksums checksums) {
    return new Settings(
        endpoint, publicEndpoint, "eu-west-1", "media", pathStyle, checksums, true, 3);
  }

  @Test
  void pathStyleNamesTheBucketInThePath() {
    StorageConnection storage =
        new StorageConnection(
            settings(s3.endpoint(), "", true, Checksums.WHEN_SUPPORTED), CREDENTIALS);
    try {
      storage.start();
    } finally {
      storage.stop();
    }

    StubS3.Request head = s3.requests("HEAD").get(0);
    assertThat(head.host()).isEqualTo("127.0.0.1:" + s3.port());
    assertThat(head.path()).isEqualTo("/media");
  }

  @Test
  void virtualHostStyleNamesTheBucketInTheHost() {
    // bucket.s3.test resolves to the stub through the HTTP client's resolver, as DNS would.
    SdkHttpClient http =
        ApacheHttpClient.builder()
            .dnsResolver(host -> new InetAddress[] {InetAddress.getLoopbackAddress()})
            .build();
    StorageConnection storage =
        new StorageConnection(
            settings("http://s3.test:" + s3.port(), "", false, Checksums.WHEN_SUPPORTED),
            CREDENTIALS,
            http);
    try {
      storage.start();
      storage.storage().put("cards/a.txt", "x".getBytes(StandardCharsets.UTF_8), "text/plain");
    } finally {
      storage.stop();
      http.close();
    }

    StubS3.Request head = s3.requests("HEAD").get(0);
    assertThat(head.host()).isEqualTo("media.s3.test:" + s3.port());
    assertThat(head.path()).isEqualTo("/");
    assertThat(s3.requests("PUT").get(0).path()).isEqualTo("/cards/a.txt");
  }

  @Test
  void whenRequiredSendsNoChecksumOnPutObjectWhereTheDefaultDoes() {
    byte[] card = "an image card".getBytes(StandardCharsets.UTF_8);
    StorageConnection required =
        new StorageConnection(
            settings(s3.endpoint(), "", true, Checksums.WHEN_REQUIRED), CREDENTIALS);
    StorageConnection supported =
        new StorageConnection(
            settings(s3.endpoint(), "", true, Checksums.WHEN_SUPPORTED), CREDENTIALS);
    try {
      required.storage().put("cards/required.txt", card, "text/plain");
      supported.storage().put("cards/supported.txt", card, "text/plain");
    } finally {
      required.stop();
      supported.stop();
    }

    StubS3.Request withoutChecksum = s3.requests("PUT").get(0);
    StubS3.Request withChecksum = s3.requests("PUT").get(1);
    assertThat(withoutChecksum.path()).isEqualTo("/media/cards/required.txt");
    assertThat(withoutChecksum.hasHeaderStartingWith("x-amz-checksum-")).isFalse();
    assertThat(withoutChecksum.hasHeaderStartingWith("x-amz-sdk-checksum-algorithm")).isFalse();
    assertThat(withoutChecksum.headers().getOrDefault("x-amz-trailer", ""))
        .doesNotContain("checksum");
    // The control: the SDK's default does send one, so the assertions above can fail.
    assertThat(
            withChecksum.hasHeaderStartingWith("x-amz-checksum-")
                || withChecksum.hasHeaderStartingWith("x-amz-sdk-checksum-algorithm")
                || withChecksum.headers().getOrDefault("x-amz-trailer", "").contains("checksum"))
        .isTrue();
  }

  @Test
  void presignedUrlsNameThePublicEndpointNotTheInternalOne() {
    StorageConnection storage =
        new StorageConnection(
            settings(
                "http://minio:9000", "https://media.example.com", true, Checksums.WHEN_SUPPORTED),
            CREDENTIALS);
    String url;
    try {
      url = storage.storage().presignGet("cards/lead-1.png", Duration.ofMinutes(5));
    } finally {
      storage.stop();
    }

    URI presigned = URI.create(url);
    assertThat(presigned.getScheme()).isEqualTo("https");
    assertThat(presigned.getHost()).isEqualTo("media.example.com");
    assertThat(presigned.getPath()).isEqualTo("/media/cards/lead-1.png");
    assertThat(presigned.getQuery()).contains("X-Amz-Signature=");
  }

  @Test
  void withoutAPublicEndpointPresignedUrlsNameTheEndpoint() {
    StorageConnection storage =
        new StorageConnection(
            settings(s3.endpoint(), "", true, Checksums.WHEN_SUPPORTED), CREDENTIALS);
    String url;
    try {
      url = storage.storage().presignGet("cards/lead-1.png", Duration.ofMinutes(5));
    } finally {
      storage.stop();
    }

    assertThat(URI.create(url).getHost()).isEqualTo("127.0.0.1");
    assertThat(URI.create(url).getPort()).isEqualTo(s3.port());
  }
}

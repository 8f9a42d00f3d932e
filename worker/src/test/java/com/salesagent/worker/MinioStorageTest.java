package com.salesagent.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.worker.StorageConnection.Checksums;
import com.salesagent.worker.StorageConnection.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The storage connection against a real MinIO (the compose stack's image), path style, in both
 * checksum modes: bucket created, object put, read back and fetched through a presigned URL. Extra
 * coverage where Docker runs; skipped elsewhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class MinioStorageTest {
  private static final String USER = "sales-agent";
  private static final String PASSWORD = "minio-test-password";

  @Container
  static final GenericContainer<?> MINIO =
      new GenericContainer<>(DockerImageName.parse("minio/minio:RELEASE.2025-04-22T22-12-26Z"))
          .withCommand("server", "/data")
          .withEnv("MINIO_ROOT_USER", USER)
          .withEnv("MINIO_ROOT_PASSWORD", PASSWORD)
          .withExposedPorts(9000)
          .waitingFor(Wait.forHttp("/minio/health/live").forPort(9000))
          .withStartupTimeout(Duration.ofMinutes(2));

  @ParameterizedTest
  @EnumSource(Checksums.class)
  void putGetAndPresignWithPathStyle(Checksums checksums) throws Exception {
    String endpoint = "http://" + MINIO.getHost() + ":" + MINIO.getMappedPort(9000);
    String bucket = "media-" + checksums.name().toLowerCase(Locale.ROOT).replace('_', '-');
    StorageConnection storage =
        new StorageConnection(
            new Settings(endpoint, "", "us-east-1", bucket, true, checksums, true, 30),
            StaticCredentialsProvider.create(AwsBasicCredentials.create(USER, PASSWORD)));
    byte[] card = ("card " + checksums).getBytes(StandardCharsets.UTF_8);
    try {
      storage.start();
      storage.storage().put("cards/lead-1.txt", card, "text/plain");
      assertThat(storage.storage().get("cards/lead-1.txt")).isEqualTo(card);

      String url = storage.storage().presignGet("cards/lead-1.txt", Duration.ofMinutes(5));
      assertThat(URI.create(url).getPath()).isEqualTo("/" + bucket + "/cards/lead-1.txt");
      HttpResponse<byte[]> fetched =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(fetched.statusCode()).isEqualTo(200);
      assertThat(fetched.body()).isEqualTo(card);

      storage.storage().delete("cards/lead-1.txt");
    } finally {
      storage.stop();
    }
  }
}

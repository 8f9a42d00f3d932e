package com.salesagent.worker;

import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.temporal.StartupException;
import io.dropwizard.lifecycle.Managed;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The S3 client, presigner and bucket for media. Start-up waits for the endpoint and bucket. */
public final class StorageConnection implements Managed {
  private final ObjectStorage storage;
  private final String endpointLabel;
  private final boolean createBucket;
  private final int connectTimeoutSeconds;

  /**
   * @param endpoint empty for AWS itself
   */
  public StorageConnection(
      String endpoint,
      String region,
      String bucket,
      boolean pathStyle,
      boolean createBucket,
      AwsCredentialsProvider credentials,
      int connectTimeoutSeconds) {
    this.endpointLabel = endpoint.isEmpty() ? "AWS S3 (" + region + ")" : endpoint;
    this.createBucket = createBucket;
    this.connectTimeoutSeconds = connectTimeoutSeconds;
    S3Configuration s3Config = S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build();
    S3ClientBuilder client =
        S3Client.builder()
            .region(Region.of(region))
            .credentialsProvider(credentials)
            .serviceConfiguration(s3Config)
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .apiCallTimeout(Duration.ofSeconds(20))
                    .apiCallAttemptTimeout(Duration.ofSeconds(5))
                    .build());
    S3Presigner.Builder presigner =
        S3Presigner.builder()
            .region(Region.of(region))
            .credentialsProvider(credentials)
            .serviceConfiguration(s3Config);
    if (!endpoint.isEmpty()) {
      client.endpointOverride(URI.create(endpoint));
      presigner.endpointOverride(URI.create(endpoint));
    }
    this.storage = new ObjectStorage(client.build(), presigner.build(), bucket);
  }

  public ObjectStorage storage() {
    return storage;
  }

  public String endpointLabel() {
    return endpointLabel;
  }

  @Override
  public void start() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(connectTimeoutSeconds);
    RuntimeException last;
    do {
      try {
        if (createBucket) {
          storage.ensureBucket();
        } else {
          storage.headBucket();
        }
        return;
      } catch (NoSuchBucketException e) {
        throw new StartupException(
            "S3 bucket "
                + storage.bucket()
                + " does not exist at "
                + endpointLabel
                + "; create it or set S3_BUCKET (or S3_CREATE_BUCKET=true)");
      } catch (S3Exception e) {
        if (e.statusCode() == 403) {
          throw new StartupException(
              "S3 at "
                  + endpointLabel
                  + " refused access to bucket "
                  + storage.bucket()
                  + " (403); check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or S3_BUCKET");
        }
        last = e;
      } catch (SdkClientException e) {
        if (e.getMessage() != null && e.getMessage().contains("credentials")) {
          throw new StartupException(
              "No S3 credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an"
                  + " AWS profile)");
        }
        last = e;
      }
      sleep();
    } while (System.nanoTime() < deadline);
    throw new StartupException(
        "Cannot reach S3 at "
            + endpointLabel
            + " within "
            + connectTimeoutSeconds
            + " s ("
            + brief(last)
            + "); check S3_ENDPOINT or start the server");
  }

  @Override
  public void stop() {
    storage.close();
  }

  private static String brief(RuntimeException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    int cut = message.indexOf(" (Service:");
    return e.getClass().getSimpleName()
        + (message.isEmpty() ? "" : ": " + (cut > 0 ? message.substring(0, cut) : message));
  }

  private static void sleep() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("Interrupted while waiting for S3", e);
    }
  }
}

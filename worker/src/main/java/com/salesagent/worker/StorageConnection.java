package com.salesagent.worker;

import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.temporal.StartupException;
import io.dropwizard.lifecycle.Managed;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The S3 client, presigner and bucket for media. Start-up waits for the endpoint and bucket while
 * S3 cannot be reached, is throttled or answers 5xx; any other refusal (a 4xx) is a configuration
 * error and fails at once with S3's own error code and message.
 */
public final class StorageConnection implements Managed {
  /** The SDK's integrity checksums (CRC32 on every upload since 2.30), or only where required. */
  public enum Checksums {
    /** The SDK's default: a checksum on every upload, validated on download where present. */
    WHEN_SUPPORTED,
    /** Only for operations that require one: for S3-compatible servers that reject the others. */
    WHEN_REQUIRED;

    /** {@code when_supported} or {@code when_required} (S3_CHECKSUMS). */
    public static Checksums of(String setting) {
      return valueOf(setting.trim().toUpperCase(Locale.ROOT));
    }
  }

  /**
   * How to reach the bucket.
   *
   * @param endpoint empty for AWS itself
   * @param publicEndpoint the host presigned URLs name (what WhatsApp and browsers can reach);
   *     empty for the same as {@code endpoint}
   */
  public record Settings(
      String endpoint,
      String publicEndpoint,
      String region,
      String bucket,
      boolean pathStyle,
      Checksums checksums,
      boolean createBucket,
      int connectTimeoutSeconds) {}

  /** Refusals that say "not now" rather than "not like this": waited out until the deadline. */
  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          "RequestTimeout",
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "RequestThrottled",
          "RequestThrottledException",
          "SlowDown",
          "TooManyRequests",
          "TooManyRequestsException",
          "RequestLimitExceeded",
          "PriorRequestNotComplete");

  private final ObjectStorage storage;
  private final String endpointLabel;
  private final boolean createBucket;
  private final int connectTimeoutSeconds;

  /** The SDK's default checksums; presigned URLs name {@code endpoint}. */
  public StorageConnection(
      String endpoint,
      String region,
      String bucket,
      boolean pathStyle,
      boolean createBucket,
      AwsCredentialsProvider credentials,
      int connectTimeoutSeconds) {
    this(
        new Settings(
            endpoint,
            "",
            region,
            bucket,
            pathStyle,
            Checksums.WHEN_SUPPORTED,
            createBucket,
            connectTimeoutSeconds),
        credentials);
  }

  public StorageConnection(Settings settings, AwsCredentialsProvider credentials) {
    this(settings, credentials, null);
  }

  /** {@code httpClient}: null for the SDK's default (tests resolve virtual hosts through it). */
  StorageConnection(Settings s, AwsCredentialsProvider credentials, SdkHttpClient httpClient) {
    this.endpointLabel = s.endpoint().isEmpty() ? "AWS S3 (" + s.region() + ")" : s.endpoint();
    this.createBucket = s.createBucket();
    this.connectTimeoutSeconds = s.connectTimeoutSeconds();
    S3Configuration s3Config =
        S3Configuration.builder().pathStyleAccessEnabled(s.pathStyle()).build();
    S3ClientBuilder client =
        S3Client.builder()
            .region(Region.of(s.region()))
            .credentialsProvider(credentials)
            .serviceConfiguration(s3Config)
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .apiCallTimeout(Duration.ofSeconds(20))
                    .apiCallAttemptTimeout(Duration.ofSeconds(5))
                    .build());
    if (s.checksums() == Checksums.WHEN_REQUIRED) {
      // Otherwise the SDK's default stands (and with it AWS_REQUEST_CHECKSUM_CALCULATION et al.).
      client
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    if (httpClient != null) {
      client.httpClient(httpClient);
    }
    S3Presigner.Builder presigner =
        S3Presigner.builder()
            .region(Region.of(s.region()))
            .credentialsProvider(credentials)
            .serviceConfiguration(s3Config);
    if (!s.endpoint().isEmpty()) {
      client.endpointOverride(URI.create(s.endpoint()));
    }
    String publicEndpoint = s.publicEndpoint().isEmpty() ? s.endpoint() : s.publicEndpoint();
    if (!publicEndpoint.isEmpty()) {
      presigner.endpointOverride(URI.create(publicEndpoint));
    }
    this.storage = new ObjectStorage(client.build(), presigner.build(), s.bucket(), s.region());
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
      } catch (BucketAlreadyExistsException e) {
        throw new StartupException(
            "S3 bucket "
                + storage.bucket()
                + " belongs to another account ("
                + s3Error(e)
                + "); bucket names are global on AWS: choose another S3_BUCKET");
      } catch (S3Exception e) {
        if (!waitable(e)) {
          throw refused(e);
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

  /** Unreachable, throttled, timed out or a server error: worth waiting for. */
  static boolean waitable(S3Exception e) {
    int status = e.statusCode();
    if (status == 301) {
      return false; // the bucket lives in another region
    }
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return status < 400
        || status >= 500
        || status == 408
        || status == 429
        || (code != null && TRANSIENT_CODES.contains(code));
  }

  /** A refusal that waiting will not change: S3's code and message, and the setting to look at. */
  private StartupException refused(S3Exception e) {
    return new StartupException(
        "S3 at "
            + endpointLabel
            + " refused bucket "
            + storage.bucket()
            + " ("
            + s3Error(e)
            + "); "
            + hint(e));
  }

  private static String hint(S3Exception e) {
    String code = code(e);
    if (e.statusCode() == 301
        || code.equals("PermanentRedirect")
        || code.equals("AuthorizationHeaderMalformed")
        || code.endsWith("LocationConstraint")
        || code.equals("IllegalLocationConstraintException")) {
      String bucketRegion =
          e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null
              ? null
              : e.awsErrorDetails()
                  .sdkHttpResponse()
                  .firstMatchingHeader("x-amz-bucket-region")
                  .orElse(null);
      return "check S3_REGION"
          + (bucketRegion == null ? "" : " (the bucket is in " + bucketRegion + ")")
          + " and S3_ENDPOINT";
    }
    if (code.equals("RequestTimeTooSkewed")) {
      return "this machine's clock is off; sync it (NTP)";
    }
    if (code.equals("InvalidBucketName")) {
      return "check S3_BUCKET";
    }
    if (e.statusCode() == 401 || e.statusCode() == 403) {
      return "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the IAM policy) and S3_BUCKET"
          + " (a bucket of another account is refused too)";
    }
    return "check S3_ENDPOINT, S3_REGION and S3_BUCKET";
  }

  private static String code(S3Exception e) {
    AwsErrorDetails details = e.awsErrorDetails();
    return details == null || details.errorCode() == null ? "" : details.errorCode();
  }

  /** "HTTP 403 AccessDenied: Access Denied" (a HEAD's answer has no body: status alone). */
  static String s3Error(S3Exception e) {
    AwsErrorDetails details = e.awsErrorDetails();
    String code = code(e);
    String message = details == null ? null : details.errorMessage();
    return "HTTP "
        + e.statusCode()
        + (code.isEmpty() ? "" : " " + code)
        + (message == null || message.isBlank() ? "" : ": " + message);
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

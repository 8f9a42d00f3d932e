package com.salesagent.worker.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * S3 or an S3-compatible server (MinIO). {@code endpoint} empty means AWS itself; {@code embedded}
 * means the in-process server of the embedded command. Credentials come from the AWS default chain
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, instance roles), never from this file.
 */
public class S3Factory {
  public static final String EMBEDDED = "embedded";

  private String endpoint = "";

  @NotBlank
  @Pattern(
      regexp = "[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]",
      message =
          "must be an S3 bucket name: 3-63 lower-case letters, digits, '.' or '-' (S3_BUCKET)")
  private String bucket = "sales-agent-media";

  @NotBlank
  @Pattern(regexp = "[a-z0-9\\-]+", message = "must be an AWS region such as us-east-1 (S3_REGION)")
  private String region = "us-east-1";

  /**
   * Path-style URLs (host/bucket/key) or virtual-host ones (bucket.host/key). Unset: path style
   * where an endpoint is set (MinIO and most S3-compatible servers need it), virtual hosts on AWS.
   */
  private Boolean pathStyleAccess;

  private boolean pathStyleAccessValid = true;

  /** Where presigned URLs point (reachable by WhatsApp and browsers); empty: the endpoint. */
  private String publicEndpoint = "";

  /**
   * The SDK's integrity checksums: {@code when_supported} (its default) or {@code when_required}.
   */
  @NotBlank
  @Pattern(
      regexp = "when_supported|when_required",
      message = "must be when_supported or when_required (S3_CHECKSUMS)")
  private String checksums = "when_supported";

  /** Create the bucket at start-up when it is missing (off where IAM forbids it). */
  private boolean createBucket = true;

  @Min(1)
  @Max(600)
  private int connectTimeoutSeconds = 30;

  @JsonProperty
  public String getEndpoint() {
    return endpoint;
  }

  @JsonProperty
  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint == null ? "" : endpoint.trim();
  }

  @JsonProperty
  public String getBucket() {
    return bucket;
  }

  @JsonProperty
  public void setBucket(String bucket) {
    this.bucket = bucket;
  }

  @JsonProperty
  public String getRegion() {
    return region;
  }

  @JsonProperty
  public void setRegion(String region) {
    this.region = region;
  }

  /** The setting as given: true, false, or null (unset: decided by the endpoint). */
  @JsonProperty("pathStyleAccess")
  public Boolean getPathStyleAccessSetting() {
    return pathStyleAccess;
  }

  /** {@code true}, {@code false}, or empty for the default (S3_PATH_STYLE). */
  @JsonProperty("pathStyleAccess")
  public void setPathStyleAccess(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
    pathStyleAccessValid = v.isEmpty() || v.equals("true") || v.equals("false");
    pathStyleAccess = v.isEmpty() || !pathStyleAccessValid ? null : Boolean.valueOf(v);
  }

  /** Path style unless set otherwise, where an endpoint is set; virtual hosts on AWS itself. */
  public boolean usePathStyle() {
    return pathStyleAccess != null ? pathStyleAccess : !endpoint.isEmpty();
  }

  @JsonIgnore
  @ValidationMethod(message = "S3_PATH_STYLE must be true, false or empty")
  public boolean isPathStyleAccessValid() {
    return pathStyleAccessValid;
  }

  @JsonProperty
  public String getPublicEndpoint() {
    return publicEndpoint;
  }

  @JsonProperty
  public void setPublicEndpoint(String publicEndpoint) {
    this.publicEndpoint = publicEndpoint == null ? "" : publicEndpoint.trim();
  }

  @JsonIgnore
  @ValidationMethod(message = "S3_PUBLIC_ENDPOINT must be an http(s) URL or empty")
  public boolean isPublicEndpointValid() {
    return publicEndpoint.isEmpty() || HttpUrls.isHttpUrl(publicEndpoint);
  }

  @JsonProperty
  public String getChecksums() {
    return checksums;
  }

  @JsonProperty
  public void setChecksums(String checksums) {
    this.checksums = checksums == null ? null : checksums.trim().toLowerCase(java.util.Locale.ROOT);
  }

  @JsonProperty
  public boolean isCreateBucket() {
    return createBucket;
  }

  @JsonProperty
  public void setCreateBucket(boolean createBucket) {
    this.createBucket = createBucket;
  }

  @JsonProperty
  public int getConnectTimeoutSeconds() {
    return connectTimeoutSeconds;
  }

  @JsonProperty
  public void setConnectTimeoutSeconds(int connectTimeoutSeconds) {
    this.connectTimeoutSeconds = connectTimeoutSeconds;
  }

  @JsonIgnore
  public boolean isEmbedded() {
    return EMBEDDED.equals(endpoint);
  }

  @JsonIgnore
  @ValidationMethod(
      message = "S3_ENDPOINT must be an http(s) URL, empty for AWS itself, or 'embedded'")
  public boolean isEndpointValid() {
    if (endpoint.isEmpty() || isEmbedded()) {
      return true;
    }
    return HttpUrls.isHttpUrl(endpoint);
  }
}

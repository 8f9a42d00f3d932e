package com.salesagent.activities.storage;

import java.time.Duration;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.GetObjectPresignRequest;

/**
 * The media store (image cards, voice notes): one bucket on S3 or an S3-compatible server. Media
 * reaches WhatsApp through presigned GET URLs, so the bucket itself stays private.
 */
public final class ObjectStorage implements AutoCloseable {
  static final String US_EAST_1 = "us-east-1";

  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;
  private final String region;

  /**
   * @param region where a bucket created here is to live: sent as its LocationConstraint unless it
   *     is us-east-1 (which takes none; AWS refuses one there)
   */
  public ObjectStorage(S3Client s3, S3Presigner presigner, String bucket, String region) {
    this.s3 = s3;
    this.presigner = presigner;
    this.bucket = bucket;
    this.region = region;
  }

  public String bucket() {
    return bucket;
  }

  /** Throws NoSuchBucketException (or an SDK exception when unreachable). */
  public void headBucket() {
    s3.headBucket(HeadBucketRequest.builder().bucket(bucket).build());
  }

  /**
   * Creates the bucket if it does not exist; returns whether it was created. A bucket we already
   * own counts as present; one another account owns throws BucketAlreadyExistsException.
   */
  public boolean ensureBucket() {
    try {
      headBucket();
      return false;
    } catch (NoSuchBucketException e) {
      try {
        s3.createBucket(createRequest(bucket, region));
        return true;
      } catch (BucketAlreadyOwnedByYouException raced) {
        return false;
      }
    }
  }

  /**
   * Outside us-east-1 AWS wants the region as LocationConstraint (without it: 400
   * IllegalLocationConstraintException); in us-east-1 it wants none. Said explicitly rather than
   * left to the SDK's own interceptor, so S3-compatible servers see the same request.
   */
  static CreateBucketRequest createRequest(String bucket, String region) {
    CreateBucketRequest.Builder create = CreateBucketRequest.builder().bucket(bucket);
    if (region != null && !region.isBlank() && !US_EAST_1.equals(region)) {
      create.createBucketConfiguration(c -> c.locationConstraint(region));
    }
    return create.build();
  }

  public void put(String key, byte[] bytes, String contentType) {
    s3.putObject(
        PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType).build(),
        RequestBody.fromBytes(bytes));
  }

  /** Stores a file's bytes under {@code key} (streamed from the file, never whole in memory). */
  public void putFile(String key, java.nio.file.Path file, String contentType) {
    s3.putObject(
        PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType).build(),
        RequestBody.fromFile(file));
  }

  /** The object under {@code key} as a stream (close it). */
  public java.io.InputStream open(String key) {
    return s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build());
  }

  /** Whether an object is stored under {@code key}. */
  public boolean exists(String key) {
    try {
      s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).build());
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  public byte[] get(String key) {
    return s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build())
        .asByteArray();
  }

  public void delete(String key) {
    s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build());
  }

  public String presignGet(String key, Duration validFor) {
    return presigner
        .presignGetObject(
            GetObjectPresignRequest.builder()
                .signatureDuration(validFor)
                .getObjectRequest(GetObjectRequest.builder().bucket(bucket).key(key).build())
                .build())
        .url()
        .toString();
  }

  @Override
  public void close() {
    presigner.close();
    s3.close();
  }
}

package com.salesagent.worker.health;

import com.codahale.metrics.health.HealthCheck;
import com.salesagent.worker.StorageConnection;

/** Healthy when HeadBucket succeeds. */
public class S3HealthCheck extends HealthCheck {
  private final StorageConnection storage;

  public S3HealthCheck(StorageConnection storage) {
    this.storage = storage;
  }

  @Override
  protected Result check() {
    storage.storage().headBucket();
    return Result.healthy("bucket %s at %s", storage.storage().bucket(), storage.endpointLabel());
  }
}

package com.salesagent.worker.health;

import com.codahale.metrics.health.HealthCheck;
import com.salesagent.temporal.TemporalConnection;
import java.time.Duration;

/** Healthy when the namespace answers DescribeNamespace within 3 s. */
public class TemporalHealthCheck extends HealthCheck {
  private final TemporalConnection temporal;

  public TemporalHealthCheck(TemporalConnection temporal) {
    this.temporal = temporal;
  }

  @Override
  protected Result check() {
    temporal.describeNamespace(Duration.ofSeconds(3));
    return Result.healthy("namespace %s at %s", temporal.namespace(), temporal.target());
  }
}

package com.salesagent.worker.health;

import com.codahale.metrics.health.HealthCheck;
import com.salesagent.worker.MongoConnection;

/** Healthy when the server answers ping within 3 s. */
public class MongoHealthCheck extends HealthCheck {
  private final MongoConnection mongo;

  public MongoHealthCheck(MongoConnection mongo) {
    this.mongo = mongo;
  }

  /** How long the check waits for the server (as the Temporal check does). */
  static final java.time.Duration DEADLINE = java.time.Duration.ofSeconds(3);

  @Override
  protected Result check() {
    mongo.ping(DEADLINE);
    return Result.healthy("database %s at %s", mongo.database().getName(), mongo.hosts());
  }
}

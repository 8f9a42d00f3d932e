package com.salesagent.worker.health;

import com.codahale.metrics.health.HealthCheck;
import com.salesagent.worker.MongoConnection;

/** Healthy when the server answers ping. */
public class MongoHealthCheck extends HealthCheck {
  private final MongoConnection mongo;

  public MongoHealthCheck(MongoConnection mongo) {
    this.mongo = mongo;
  }

  @Override
  protected Result check() {
    mongo.ping();
    return Result.healthy("database %s at %s", mongo.database().getName(), mongo.hosts());
  }
}

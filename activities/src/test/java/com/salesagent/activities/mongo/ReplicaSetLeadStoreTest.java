package com.salesagent.activities.mongo;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The same contract on a real replica set (time-series timeline); extra coverage with Docker. */
@Testcontainers(disabledWithoutDocker = true)
class ReplicaSetLeadStoreTest extends LeadStoreContract {
  @RegisterExtension
  static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.replicaSet("mongo:7.0");

  @Override
  MongoDatabaseExtension mongo() {
    return MONGO;
  }
}

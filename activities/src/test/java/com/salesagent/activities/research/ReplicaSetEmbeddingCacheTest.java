package com.salesagent.activities.research;

import com.salesagent.activities.mongo.MongoDatabaseExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The same contract on a real MongoDB replica set; extra coverage where Docker exists. */
@Testcontainers(disabledWithoutDocker = true)
class ReplicaSetEmbeddingCacheTest extends EmbeddingCacheContract {
  @RegisterExtension
  static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.replicaSet("mongo:7.0");

  @Override
  MongoDatabaseExtension mongo() {
    return MONGO;
  }
}

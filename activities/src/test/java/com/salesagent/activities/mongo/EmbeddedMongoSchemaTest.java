package com.salesagent.activities.mongo;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The schema contract on the embedded MongoDB-wire server: runs everywhere. */
class EmbeddedMongoSchemaTest extends MongoSchemaContract {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  @Override
  MongoDatabaseExtension mongo() {
    return MONGO;
  }

  @Override
  boolean expectsTimeSeries() {
    return false;
  }
}

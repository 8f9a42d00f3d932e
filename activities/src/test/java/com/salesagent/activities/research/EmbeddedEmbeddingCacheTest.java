package com.salesagent.activities.research;

import com.salesagent.activities.mongo.MongoDatabaseExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The embedding cache on the embedded MongoDB-wire server (the default stack). */
class EmbeddedEmbeddingCacheTest extends EmbeddingCacheContract {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  @Override
  MongoDatabaseExtension mongo() {
    return MONGO;
  }
}

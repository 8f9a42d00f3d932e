package com.salesagent.activities.mongo;

import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedLeadStoreTest extends LeadStoreContract {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  @Override
  MongoDatabaseExtension mongo() {
    return MONGO;
  }
}

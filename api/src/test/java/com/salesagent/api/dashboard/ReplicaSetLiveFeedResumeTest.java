package com.salesagent.api.dashboard;

import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The resume contract on a real single-node replica set (MongoDB 7): the resume token the feed
 * keeps is the server's own. Extra coverage where Docker exists; LiveFeedResumeTest runs it
 * everywhere on the embedded server.
 */
@Testcontainers(disabledWithoutDocker = true)
class ReplicaSetLiveFeedResumeTest extends LiveFeedResumeContract {
  @Container static final MongoDBContainer MONGO = new MongoDBContainer("mongo:7.0");

  @Override
  String connectionString() {
    return MONGO.getReplicaSetUrl();
  }
}

package com.salesagent.activities.mongo;

/**
 * What the connected server offers beyond the core that both the embedded server and MongoDB 5+
 * accept. Detected once at start-up; features fall back when a capability is missing: time-series
 * (else a regular collection), change streams (else tailing by timestamp), vector search (Atlas,
 * Atlas Local; else exact cosine over the lead's own chunks). {@code vectorSearch} says the vector
 * index exists; whether it answers queries yet is {@link VectorIndex#queryable()}.
 */
public record MongoCapabilities(
    boolean timeSeries, boolean changeStreams, boolean vectorSearch, String serverVersion) {}

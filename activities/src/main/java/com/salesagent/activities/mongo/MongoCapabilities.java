package com.salesagent.activities.mongo;

/**
 * What the connected server offers beyond the core that both the embedded server and MongoDB 5+
 * accept. Detected once at start-up; features fall back when a capability is missing.
 */
public record MongoCapabilities(boolean timeSeries, boolean changeStreams, String serverVersion) {}

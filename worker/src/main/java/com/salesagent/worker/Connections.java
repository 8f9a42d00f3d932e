package com.salesagent.worker;

import com.salesagent.temporal.TemporalConnection;
import com.salesagent.worker.config.WorkerConfiguration;
import com.salesagent.worker.health.MongoHealthCheck;
import com.salesagent.worker.health.S3HealthCheck;
import com.salesagent.worker.health.SendersHealthCheck;
import com.salesagent.worker.health.TemporalHealthCheck;
import com.salesagent.worker.observability.PrometheusMetrics;
import com.salesagent.worker.observability.WorkflowTaskLatency;
import io.dropwizard.core.setup.Environment;
import java.time.Duration;

/**
 * The three connections every process holds, registered as Managed objects in dependency order
 * (Temporal, MongoDB, S3) with one health check each, and the business numbers' sending state; and
 * how long this process's workflow tasks wait to start (WorkflowTaskAdmission reads it).
 */
public record Connections(
    TemporalConnection temporal,
    MongoConnection mongo,
    StorageConnection storage,
    WorkflowTaskLatency workflowTaskLatency) {

  public static Connections open(WorkerConfiguration c, Environment env, Endpoints endpoints) {
    PrometheusMetrics metrics = PrometheusMetrics.install(env);
    TemporalConnection temporal =
        new TemporalConnection(
            endpoints.temporalTarget(), c.getTemporal(), metrics.temporalScope());
    MongoConnection mongo =
        new MongoConnection(
            endpoints.mongoUri(),
            c.getMongodb().getDatabase(),
            c.getMongodb().getConnectTimeoutSeconds(),
            c.getLifecycle().toDefaults(),
            Duration.ofSeconds(c.getMongodb().getVectorIndexWaitSeconds()));
    StorageConnection storage =
        new StorageConnection(
            new StorageConnection.Settings(
                endpoints.s3Endpoint(),
                c.getS3().getPublicEndpoint(),
                c.getS3().getRegion(),
                c.getS3().getBucket(),
                c.getS3().usePathStyle(),
                StorageConnection.Checksums.of(c.getS3().getChecksums()),
                c.getS3().isCreateBucket(),
                c.getS3().getConnectTimeoutSeconds()),
            endpoints.s3Credentials());
    env.lifecycle().manage(new TemporalManaged(temporal));
    env.lifecycle().manage(mongo);
    env.lifecycle().manage(storage);
    env.healthChecks().register("temporal", new TemporalHealthCheck(temporal));
    env.healthChecks().register("mongodb", new MongoHealthCheck(mongo));
    env.healthChecks().register("s3", new S3HealthCheck(storage));
    env.healthChecks().register("senders", new SendersHealthCheck(mongo));
    return new Connections(temporal, mongo, storage, metrics.workflowTaskLatency());
  }
}

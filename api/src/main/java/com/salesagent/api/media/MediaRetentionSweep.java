package com.salesagent.api.media;

import com.salesagent.activities.media.MediaRetention;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the inbound media retention a minute after start and hourly (every API process: idempotent).
 */
public final class MediaRetentionSweep implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(MediaRetentionSweep.class);

  private final MediaRetention retention;
  private final Duration keepFor;
  private ScheduledExecutorService sweeper;

  public MediaRetentionSweep(MediaRetention retention, Duration keepFor) {
    this.retention = retention;
    this.keepFor = keepFor;
  }

  @Override
  public void start() {
    if (keepFor.isZero()) {
      LOG.info("inbound media is kept until a lead is erased (MEDIA_RETENTION=0)");
      return;
    }
    sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "media-retention");
              t.setDaemon(true);
              return t;
            });
    sweeper.scheduleWithFixedDelay(this::sweep, 1, 60, TimeUnit.MINUTES);
  }

  private void sweep() {
    try {
      retention.sweep(keepFor);
    } catch (RuntimeException e) {
      LOG.warn("inbound media retention sweep failed: {}", e.getMessage());
    }
  }

  @Override
  public void stop() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }
}

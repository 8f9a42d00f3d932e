package com.salesagent.worker;

import com.salesagent.temporal.TemporalConnection;
import io.dropwizard.lifecycle.Managed;

/** Ties a Temporal connection to the Dropwizard lifecycle: reachable and registered at start. */
public final class TemporalManaged implements Managed {
  private final TemporalConnection connection;

  public TemporalManaged(TemporalConnection connection) {
    this.connection = connection;
  }

  @Override
  public void start() {
    connection.awaitReachableAndRegister();
  }

  @Override
  public void stop() {
    connection.close();
  }
}

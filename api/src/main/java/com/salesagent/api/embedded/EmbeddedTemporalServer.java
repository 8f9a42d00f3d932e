package com.salesagent.api.embedded;

import com.salesagent.temporal.Ports;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The in-process Temporal dev server for the embedded default: a real gRPC endpoint on a port, so
 * other processes of this machine (the CLI, a second worker) can use it too. It listens on loopback
 * only: it has no authentication, and its whole history would be readable from another host ({@code
 * TestServer.createPortBoundServer} binds every interface, so the same services are bound here by
 * hand). Timers run on the wall clock: time skipping stays locked, it is for unit tests only.
 * Everything lives in memory.
 */
public final class EmbeddedTemporalServer implements AutoCloseable {
  private final int port;
  private final boolean workarounds;
  private TestServicesStarter services;
  private Server server;

  /** {@code port} 0 picks a free port now, so the address is known before {@link #start()}. */
  public EmbeddedTemporalServer(int port) {
    this(port, true);
  }

  /** {@code workarounds} false: the dev server exactly as temporal-testing ships it (tests). */
  EmbeddedTemporalServer(int port, boolean workarounds) {
    this.port = port == 0 ? Ports.freePort() : port;
    this.workarounds = workarounds;
  }

  public int port() {
    return port;
  }

  public String target() {
    return "127.0.0.1:" + port;
  }

  public synchronized void start() {
    Ports.requireFree(port, "Temporal dev server", "TEMPORAL_PORT");
    services = new TestServicesStarter(true, 0);
    if (workarounds) {
      TimerLockEvents.install(services);
      DeferredTimerFires.install(services);
      FifoTaskQueues.install(services);
    }
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    try {
      server = builder.build().start();
    } catch (IOException e) {
      services.close();
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.shutdown();
      try {
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
          server.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        server.shutdownNow();
      }
      services.close();
      server = null;
    }
  }
}

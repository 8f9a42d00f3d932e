package com.salesagent.api.embedded;

import com.salesagent.temporal.Ports;
import com.salesagent.temporal.TemporalConnection;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.InProcessGRPCServer;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The in-process Temporal dev server for the embedded default: a real gRPC endpoint on a port, so
 * other processes of this machine (the CLI, a second worker) can use it too. It listens on loopback
 * only: it has no authentication, and its whole history would be readable from another host ({@code
 * TestServer.createPortBoundServer} binds every interface, so the same services are bound here by
 * hand). Timers run on the wall clock: time skipping stays locked, it is for unit tests only.
 * Everything lives in memory.
 *
 * <p>The same services are also bound to an in-process endpoint ({@link #inProcessTarget()}) for
 * the clients of this JVM (the API and its in-process worker): their calls skip the socket, HTTP/2
 * and protobuf encoding. It refuses messages over gRPC's 4 MiB as the port does (the in-process
 * transport itself has no limit), so a payload too large for a real server fails here too.
 */
public final class EmbeddedTemporalServer implements AutoCloseable {
  private final int port;
  private final boolean workarounds;
  private final String inProcessName = InProcessServerBuilder.generateName();
  private TestServicesStarter services;
  private Server server;
  private Server inProcess;

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

  /** The same server for clients in this JVM ({@link TemporalConnection#IN_PROCESS}). */
  public String inProcessTarget() {
    return TemporalConnection.IN_PROCESS + inProcessName;
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
    InProcessServerBuilder local = InProcessServerBuilder.forName(inProcessName);
    GRPCServerHelper.registerServicesAndHealthChecks(
        services.getServices(), local, List.of(new InProcessGRPCServer.MessageSizeChecker()));
    try {
      server = builder.build().start();
      inProcess = local.build().start();
    } catch (IOException e) {
      if (server != null) {
        server.shutdownNow();
      }
      services.close();
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (inProcess != null) {
      inProcess.shutdownNow();
      inProcess = null;
    }
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

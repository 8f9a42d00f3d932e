package com.salesagent.temporal;

import com.uber.m3.tally.Scope;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gRPC connection to a Temporal frontend with the client and operator stubs on top. Creating it
 * opens nothing; {@link #awaitReachable()} proves the namespace answers.
 *
 * <p>A target {@code in-process:<name>} is a server in this JVM (the embedded dev server's
 * in-process endpoint, {@link #IN_PROCESS}): the calls go through gRPC's in-process transport, with
 * no socket, no HTTP/2 framing and no protobuf encoding (the request objects themselves are handed
 * over), and TLS and API keys do not apply.
 */
public final class TemporalConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TemporalConnection.class);

  /** The scheme of a target that names a gRPC server in this JVM. */
  public static final String IN_PROCESS = "in-process:";

  private final String target;
  private final TemporalSettings settings;
  private final WorkflowServiceStubs service;
  private final OperatorServiceStubs operator;
  private final WorkflowClient client;
  private final ManagedChannel inProcess;
  private volatile Duration retryInterval = Duration.ofSeconds(1);

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration MIN_CALL_TIMEOUT = Duration.ofMillis(500);

  public TemporalConnection(String target, TemporalSettings settings) {
    this(target, settings, null);
  }

  /** {@code metrics}: where the SDK reports (its client and the workers on it); null for none. */
  public TemporalConnection(String target, TemporalSettings settings, Scope metrics) {
    this.target = target;
    this.settings = settings;
    this.inProcess =
        target.startsWith(IN_PROCESS)
            ? InProcessChannelBuilder.forName(target.substring(IN_PROCESS.length()))
                .directExecutor()
                .build()
            : null;
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder();
    if (inProcess != null) {
      options.setChannel(inProcess);
    } else {
      options.setTarget(target);
      network(options, settings);
    }
    if (metrics != null) {
      options.setMetricsScope(metrics);
    }
    WorkflowServiceStubsOptions built = options.build();
    this.service = WorkflowServiceStubs.newServiceStubs(built);
    this.operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder(service.getOptions())
                .setChannel(service.getRawChannel())
                .build());
    this.client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder()
                .setNamespace(settings.getNamespace())
                .setDataConverter(DataConverters.dataConverter())
                .build());
  }

  /** TLS, the server name and the API key of a network target. */
  private static void network(
      WorkflowServiceStubsOptions.Builder options, TemporalSettings settings) {
    SslContext ssl = sslContext(settings);
    if (ssl != null) {
      options.setSslContext(ssl);
    }
    String serverName = settings.getTls().getServerName();
    if (!serverName.isBlank()) {
      // the name TLS verifies the server's certificate against, and the :authority sent
      options.setChannelInitializer(channel -> channel.overrideAuthority(serverName));
    }
    if (!settings.getApiKey().isBlank()) {
      String key = settings.getApiKey();
      options.addApiKey(() -> key);
      if (ssl == null) {
        options.setEnableHttps(true);
      }
    }
  }

  public String target() {
    return target;
  }

  public String namespace() {
    return settings.getNamespace();
  }

  public WorkflowServiceStubs service() {
    return service;
  }

  public OperatorServiceStubs operator() {
    return operator;
  }

  public WorkflowClient client() {
    return client;
  }

  /** Describes the namespace once, with a deadline; throws when it does not answer. */
  public void describeNamespace(Duration timeout) {
    service
        .blockingStub()
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .describeNamespace(
            DescribeNamespaceRequest.newBuilder().setNamespace(settings.getNamespace()).build());
  }

  /**
   * Waits until the namespace answers or the configured timeout passes (servers started by
   * docker-compose may still be booting, and a namespace just created answers NOT_FOUND until the
   * frontend's namespace cache refreshes), then registers or checks the search-attribute catalogue.
   * Refused credentials end the wait at once.
   */
  public void awaitReachableAndRegister() {
    long deadline =
        System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.getConnectTimeoutSeconds());
    StatusRuntimeException last = null;
    while (true) {
      try {
        describeNamespace(callTimeout(deadline));
        SearchAttributeRegistrar.ensure(
            operator,
            settings.getNamespace(),
            LeadSearchAttributes.CATALOGUE,
            settings.isRegisterSearchAttributes(),
            callTimeout(deadline));
        return;
      } catch (StatusRuntimeException e) {
        last = e;
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.UNAUTHENTICATED) {
          throw new StartupException(
              "Temporal at "
                  + target
                  + " refused our credentials (UNAUTHENTICATED); check TEMPORAL_API_KEY or the"
                  + " TEMPORAL_TLS_* settings",
              e);
        }
        if (code == Status.Code.PERMISSION_DENIED) {
          throw new StartupException(
              "Temporal at "
                  + target
                  + " denied access to namespace '"
                  + settings.getNamespace()
                  + "' (PERMISSION_DENIED); check that the TEMPORAL_API_KEY or TEMPORAL_TLS_CERT"
                  + " identity may use it, and TEMPORAL_NAMESPACE (on Temporal Cloud:"
                  + " <name>.<account id>)",
              e);
        }
        if (code == Status.Code.NOT_FOUND) {
          LOG.info(
              "Waiting for namespace {} at {} (NOT_FOUND: not created yet, or not yet known to"
                  + " the frontend)",
              settings.getNamespace(),
              target);
        } else {
          LOG.info("Waiting for Temporal at {}: {}", target, code);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      sleep(Math.min(retryInterval.toMillis(), Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
    }
    if (last != null && last.getStatus().getCode() == Status.Code.NOT_FOUND) {
      throw new StartupException(
          "Temporal namespace '"
              + settings.getNamespace()
              + "' does not exist at "
              + target
              + " (still NOT_FOUND after "
              + settings.getConnectTimeoutSeconds()
              + " s); create it (temporal operator namespace create --namespace "
              + settings.getNamespace()
              + ") or set TEMPORAL_NAMESPACE",
          last);
    }
    throw new StartupException(
        "Cannot reach Temporal at "
            + target
            + " within "
            + settings.getConnectTimeoutSeconds()
            + " s ("
            + (last == null ? "no answer" : last.getStatus().getCode())
            + "); check TEMPORAL_ADDRESS or start the server",
        last);
  }

  /** Test hook: how long to wait between attempts of {@link #awaitReachableAndRegister()}. */
  void retryInterval(Duration interval) {
    this.retryInterval = interval;
  }

  /** A call's deadline: at most {@link #CALL_TIMEOUT}, and not far past the overall deadline. */
  private static Duration callTimeout(long deadline) {
    long left = deadline - System.nanoTime();
    return Duration.ofNanos(
        Math.max(MIN_CALL_TIMEOUT.toNanos(), Math.min(CALL_TIMEOUT.toNanos(), left)));
  }

  @Override
  public void close() {
    operator.shutdown();
    service.shutdown();
    service.awaitTermination(5, TimeUnit.SECONDS);
    if (inProcess != null) {
      // A channel given to the stubs is the giver's to close.
      inProcess.shutdown();
      try {
        inProcess.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The client TLS context of the settings, or null without TLS. The client key may be PKCS#8,
   * PKCS#1 (RSA) or SEC1 (EC) PEM; it must belong to the client certificate.
   */
  static SslContext sslContext(TemporalSettings settings) {
    TemporalSettings.Tls tls = settings.getTls();
    if (!tls.isEnabled()) {
      return null;
    }
    SslContextBuilder builder = GrpcSslContexts.forClient();
    boolean cert = !tls.getClientCertPath().isBlank();
    boolean key = !tls.getClientKeyPath().isBlank();
    if (cert != key) {
      throw new StartupException(
          "mTLS needs both a client certificate and its key: set "
              + (cert ? "TEMPORAL_TLS_KEY" : "TEMPORAL_TLS_CERT")
              + " too, or neither");
    }
    if (cert) {
      X509Certificate[] chain = PemFiles.certificates(tls.getClientCertPath(), "TEMPORAL_TLS_CERT");
      PrivateKey privateKey = PemFiles.privateKey(tls.getClientKeyPath(), "TEMPORAL_TLS_KEY");
      PemFiles.requireMatch(privateKey, chain[0], "TEMPORAL_TLS_KEY", "TEMPORAL_TLS_CERT");
      builder.keyManager(privateKey, chain);
    }
    if (!tls.getServerRootCaPath().isBlank()) {
      builder.trustManager(PemFiles.certificates(tls.getServerRootCaPath(), "TEMPORAL_TLS_CA"));
    }
    try {
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new StartupException(
          "Temporal TLS settings are unusable: " + e.getMessage() + " (TEMPORAL_TLS_*)", e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("Interrupted while waiting for Temporal", e);
    }
  }
}

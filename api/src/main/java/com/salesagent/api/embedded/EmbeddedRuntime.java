package com.salesagent.api.embedded;

import com.salesagent.activities.whatsapp.SenderSpec;
import com.salesagent.api.auth.ApiSecurity;
import com.salesagent.api.config.ApiConfiguration;
import com.salesagent.api.config.EmbeddedSettings;
import com.salesagent.worker.Endpoints;
import com.salesagent.worker.config.WhatsAppFactory;
import io.dropwizard.core.setup.Environment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Registers the in-process stand-ins, in start-up order, for every part configured as embedded
 * (Temporal dev server, MongoDB-wire server, S3 server, WhatsApp emulator) and returns where each
 * part really is. A part given a real address in the environment is used as is.
 */
public final class EmbeddedRuntime {
  private final Endpoints endpoints;
  private final List<String> urls;
  private final WhatsAppEmulator emulator;
  private final String devServerTarget;

  private EmbeddedRuntime(
      Endpoints endpoints, List<String> urls, WhatsAppEmulator emulator, String devServerTarget) {
    this.endpoints = endpoints;
    this.urls = urls;
    this.emulator = emulator;
    this.devServerTarget = devServerTarget;
  }

  /** The embedded dev server's port for other processes, or null when Temporal is real. */
  public String devServerTarget() {
    return devServerTarget;
  }

  /** The emulator, or null when a real WhatsApp Cloud API is configured. */
  public WhatsAppEmulator emulator() {
    return emulator;
  }

  public Endpoints endpoints() {
    return endpoints;
  }

  /** "name: url" lines for the start-up banner. */
  public List<String> urls() {
    return urls;
  }

  /** A generated value in full (it exists to be copied); a configured one as a fingerprint. */
  public static String shown(String configured, String effective) {
    return configured == null || configured.isBlank()
        ? effective + "  (generated)"
        : ApiSecurity.fingerprint(effective) + "  (from the environment)";
  }

  public static EmbeddedRuntime register(ApiConfiguration c, Environment env) {
    EmbeddedSettings e = c.getEmbedded();
    List<String> urls = new ArrayList<>();

    String temporal = c.getTemporal().getAddress();
    String devServer = null;
    if (c.getTemporal().isEmbedded()) {
      EmbeddedTemporal server = new EmbeddedTemporal(e.getTemporalPort());
      env.lifecycle().manage(server);
      // This process's clients take the in-process endpoint; other processes the port.
      temporal = server.inProcessTarget();
      devServer = server.target();
      urls.add("Temporal dev server (gRPC): " + devServer + "  (in memory)");
    }

    String mongo = c.getMongodb().getUri();
    if (c.getMongodb().isEmbedded()) {
      boolean changeStreams = "change_streams".equals(c.getApi().getLiveFeed());
      EmbeddedMongoServer server = new EmbeddedMongoServer(e.getMongoPort(), changeStreams);
      env.lifecycle().manage(server);
      mongo = server.connectionString();
      urls.add(
          "MongoDB-wire server: "
              + mongo
              + "  (in memory"
              + (changeStreams ? ", oplog on for change streams)" : ")"));
    }

    String s3 = c.getS3().getEndpoint();
    AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    if (c.getS3().isEmbedded()) {
      EmbeddedS3Server server = new EmbeddedS3Server(e.getS3Port(), Path.of(e.getDataDir(), "s3"));
      env.lifecycle().manage(server);
      s3 = server.endpoint();
      credentials = server.credentials();
      urls.add(
          "S3-compatible server: "
              + s3
              + "  (files under "
              + server.directory().toAbsolutePath().normalize()
              + ")");
    }

    WhatsAppFactory w = c.getWhatsapp();
    Endpoints.WhatsAppEndpoint whatsapp =
        new Endpoints.WhatsAppEndpoint(
            w.getApiBaseUrl(),
            w.getApiVersion(),
            w.getPhoneNumberId(),
            w.getAccessToken(),
            w.getAppSecret(),
            w.getVerifyToken(),
            Endpoints.senders(c),
            System::getenv,
            w.getThroughputShare());
    WhatsAppEmulator emulator = null;
    if (w.isEmulator()) {
      // Its numbers as at the last start on this DATA_DIR (a MongoDB that outlives the process
      // remembers the senders and the leads pinned to them), or new ones kept for the next.
      emulator =
          new EmulatorIdentity(Path.of(e.getDataDir()))
              .emulator(
                  e.getWhatsappEmulatorPort(),
                  w.getPhoneNumberId(),
                  w.getAccessToken(),
                  w.getAppSecret(),
                  w.getVerifyToken(),
                  e.getEmulatorBehaviour(),
                  e.getEmulatorNumbers());
      emulator.setFaults(EmulatorFaults.parse(e.getEmulatorFaults(), 7));
      env.lifecycle().manage(emulator);
      // The pool: the emulator's further numbers, their tokens resolved in process.
      List<SenderSpec> senders = new ArrayList<>(whatsapp.senders());
      List<EmulatorNumbers.Number> served = emulator.numbers().all();
      for (int i = 2; i <= e.getEmulatorNumbers(); i++) {
        senders.add(
            new SenderSpec(served.get(i - 1).phoneNumberId(), EmulatorNumbers.tokenRef(i), null));
      }
      EmulatorNumbers numbers = emulator.numbers();
      whatsapp =
          new Endpoints.WhatsAppEndpoint(
              emulator.baseUrl(),
              w.getApiVersion(),
              emulator.phoneNumberId(),
              emulator.accessToken(),
              emulator.appSecret(),
              emulator.verifyToken(),
              List.copyOf(senders),
              ref -> {
                String token = numbers.token(ref);
                return token != null ? token : System.getenv(ref);
              },
              whatsapp.throughputShare());
      urls.add(
          "WhatsApp Cloud API emulator: "
              + emulator.baseUrl()
              + "  (recipients: "
              + e.getEmulatorBehaviour().mode()
              + (emulator.faults().any() ? "; faults " + emulator.faults() : "")
              + ")");
      // Generated for this process only: shown so a developer can sign test webhooks. Values
      // that came from the environment are secrets someone chose: only their fingerprint.
      urls.add("WhatsApp phone number id: " + emulator.phoneNumberId());
      urls.add("WhatsApp access token: " + shown(w.getAccessToken(), emulator.accessToken()));
      urls.add("Webhook app secret: " + shown(w.getAppSecret(), emulator.appSecret()));
      urls.add("Webhook verify token: " + shown(w.getVerifyToken(), emulator.verifyToken()));
    }
    return new EmbeddedRuntime(
        new Endpoints(temporal, mongo, s3, credentials, whatsapp), urls, emulator, devServer);
  }
}

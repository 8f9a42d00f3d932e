package com.salesagent.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.salesagent.temporal.StartupException;
import com.salesagent.worker.cli.ConfigSources;
import com.salesagent.worker.config.WorkerConfiguration;
import com.salesagent.worker.observability.JsonConsoleAppenderFactory;
import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.logging.common.ConsoleAppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.json.EventJsonLayoutBaseFactory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bundled worker.yml read with a given environment, as the worker process reads it. */
class WorkerConfigurationTest {
  private static WorkerConfiguration load(Map<String, String> env) throws Exception {
    return new YamlConfigurationFactory<>(
            WorkerConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
        .build(ConfigSources.fileOrClasspath(env), "worker.yml");
  }

  private static Map<String, String> env(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    env.put("PII_HASH_KEY", KEY);
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }

  /** 36 bytes in base64: what every case but the key's own starts from. */
  private static final String KEY = "d29ya2VyLWNvbmZpZ3VyYXRpb24tdGVzdC1rZXktMDEyMzQ1";

  /**
   * The worker hashes phone numbers (an erasure finds import rows by them) with the API's key:
   * none, one under 32 bytes or one that is no base64 stops start-up naming PII_HASH_KEY, never
   * quoting the value; a good one is read.
   */
  @Test
  void aMissingShortOrMalformedPiiHashKeyStopsTheWorkerNamingIt() throws Exception {
    for (String bad : new String[] {"", "c2hvcnQta2V5", "not base64 at all!"}) {
      assertThatThrownBy(() -> load(env("PII_HASH_KEY", bad)))
          .as("'" + bad + "'")
          .isInstanceOf(ConfigurationValidationException.class)
          .hasMessageContaining("* PII_HASH_KEY must be a base64 key of at least 32 bytes")
          .hasMessageNotContaining(bad.isEmpty() ? "\u0000" : bad);
    }
    assertThat(load(env()).getPiiHashKey()).isEqualTo(KEY);
  }

  /**
   * A value that does not parse, or a number out of range, is printed naming the variable to fix,
   * not only the YAML key it fills (which the operator never wrote).
   */
  @Test
  void aBadSettingsStartUpErrorNamesItsVariable() {
    String[][] cases = {
      {"FOLLOW_UP_UNREAD", "soon"},
      {"WORKER_ADMIN_PORT", "abc"},
      {"MAX_FOLLOW_UPS", "99"},
      {"WORKER_WORKFLOW_POLLERS", "0"},
    };
    for (String[] c : cases) {
      Throwable thrown = catchThrowable(() -> load(env(c[0], c[1])));
      assertThat(thrown).as(c[0]).isNotNull();
      String printed = com.salesagent.worker.cli.DefaultedServerCommand.describe(thrown);
      assertThat(printed).as(printed).contains("(" + c[0] + ")").doesNotContain("[Source:");
    }
  }

  @Test
  void defaultsPointAtTheComposeStackOnLocalhost() throws Exception {
    WorkerConfiguration c = load(env());

    assertThat(c.getTemporal().getAddress()).isEqualTo("localhost:7233");
    assertThat(c.getTemporal().getNamespace()).isEqualTo("default");
    assertThat(c.getMongodb().getUri()).isEqualTo("mongodb://localhost:27017/?replicaSet=rs0");
    assertThat(c.getS3().getEndpoint()).isEmpty();
    assertThat(c.getS3().getBucket()).isEqualTo("sales-agent-media");
  }

  @Test
  void environmentVariablesOverrideEverySection() throws Exception {
    WorkerConfiguration c =
        load(
            env(
                "TEMPORAL_ADDRESS", "temporal:7233",
                "TEMPORAL_NAMESPACE", "sales",
                "MONGODB_URI", "mongodb://mongo:27017/?replicaSet=rs0",
                "MONGODB_DATABASE", "agent",
                "S3_ENDPOINT", "http://minio:9000",
                "S3_BUCKET", "media-bucket",
                "S3_REGION", "eu-west-1"));

    assertThat(c.getTemporal().getAddress()).isEqualTo("temporal:7233");
    assertThat(c.getTemporal().getNamespace()).isEqualTo("sales");
    assertThat(c.getMongodb().getUri()).isEqualTo("mongodb://mongo:27017/?replicaSet=rs0");
    assertThat(c.getMongodb().getDatabase()).isEqualTo("agent");
    assertThat(c.getS3().getEndpoint()).isEqualTo("http://minio:9000");
    assertThat(c.getS3().getBucket()).isEqualTo("media-bucket");
    assertThat(c.getS3().getRegion()).isEqualTo("eu-west-1");
  }

  @Test
  void logFormatJsonSwitchesTheConsoleToDropwizardsJsonLayout() throws Exception {
    DefaultLoggingFactory text = (DefaultLoggingFactory) load(env()).getLoggingFactory();
    DefaultLoggingFactory json =
        (DefaultLoggingFactory) load(env("LOG_FORMAT", "json")).getLoggingFactory();

    assertThat(text.getAppenders().get(0)).isExactlyInstanceOf(ConsoleAppenderFactory.class);
    assertThat(json.getAppenders().get(0)).isInstanceOf(JsonConsoleAppenderFactory.class);
    assertThat(((ConsoleAppenderFactory<?>) json.getAppenders().get(0)).getLayout())
        .isInstanceOf(EventJsonLayoutBaseFactory.class);
  }

  @Test
  void aWorkerServesBothTaskQueuesUnlessToldWhichAndBoundsResearch() throws Exception {
    WorkerConfiguration c = load(env());
    assertThat(c.getWorker().servedQueues()).containsExactly("leads", "research");
    assertThat(c.getWorker().getResearchConcurrency()).isEqualTo(2);

    WorkerConfiguration research =
        load(env("WORKER_TASK_QUEUES", "research", "WORKER_RESEARCH_CONCURRENCY", "6"));
    assertThat(research.getWorker().servedQueues()).containsExactly("research");
    assertThat(research.getWorker().getResearchConcurrency()).isEqualTo(6);
    assertThat(load(env("WORKER_TASK_QUEUES", " research , leads ")).getWorker().servedQueues())
        .containsExactly("research", "leads");
  }

  @Test
  void mediaGoesByUploadUnlessLinksAreConfiguredWithASaneLifetime() throws Exception {
    assertThat(load(env()).getWorker().getMediaDelivery()).isEqualTo("upload");
    WorkerConfiguration links = load(env("MEDIA_DELIVERY", "link", "MEDIA_LINK_TTL", "30m"));
    assertThat(links.getWorker().getMediaDelivery()).isEqualTo("link");
    assertThat(links.getWorker().getMediaLinkTtl().toMinutes()).isEqualTo(30);
    assertThatThrownBy(() -> load(env("MEDIA_DELIVERY", "email")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("worker.mediaDelivery");
    assertThatThrownBy(() -> load(env("MEDIA_LINK_TTL", "30s")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("MEDIA_LINK_TTL");
    assertThatThrownBy(() -> load(env("MEDIA_LINK_TTL", "8d")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("MEDIA_LINK_TTL");
  }

  @Test
  void anUnknownTaskQueueOrNoneStopsStartUpNamingTheVariable() {
    for (String bad : new String[] {"leads,email", "sales-agent-leads", "leads;research", " "}) {
      assertThatThrownBy(() -> load(env("WORKER_TASK_QUEUES", bad)))
          .as(bad)
          .isInstanceOf(ConfigurationValidationException.class)
          .hasMessageContaining("worker.taskQueues")
          .hasMessageContaining("WORKER_TASK_QUEUES");
    }
    assertThatThrownBy(() -> load(env("WORKER_RESEARCH_CONCURRENCY", "0")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("worker.researchConcurrency")
        .hasMessageContaining("WORKER_RESEARCH_CONCURRENCY");
  }

  @Test
  void aMalformedMongoUriNamesTheSettingAndTheVariable() {
    assertThatThrownBy(() -> load(env("MONGODB_URI", "postgres://db:5432")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("mongodb")
        .hasMessageContaining("MONGODB_URI");
  }

  /**
   * Dropwizard prints a whole-object check's message without the key it is about, so each such
   * message begins with its variable: "* MONGODB_URI is not ...", never "* is not ...".
   */
  @Test
  void everyWholeObjectCheckStartsWithItsVariable() {
    String[][] cases = {
      {"MONGODB_URI", "postgres://db:5432"},
      {"S3_ENDPOINT", "minio:9000"},
      {"S3_PATH_STYLE", "yes"},
      {"S3_PUBLIC_ENDPOINT", "media.example.com"},
      {"DEFAULT_TIMEZONE", "Mars/Olympus"},
      {"WHATSAPP_API_BASE_URL", "graph.facebook.com"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> load(env(c[0], c[1])))
          .as(c[0])
          .isInstanceOf(ConfigurationValidationException.class)
          .hasMessageContaining("* " + c[0] + " ");
    }
    assertThatThrownBy(() -> load(env("LLM_PROVIDER", "openai")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("* LLM_API_KEY ");
  }

  /**
   * An LLM base URL that is no URL, or a log level Logback does not know, started the process: the
   * first failed every LLM call, the second logged at INFO as if nothing had been asked.
   */
  @Test
  void aMalformedLlmBaseUrlOrAnUnknownLogLevelStopsStartUpNamingItsVariable() throws Exception {
    assertThatThrownBy(() -> load(env("LLM_PROVIDER", "ollama", "LLM_BASE_URL", "::bad")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("* LLM_BASE_URL ");
    for (String level : new String[] {"LOUD", "DEBUGG", "verbose", "on"}) {
      assertThatThrownBy(() -> load(env("LOG_LEVEL", level)))
          .as(level)
          .isInstanceOf(ConfigurationValidationException.class)
          .hasMessageContaining("* LOG_LEVEL ");
    }
    for (String level : new String[] {"debug", "WARN", "Info", "OFF", "trace"}) {
      load(env("LOG_LEVEL", level));
    }
    assertThat(
            load(env("LLM_PROVIDER", "ollama", "LLM_BASE_URL", "http://ollama:11434"))
                .getLlm()
                .getBaseUrl())
        .isEqualTo("http://ollama:11434");
  }

  @Test
  void aMalformedTemporalAddressNamesTheVariable() {
    assertThatThrownBy(() -> load(env("TEMPORAL_ADDRESS", "temporal-without-port")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("temporal.address")
        .hasMessageContaining("TEMPORAL_ADDRESS");
  }

  @Test
  void aBadBucketNameNamesTheVariable() {
    assertThatThrownBy(() -> load(env("S3_BUCKET", "Not_A_Bucket")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("s3.bucket")
        .hasMessageContaining("S3_BUCKET");
  }

  @Test
  void aBadS3EndpointNamesTheVariable() {
    assertThatThrownBy(() -> load(env("S3_ENDPOINT", "minio:9000")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("S3_ENDPOINT");
  }

  @Test
  void pathStyleDefaultsToVirtualHostsOnAwsAndPathStyleWithAnEndpoint() throws Exception {
    assertThat(load(env()).getS3().usePathStyle()).isFalse();
    assertThat(load(env("S3_ENDPOINT", "http://minio:9000")).getS3().usePathStyle()).isTrue();
    assertThat(
            load(env("S3_ENDPOINT", "https://s3.example.com", "S3_PATH_STYLE", "false"))
                .getS3()
                .usePathStyle())
        .isFalse();
    assertThat(load(env("S3_PATH_STYLE", "true")).getS3().usePathStyle()).isTrue();
    assertThatThrownBy(() -> load(env("S3_PATH_STYLE", "yes")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("S3_PATH_STYLE");
  }

  @Test
  void checksumsAndThePublicEndpointAreReadAndChecked() throws Exception {
    WorkerConfiguration defaults = load(env("S3_ENDPOINT", "http://minio:9000"));
    assertThat(defaults.getS3().getChecksums()).isEqualTo("when_supported");
    assertThat(defaults.getS3().getPublicEndpoint()).isEmpty();

    WorkerConfiguration set =
        load(
            env(
                "S3_ENDPOINT", "http://minio:9000",
                "S3_CHECKSUMS", "when_required",
                "S3_PUBLIC_ENDPOINT", "https://media.example.com"));
    assertThat(set.getS3().getChecksums()).isEqualTo("when_required");
    assertThat(set.getS3().getPublicEndpoint()).isEqualTo("https://media.example.com");

    assertThatThrownBy(() -> load(env("S3_CHECKSUMS", "never")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("S3_CHECKSUMS");
    assertThatThrownBy(() -> load(env("S3_PUBLIC_ENDPOINT", "media.example.com")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("S3_PUBLIC_ENDPOINT");
  }

  @Test
  void aMissingDatabaseNameIsReported() {
    assertThatThrownBy(() -> load(env("MONGODB_DATABASE", "bad.name")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("mongodb.database")
        .hasMessageContaining("MONGODB_DATABASE");
  }

  @Test
  void anUnknownLlmProviderOrAMissingKeyIsNamed() {
    assertThatThrownBy(() -> load(env("LLM_PROVIDER", "gpt")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("LLM_PROVIDER");
    assertThatThrownBy(() -> load(env("LLM_PROVIDER", "openai")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("LLM_API_KEY");
  }

  @Test
  void theLlmDefaultsToTheOfflineComposerAndPicksAModelPerProvider() throws Exception {
    assertThat(load(env()).getLlm().toSettings().enabled()).isFalse();
    assertThat(
            load(env("LLM_PROVIDER", "gemini", "LLM_API_KEY", "k")).getLlm().toSettings().model())
        .isEqualTo("gemini-2.0-flash");
    assertThat(load(env("LLM_PROVIDER", "ollama")).getLlm().toSettings().label())
        .isEqualTo("ollama/llama3.1");
  }

  @Test
  void aBadApprovalDefaultOrQuietHourIsNamed() {
    assertThatThrownBy(() -> load(env("APPROVAL_DEFAULT", "maybe")))
        .hasMessageContaining("APPROVAL_DEFAULT");
    assertThatThrownBy(() -> load(env("QUIET_HOURS_START", "25:00")))
        .hasMessageContaining("QUIET_HOURS_START");
  }

  @Test
  void aDefaultTimeZoneMustBeARegionNotAnOffset() throws Exception {
    for (String offset : java.util.List.of("+05:30", "GMT+1", "Mars/Base")) {
      assertThatThrownBy(() -> load(env("DEFAULT_TIMEZONE", offset)))
          .as(offset)
          .hasMessageContaining("DEFAULT_TIMEZONE");
    }
    assertThat(load(env("DEFAULT_TIMEZONE", "Europe/Paris")).getLifecycle().getDefaultTimezone())
        .isEqualTo("Europe/Paris");
  }

  @Test
  void embeddedPartsAreRefusedOutsideTheEmbeddedCommand() throws Exception {
    WorkerConfiguration c = load(env("MONGODB_URI", "embedded"));

    assertThatThrownBy(() -> Endpoints.fromConfiguration(c, Endpoints.WhatsAppUse.SEND))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("MONGODB_URI=embedded")
        .hasMessageContaining("'embedded' command");
  }

  @Test
  void theApiOfTheRealStackNamesEveryMissingWhatsAppVariableInOneMessage() throws Exception {
    WorkerConfiguration c = load(env());

    assertThatThrownBy(() -> Endpoints.fromConfiguration(c, Endpoints.WhatsAppUse.SEND_AND_RECEIVE))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith(
            "WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN, WHATSAPP_APP_SECRET,"
                + " WHATSAPP_VERIFY_TOKEN are not set")
        .hasMessageContaining("'embedded' command")
        .hasMessageNotContaining("\n");
  }

  @Test
  void theWorkerNeedsOnlyTheSendingVariables() throws Exception {
    assertThatThrownBy(
            () ->
                Endpoints.fromConfiguration(
                    load(env("WHATSAPP_ACCESS_TOKEN", "token")), Endpoints.WhatsAppUse.SEND))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith("WHATSAPP_PHONE_NUMBER_ID is not set")
        .hasMessageNotContaining("WHATSAPP_APP_SECRET");

    Endpoints endpoints =
        Endpoints.fromConfiguration(
            load(env("WHATSAPP_PHONE_NUMBER_ID", "106540352242922", "WHATSAPP_ACCESS_TOKEN", "t")),
            Endpoints.WhatsAppUse.SEND);
    assertThat(endpoints.whatsapp().phoneNumberId()).isEqualTo("106540352242922");
    assertThat(endpoints.whatsapp().apiVersion()).isEqualTo("v24.0");
  }

  @Test
  void aResearchOnlyWorkerNeedsNoWhatsAppVariables() throws Exception {
    WorkerConfiguration researchOnly = load(env("WORKER_TASK_QUEUES", "research"));
    assertThat(Endpoints.forWorker(researchOnly)).isEqualTo(Endpoints.WhatsAppUse.NONE);
    assertThat(Endpoints.fromConfiguration(researchOnly, Endpoints.forWorker(researchOnly)))
        .isNotNull();

    WorkerConfiguration both = load(env("WORKER_TASK_QUEUES", "leads,research"));
    assertThat(Endpoints.forWorker(both)).isEqualTo(Endpoints.WhatsAppUse.SEND);
    assertThatThrownBy(() -> Endpoints.fromConfiguration(both, Endpoints.forWorker(both)))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("WHATSAPP_PHONE_NUMBER_ID");
  }

  @Test
  void aPhoneNumberInsteadOfItsIdIsNamed() throws Exception {
    WorkerConfiguration c =
        load(
            env(
                "WHATSAPP_PHONE_NUMBER_ID", "+1 555 010 0000",
                "WHATSAPP_ACCESS_TOKEN", "t"));

    assertThatThrownBy(() -> Endpoints.fromConfiguration(c, Endpoints.WhatsAppUse.SEND))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("WHATSAPP_PHONE_NUMBER_ID must be the numeric phone number id");
  }

  @Test
  void theGraphApiVersionDefaultsToV24AndStaysConfigurable() throws Exception {
    assertThat(load(env()).getWhatsapp().getApiVersion()).isEqualTo("v24.0");
    assertThat(load(env("WHATSAPP_API_VERSION", "v25.0")).getWhatsapp().getApiVersion())
        .isEqualTo("v25.0");
    assertThatThrownBy(() -> load(env("WHATSAPP_API_VERSION", "24")))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("WHATSAPP_API_VERSION");
  }
}

package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What the repository promises a newcomer: the README documents every environment variable the
 * configuration reads, CI runs the README's test command, and docker-compose.yml refers only to
 * services, files and classes that exist. (.ci/run also validates the compose file against the
 * Compose schema with docker-compose.)
 */
class RepositoryContractTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

  private static String read(String relative) throws IOException {
    return Files.readString(ROOT.resolve(relative));
  }

  /** docker-compose.yml as Compose reads it: anchors and aliases resolved (SnakeYAML). */
  private static JsonNode compose() throws IOException {
    Object tree = new Yaml().load(read("docker-compose.yml"));
    return new ObjectMapper().valueToTree(tree);
  }

  private static Set<String> variables(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static String configurationTable() throws IOException {
    String readme = read("README.md");
    int start = readme.indexOf("## Configuration");
    int end = readme.indexOf("\n## ", start + 5);
    return readme.substring(start, end);
  }

  @Test
  void everyVariableTheConfigurationReadsIsInTheReadmeTable() throws IOException {
    Set<String> used = new TreeSet<>();
    for (String file :
        List.of(
            "api/src/main/resources/embedded.yml",
            "api/src/main/resources/server.yml",
            "worker/src/main/resources/worker.yml",
            "worker/src/main/resources/shared.yml",
            "docker-compose.yml")) {
      used.addAll(variables(read(file)));
    }
    String table = configurationTable();

    assertThat(used).hasSizeGreaterThan(20);
    List<String> undocumented = new ArrayList<>();
    for (String name : used) {
      if (!table.contains("`" + name + "`")) {
        undocumented.add(name);
      }
    }
    assertThat(undocumented).as("variables missing from README's configuration table").isEmpty();
  }

  @Test
  void ciRunsTheReadmeTestCommand() throws IOException {
    String readme = read("README.md");
    int tests = readme.indexOf("**Run the tests:**");
    String block = readme.substring(readme.indexOf("```sh\n", tests) + 6);
    String command = block.substring(0, block.indexOf('\n')).trim();

    assertThat(command).isEqualTo("./mvnw verify");
    assertThat(read(".ci/run")).contains("./mvnw -B verify");
  }

  @Test
  void composeRefersOnlyToThingsThatExist() throws Exception {
    JsonNode compose = compose();
    JsonNode services = compose.get("services");
    Set<String> names = new TreeSet<>();
    services.fieldNames().forEachRemaining(names::add);

    assertThat(names)
        .contains("temporal", "temporal-ui", "mongo", "minio", "minio-setup", "api", "worker");
    for (String name : names) {
      JsonNode service = services.get(name);
      JsonNode dependsOn = service.path("depends_on");
      List<String> targets = new ArrayList<>();
      if (dependsOn.isArray()) {
        dependsOn.forEach(d -> targets.add(d.asText()));
      } else {
        dependsOn.fieldNames().forEachRemaining(targets::add);
      }
      assertThat(names).as(name + " depends_on").containsAll(targets);
      for (JsonNode volume : service.path("volumes")) {
        String source = volume.asText().split(":")[0];
        if (source.startsWith("./")) {
          assertThat(ROOT.resolve(source)).as(name + " mounts " + source).exists();
        }
      }
      if (service.has("build")) {
        assertThat(ROOT.resolve(service.get("build").asText()).resolve("Dockerfile")).exists();
      }
      assertThat(service.has("image") || service.has("build")).as(name).isTrue();
    }
    String workerMain = services.get("worker").get("entrypoint").get(4).asText();
    assertThat(Class.forName(workerMain).getMethod("main", String[].class)).isNotNull();
    assertThat(services.get("mongo").get("entrypoint").toString())
        .contains("--replSet")
        .contains("--keyFile");
  }

  @Test
  void composePublishesOnlyTheApiBeyondLoopbackAndDefaultsNoSecret() throws Exception {
    String text = read("docker-compose.yml");
    JsonNode services = compose().get("services");
    List<String> exposed = new ArrayList<>();
    services
        .fields()
        .forEachRemaining(
            e -> {
              for (JsonNode port : e.getValue().path("ports")) {
                if (!port.asText().startsWith("127.0.0.1:")) {
                  exposed.add(e.getKey() + " " + port.asText());
                }
              }
            });
    assertThat(exposed).containsExactly("api 8080:8080");
    for (String secret :
        List.of(
            "API_ADMIN_TOKEN",
            "MONGO_ROOT_PASSWORD",
            "MINIO_ROOT_PASSWORD",
            "WHATSAPP_PHONE_NUMBER_ID",
            "WHATSAPP_ACCESS_TOKEN",
            "WHATSAPP_APP_SECRET",
            "WHATSAPP_VERIFY_TOKEN")) {
      Matcher uses = Pattern.compile("\\$\\{" + secret + "(:?[?-])?").matcher(text);
      int count = 0;
      while (uses.find()) {
        count++;
        assertThat(uses.group(1))
            .as(secret + " must be required (:?), never defaulted")
            .isEqualTo(":?");
      }
      assertThat(count).as(secret).isGreaterThan(0);
    }
    assertThat(text).doesNotContain("change-me");
  }

  /** Settings the compose file fixes on purpose: ports behind its mappings, the image's paths. */
  private static final Set<String> FIXED_BY_COMPOSE =
      Set.of(
          "HTTP_PORT",
          "ADMIN_PORT",
          "WORKER_ADMIN_PORT",
          "HTTP_BIND_HOST",
          "DATA_DIR",
          "WORKER_IN_PROCESS");

  private static final Pattern DEFAULTED = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):-([^}]*)}");
  private static final Pattern ENV_LINE = Pattern.compile("^(# )?([A-Z][A-Z0-9_]*)=(.*)$");

  /** Every setting the real stack's YAML reads, with its default. */
  private static Map<String, String> realStackSettings() throws IOException {
    Map<String, String> settings = new TreeMap<>();
    for (String file :
        List.of(
            "api/src/main/resources/server.yml",
            "worker/src/main/resources/worker.yml",
            "worker/src/main/resources/shared.yml")) {
      Matcher m = DEFAULTED.matcher(read(file));
      while (m.find()) {
        settings.put(m.group(1), m.group(2));
      }
    }
    return settings;
  }

  @Test
  void everySettingTheAppReadsCanReachTheContainers() throws Exception {
    JsonNode services = compose().get("services");
    Set<String> environment = new TreeSet<>();
    services.get("api").get("environment").fieldNames().forEachRemaining(environment::add);
    assertThat(services.get("worker").get("environment"))
        .isEqualTo(services.get("api").get("environment"));
    assertThat(services.get("worker").get("env_file"))
        .isEqualTo(services.get("api").get("env_file"));
    assertThat(services.get("api").get("env_file").get(0).asText())
        .isEqualTo("${SALES_AGENT_ENV_FILE:-./sales-agent.env}");

    Map<String, String> envFile = new TreeMap<>();
    List<String> active = new ArrayList<>();
    for (String line : read("sales-agent.env").split("\n")) {
      Matcher m = ENV_LINE.matcher(line);
      if (m.matches()) {
        envFile.put(m.group(2), m.group(3));
        if (m.group(1) == null) {
          active.add(m.group(2));
        }
      }
    }
    Map<String, String> settings = realStackSettings();
    assertThat(settings).hasSizeGreaterThan(40);
    List<String> unreachable = new ArrayList<>();
    for (String name : settings.keySet()) {
      if (!environment.contains(name)
          && !envFile.containsKey(name)
          && !FIXED_BY_COMPOSE.contains(name)) {
        unreachable.add(name);
      }
    }
    assertThat(unreachable)
        .as("settings neither set by docker-compose.yml nor listed in sales-agent.env")
        .isEmpty();
    envFile.forEach(
        (name, value) -> {
          assertThat(settings)
              .as("sales-agent.env lists a setting the app reads")
              .containsKey(name);
          assertThat(value).as(name + " shows the YAML default").isEqualTo(settings.get(name));
          assertThat(environment)
              .as(name + ": docker-compose.yml's environment would override the env file")
              .doesNotContain(name);
          assertThat(name)
              .as("secrets never go in a committed file")
              .doesNotContainPattern("TOKEN|SECRET|PASSWORD|API_KEY");
        });
    assertThat(active).as("sales-agent.env changes no default as committed").isEmpty();
  }

  @Test
  void theTemporalServerIsTheMaintainedImageWithASchemaJobAndTheAppsWaitForHealthyDependencies()
      throws Exception {
    JsonNode services = compose().get("services");
    services.forEach(
        service -> assertThat(service.path("image").asText()).doesNotContain("auto-setup"));
    assertThat(services.get("temporal").get("image").asText()).startsWith("temporalio/server:");
    assertThat(services.at("/temporal/depends_on/temporal-schema/condition").asText())
        .isEqualTo("service_completed_successfully");
    for (String app : List.of("api", "worker")) {
      JsonNode dependsOn = services.get(app).get("depends_on");
      assertThat(dependsOn.at("/temporal-namespace/condition").asText())
          .isEqualTo("service_completed_successfully");
      assertThat(dependsOn.at("/mongo/condition").asText()).isEqualTo("service_healthy");
      assertThat(dependsOn.at("/minio-setup/condition").asText())
          .isEqualTo("service_completed_successfully");
    }
    List<String> withoutHealthcheck = new ArrayList<>();
    services
        .fields()
        .forEachRemaining(
            e -> {
              boolean oneShot =
                  e.getValue().path("restart").asText().startsWith("on-failure:")
                      || "minio-setup".equals(e.getKey());
              if (!oneShot && !e.getValue().has("healthcheck")) {
                withoutHealthcheck.add(e.getKey());
              }
            });
    assertThat(withoutHealthcheck).as("long-running services without a healthcheck").isEmpty();
    for (String script : List.of("setup-schema.sh", "create-namespace.sh")) {
      assertThat(ROOT.resolve("temporal/compose").resolve(script)).isExecutable();
    }
  }

  /**
   * The app containers' healthchecks run for real here against a local server standing in for the
   * admin port: 200 is healthy, 500 (a failing check) and a closed port are not.
   */
  @Test
  void theAppHealthchecksTellHealthyFromUnhealthy() throws Exception {
    JsonNode services = compose().get("services");
    for (String app : List.of("api", "worker")) {
      List<String> command = new ArrayList<>();
      services.get(app).at("/healthcheck/test").forEach(n -> command.add(n.asText()));
      assertThat(command.get(0)).isEqualTo("CMD");
      String port = app.equals("api") ? "8081" : "8091";
      String path = app.equals("api") ? "/healthcheck" : "/admin/healthcheck";
      assertThat(command.get(3)).contains("/dev/tcp/127.0.0.1/" + port).contains(path);

      AtomicInteger status = new AtomicInteger(200);
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      AtomicInteger hits = new AtomicInteger();
      server.createContext(
          path,
          exchange -> {
            hits.incrementAndGet();
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
      int bound = server.getAddress().getPort();
      try {
        List<String> probe = new ArrayList<>(command.subList(1, command.size()));
        probe.set(2, probe.get(2).replace("/" + port, "/" + bound));
        assertThat(run(probe)).as(app + " healthy").isZero();
        status.set(500);
        assertThat(run(probe)).as(app + " with a failing check").isNotZero();
        assertThat(hits.get()).isEqualTo(2);
      } finally {
        server.stop(0);
      }
      List<String> closed = new ArrayList<>(command.subList(1, command.size()));
      closed.set(2, closed.get(2).replace("/" + port, "/" + bound));
      assertThat(run(closed)).as(app + " with nothing listening").isNotZero();
    }
  }

  private static int run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }
}

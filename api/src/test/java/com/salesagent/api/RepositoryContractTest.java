package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

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
    JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(read("docker-compose.yml"));
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
    JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(text).get("services");
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
    for (String secret : List.of("API_ADMIN_TOKEN", "MONGO_ROOT_PASSWORD", "MINIO_ROOT_PASSWORD")) {
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
}

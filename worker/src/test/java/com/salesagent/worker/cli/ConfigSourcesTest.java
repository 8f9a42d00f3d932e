package com.salesagent.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {
  @TempDir Path dir;

  private JsonNode open(String file, Map<String, String> env) throws IOException {
    try (InputStream in = ConfigSources.fileOrClasspath(env).open(dir.resolve(file).toString())) {
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    }
  }

  private static JsonNode bundled(String name) throws IOException {
    try (InputStream in = ConfigSources.fileOrClasspath(Map.of()).open(name)) {
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    }
  }

  private void write(String file, String text) throws IOException {
    Files.writeString(dir.resolve(file), text);
  }

  @Test
  void anIncludedFileIsLaidUnderSectionBySectionWithTheEnvironmentSubstituted() throws Exception {
    write(
        "base.yml",
        """
        temporal:
          address: ${TEMPORAL_ADDRESS:-localhost:7233}
          namespace: default
        server:
          appenders: [a, b]
          bindHost: ${HTTP_BIND_HOST:-null}
        logging:
          level: "OFF"
        """);
    write(
        "mode.yml",
        "include: "
            + dir.resolve("base.yml")
            + "\n"
            + """
            temporal:
              address: embedded
            server:
              appenders: [c]
            api:
              port: ${HTTP_PORT:-8080}
            """);

    JsonNode merged = open("mode.yml", Map.of("HTTP_PORT", "9999"));

    assertThat(merged.has("include")).isFalse();
    assertThat(merged.at("/temporal/address").asText()).isEqualTo("embedded");
    assertThat(merged.at("/temporal/namespace").asText()).isEqualTo("default");
    assertThat(merged.at("/server/appenders").toString()).isEqualTo("[\"c\"]");
    assertThat(merged.at("/server/bindHost").isNull()).as("YAML null stays null").isTrue();
    assertThat(merged.at("/api/port").asInt()).isEqualTo(9999);
    assertThat(merged.at("/logging/level").asText()).isEqualTo("OFF");
  }

  @Test
  void filesThatIncludeEachOtherAreRefusedNamingTheChain() throws Exception {
    write("a.yml", "include: " + dir.resolve("b.yml") + "\nx: 1\n");
    write("b.yml", "include: " + dir.resolve("a.yml") + "\ny: 2\n");

    assertThatThrownBy(() -> open("a.yml", Map.of()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("include each other");
  }

  @Test
  void theBundledModesShareOneSourceForTheCommonSections() throws Exception {
    JsonNode worker = bundled("worker.yml");
    JsonNode shared = bundled("shared.yml");

    for (String section : new String[] {"temporal", "mongodb", "s3", "whatsapp", "lifecycle"}) {
      assertThat(worker.get(section)).as(section).isEqualTo(shared.get(section));
    }
    assertThat(worker.at("/server/type").asText()).isEqualTo("simple");
  }
}

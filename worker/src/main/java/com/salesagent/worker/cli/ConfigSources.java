package com.salesagent.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.setup.Bootstrap;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.apache.commons.text.StringSubstitutor;
import org.apache.commons.text.lookup.StringLookupFactory;
import org.bson.types.ObjectId;

/**
 * Configuration files are read from disk when the path exists there, else from the classpath (the
 * defaults shipped in the jar), with ${VAR} and ${VAR:-default} replaced from the environment, and
 * {@code include:} laying a file over the one it names (the modes share {@code shared.yml}).
 */
public final class ConfigSources {
  private ConfigSources() {}

  /**
   * What every application of this system sets up: configuration from file or classpath with the
   * environment substituted, ISO-8601 java.time in JSON (as in workflow payloads), and MongoDB ids
   * as their hex string (as mongosh shows them).
   */
  public static void configure(Bootstrap<?> bootstrap, Map<String, String> environment) {
    bootstrap.setConfigurationSourceProvider(fileOrClasspath(environment));
    bootstrap
        .getObjectMapper()
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .registerModule(
            new SimpleModule().addSerializer(ObjectId.class, ToStringSerializer.instance));
  }

  /** {@code environment} is System.getenv() in production and a plain map in tests. */
  public static ConfigurationSourceProvider fileOrClasspath(Map<String, String> environment) {
    StringSubstitutor substitutor =
        new StringSubstitutor(StringLookupFactory.INSTANCE.functionStringLookup(environment::get));
    substitutor.setEnableUndefinedVariableException(false);
    substitutor.setEnableSubstitutionInVariables(false);
    return new Including(new SubstitutingSourceProvider(new FileOrClasspath(), substitutor));
  }

  /**
   * A configuration file may start from another: {@code include: shared.yml} at its top level reads
   * that file first (from disk or the classpath, with the environment substituted), then lays this
   * one over it, section by section (mappings merge key by key, anything else replaces), so the
   * modes repeat nothing they share.
   */
  static final class Including implements ConfigurationSourceProvider {
    static final String INCLUDE = "include";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final ConfigurationSourceProvider files;

    Including(ConfigurationSourceProvider files) {
      this.files = files;
    }

    @Override
    public InputStream open(String path) throws IOException {
      JsonNode merged = read(path, new ArrayDeque<>());
      return new ByteArrayInputStream(YAML.writeValueAsBytes(merged));
    }

    private JsonNode read(String path, Deque<String> seen) throws IOException {
      if (seen.contains(path)) {
        throw new IOException("configuration files include each other: " + seen + " -> " + path);
      }
      seen.push(path);
      JsonNode node;
      try (InputStream in = files.open(path)) {
        node = YAML.readTree(in);
      }
      if (node instanceof ObjectNode object && object.has(INCLUDE)) {
        String base = object.remove(INCLUDE).asText();
        // Beside the including file when it is there, else as named (disk, then the classpath).
        Path sibling = Path.of(path).resolveSibling(base);
        node = merge(read(Files.isRegularFile(sibling) ? sibling.toString() : base, seen), object);
      }
      seen.pop();
      return node == null ? YAML.createObjectNode() : node;
    }

    /** {@code over} laid over {@code base}: mappings merged key by key, the rest replaced. */
    static JsonNode merge(JsonNode base, JsonNode over) {
      if (!(base instanceof ObjectNode b) || !(over instanceof ObjectNode o)) {
        return over;
      }
      ObjectNode out = b.deepCopy();
      o.fields()
          .forEachRemaining(e -> out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue())));
      return out;
    }
  }

  private static final class FileOrClasspath implements ConfigurationSourceProvider {
    @Override
    public InputStream open(String path) throws IOException {
      Path file = Path.of(path);
      if (Files.isRegularFile(file)) {
        return new FileInputStream(file.toFile());
      }
      InputStream resource =
          ConfigSources.class.getClassLoader().getResourceAsStream(path.replaceFirst("^/", ""));
      if (resource == null) {
        throw new FileNotFoundException(
            "configuration file " + path + " is neither a file nor a bundled default");
      }
      return resource;
    }
  }
}

package com.salesagent.worker.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.setup.Bootstrap;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.text.StringSubstitutor;
import org.apache.commons.text.lookup.StringLookupFactory;
import org.bson.types.ObjectId;

/**
 * Configuration files are read from disk when the path exists there, else from the classpath (the
 * defaults shipped in the jar), with ${VAR} and ${VAR:-default} replaced from the environment.
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
    return new SubstitutingSourceProvider(new FileOrClasspath(), substitutor);
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

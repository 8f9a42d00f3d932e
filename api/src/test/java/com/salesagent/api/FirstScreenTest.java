package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a newcomer sees: {@code java -jar sales-agent.jar embedded} in its own JVM with the default
 * log level, read line by line until the start-up banner. No stack trace, no ERROR line.
 */
class FirstScreenTest {
  @Test
  void theEmbeddedStartPrintsNoErrorAndNoStackTrace() throws Exception {
    Map<String, String> env = EmbeddedEnvironment.freePorts(null);
    env.remove("LOG_LEVEL");
    env.put(
        "DATA_DIR",
        Files.createTempDirectory(Path.of("target"), "first-screen").toAbsolutePath().toString());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                "com.salesagent.tools.SalesAgentCli",
                "embedded")
            .redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    List<String> lines = new ArrayList<>();
    boolean ready = false;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      String line;
      while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
        lines.add(line);
        if (line.contains("Dashboard")) {
          ready = true;
          break;
        }
      }
    } finally {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }

    String screen = String.join("\n", lines);
    assertThat(ready).as(screen).isTrue();
    assertThat(lines)
        .as(screen)
        .noneMatch(l -> l.startsWith("ERROR") || l.startsWith("! ") || l.startsWith("\tat "))
        .noneMatch(l -> l.contains("Exception:"))
        // Jersey's model warnings (a resource it cannot inject) are a newcomer's question too.
        .noneMatch(l -> l.contains("o.g.j.i.Errors"));
  }
}

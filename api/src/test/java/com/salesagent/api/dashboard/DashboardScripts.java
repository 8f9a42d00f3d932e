package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * Runs a dashboard ES module's pure parts in node, as the scripts' tests do: {@code js/<module>.js}
 * is copied to {@code <dir>/<module>.mjs} (node reads ES modules by that extension), and a script
 * importing it from {@code ./<module>.mjs} runs beside it; what it printed is the answer. Without
 * node the test is skipped (an assumption), never passed.
 */
final class DashboardScripts {
  static final Path DASHBOARD_JS = Path.of("src/main/resources/assets/dashboard/js");

  private DashboardScripts() {}

  /** Runs {@code script} in {@code dir} beside the module; fails on a non-zero exit. */
  static String run(Path dir, String module, String script) throws Exception {
    assumeTrue(nodeAvailable(), "node is not installed");
    Files.copy(
        DASHBOARD_JS.resolve(module + ".js"),
        dir.resolve(module + ".mjs"),
        StandardCopyOption.REPLACE_EXISTING);
    Path file = dir.resolve("run.mjs");
    Files.writeString(file, script);
    Process p = new ProcessBuilder("node", file.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /**
   * Runs {@code script} beside several modules copied as they are ({@code js/<module>.js}, with a
   * {@code package.json} saying they are ES modules), so a module that imports another ({@code
   * ./util.js}) runs whole; the script imports them from {@code ./<module>.js}.
   */
  static String runModules(Path dir, java.util.List<String> modules, String script)
      throws Exception {
    assumeTrue(nodeAvailable(), "node is not installed");
    Files.writeString(dir.resolve("package.json"), "{\"type\":\"module\"}");
    for (String module : modules) {
      Files.copy(
          DASHBOARD_JS.resolve(module + ".js"),
          dir.resolve(module + ".js"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    Path file = dir.resolve("run.js");
    Files.writeString(file, script);
    Process p = new ProcessBuilder("node", file.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static boolean nodeAvailable() {
    try {
      return new ProcessBuilder("node", "--version").start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}

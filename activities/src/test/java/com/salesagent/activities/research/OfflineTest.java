package com.salesagent.activities.research;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The embedding model attempts no connection beyond loopback once our offline switch is applied, in
 * a fresh JVM without the OPT_OUT_TRACKING / DJL_OFFLINE environment the build sets.
 */
class OfflineTest {
  private static List<String> probe(String mode) throws IOException, InterruptedException {
    Path cache = Path.of("target", "probe-cache-" + mode).toAbsolutePath();
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "-Djava.io.tmpdir=" + cache,
            OfflineProbe.class.getName(),
            mode,
            cache.toString());
    pb.environment().remove("OPT_OUT_TRACKING");
    pb.environment().remove("DJL_OFFLINE");
    pb.redirectErrorStream(true);
    java.nio.file.Files.createDirectories(cache);
    Process process = pb.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(out).as(out).contains("DIMENSION 384");
    return out.lines().filter(l -> l.startsWith("CONNECT ")).map(l -> l.substring(8)).toList();
  }

  @Test
  void withTheSwitchNothingButLoopbackIsContacted() throws Exception {
    List<String> hosts = probe("offline");

    assertThat(hosts)
        .allMatch(h -> h.equals("localhost") || h.startsWith("127.") || h.equals("::1"));
  }

  @Test
  void theSwitchSetsDjlsOfflineAndCacheProperties() {
    Embeddings.offline(Path.of("target", "switch-cache"));

    assertThat(System.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
    assertThat(System.getProperty("DJL_OFFLINE")).isEqualTo("true");
    assertThat(System.getProperty("DJL_CACHE_DIR")).endsWith("djl");
  }
}

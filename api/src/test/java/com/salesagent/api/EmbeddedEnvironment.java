package com.salesagent.api;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** An environment for the embedded command in tests: free ports, a data dir under target/. */
final class EmbeddedEnvironment {
  private EmbeddedEnvironment() {}

  /** Free ports and no quiet hours, so sends go out whatever time the tests run. */
  static Map<String, String> anyHour(String token) {
    Map<String, String> env = freePorts(token);
    env.put("QUIET_HOURS_START", "00:00");
    env.put("QUIET_HOURS_END", "00:00");
    return env;
  }

  static Map<String, String> freePorts(String token) {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", "0");
    env.put("ADMIN_PORT", "0");
    env.put("TEMPORAL_PORT", "0");
    env.put("EMBEDDED_MONGODB_PORT", "0");
    env.put("EMBEDDED_S3_PORT", "0");
    env.put("WHATSAPP_EMULATOR_PORT", "0");
    env.put(
        "DATA_DIR",
        Path.of("target", "embedded-data-" + ProcessHandle.current().pid())
            .toAbsolutePath()
            .toString());
    env.put("LOG_LEVEL", "WARN");
    if (token != null) {
      env.put("API_ADMIN_TOKEN", token);
    }
    return env;
  }
}

package com.salesagent.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Log injection: the console pattern every process uses (shared.yml, which every mode includes)
 * turns control and bidi characters in a message into '?', so a newline in a webhook's id cannot
 * forge a log line.
 */
class LogFormatTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private static LoggingEvent event(LoggerContext context, Map<String, String> mdc) {
    LoggingEvent event =
        new LoggingEvent(
            "x",
            context.getLogger("com.salesagent.Test"),
            Level.WARN,
            "status for unknown wamid {}",
            null,
            new Object[] {"wamid.X\nERROR [2026-12-01] forged: admin logged in\u202e\r"});
    event.setMDCPropertyMap(mdc);
    return event;
  }

  @Test
  void controlCharactersInMessagesCannotForgeLogLines() throws Exception {
    for (String file : List.of("worker/src/main/resources/shared.yml")) {
      JsonNode yaml =
          new ObjectMapper(new YAMLFactory()).readTree(Files.readString(ROOT.resolve(file)));
      String pattern = yaml.at("/logging/appenders/0/logFormat").asText();
      PatternLayout layout = new PatternLayout();
      LoggerContext context = new LoggerContext();
      layout.setContext(context);
      layout.setPattern(pattern);
      layout.start();
      String line = layout.doLayout(event(context, Map.of()));
      String inContext =
          layout.doLayout(event(context, Map.of("workflowId", "lead-L-7", "leadId", "L-7")));

      assertThat(line).as(file).endsWith("\n");
      assertThat(line.substring(0, line.length() - 1))
          .as(file)
          .doesNotContain("\n", "\r", "\u202e");
      assertThat(line)
          .as(file)
          .contains("Test: status for unknown wamid wamid.X?ERROR [2026-12-01] forged");
      assertThat(inContext).as(file).contains("Test: [lead-L-7] status for unknown wamid");
    }
  }
}

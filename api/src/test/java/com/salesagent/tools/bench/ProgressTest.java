package com.salesagent.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void withoutATerminalProgressIsPlainLinesNotCarriageReturns() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    try (ProgressBar bar = Progress.bar("leads finished", 100, out, false, 50)) {
      for (int i = 0; i < 100; i++) {
        bar.step();
        if (i % 25 == 0) {
          Thread.sleep(120);
        }
      }
    }

    String text = buffer.toString(StandardCharsets.UTF_8);
    List<String> lines = Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
    assertThat(text).doesNotContain("\r");
    assertThat(lines).isNotEmpty().allMatch(l -> l.startsWith("leads finished"));
    assertThat(lines.get(lines.size() - 1)).contains("100/100");
    assertThat(lines).hasSizeLessThan(20);
  }
}

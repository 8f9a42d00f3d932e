package com.salesagent.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Measures another JVM of this machine from outside with the JDK's {@code jcmd}. */
final class Jcmd {
  private Jcmd() {}

  private static final Pattern USED =
      Pattern.compile("(?:generation|heap)\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");

  static String run(long pid, String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    cmd.add(String.valueOf(pid));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("jcmd " + String.join(" ", command) + " did not finish");
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /** Heap in use (bytes) right after a full collection ({@code GC.run}, then GC.heap_info). */
  static long heapAfterFullGc(long pid) throws IOException, InterruptedException {
    run(pid, "GC.run");
    return used(run(pid, "GC.heap_info"));
  }

  static long used(String heapInfo) {
    Matcher m = USED.matcher(heapInfo);
    long kib = 0;
    boolean found = false;
    while (m.find()) {
      kib += Long.parseLong(m.group(1));
      found = true;
    }
    if (!found) {
      throw new IllegalStateException("no heap figures in: " + heapInfo);
    }
    return kib * 1024;
  }

  /** The first {@code rows} classes of the live-object histogram (it runs a full collection). */
  static String histogram(long pid, int rows) throws IOException, InterruptedException {
    String[] lines = run(pid, "GC.class_histogram").split("\n");
    StringBuilder top = new StringBuilder();
    for (int i = 0; i < Math.min(lines.length, rows + 3); i++) {
      top.append(lines[i]).append('\n');
    }
    return top.toString();
  }
}

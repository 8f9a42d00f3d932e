package com.salesagent.worker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which environment variable fills each key of the bundled YAML files ({@code port: ${HTTP_PORT:-
 * 8080}} under {@code server.applicationConnectors[0]}), so that a start-up error Dropwizard words
 * with the key ({@code server.applicationConnectors.[0].port}) also names the variable an operator
 * sets.
 */
final class SettingVariables {
  private static final List<String> BUNDLED =
      List.of("shared.yml", "server.yml", "embedded.yml", "worker.yml");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::-[^}]*)?}");

  private final Map<String, String> byKey;

  SettingVariables(Map<String, String> byKey) {
    this.byKey = byKey;
  }

  /** The variables of the YAML files bundled on the class path. */
  static SettingVariables bundled() {
    Map<String, String> byKey = new HashMap<>();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    for (String name : BUNDLED) {
      try (InputStream in = SettingVariables.class.getClassLoader().getResourceAsStream(name)) {
        if (in != null) {
          walk(yaml.readTree(in), "", byKey);
        }
      } catch (IOException | RuntimeException e) {
        // A file that cannot be read names no variable; the error is printed as Dropwizard wrote
        // it.
      }
    }
    return new SettingVariables(byKey);
  }

  private static void walk(JsonNode node, String path, Map<String, String> byKey) {
    if (node == null) {
      return;
    }
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              f ->
                  walk(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), byKey));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + ".[" + i + "]", byKey);
      }
    } else if (node.isTextual()) {
      Matcher m = VARIABLE.matcher(node.asText());
      if (m.find()) {
        byKey.putIfAbsent(path, m.group(1));
      }
    }
  }

  /**
   * Dropwizard's error text with each bad setting's line also naming its variable ({@code
   * (FOLLOW_UP_UNREAD)}) when a bundled file fills that key from one and the line does not name it
   * already; Jackson's source-location line under a parse error is dropped (it says nothing here).
   */
  String annotate(String message) {
    List<String> keys = new ArrayList<>(byKey.keySet());
    keys.sort(Comparator.comparingInt(String::length).reversed());
    StringBuilder out = new StringBuilder();
    for (String line : message.split("\n", -1)) {
      if (line.startsWith(" at [Source:")) {
        continue;
      }
      String annotated = line;
      if (line.stripLeading().startsWith("* ")) {
        // A constraint's line writes a list index without the dot a parse error's line has
        // ("server.applicationConnectors[0].port must be between 1 and 65535"), so both spell
        // the key the same way before it is looked up.
        String keyed = line.replace("[", ".[").replace("..[", ".[");
        for (String key : keys) {
          int at = keyed.indexOf(key);
          int end = at + key.length();
          if (at >= 0
              && (end == keyed.length() || !isKeyChar(keyed.charAt(end)))
              && (at == 0 || !isKeyChar(keyed.charAt(at - 1)))) {
            String variable = byKey.get(key);
            if (!line.contains(variable)) {
              annotated = line + " (" + variable + ")";
            }
            break;
          }
        }
      }
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(annotated);
    }
    return out.toString();
  }

  private static boolean isKeyChar(char c) {
    return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '[' || c == ']';
  }
}

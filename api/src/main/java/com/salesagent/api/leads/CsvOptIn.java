package com.salesagent.api.leads;

import com.salesagent.api.http.FieldError;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * A CSV row's {@code consentOptIn} cell read as yes or no. A spreadsheet writes a yes in many ways:
 * true/false, yes/no, y/n, 1/0, and in the product's markets Portuguese and Spanish ones (sim/não,
 * sí/no, and VERDADEIRO/FALSO or VERDADERO/FALSO, which is how Excel exports TRUE and FALSE in a
 * pt-BR or es sheet), in any case, with or without the accent. Anything else ("x", "maybe", a value
 * from a shifted column) is neither: the row is refused naming the column and the value, never read
 * as no consent (which would refuse it for the wrong reason) nor as consent. A blank cell is no
 * answer, as a JSON lead without {@code whatsappOptIn}.
 */
final class CsvOptIn {
  static final String COLUMN = "consentOptIn";

  private static final Set<String> YES =
      Set.of("true", "yes", "y", "1", "sim", "si", "sí", "verdadeiro", "verdadero");
  private static final Set<String> NO = Set.of("false", "no", "n", "0", "não", "nao", "falso");

  /** The most characters of an unreadable value an error quotes. */
  private static final int QUOTED = 40;

  private CsvOptIn() {}

  /** True for a yes, false for a no, null for a blank cell or a value that is neither. */
  static Boolean value(String cell) {
    String v = normal(cell);
    if (v == null) {
      return null;
    }
    return YES.contains(v) ? Boolean.TRUE : NO.contains(v) ? Boolean.FALSE : null;
  }

  /** The row's error for a value that is neither a yes nor a no, or null. */
  static FieldError error(String cell) {
    String v = normal(cell);
    if (v == null || YES.contains(v) || NO.contains(v)) {
      return null;
    }
    String shown = cell.strip();
    if (com.salesagent.api.http.ReadableText.length(shown) > QUOTED) {
      // Counted in code points: never half an emoji in the answer.
      shown = com.salesagent.api.http.ReadableText.cut(shown, QUOTED) + "...";
    }
    return new FieldError(
        COLUMN,
        "\""
            + shown
            + "\" is neither yes nor no: write true or false (or yes/no, y/n, 1/0, sim/não,"
            + " sí/no, verdadeiro/falso, verdadero/falso; any case)");
  }

  private static String normal(String cell) {
    if (cell == null || cell.isBlank()) {
      return null;
    }
    return Normalizer.normalize(cell.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
  }
}

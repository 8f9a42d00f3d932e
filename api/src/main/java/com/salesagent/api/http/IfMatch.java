package com.salesagent.api.http;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An {@code If-Match} header read as RFC 9110 13.1.1 has it, the one reading of every route that
 * takes one: {@code *} (or none) matches whatever the resource is now; else a list of entity tags
 * ({@code "3"}, {@code "3", "4"}, several header lines joined), which matches when the resource's
 * current revision is one of its strong tags. A weak tag ({@code W/"3"}) never matches (If-Match
 * compares strongly); a well-formed tag that is not a revision ({@code "abc"}) never matches
 * either. A header that is no list of entity tags is 400 naming {@code If-Match}; one whose every
 * tag is weak is 412 naming it, at once (it can match nothing). A bare revision ({@code 3},
 * unquoted) is still read as {@code "3"}, as before.
 */
public final class IfMatch {
  /** The most tags one header may list (the header's size is capped by the server anyway). */
  static final int MAX_TAGS = 50;

  private static final IfMatch ANY = new IfMatch(Set.of());

  private final Set<Integer> revisions;
  private final List<String> shown;

  private IfMatch(Set<Integer> revisions) {
    this(revisions, List.of());
  }

  private IfMatch(Set<Integer> revisions, List<String> shown) {
    this.revisions = revisions;
    this.shown = shown;
  }

  /** Whether it matches whatever the resource is now ({@code *} or no header). */
  public boolean any() {
    return this == ANY;
  }

  /** Whether a resource at {@code revision} matches. */
  public boolean matches(int revision) {
    return any() || revisions.contains(revision);
  }

  /**
   * The revision a conditional write must find: null for {@code *} (none asked), else {@code
   * current} when it matches, else {@code stale} applied to the revisions asked (a 412 to throw).
   */
  public Integer expect(int current, java.util.function.Function<String, ApiException> stale) {
    if (any()) {
      return null;
    }
    if (!revisions.contains(current)) {
      throw stale.apply(describe());
    }
    return current;
  }

  /** The revisions asked, for a message: {@code 3}, or {@code 3 or 4}. */
  public String describe() {
    return String.join(" or ", shown);
  }

  /** The header's lines as the request has them (none, one or several). */
  public static IfMatch parse(List<String> lines, String example) {
    if (lines == null || lines.isEmpty()) {
      return ANY;
    }
    return parse(String.join(",", lines), example);
  }

  /**
   * One header's value; {@code example} completes the 400's words (what a revision is on this
   * route).
   */
  public static IfMatch parse(String header, String example) {
    if (header == null || header.isBlank()) {
      return ANY;
    }
    String value = header.strip();
    if (value.equals("*")) {
      return ANY;
    }
    Set<Integer> strong = new LinkedHashSet<>();
    List<String> strongShown = new ArrayList<>();
    List<String> weak = new ArrayList<>();
    int tags = 0;
    int i = 0;
    int n = value.length();
    while (i < n) {
      char c = value.charAt(i);
      if (c == ',' || c == ' ' || c == '\t') {
        i++; // separators and empty list elements (RFC 9110 5.6.1)
        continue;
      }
      if (++tags > MAX_TAGS) {
        throw bad("at most " + MAX_TAGS + " entity tags", example);
      }
      boolean isWeak = value.startsWith("W/", i);
      if (isWeak) {
        i += 2;
      }
      String opaque;
      if (i < n && value.charAt(i) == '"') {
        int end = value.indexOf('"', i + 1);
        if (end < 0) {
          throw bad("an entity tag without its closing quote", example);
        }
        opaque = value.substring(i + 1, end);
        for (int k = 0; k < opaque.length(); k++) {
          char e = opaque.charAt(k);
          // etagc = %x21 / %x23-7E / obs-text: no spaces, quotes or controls.
          if (e <= 0x20 || e == 0x7F) {
            throw bad("an entity tag holds no spaces or control characters", example);
          }
        }
        i = end + 1;
      } else if (!isWeak) {
        // A bare revision (3), read as "3" as before; nothing else is taken unquoted.
        int end = i;
        while (end < n && value.charAt(end) != ',') {
          end++;
        }
        opaque = value.substring(i, end).strip();
        if (!opaque.matches("[0-9]{1,9}")) {
          throw bad(null, example);
        }
        i = end;
      } else {
        throw bad(null, example);
      }
      // Only separators may follow a tag.
      while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
        i++;
      }
      if (i < n && value.charAt(i) != ',') {
        throw bad(null, example);
      }
      if (isWeak) {
        weak.add(opaque);
      } else {
        strongShown.add(opaque.length() > 20 ? opaque.substring(0, 20) + "…" : opaque);
        if (opaque.matches("[0-9]{1,9}")) {
          strong.add(Integer.valueOf(opaque));
        }
        // Else well-formed, but no revision: never matches.
      }
    }
    if (tags == 0) {
      throw bad(null, example);
    }
    if (strongShown.isEmpty()) {
      String tag = weak.get(0);
      throw new ApiException(
          412,
          "a weak entity tag never matches an If-Match: send the revision read as a strong tag",
          new FieldError("If-Match", "send \"" + tag + "\", not W/\"" + tag + "\""));
    }
    return new IfMatch(Set.copyOf(strong), List.copyOf(strongShown));
  }

  private static ApiException bad(String why, String example) {
    return new ApiException(
        400,
        "bad If-Match",
        new FieldError(
            "If-Match",
            (why == null ? "" : why + ": ")
                + "* or a list of entity tags, e.g. \"3\" or \"3\", \"4\""
                + (example == null ? "" : " (" + example + ")")));
  }
}

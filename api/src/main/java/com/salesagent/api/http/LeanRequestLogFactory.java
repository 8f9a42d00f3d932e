package com.salesagent.api.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.salesagent.activities.Phones;
import io.dropwizard.logging.common.AppenderFactory;
import io.dropwizard.logging.common.ConsoleAppenderFactory;
import io.dropwizard.logging.common.async.AsyncLoggingEventAppenderFactory;
import io.dropwizard.logging.common.filter.NullLevelFilterFactory;
import io.dropwizard.request.logging.RequestLogFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.LoggerFactory;

/**
 * The request log as one line per request formatted by Jetty ({@link CustomRequestLog}, its format
 * compiled once), written through the usual Logback appenders ({@code server.requestLog: type:
 * lean}).
 *
 * <p>Why not Dropwizard's default (logback-access): its asynchronous appender makes every request's
 * access event copy all request and response headers, cookies and attributes before the line is
 * written, whatever the format uses. In the webhook ingest profile that was 4-5 % of all samples at
 * 1,200 requests/s, for a line that holds seven fields. The line here holds the same fields: the
 * client address, the time (UTC), method, path without the query string (the webhook handshake
 * carries its verify token in one), protocol, status, body size, milliseconds and the user agent.
 * Control and bidi characters become '?' (the default line pattern, like every other log of the
 * product; here also the C1 controls, which a header's bytes decode to), so a user agent cannot
 * forge a line or reach an operator's terminal.
 */
@JsonTypeName("lean")
public final class LeanRequestLogFactory implements RequestLogFactory<RequestLog> {
  /** Jetty's {@link CustomRequestLog} format of the line. */
  public static final String DEFAULT_FORMAT =
      "%{client}a %{yyyy-MM-dd'T'HH:mm:ss.SSSX|UTC}t \"%m %U %H\" %s %O %{ms}T ms"
          + " \"%{User-Agent}i\"";

  /** The Logback pattern of an appender without its own logFormat: the line, sanitized. */
  public static final String DEFAULT_PATTERN =
      "%replace(%m){'[\\p{Cntrl}\\u0080-\\u009F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069]', '?'}%n";

  static final String LOGGER = "http.request";

  @NotBlank private String format = DEFAULT_FORMAT;

  @Valid @NotNull
  private List<AppenderFactory<ILoggingEvent>> appenders = List.of(new ConsoleAppenderFactory<>());

  @JsonProperty
  public String getFormat() {
    return format;
  }

  @JsonProperty
  public void setFormat(String format) {
    this.format = format;
  }

  @JsonProperty
  public List<AppenderFactory<ILoggingEvent>> getAppenders() {
    return appenders;
  }

  @JsonProperty
  public void setAppenders(List<AppenderFactory<ILoggingEvent>> appenders) {
    this.appenders = List.copyOf(appenders);
  }

  @Override
  public boolean isEnabled() {
    return !appenders.isEmpty();
  }

  @Override
  public RequestLog build(String name) {
    Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);
    logger.setAdditive(false);
    LoggerContext context = logger.getLoggerContext();
    AppenderAttachableImpl<ILoggingEvent> attached = new AppenderAttachableImpl<>();
    for (AppenderFactory<ILoggingEvent> appender : appenders) {
      attached.addAppender(
          appender.build(
              context,
              name,
              (ctx, timeZone) -> {
                PatternLayout layout = new PatternLayout();
                layout.setContext(ctx);
                layout.setPattern(DEFAULT_PATTERN);
                return layout;
              },
              new NullLevelFilterFactory<>(),
              new AsyncLoggingEventAppenderFactory()));
    }
    return new CustomRequestLog(new Writer(attached, context), format);
  }

  /**
   * A whole path segment or query part: what follows a '/', '?', {@code &}, '=' or ';' up to the
   * next of those, a space, a quote or the end.
   */
  private static final Pattern TOKEN = Pattern.compile("(?<=[/?&=;])[^/?&=; \"]+");

  /**
   * A number after a '+' anywhere in a token: the routes read {@code +1 415 555 0123}, and the
   * phone library around them also {@code tel:+14155550123}, {@code +14155550123x} or the
   * punctuation it skips ({@code +1[415]555~0123}, {@code %2F}).
   */
  private static final Pattern AFTER_PLUS =
      Pattern.compile("\\+[ ().+/~\\[\\]-]*[0-9][0-9 ().+/~\\[\\]-]*[0-9]");

  /**
   * A number without '+' (the routes read one with {@code region=}) not part of an id: no letter,
   * digit, '_', '-' or '.' before it, no letter, digit or '_' after it ({@code lead-20261204}, a
   * hash's digits and a build id's {@code RP1A.200720.012} are kept).
   */
  private static final Pattern BARE =
      Pattern.compile("(?<![A-Za-z0-9_.-])[(\\[]?[0-9][0-9 ().~\\[\\]-]*[0-9](?![A-Za-z0-9_])");

  /** What is not a number: a date ({@code 2026-12-06}), a version ({@code 120.0.6099.109}). */
  private static final Pattern NOT_A_NUMBER =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]+(\\.[0-9]+)*\\.[0-9](\\.[0-9]+)*");

  /** Characters a masked token keeps as they are; any other is written percent-encoded. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._~:@!$'()*,+-]");

  /**
   * The line with each phone number of its path and query masked as every other log masks one: 8 to
   * 15 digits, maybe after a '+' and written with spaces, dashes, dots or brackets, as written or
   * percent-encoded (once or more, its digits too, UTF-8 of full-width digits or invisible marks
   * included: the suppressions routes name a number in the path and read {@code +55 11 99876-5470},
   * {@code %2B5511998765432} or {@code %252B...} as the number). Digits inside an id ({@code
   * lead-20261204}, a UUID, a hash) are kept; a token with no number is written as it was.
   */
  static String maskNumbersInPath(String line) {
    Matcher m = TOKEN.matcher(line);
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      String token = m.group();
      if (!mayHoldNumber(token)) {
        continue;
      }
      String masked = masked(token);
      if (masked == null) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(line.length());
      }
      out.append(line, last, m.start()).append(masked);
      last = m.end();
    }
    return out == null ? line : out.append(line, last, line.length()).toString();
  }

  /** Cheap test first (the webhook's path has none): a digit, an escape or a non-ASCII char. */
  private static boolean mayHoldNumber(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if ((c >= '0' && c <= '9') || c == '%' || c > 0x7e) {
        return true;
      }
    }
    return false;
  }

  /** The token with its numbers masked, or null when it holds none. */
  private static String masked(String token) {
    String s = readable(token);
    java.util.TreeMap<Integer, Integer> numbers = new java.util.TreeMap<>(); // start -> end
    for (Pattern p : new Pattern[] {AFTER_PLUS, BARE}) {
      Matcher m = p.matcher(s);
      while (m.find()) {
        int digits = m.group().replaceAll("[^0-9]", "").length();
        Map.Entry<Integer, Integer> before = numbers.floorEntry(m.end() - 1);
        // After a '+', longer runs too: two numbers run together, a number and its extension.
        if (digits >= 8
            && (digits <= 15 || p == AFTER_PLUS)
            && !NOT_A_NUMBER.matcher(m.group()).matches()
            && (before == null || before.getValue() <= m.start())) {
          numbers.put(m.start(), m.end());
        }
      }
    }
    if (numbers.isEmpty()) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    int last = 0;
    for (Map.Entry<Integer, Integer> n : numbers.entrySet()) {
      String number = s.substring(n.getKey(), n.getValue());
      out.append(encoded(s.substring(last, n.getKey())))
          .append(
              Phones.mask((number.startsWith("+") ? "+" : "") + number.replaceAll("[^0-9]", "")));
      last = n.getValue();
    }
    return out.append(encoded(s.substring(last))).toString();
  }

  /**
   * A token as the routes read it: percent-decoded (UTF-8) until nothing is left to decode,
   * invisible format characters dropped, any space a space, any decimal digit ASCII, any dash a
   * '-', and a full-width plus, bracket or tilde the ASCII one.
   */
  static String readable(String token) {
    String s = token;
    for (int round = 0; round < 4 && s.indexOf('%') >= 0; round++) {
      String decoded = percentDecoded(s);
      if (decoded.equals(s)) {
        break;
      }
      s = decoded;
    }
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c -> {
              if (Character.getType(c) == Character.FORMAT) {
                return; // zero-width and direction marks
              }
              if (Character.isSpaceChar(c)) {
                out.append(' ');
              } else if (Character.isDigit(c)) {
                out.append((char) ('0' + Character.digit(c, 10)));
              } else if (c == 0xFF0B) {
                out.append('+');
              } else if (Character.getType(c) == Character.DASH_PUNCTUATION || c == 0x2212) {
                out.append('-'); // the dashes and minus the phone library reads as '-'
              } else if (c == 0xFF08 || c == 0xFF09 || c == 0xFF3B || c == 0xFF3D || c == 0xFF5E) {
                out.append((char) (c - 0xFEE0)); // full-width brackets and tilde
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }

  /** Each {@code %XX} of a string as the UTF-8 bytes they spell; any other character kept. */
  private static String percentDecoded(String s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
      int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
      if (s.charAt(i) == '%' && hi >= 0 && lo >= 0) {
        bytes.write(hi * 16 + lo);
        i += 3;
      } else {
        int c = s.codePointAt(i);
        bytes.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(c);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The rest of a masked token as a URL writes it (no space or quote reaches the line). */
  private static String encoded(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && PLAIN.matcher(String.valueOf(c)).matches()) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** Hands each formatted line to the appenders as an INFO event of {@code http.request}. */
  static final class Writer extends AbstractLifeCycle implements RequestLog.Writer {
    private final AppenderAttachableImpl<ILoggingEvent> appenders;
    private final LoggerContext context;

    Writer(AppenderAttachableImpl<ILoggingEvent> appenders, LoggerContext context) {
      this.appenders = appenders;
      this.context = context;
    }

    @Override
    public void write(String line) {
      LoggingEvent event = new LoggingEvent();
      line = maskNumbersInPath(line);
      event.setLevel(Level.INFO);
      event.setLoggerName(LOGGER);
      event.setMessage(line);
      event.setTimeStamp(System.currentTimeMillis());
      event.setLoggerContext(context);
      appenders.appendLoopOnAppenders(event);
    }

    @Override
    protected void doStop() throws Exception {
      appenders.detachAndStopAllAppenders();
      super.doStop();
    }
  }
}

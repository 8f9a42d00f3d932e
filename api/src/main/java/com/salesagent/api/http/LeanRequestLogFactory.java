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
import java.util.List;
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

  /** A whole path segment (between slashes, up to the space, query or quote that ends the path). */
  private static final Pattern SEGMENT = Pattern.compile("(?<=/)[^/ ?\"]+(?=[/ ?\"]|$)");

  /** A number as a person writes one: digits, spaces, dashes, dots, brackets, a leading '+'. */
  private static final Pattern NUMBER_SPELLING = Pattern.compile("\\+?[0-9 ().-]+");

  private static final Pattern ESCAPE = Pattern.compile("%(2[0389BbEe]|2[Dd])");

  /**
   * The line with each phone number of its path masked as every other log masks one: a whole path
   * segment of 8 to 15 digits, maybe after a '+' and written with spaces, dashes, dots or brackets,
   * escaped or not (the suppressions routes name a number in the path, and read {@code +55 11
   * 99876-5470} as the number). Digits inside an id ({@code lead-20261204}, a UUID) are kept.
   */
  static String maskNumbersInPath(String line) {
    Matcher m = SEGMENT.matcher(line);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String number = number(m.group());
      m.appendReplacement(
          out, Matcher.quoteReplacement(number == null ? m.group() : Phones.mask(number)));
    }
    return m.appendTail(out).toString();
  }

  /** The number a path segment spells ("+" and its digits), or null when it spells none. */
  private static String number(String segment) {
    Matcher escapes = ESCAPE.matcher(segment);
    StringBuilder decoded = new StringBuilder();
    while (escapes.find()) {
      char c = (char) Integer.parseInt(escapes.group(1), 16);
      escapes.appendReplacement(decoded, Matcher.quoteReplacement(String.valueOf(c)));
    }
    String s = escapes.appendTail(decoded).toString();
    if (!NUMBER_SPELLING.matcher(s).matches()) {
      return null;
    }
    String digits = s.replaceAll("[^0-9]", "");
    if (digits.length() < 8 || digits.length() > 15) {
      return null;
    }
    return (s.startsWith("+") ? "+" : "") + digits;
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

package com.salesagent.worker.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.logging.common.ConsoleAppenderFactory;
import io.dropwizard.logging.json.EventJsonLayoutBaseFactory;

/**
 * {@code LOG_FORMAT=json} (the appender's {@code type}): the console appender with Dropwizard's
 * JSON layout, one object per line, the MDC (lead id, workflow id, activity, webhook event)
 * included, for log shippers; {@code console} (the default) is the text line.
 */
@JsonTypeName("json")
public class JsonConsoleAppenderFactory extends ConsoleAppenderFactory<ILoggingEvent> {
  public JsonConsoleAppenderFactory() {
    setLayout(new EventJsonLayoutBaseFactory());
  }
}

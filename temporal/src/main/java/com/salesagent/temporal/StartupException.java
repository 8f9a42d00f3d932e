package com.salesagent.temporal;

/**
 * A start-up failure whose message is complete on one line: it names the cause and the setting
 * (usually an environment variable) that fixes it. The command line prints only the message.
 */
public class StartupException extends RuntimeException {
  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}

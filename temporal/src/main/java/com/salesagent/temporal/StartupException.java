package com.salesagent.temporal;

/**
 * A start-up failure whose message is complete: its first line names the cause and the setting
 * (usually an environment variable) that fixes it; further lines may hold the commands that fix it
 * (the missing search attributes). The command line prints only the message.
 */
public class StartupException extends RuntimeException {
  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}

package com.salesagent.worker.config;

import java.net.URI;

/** The URL check the configuration factories share. */
public final class HttpUrls {
  private HttpUrls() {}

  public static boolean isHttpUrl(String value) {
    try {
      URI uri = URI.create(value);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}

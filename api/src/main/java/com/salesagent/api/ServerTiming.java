package com.salesagent.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.util.Locale;

/**
 * Adds {@code Server-Timing: app;dur=<ms>} to every API answer: the time from the request reaching
 * Jersey to the response (before the body is written). Browsers show it in their developer tools;
 * the dashboard benchmark reads it.
 */
@Priority(1)
public class ServerTiming implements ContainerRequestFilter, ContainerResponseFilter {
  private static final String START = ServerTiming.class.getName() + ".start";

  @Override
  public void filter(ContainerRequestContext request) {
    request.setProperty(START, System.nanoTime());
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    Object start = request.getProperty(START);
    if (start instanceof Long s) {
      response
          .getHeaders()
          .add(
              "Server-Timing",
              String.format(Locale.ROOT, "app;dur=%.2f", (System.nanoTime() - s) / 1e6));
    }
  }
}

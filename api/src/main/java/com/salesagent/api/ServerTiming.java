package com.salesagent.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/**
 * Adds {@code Server-Timing: app;dur=<ms>} to the API's answers to authenticated requests: the time
 * from the request reaching Jersey to the response (before the body is written). Browsers show it
 * in their developer tools; the dashboard benchmark reads it. An answer to a caller that did not
 * prove who it is (no or a wrong bearer token, a public route, a webhook whose signature did not
 * match) carries none: it would tell a stranger how long the server worked on its guess.
 * Authenticated means an operator's principal, or {@link #PROVEN} set by a public resource that
 * checked its caller itself (the WhatsApp webhook's signature or verify token).
 */
@Priority(1)
public class ServerTiming implements ContainerRequestFilter, ContainerResponseFilter {
  private static final String START = ServerTiming.class.getName() + ".start";

  /** A request property a public resource sets once its caller proved itself. */
  public static final String PROVEN = ServerTiming.class.getName() + ".proven";

  @Override
  public void filter(ContainerRequestContext request) {
    request.setProperty(START, System.nanoTime());
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    Object start = request.getProperty(START);
    if (start instanceof Long s && authenticated(request)) {
      response.getHeaders().add("Server-Timing", value(System.nanoTime() - s));
    }
  }

  private static boolean authenticated(ContainerRequestContext request) {
    return Boolean.TRUE.equals(request.getProperty(PROVEN))
        || (request.getSecurityContext() != null
            && request.getSecurityContext().getUserPrincipal() != null);
  }

  /**
   * {@code app;dur=<ms with two decimals>}, rounded half up. Built by hand: String.format of a
   * double cost 3 % of the whole process's CPU when webhooks came one per request (JFR).
   */
  public static String value(long nanos) {
    long hundredths = (Math.max(0, nanos) + 5_000) / 10_000;
    long fraction = hundredths % 100;
    return "app;dur=" + hundredths / 100 + (fraction < 10 ? ".0" : ".") + fraction;
  }
}

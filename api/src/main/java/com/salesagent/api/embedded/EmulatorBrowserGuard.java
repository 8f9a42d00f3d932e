package com.salesagent.api.embedded;

import static com.salesagent.api.embedded.EmulatorHttp.respond;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/** The emulator's HTTP contexts refuse a web page's request (403): see {@link #guarded}. */
final class EmulatorBrowserGuard {
  private EmulatorBrowserGuard() {}

  /**
   * Loopback is no wall against the browser on this machine: a web page elsewhere could post a
   * "recorded" payload to {@code /emulator/replay} (text/plain needs no preflight), which the
   * emulator signs with the app secret and delivers as Meta would (a forged STOP, a forged reply),
   * or read the emulator under a name rebound to 127.0.0.1. A browser's request is refused (403):
   * the app, curl and the tests send no {@code Origin} and no {@code Sec-Fetch-Site}.
   */
  static com.sun.net.httpserver.HttpContext guarded(com.sun.net.httpserver.HttpContext context) {
    context
        .getFilters()
        .add(
            new com.sun.net.httpserver.Filter() {
              @Override
              public void doFilter(HttpExchange ex, Chain chain) throws IOException {
                String problem =
                    com.salesagent.api.http.AdminBrowserGuard.problem(
                        ex.getRequestHeaders()::getFirst);
                if (problem == null) {
                  chain.doFilter(ex);
                  return;
                }
                respond(
                    ex,
                    403,
                    error("The emulator answers no web page: " + problem, "OAuthException", 10));
              }

              @Override
              public String description() {
                return "refuses a web page's request";
              }
            });
    return context;
  }

  private static String error(String message, String type, int code) {
    return EmulatorHttp.error(message, type, code, null);
  }
}

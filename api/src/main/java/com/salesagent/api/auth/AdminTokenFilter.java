package com.salesagent.api.auth;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Every path under /api requires {@code Authorization: Bearer <API_ADMIN_TOKEN>}. The WhatsApp
 * webhook lives outside /api: it is protected by its signature instead.
 */
@Priority(Priorities.AUTHENTICATION)
public class AdminTokenFilter implements ContainerRequestFilter {
  private final byte[] token;

  public AdminTokenFilter(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("admin token must not be blank");
    }
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!(path.equals("api") || path.startsWith("api/"))) {
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    String presented =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : null;
    if (presented == null
        || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
      request.abortWith(
          Response.status(Response.Status.UNAUTHORIZED)
              .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"sales-agent\"")
              .type(MediaType.APPLICATION_JSON_TYPE)
              .entity(
                  Map.of(
                      "code",
                      401,
                      "message",
                      presented == null
                          ? "missing bearer token: send Authorization: Bearer <API_ADMIN_TOKEN>"
                          : "wrong bearer token"))
              .build());
    }
  }
}

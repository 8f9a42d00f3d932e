package com.salesagent.api.auth;

import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.RequestGuard;
import io.dropwizard.auth.AuthFilter;
import io.dropwizard.auth.Authenticator;
import io.dropwizard.auth.PermitAllAuthorizer;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * {@code Authorization: Bearer <API_ADMIN_TOKEN>} (header only: never a query parameter, which
 * would land in logs), compared in constant time. Bound by {@link DenyByDefault} to every matched
 * resource method that is not a {@link PublicEndpoint}, so the decision follows Jersey's routing,
 * not the request's spelling of the path. Repeated wrong tokens from one address are throttled.
 */
@Priority(Priorities.AUTHENTICATION)
public final class BearerTokenFilter extends AuthFilter<String, Operator> {
  private final FailedAuthThrottle throttle;

  private BearerTokenFilter(FailedAuthThrottle throttle) {
    this.throttle = throttle;
  }

  /** The filter for one operator token, whose holder is recorded as {@code operatorName}. */
  public static BearerTokenFilter create(
      String token, String operatorName, FailedAuthThrottle throttle) {
    byte[] expected = token.getBytes(StandardCharsets.UTF_8);
    Operator operator = new Operator(operatorName);
    Authenticator<String, Operator> authenticator =
        presented ->
            MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))
                ? Optional.of(operator)
                : Optional.empty();
    BearerTokenFilter filter = new BearerTokenFilter(throttle);
    filter.authenticator = authenticator;
    filter.authorizer = new PermitAllAuthorizer<>();
    filter.prefix = "Bearer";
    filter.realm = "sales-agent";
    return filter;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    Object address = request.getProperty(RequestGuard.CLIENT_ADDRESS);
    String client = address == null ? "unknown" : address.toString();
    if (throttle.blocked(client)) {
      request.abortWith(
          refusal(429, "too many failed authentications from this address: try again later")
              .header(HttpHeaders.RETRY_AFTER, throttle.window().toSeconds())
              .build());
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    String presented =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : null;
    if (presented != null && !presented.isEmpty() && authenticate(request, presented, "Bearer")) {
      return;
    }
    if (presented != null) {
      // A wrong token is a guess; a missing one (a page asking before login) guesses nothing.
      throttle.failed(client);
    }
    request.abortWith(
        refusal(
                401,
                presented == null
                    ? "missing bearer token: send Authorization: Bearer <API_ADMIN_TOKEN>"
                    : "wrong bearer token")
            .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\"")
            .build());
  }

  /** The API's error shape, naming the header at fault. */
  private static Response.ResponseBuilder refusal(int status, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(
            new ApiException(status, message, new FieldError(HttpHeaders.AUTHORIZATION, message))
                .body());
  }
}

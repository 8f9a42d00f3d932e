package com.salesagent.api.http;

import com.salesagent.api.auth.Operator;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/** What resource tests (Dropwizard's ResourceExtension) share. */
public final class ResourceTests {
  private ResourceTests() {}

  /** What the bearer-token filter does once the token matched: the caller is this operator. */
  public static ContainerRequestFilter asOperator(String name) {
    return request ->
        request.setSecurityContext(
            new SecurityContext() {
              @Override
              public Principal getUserPrincipal() {
                return new Operator(name);
              }

              @Override
              public boolean isUserInRole(String role) {
                return true;
              }

              @Override
              public boolean isSecure() {
                return false;
              }

              @Override
              public String getAuthenticationScheme() {
                return "Bearer";
              }
            });
  }
}

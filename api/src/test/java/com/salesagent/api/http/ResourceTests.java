package com.salesagent.api.http;

import com.salesagent.api.auth.Operator;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/** What resource tests (Dropwizard's ResourceExtension) share. */
public final class ResourceTests {
  private ResourceTests() {}

  /**
   * A resource test's extension as the application configures Jersey: the request mapper ({@link
   * RequestJson#strict}) and the application's exception mappers.
   */
  public static ResourceExtension.Builder api() {
    ResourceExtension.Builder builder =
        ResourceExtension.builder().setMapper(RequestJson.strict(Jackson.newObjectMapper()));
    RequestJson.errorMappers().forEach(builder::addProvider);
    return builder;
  }

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

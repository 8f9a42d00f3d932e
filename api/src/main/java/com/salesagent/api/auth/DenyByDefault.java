package com.salesagent.api.auth;

import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;

/**
 * Deny by default: the bearer-token filter is bound to every resource method Jersey matches, except
 * those whose method or class is a {@link PublicEndpoint}. A new resource is protected without
 * anyone remembering to protect it; a path spelled with matrix parameters, encodings or another
 * case reaches the same matched method and so the same filter.
 */
public final class DenyByDefault implements DynamicFeature {
  private final BearerTokenFilter filter;

  public DenyByDefault(BearerTokenFilter filter) {
    this.filter = filter;
  }

  @Override
  public void configure(ResourceInfo resource, FeatureContext context) {
    if (!isPublic(resource)) {
      context.register(filter);
    }
  }

  public static boolean isPublic(ResourceInfo resource) {
    return (resource.getResourceMethod() != null
            && resource.getResourceMethod().isAnnotationPresent(PublicEndpoint.class))
        || (resource.getResourceClass() != null
            && resource.getResourceClass().isAnnotationPresent(PublicEndpoint.class));
  }
}

package com.salesagent.api.http;

import com.salesagent.api.auth.DenyByDefault;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.UriInfo;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A query parameter the matched route does not take is 400 naming it, on every operator route: a
 * misspelt filter ({@code /api/handoffs?owner=ana} for {@code ownerId}) was ignored and the route
 * answered unfiltered, as if it had filtered. A route's parameters are its method's {@code
 * QueryParam}s; a method that reads the query itself ({@code @Context UriInfo}: the leads list, the
 * persona search) checks its own, and the public routes (Meta's and HubSpot's webhooks, the OpenAPI
 * description) stay tolerant. Runs after authentication, so nothing is said to a caller without the
 * token. A parameter given twice is 400 naming it on every operator route: each read its first
 * value alone, so a filter given twice looked applied twice.
 */
public final class KnownQueryParameters implements DynamicFeature {

  @Override
  public void configure(ResourceInfo resource, FeatureContext context) {
    Method method = resource.getResourceMethod();
    if (method == null || DenyByDefault.isPublic(resource)) {
      return;
    }
    // Every operator route, those reading the query themselves too: no route takes a parameter
    // twice (a list is one value, separated by commas), and each read the first value alone, so
    // ?stage=replied&stage=enrolled answered replied leads as if both were filtered on.
    context.register(new Once());
    if (readsTheQueryItself(method)) {
      return;
    }
    Set<String> known = new LinkedHashSet<>();
    for (Parameter p : method.getParameters()) {
      QueryParam q = p.getAnnotation(QueryParam.class);
      if (q != null) {
        known.add(q.value());
      }
    }
    context.register(new Check(Set.copyOf(known), List.copyOf(known)));
  }

  /** The longest parameter name an answer repeats, in code points; a longer one ends in "...". */
  public static final int SHOWN_NAME = 64;

  /**
   * A parameter's name as a 400 names it: at most {@link #SHOWN_NAME} code points and "...", never
   * half an emoji (a name cut inside a surrogate pair was answered with the half).
   */
  public static String shown(String name) {
    return ReadableText.length(name) > SHOWN_NAME
        ? ReadableText.cut(name, SHOWN_NAME) + "..."
        : name;
  }

  private static boolean readsTheQueryItself(Method method) {
    for (Parameter p : method.getParameters()) {
      for (Annotation a : p.getAnnotations()) {
        if (a instanceof Context && UriInfo.class.isAssignableFrom(p.getType())) {
          return true;
        }
      }
    }
    return false;
  }

  @Priority(Priorities.USER)
  private static final class Once implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
      List<FieldError> twice =
          request.getUriInfo().getQueryParameters().entrySet().stream()
              .filter(e -> e.getValue().size() > 1)
              .map(java.util.Map.Entry::getKey)
              .sorted()
              .map(
                  p ->
                      new FieldError(
                          shown(p),
                          "given more than once; give it once (a list: its values separated by"
                              + " commas, where the parameter takes one)"))
              .toList();
      if (!twice.isEmpty()) {
        throw new ApiException(400, "a parameter given more than once", twice);
      }
    }
  }

  @Priority(Priorities.USER)
  private static final class Check implements ContainerRequestFilter {
    private final Set<String> known;
    private final List<String> inOrder;

    Check(Set<String> known, List<String> inOrder) {
      this.known = known;
      this.inOrder = inOrder;
    }

    @Override
    public void filter(ContainerRequestContext request) {
      List<FieldError> unknown =
          request.getUriInfo().getQueryParameters().keySet().stream()
              .filter(p -> !known.contains(p))
              .sorted()
              .map(
                  p ->
                      new FieldError(
                          shown(p),
                          inOrder.isEmpty()
                              ? "unknown parameter; this route takes none"
                              : "unknown parameter; known: " + String.join(", ", inOrder)))
              .toList();
      if (!unknown.isEmpty()) {
        throw new ApiException(400, "unknown parameter", unknown);
      }
    }
  }
}

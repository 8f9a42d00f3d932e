package com.salesagent.api.http;

import com.salesagent.api.auth.DenyByDefault;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.lang.annotation.Annotation;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;

/**
 * A route that reads a body reads JSON, and a body of any other type is refused (415 naming {@code
 * Content-Type}) before the route runs, on every operator route in one place: a web page can send
 * {@code text/plain}, {@code application/x-www-form-urlencoded} or {@code multipart/form-data} (or
 * a body with no type at all, a {@code Blob} without one) across sites without a preflight, so a
 * JSON route that took them was a cross-site request's target. Many routes read the raw bytes
 * ({@code @Consumes(*)}, to answer a malformed body with the field at fault) and so never asked
 * Jersey to check the type. {@code application/json} and {@code application/*+json} pass, with any
 * parameters; a request with no body and no type (an optional body left out) passes. The routes
 * whose body is not JSON ({@link RawBody}: the lead import's CSV and JSON lines, a recording) check
 * their own types, but refuse the three a form may send ({@code text/plain}, {@code
 * application/x-www-form-urlencoded}, {@code multipart/form-data}); Meta's and HubSpot's webhooks
 * are public and signed. Runs after authentication, so nothing is said to a caller without the
 * token.
 */
public final class JsonBodies implements DynamicFeature {

  /**
   * The route reads a body that need not be JSON (a CSV, JSON lines, a recording) and checks its
   * {@code Content-Type} itself.
   */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  public @interface RawBody {}

  private static final Check CHECK = new Check();

  private static final FormTypes FORM_TYPES = new FormTypes();

  @Override
  public void configure(ResourceInfo resource, FeatureContext context) {
    Method method = resource.getResourceMethod();
    if (method == null || DenyByDefault.isPublic(resource) || !readsABody(method)) {
      return;
    }
    context.register(method.isAnnotationPresent(RawBody.class) ? FORM_TYPES : CHECK);
  }

  /**
   * The types a web form or a page's script may send to another site without a preflight: refused
   * on the routes that take other bodies too (a recording sent as text/plain is no recording).
   */
  static boolean isFormType(String contentType) {
    MediaType type;
    try {
      type = MediaType.valueOf(contentType);
    } catch (IllegalArgumentException e) {
      return false;
    }
    String t = (type.getType() + "/" + type.getSubtype()).toLowerCase(java.util.Locale.ROOT);
    return t.equals("text/plain")
        || t.equals("application/x-www-form-urlencoded")
        || t.equals("multipart/form-data");
  }

  /** A parameter that no JAX-RS or auth annotation binds is the request's body. */
  static boolean readsABody(Method method) {
    for (Parameter p : method.getParameters()) {
      boolean bound = false;
      for (Annotation a : p.getAnnotations()) {
        String pkg = a.annotationType().getPackageName();
        if (pkg.startsWith("jakarta.ws.rs") || pkg.startsWith("io.dropwizard.auth")) {
          bound = true;
        }
      }
      if (!bound) {
        return true;
      }
    }
    return false;
  }

  /** Whether a Content-Type names JSON: application/json or application/*+json. */
  static boolean isJson(String contentType) {
    MediaType type;
    try {
      type = MediaType.valueOf(contentType);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return "application".equalsIgnoreCase(type.getType())
        && ("json".equalsIgnoreCase(type.getSubtype())
            || type.getSubtype().toLowerCase(java.util.Locale.ROOT).endsWith("+json"));
  }

  @Priority(Priorities.HEADER_DECORATOR)
  private static final class Check implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
      String type = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
      if (type == null) {
        boolean body =
            request.getLength() > 0 || request.getHeaderString("Transfer-Encoding") != null;
        if (body) {
          throw refusal("missing: this route reads a JSON body");
        }
        return;
      }
      if (!isJson(type)) {
        String shown = type.length() > 100 ? type.substring(0, 100) + "..." : type;
        throw refusal(
            "unsupported: "
                + shown.replaceAll("[\\p{Cntrl}\\u202A-\\u202E\\u2066-\\u2069]", "?")
                + "; send application/json");
      }
    }

    static ApiException refusal(String why) {
      return new ApiException(
          415,
          "this route takes a JSON body: send it as Content-Type: application/json",
          new FieldError("Content-Type", why));
    }
  }

  @Priority(Priorities.HEADER_DECORATOR)
  private static final class FormTypes implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
      String type = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
      if (type != null && isFormType(type)) {
        throw new ApiException(
            415,
            "this route does not take a form's or plain text's body",
            new FieldError(
                "Content-Type",
                "unsupported: "
                    + (type.length() > 100 ? type.substring(0, 100) + "..." : type)
                    + "; send the file's own type"));
      }
    }
  }
}

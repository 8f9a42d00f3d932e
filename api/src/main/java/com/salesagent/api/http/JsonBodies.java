package com.salesagent.api.http;

import com.salesagent.api.auth.DenyByDefault;
import jakarta.annotation.Priority;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.annotation.Annotation;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

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
 * are public and signed. A route that reads no body (a {@code POST}, {@code PUT} or {@code DELETE}
 * whose options, if any, are query parameters: a stop's {@code ?reason=}, an erasure's {@code
 * ?keepSuppressed=}) refuses one (400 naming {@code body} and those parameters) unless it is empty
 * or {@code {}}: it was ignored, so a stop sent with {@code {"reason": "..."}} stopped the lead and
 * dropped the reason, answered 202 as if taken. Runs after authentication, so nothing is said to a
 * caller without the token.
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

  /**
   * The request property of a request whose {@code Content-Type} is no media type at all ({@code
   * text/csv; charset=x-<script>}: a character a type may not have): the header as sent. Jersey
   * could not match such a request to its route and answered an empty 400, which read as a bad
   * {@code path}; {@link UnparseableTypes} marks it instead, and the route's body check refuses it
   * (415 naming {@code Content-Type}) after authentication, as any type it does not take.
   */
  static final String UNPARSEABLE = JsonBodies.class.getName() + ".unparseable";

  private static final FormTypes FORM_TYPES = new FormTypes();

  @Override
  public void configure(ResourceInfo resource, FeatureContext context) {
    Method method = resource.getResourceMethod();
    if (method == null || DenyByDefault.isPublic(resource)) {
      return;
    }
    if (!readsABody(method)) {
      if (!method.isAnnotationPresent(GET.class)) {
        context.register(new NoBody(queryParameters(method)));
      }
      return;
    }
    context.register(method.isAnnotationPresent(RawBody.class) ? FORM_TYPES : CHECK);
  }

  /** The names of the query parameters a route takes, in its signature's order. */
  static List<String> queryParameters(Method method) {
    List<String> names = new java.util.ArrayList<>();
    for (Parameter p : method.getParameters()) {
      QueryParam q = p.getAnnotation(QueryParam.class);
      if (q != null) {
        names.add(q.value());
      }
    }
    return List.copyOf(names);
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

  /**
   * A {@code Content-Type} as an answer may show it: at most 100 characters, and a control or bidi
   * character, or one that means something in markup ({@code < > & " ' ` \}), as {@code ?}. What a
   * caller sent is named, never echoed as markup.
   */
  public static String shown(String value) {
    String cut = ReadableText.length(value) > 100 ? ReadableText.cut(value, 100) + "..." : value;
    return cut.replaceAll("[\\p{Cntrl}\\u202A-\\u202E\\u2066-\\u2069<>&\"'`\\\\]", "?");
  }

  /** The 415 of a request whose Content-Type is no media type ({@link #UNPARSEABLE}), or null. */
  static ApiException unparseable(ContainerRequestContext request, String expected) {
    Object raw = request.getProperty(UNPARSEABLE);
    if (raw == null) {
      return null;
    }
    return new ApiException(
        415,
        "the Content-Type is no media type (type/subtype; parameters): " + expected,
        new FieldError("Content-Type", "unsupported: " + shown(raw.toString())));
  }

  /**
   * Before Jersey: a {@code Content-Type} that does not parse as a media type is set aside as the
   * request's {@link #UNPARSEABLE} attribute (a Jersey request property) and read as {@code
   * application/octet-stream}, so the request is routed and authenticated as any other (Jersey's
   * servlet answered its own parse failure with an empty 400 before both), then refused by the
   * route's body check naming {@code Content-Type}. A servlet filter: Jersey parses the type before
   * its own filters run.
   */
  public static final class UnparseableTypes implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      if (!(request instanceof HttpServletRequest http)) {
        chain.doFilter(request, response);
        return;
      }
      String type = http.getHeader(HttpHeaders.CONTENT_TYPE);
      if (type == null || parses(http)) {
        chain.doFilter(request, response);
        return;
      }
      http.setAttribute(UNPARSEABLE, type);
      chain.doFilter(new OctetStream(http), response);
    }

    /** Every Content-Type header the request has parses as a media type. */
    private static boolean parses(HttpServletRequest http) {
      for (Enumeration<String> types = http.getHeaders(HttpHeaders.CONTENT_TYPE);
          types.hasMoreElements(); ) {
        try {
          MediaType.valueOf(types.nextElement());
        } catch (IllegalArgumentException e) {
          return false;
        }
      }
      return true;
    }
  }

  /** The request with {@code application/octet-stream} for the Content-Type it had. */
  private static final class OctetStream extends HttpServletRequestWrapper {
    OctetStream(HttpServletRequest request) {
      super(request);
    }

    @Override
    public String getContentType() {
      return MediaType.APPLICATION_OCTET_STREAM;
    }

    @Override
    public String getCharacterEncoding() {
      return null;
    }

    @Override
    public String getHeader(String name) {
      return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)
          ? MediaType.APPLICATION_OCTET_STREAM
          : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)
          ? Collections.enumeration(List.of(MediaType.APPLICATION_OCTET_STREAM))
          : super.getHeaders(name);
    }
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
      ApiException unparseable = unparseable(request, "send application/json");
      if (unparseable != null) {
        throw unparseable;
      }
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
        throw refusal("unsupported: " + shown(type) + "; send application/json");
      }
    }

    static ApiException refusal(String why) {
      return new ApiException(
          415,
          "this route takes a JSON body: send it as Content-Type: application/json",
          new FieldError("Content-Type", why));
    }
  }

  /**
   * On a route that reads no body: a body other than nothing or an empty object ({@code {}}, blanks
   * around it) is refused, 400 naming {@code body}, before the route runs. Reads at most {@link
   * #LOOK} bytes of it (what is left is drained after the answer, as for any refusal).
   */
  @Priority(Priorities.HEADER_DECORATOR)
  static final class NoBody implements ContainerRequestFilter {
    static final int LOOK = 4096;

    private final List<String> options;

    NoBody(List<String> options) {
      this.options = options;
    }

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
      boolean body =
          request.getLength() > 0 || request.getHeaderString("Transfer-Encoding") != null;
      if (!body) {
        return;
      }
      InputStream in = request.getEntityStream();
      byte[] head = in.readNBytes(LOOK + 1);
      request.setEntityStream(new SequenceInputStream(new ByteArrayInputStream(head), in));
      if (head.length <= LOOK && emptyObject(head)) {
        return;
      }
      throw new ApiException(
          400,
          "this route reads no body",
          new FieldError(
              "body",
              options.isEmpty()
                  ? "not read: this route takes no options"
                  : "not read: this route's options are query parameters ("
                      + String.join(", ", options)
                      + ")"));
    }

    /** Nothing but blanks, or an empty JSON object with blanks around and inside it. */
    static boolean emptyObject(byte[] bytes) {
      return new String(bytes, StandardCharsets.ISO_8859_1)
          .matches("[ \\t\\r\\n]*(\\{[ \\t\\r\\n]*\\}[ \\t\\r\\n]*)?");
    }
  }

  @Priority(Priorities.HEADER_DECORATOR)
  private static final class FormTypes implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
      ApiException unparseable = unparseable(request, "send the file's own type");
      if (unparseable != null) {
        throw unparseable;
      }
      String type = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
      if (type != null && isFormType(type)) {
        throw new ApiException(
            415,
            "this route does not take a form's or plain text's body",
            new FieldError(
                "Content-Type", "unsupported: " + shown(type) + "; send the file's own type"));
      }
    }
  }
}

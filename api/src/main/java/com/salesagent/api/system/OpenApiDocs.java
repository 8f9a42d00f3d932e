package com.salesagent.api.system;

import com.fasterxml.jackson.annotation.JsonView;
import com.salesagent.api.auth.PublicEndpoint;
import io.dropwizard.auth.Auth;
import io.swagger.v3.core.filter.AbstractSpecFilter;
import io.swagger.v3.core.model.ApiDescription;
import io.swagger.v3.jaxrs2.ResolvedParameter;
import io.swagger.v3.jaxrs2.ext.AbstractOpenAPIExtension;
import io.swagger.v3.jaxrs2.ext.OpenAPIExtension;
import io.swagger.v3.jaxrs2.ext.OpenAPIExtensions;
import io.swagger.v3.jaxrs2.integration.resources.BaseOpenApiResource;
import io.swagger.v3.oas.integration.SwaggerConfiguration;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import jakarta.servlet.ServletConfig;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /api/openapi.json} (and {@code .yaml}): the REST API as OpenAPI 3, read from the
 * resources' JAX-RS and OpenAPI annotations, with the bearer-token scheme every route but the
 * webhook needs; {@code /api-docs/} is the browsable page. Public: it describes the routes, it
 * reveals no data, and the page must load it before the operator types the token.
 */
@Path("/api/openapi.{type:json|yaml}")
@PublicEndpoint("the API's description: routes and shapes, no data; the page reads it tokenless")
public class OpenApiDocs extends BaseOpenApiResource {
  public static final String CONTEXT_ID = "sales-agent-api";

  /** The bearer-token scheme, named by the resources that need it (all but the webhook). */
  public static final String TOKEN = "operatorToken";

  /** The description of these resource classes. */
  public static OpenApiDocs describing(Set<Class<?>> resources, String version) {
    return new OpenApiDocs(resources, version);
  }

  static {
    // Before the default extension, which would take the @Auth operator for the request body.
    List<OpenAPIExtension> extensions = new ArrayList<>(OpenAPIExtensions.getExtensions());
    if (extensions.stream().noneMatch(e -> e instanceof PrincipalIsNoParameter)) {
      extensions.add(0, new PrincipalIsNoParameter());
      OpenAPIExtensions.setExtensions(extensions);
    }
  }

  /**
   * The operator a route's token authenticates (its {@code @Auth} parameter) is neither a request
   * body nor a parameter: without this, every route taking one documented the principal as its body
   * (an approval's body read {@code Operator}, not the decision).
   */
  static final class PrincipalIsNoParameter extends AbstractOpenAPIExtension {
    @Override
    public ResolvedParameter extractParameters(
        List<Annotation> annotations,
        Type type,
        Set<Type> typesToSkip,
        Components components,
        Consumes classConsumes,
        Consumes methodConsumes,
        boolean includeRequestBody,
        JsonView jsonViewAnnotation,
        Iterator<OpenAPIExtension> chain) {
      if (annotations.stream().anyMatch(a -> a instanceof Auth)) {
        return new ResolvedParameter();
      }
      return super.extractParameters(
          annotations,
          type,
          typesToSkip,
          components,
          classConsumes,
          methodConsumes,
          includeRequestBody,
          jsonViewAnnotation,
          chain);
    }
  }

  // Not public: Jersey inspects public constructors for injection and warns about this one.
  private OpenApiDocs(Set<Class<?>> resources, String version) {
    OpenAPI api =
        new OpenAPI()
            .info(
                new Info()
                    .title("Sales agent API")
                    .version(version)
                    .description(
                        "Enrol leads, follow their workflows, steer prompt variants and approvals."
                            + " Every route needs the operator's bearer token (API_ADMIN_TOKEN)"
                            + " except the WhatsApp webhook, which Meta signs."))
            .components(
                new Components()
                    .addSecuritySchemes(
                        TOKEN,
                        new SecurityScheme()
                            .type(SecurityScheme.Type.HTTP)
                            .scheme("bearer")
                            .description("API_ADMIN_TOKEN")));
    Set<String> classes = new LinkedHashSet<>();
    resources.forEach(c -> classes.add(c.getName()));
    SwaggerConfiguration config =
        new SwaggerConfiguration()
            .openAPI(api)
            .resourceClasses(classes)
            .prettyPrint(true)
            .filterClass(TokenRequirement.class.getName())
            .readAllResources(true);
    setOpenApiConfiguration(config);
  }

  /**
   * Marks every operation with the bearer-token requirement except the webhook's (the only public
   * routes besides this description; the security suite holds that allow-list).
   */
  public static final class TokenRequirement extends AbstractSpecFilter {
    @Override
    public Optional<Operation> filterOperation(
        Operation operation,
        ApiDescription api,
        Map<String, List<String>> params,
        Map<String, String> cookies,
        Map<String, List<String>> headers) {
      SecurityRequirement token = new SecurityRequirement().addList(TOKEN);
      // The filter runs on every request for the description, on the same operations: once only.
      if (!api.getPath().startsWith("/webhooks/")
          && (operation.getSecurity() == null || !operation.getSecurity().contains(token))) {
        operation.addSecurityItem(token);
      }
      return Optional.of(operation);
    }
  }

  /** One description per application, built once from the configuration above. */
  @Override
  protected String getContextId(ServletConfig config) {
    return CONTEXT_ID;
  }

  @GET
  @Produces({MediaType.APPLICATION_JSON, "application/yaml"})
  @io.swagger.v3.oas.annotations.Operation(hidden = true)
  public Response describe(
      @Context HttpHeaders headers,
      @Context UriInfo uriInfo,
      @Context Application app,
      @PathParam("type") String type)
      throws Exception {
    return getOpenApi(headers, (ServletConfig) null, app, uriInfo, type);
  }
}

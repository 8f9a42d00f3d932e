package com.salesagent.api.http;

import com.salesagent.api.auth.DenyByDefault;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The id query parameters that filter a list or a report ({@code campaignId}, {@code segment},
 * {@code variantId}) are checked against the shape such an id can have, on every operator route
 * that takes them, before the route reads them: one that no campaign, segment or variant can have
 * (100 characters, a space, markup) is 400 naming the parameter. It answered 200 and nothing, as if
 * the filter had matched no lead. An empty value is no filter, as the routes read it. Runs after
 * authentication and after {@link KnownQueryParameters}; the public routes (the webhooks) are left
 * as they are.
 */
public final class QueryIds implements DynamicFeature {

  /** A campaign id, as an enrolment takes it (LeadValidator): letters, digits, '-', '_'. */
  public static final Pattern CAMPAIGN_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** A segment: an operator's (SegmentResource) or a company-size band (smb, mid_market...). */
  public static final Pattern SEGMENT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,39}");

  /** A variant id, as VariantResource takes it. */
  public static final Pattern VARIANT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private static final String CAMPAIGN_RULE = "1-64 letters, digits, '-' or '_'";

  /** The parameters checked, their shape and what the error says of it. */
  static final Map<String, Map.Entry<Pattern, String>> IDS =
      Map.of(
          "campaignId", Map.entry(CAMPAIGN_ID, CAMPAIGN_RULE),
          "segment",
              Map.entry(SEGMENT, "1-40 of a-z, 0-9, '_' or '-', starting with a letter or digit"),
          "variantId", Map.entry(VARIANT_ID, "1-64 letters, digits, '.', '_' or '-'"),
          "evidenceVariantId", Map.entry(VARIANT_ID, "1-64 letters, digits, '.', '_' or '-'"));

  @Override
  public void configure(ResourceInfo resource, FeatureContext context) {
    if (resource.getResourceMethod() == null || DenyByDefault.isPublic(resource)) {
      return;
    }
    context.register(new Check());
  }

  /** The errors of the id parameters of {@code query}, one per bad parameter, in name order. */
  public static List<FieldError> errors(Map<String, List<String>> query) {
    List<FieldError> errors = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(query.keySet())) {
      Map.Entry<Pattern, String> rule = IDS.get(name);
      if (rule == null) {
        continue;
      }
      for (String value : query.get(name)) {
        if (value != null && !value.isEmpty() && !rule.getKey().matcher(value).matches()) {
          errors.add(new FieldError(name, rule.getValue()));
          break;
        }
      }
    }
    return errors;
  }

  @Priority(Priorities.USER + 10)
  private static final class Check implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
      List<FieldError> errors = errors(request.getUriInfo().getQueryParameters());
      if (!errors.isEmpty()) {
        throw new ApiException(400, "bad filter", errors);
      }
    }
  }
}

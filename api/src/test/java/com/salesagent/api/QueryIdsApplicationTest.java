package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The id filters of the lists and reports ({@code campaignId}, {@code segment}, {@code variantId})
 * on the running application: one no campaign, segment or variant can have is 400 naming the
 * parameter on every route that takes it, as the application wires them ({@code QueryIds}).
 */
final class QueryIdsApplicationTest extends AppTestHarness {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * {@code ?campaignId=} of 100 characters answered 200 and nothing on the leads list, the
   * dashboard's summary and the persona search (up to 100 taken there), as if no lead were in such
   * a campaign; so did a segment or a variant id no segment or variant can have.
   */
  @Test
  void anIdFilterNoIdCanHaveIs400NamingItOnEveryRouteThatTakesIt() throws Exception {
    String hundred = "c".repeat(100);
    String[][] refused = {
      {"/api/leads?campaignId=" + hundred, "campaignId"},
      {"/api/leads?campaignId=spring%20sale", "campaignId"},
      {"/api/leads?segment=" + "s".repeat(41), "segment"},
      {"/api/leads?segment=%3Cb%3Esaas", "segment"},
      {"/api/leads?variantId=" + "v".repeat(65), "variantId"},
      {"/api/leads?stage=replied&variantId=v%2F1", "variantId"},
      {"/api/dashboard/summary?campaignId=" + hundred, "campaignId"},
      {"/api/analytics/variants?segment=" + hundred, "segment"},
      {"/api/personas/search?campaignId=" + hundred, "campaignId"},
      {"/api/personas/discover?campaignId=" + hundred, "campaignId"}
    };
    for (String[] route : refused) {
      HttpResponse<String> r = get(route[0]);
      assertThat(r.statusCode()).as(route[0] + " -> " + r.body()).isEqualTo(400);
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.path("code").asInt()).isEqualTo(400);
      assertThat(body.path("errors").size()).as(r.body()).isEqualTo(1);
      assertThat(body.path("errors").get(0).path("field").asText()).isEqualTo(route[1]);
      assertThat(body.path("errors").get(0).path("message").asText()).isNotBlank();
    }
    String[] taken = {
      "/api/leads?campaignId=" + "c".repeat(64),
      "/api/leads?campaignId=",
      "/api/leads?campaignId=spring_sale-2&segment=mid_market&variantId=v1.b",
      "/api/dashboard/summary?campaignId=default",
      "/api/analytics/variants?segment=smb",
      "/api/personas/search?campaignId=default"
    };
    for (String route : taken) {
      HttpResponse<String> r = get(route);
      assertThat(r.statusCode()).as(route + " -> " + r.body()).isEqualTo(200);
    }
  }
}

package com.salesagent.api.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The REST API's own settings. The admin token comes from the environment only. */
public class ApiSettings {
  private String adminToken = "";

  /** Shown in the banner and on lead pages when set; the dev server has no Web UI. */
  private String temporalUiUrl = "";

  @JsonProperty
  public String getAdminToken() {
    return adminToken;
  }

  @JsonProperty
  public void setAdminToken(String adminToken) {
    this.adminToken = adminToken == null ? "" : adminToken.trim();
  }

  @jakarta.validation.constraints.Pattern(
      regexp = "[A-Z]{2}",
      message = "must be a two-letter region such as US or BR (DEFAULT_PHONE_REGION)")
  private String defaultPhoneRegion = "US";

  @JsonProperty
  public String getDefaultPhoneRegion() {
    return defaultPhoneRegion;
  }

  @JsonProperty
  public void setDefaultPhoneRegion(String defaultPhoneRegion) {
    this.defaultPhoneRegion = defaultPhoneRegion;
  }

  @JsonProperty
  public String getTemporalUiUrl() {
    return temporalUiUrl;
  }

  @JsonProperty
  public void setTemporalUiUrl(String temporalUiUrl) {
    this.temporalUiUrl = temporalUiUrl == null ? "" : temporalUiUrl.trim();
  }
}

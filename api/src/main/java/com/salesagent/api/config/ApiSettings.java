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

  @JsonProperty
  public String getTemporalUiUrl() {
    return temporalUiUrl;
  }

  @JsonProperty
  public void setTemporalUiUrl(String temporalUiUrl) {
    this.temporalUiUrl = temporalUiUrl == null ? "" : temporalUiUrl.trim();
  }
}

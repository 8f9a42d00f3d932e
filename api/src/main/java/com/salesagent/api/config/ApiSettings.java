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

  /**
   * Where the dashboard's live feed comes from: {@code change_streams}, {@code polling}, or {@code
   * auto} (change streams on a real MongoDB that offers them, polling otherwise and on the embedded
   * MongoDB-wire server, whose change streams scan its whole oplog on every poll).
   */
  @jakarta.validation.constraints.Pattern(
      regexp = "auto|change_streams|polling",
      message = "must be auto, change_streams or polling (LIVE_FEED_SOURCE)")
  private String liveFeed = "auto";

  @JsonProperty
  public String getLiveFeed() {
    return liveFeed;
  }

  @JsonProperty
  public void setLiveFeed(String liveFeed) {
    this.liveFeed = liveFeed == null ? "auto" : liveFeed.trim();
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

package com.salesagent.worker.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * WhatsApp Business Cloud API. {@code apiBaseUrl} {@code emulator} means the local Cloud API
 * emulator of the embedded command, which then also supplies generated credentials. Tokens and
 * secrets come from the environment only.
 */
public class WhatsAppFactory {
  public static final String EMULATOR = "emulator";

  @NotBlank private String apiBaseUrl = "https://graph.facebook.com";

  /**
   * The Graph API version in every Cloud API path. v24.0 (8 Oct 2025) is available until 18 Feb
   * 2028 per Meta's Graph API changelog (developers.facebook.com/docs/graph-api/changelog); each
   * version lives about two years, so move on before it expires.
   */
  public static final String DEFAULT_API_VERSION = "v24.0";

  @NotBlank
  @Pattern(regexp = "v[0-9]+\\.[0-9]+", message = "must look like v24.0 (WHATSAPP_API_VERSION)")
  private String apiVersion = DEFAULT_API_VERSION;

  private String phoneNumberId = "";
  private String accessToken = "";
  private String appSecret = "";
  private String verifyToken = "";

  /**
   * More business numbers besides {@code phoneNumberId}: {@code id:TOKEN_VAR[:tier]}, comma
   * separated (WHATSAPP_SENDERS). The token is named, not given: TOKEN_VAR is the environment
   * variable that holds it.
   */
  private String senders = "";

  /** The share of a number's throughput tier sends may use (inbound messages count too). */
  @jakarta.validation.constraints.DecimalMin(
      value = "0.05",
      message = "must be between 0.05 and 1 (WHATSAPP_THROUGHPUT_SHARE)")
  @jakarta.validation.constraints.DecimalMax(
      value = "1.0",
      message = "must be between 0.05 and 1 (WHATSAPP_THROUGHPUT_SHARE)")
  private double throughputShare = 0.8;

  @JsonProperty
  public String getSenders() {
    return senders;
  }

  @JsonProperty
  public void setSenders(String senders) {
    this.senders = nullToEmpty(senders);
  }

  @JsonProperty
  public double getThroughputShare() {
    return throughputShare;
  }

  @JsonProperty
  public void setThroughputShare(double throughputShare) {
    this.throughputShare = throughputShare;
  }

  @JsonProperty
  public String getApiBaseUrl() {
    return apiBaseUrl;
  }

  @JsonProperty
  public void setApiBaseUrl(String apiBaseUrl) {
    this.apiBaseUrl = apiBaseUrl;
  }

  @JsonProperty
  public String getApiVersion() {
    return apiVersion;
  }

  @JsonProperty
  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  @JsonProperty
  public String getPhoneNumberId() {
    return phoneNumberId;
  }

  @JsonProperty
  public void setPhoneNumberId(String phoneNumberId) {
    this.phoneNumberId = nullToEmpty(phoneNumberId);
  }

  @JsonProperty
  public String getAccessToken() {
    return accessToken;
  }

  @JsonProperty
  public void setAccessToken(String accessToken) {
    this.accessToken = nullToEmpty(accessToken);
  }

  @JsonProperty
  public String getAppSecret() {
    return appSecret;
  }

  @JsonProperty
  public void setAppSecret(String appSecret) {
    this.appSecret = nullToEmpty(appSecret);
  }

  @JsonProperty
  public String getVerifyToken() {
    return verifyToken;
  }

  @JsonProperty
  public void setVerifyToken(String verifyToken) {
    this.verifyToken = nullToEmpty(verifyToken);
  }

  @JsonIgnore
  public boolean isEmulator() {
    return EMULATOR.equals(apiBaseUrl);
  }

  @JsonIgnore
  @ValidationMethod(message = "WHATSAPP_API_BASE_URL must be an http(s) URL or 'emulator'")
  public boolean isApiBaseUrlValid() {
    if (apiBaseUrl == null || isEmulator()) {
      return true;
    }
    return HttpUrls.isHttpUrl(apiBaseUrl);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s.trim();
  }
}

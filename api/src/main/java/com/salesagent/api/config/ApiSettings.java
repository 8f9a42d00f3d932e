package com.salesagent.api.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.salesagent.worker.config.HttpUrls;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

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

  @Pattern(
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
  @Pattern(
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

  /**
   * The name the operator token's holder is recorded under in audit records (approvals, variant
   * switches): the approver of a held message is whoever authenticated, never a request field.
   */
  @Pattern(
      regexp = "[\\p{L}\\p{N} ._@-]{1,64}",
      message = "must be 1-64 letters, digits, spaces or . _ @ - (API_OPERATOR_NAME)")
  private String operatorName = "operator";

  @JsonProperty
  public String getOperatorName() {
    return operatorName;
  }

  @JsonProperty
  public void setOperatorName(String operatorName) {
    this.operatorName = operatorName == null ? "operator" : operatorName.trim();
  }

  /**
   * The reverse proxies in front of the API port (comma-separated IP addresses): behind one, the
   * failed-authentication throttle counts the client its {@code X-Forwarded-For} names.
   */
  private String trustedProxies = "";

  @JsonProperty
  public String getTrustedProxies() {
    return trustedProxies;
  }

  @JsonProperty
  public void setTrustedProxies(String trustedProxies) {
    this.trustedProxies = trustedProxies == null ? "" : trustedProxies.trim();
  }

  /**
   * How long webhook events keep their raw payload (numbers, names, texts); the dedup key stays.
   */
  @NotNull private Duration webhookRetention = Duration.days(30);

  @JsonProperty
  public Duration getWebhookRetention() {
    return webhookRetention;
  }

  @JsonProperty
  public void setWebhookRetention(Duration webhookRetention) {
    this.webhookRetention = webhookRetention;
  }

  /**
   * How many webhook inbox partitions process at once in this process; 0 (the default): one more
   * than the cores. Fewer than the partitions (8) makes a partition that waits for its turn take
   * what came meanwhile as one batch: fewer MongoDB round trips per status under load.
   */
  @Min(value = 0, message = "must be 0 (cores + 1) or 1-64 (WEBHOOK_CONCURRENCY)")
  @Max(value = 64, message = "must be 0 (cores + 1) or 1-64 (WEBHOOK_CONCURRENCY)")
  private int webhookConcurrency = 0;

  @JsonProperty
  public int getWebhookConcurrency() {
    return webhookConcurrency;
  }

  @JsonProperty
  public void setWebhookConcurrency(int webhookConcurrency) {
    this.webhookConcurrency = webhookConcurrency;
  }

  /**
   * How long after an erasure's first pass its second pass sweeps what activities already running
   * for the lead (a send, a media download: at most 5 minutes) may still have written.
   */
  @NotNull private Duration erasureSweepAfter = Duration.minutes(10);

  @JsonProperty
  public Duration getErasureSweepAfter() {
    return erasureSweepAfter;
  }

  @JsonProperty
  public void setErasureSweepAfter(Duration erasureSweepAfter) {
    this.erasureSweepAfter = erasureSweepAfter;
  }

  /**
   * How long after our message reached a number that never answered no new lead may message it
   * (RECONTACT_AFTER; 0: no such guard), unless an operator enrols it with recontact=true.
   */
  @NotNull private Duration recontactAfter = Duration.days(30);

  @JsonProperty
  public Duration getRecontactAfter() {
    return recontactAfter;
  }

  @JsonProperty
  public void setRecontactAfter(Duration recontactAfter) {
    this.recontactAfter = recontactAfter;
  }

  /**
   * How long an import's record and its rows' answers are kept after it started (IMPORT_RETENTION):
   * MongoDB's TTL monitor removes them then.
   */
  @NotNull
  @io.dropwizard.validation.MinDuration(
      value = 1,
      unit = java.util.concurrent.TimeUnit.HOURS,
      message = "must be at least 1h (IMPORT_RETENTION)")
  private Duration importRetention = Duration.days(30);

  @JsonProperty
  public Duration getImportRetention() {
    return importRetention;
  }

  @JsonProperty
  public void setImportRetention(Duration importRetention) {
    this.importRetention = importRetention;
  }

  /**
   * How long an ended lead is kept after its last activity before it is erased (LEAD_RETENTION);
   * zero (the default) erases nothing by age. Read as a duration ({@code 365d}); a bare {@code 0}
   * is zero.
   */
  private Duration leadRetention = Duration.days(0);

  /** LEAD_RETENTION: zero is off. */
  public Duration leadRetention() {
    return leadRetention;
  }

  @JsonProperty("leadRetention")
  public void setLeadRetention(String value) {
    String v = value == null ? "" : value.strip();
    this.leadRetention = v.isEmpty() || v.equals("0") ? Duration.days(0) : Duration.parse(v);
  }

  /**
   * An ended lead is erased only a day or more after its last activity: a retention in minutes or
   * hours is a typo (30m for 30d), and erasing is not undone.
   */
  @io.dropwizard.validation.ValidationMethod(
      message = "LEAD_RETENTION must be 0 (off) or at least 1d, e.g. 365d")
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isLeadRetentionValid() {
    long seconds = leadRetention.toSeconds();
    return seconds == 0 || seconds >= 24 * 3600;
  }

  /** How long leads' inbound media stays in S3 (MEDIA_RETENTION); 0 keeps it until erasure. */
  @NotNull private Duration mediaRetention = Duration.days(180);

  @JsonProperty
  /** Where lead events go as signed webhooks (empty: nowhere), and the shared secret. */
  private String notifyWebhookUrl = "";

  private String notifyWebhookSecret = "";

  @JsonProperty
  public String getNotifyWebhookUrl() {
    return notifyWebhookUrl;
  }

  @JsonProperty
  public void setNotifyWebhookUrl(String url) {
    this.notifyWebhookUrl = url == null ? "" : url;
  }

  @JsonProperty
  public String getNotifyWebhookSecret() {
    return notifyWebhookSecret;
  }

  @JsonProperty
  public void setNotifyWebhookSecret(String secret) {
    this.notifyWebhookSecret = secret == null ? "" : secret;
  }

  /** HubSpot (the CRM connector): a private app's token (empty: off), where, and how. */
  private String hubspotAccessToken = "";

  private String hubspotBaseUrl = "https://api.hubapi.com";
  private String hubspotPipeline = "default";
  private String hubspotDealStages = "";

  @JsonProperty
  public String getHubspotAccessToken() {
    return hubspotAccessToken;
  }

  @JsonProperty
  public void setHubspotAccessToken(String token) {
    this.hubspotAccessToken = token == null ? "" : token;
  }

  @JsonProperty
  public String getHubspotBaseUrl() {
    return hubspotBaseUrl;
  }

  @JsonProperty
  public void setHubspotBaseUrl(String url) {
    this.hubspotBaseUrl = url == null || url.isBlank() ? "https://api.hubapi.com" : url;
  }

  @JsonProperty
  public String getHubspotPipeline() {
    return hubspotPipeline;
  }

  @JsonProperty
  public void setHubspotPipeline(String pipeline) {
    this.hubspotPipeline = pipeline == null || pipeline.isBlank() ? "default" : pipeline;
  }

  /**
   * HubSpot's webhooks to us (deal stage changes): the app's client secret that signs them
   * (X-HubSpot-Signature-v3; empty: the route answers 404) and the public URL HubSpot calls, part
   * of what is signed.
   */
  private String hubspotClientSecret = "";

  private String hubspotWebhookUrl = "";

  /** The HubSpot contact property that says the contact agreed to WhatsApp messages. */
  private String hubspotConsentProperty = "whatsapp_opt_in";

  @JsonProperty
  public String getHubspotConsentProperty() {
    return hubspotConsentProperty;
  }

  @JsonProperty
  public void setHubspotConsentProperty(String property) {
    this.hubspotConsentProperty =
        property == null || property.isBlank() ? "whatsapp_opt_in" : property.strip();
  }

  @JsonProperty
  public String getHubspotClientSecret() {
    return hubspotClientSecret;
  }

  @JsonProperty
  public void setHubspotClientSecret(String secret) {
    this.hubspotClientSecret = secret == null ? "" : secret;
  }

  @JsonProperty
  public String getHubspotWebhookUrl() {
    return hubspotWebhookUrl;
  }

  @JsonProperty
  public void setHubspotWebhookUrl(String url) {
    this.hubspotWebhookUrl = url == null ? "" : url.strip();
  }

  /**
   * What the CRM connector does when a lead it wrote to HubSpot is erased on request: {@code
   * delete} (archive the lead's deal; GDPR-delete its contact when the agent created it, else a
   * note on the contact) or {@code keep} (only a note on the contact and the deal).
   */
  @Pattern(regexp = "delete|keep", message = "must be delete or keep (HUBSPOT_ON_ERASURE)")
  private String hubspotOnErasure = "delete";

  @JsonProperty
  public String getHubspotOnErasure() {
    return hubspotOnErasure;
  }

  @JsonProperty
  public void setHubspotOnErasure(String onErasure) {
    this.hubspotOnErasure = onErasure == null || onErasure.isBlank() ? "delete" : onErasure.strip();
  }

  @JsonProperty
  public String getHubspotDealStages() {
    return hubspotDealStages;
  }

  @JsonProperty
  public void setHubspotDealStages(String stages) {
    this.hubspotDealStages = stages == null ? "" : stages;
  }

  // Checked with the other settings, so that a bad one is a line naming its variable under
  // "server.yml has an error:": the notification dispatcher and HubSpot's stage map refused them
  // only when the application was wired (a 20-line stack trace), and a HubSpot URL that was no URL
  // started the process, every CRM write then failing.

  @ValidationMethod(message = "NOTIFY_WEBHOOK_URL must be an http(s) URL or empty (none)")
  @JsonIgnore
  public boolean isNotifyWebhookUrlValid() {
    return notifyWebhookUrl.isBlank() || HttpUrls.isHttpUrl(notifyWebhookUrl.strip());
  }

  @ValidationMethod(
      message =
          "NOTIFY_WEBHOOK_SECRET is required with NOTIFY_WEBHOOK_URL (the webhooks are signed)")
  @JsonIgnore
  public boolean isNotifyWebhookSecretPresent() {
    return notifyWebhookUrl.isBlank() || !notifyWebhookSecret.isBlank();
  }

  @ValidationMethod(message = "HUBSPOT_BASE_URL must be an http(s) URL")
  @JsonIgnore
  public boolean isHubspotBaseUrlValid() {
    return HttpUrls.isHttpUrl(hubspotBaseUrl.strip());
  }

  @ValidationMethod(message = "HUBSPOT_WEBHOOK_URL must be an http(s) URL or empty")
  @JsonIgnore
  public boolean isHubspotWebhookUrlValid() {
    return hubspotWebhookUrl.isBlank() || HttpUrls.isHttpUrl(hubspotWebhookUrl);
  }

  @ValidationMethod(
      message =
          "HUBSPOT_DEAL_STAGES must be stage=dealstage pairs, comma separated"
              + " (interested=appointmentscheduled,converted=closedwon)")
  @JsonIgnore
  public boolean isHubspotDealStagesValid() {
    try {
      com.salesagent.api.crm.HubSpotSync.stages(hubspotDealStages);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public Duration getMediaRetention() {
    return mediaRetention;
  }

  @JsonProperty
  public void setMediaRetention(Duration mediaRetention) {
    this.mediaRetention = mediaRetention;
  }
}

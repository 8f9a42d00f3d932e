package com.salesagent.worker.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.salesagent.activities.mongo.Seeds;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Defaults seeded into workflow_definitions and agent_configurations when those are missing.
 * Durations are configuration so tests and demos can shrink them (e.g. FOLLOW_UP_UNREAD=2m).
 */
public class LifecycleSettings {
  private static final String HH_MM = "([01][0-9]|2[0-3]):[0-5][0-9]";

  @NotNull private Duration readNoReplyDelay = Duration.hours(24);
  @NotNull private Duration unreadDelay = Duration.hours(72);

  @Min(0)
  @Max(10)
  private int maxFollowUps = 2;

  @Pattern(regexp = HH_MM, message = "must be HH:mm (QUIET_HOURS_START)")
  private String quietHoursStart = "20:00";

  @Pattern(regexp = HH_MM, message = "must be HH:mm (QUIET_HOURS_END)")
  private String quietHoursEnd = "08:00";

  @NotNull private String defaultTimezone = "UTC";
  @NotNull private Duration customerServiceWindow = Duration.hours(24);
  @NotNull private Duration rateLimitBackoff = Duration.minutes(1);

  @Min(0)
  @Max(20)
  private int maxRateLimitRetries = 7;

  /** How long a send whose answer was lost waits for a status webhook to resolve it. */
  @NotNull private Duration unknownSendWindow = Duration.minutes(15);

  @Pattern(regexp = "hold|resend", message = "must be hold or resend (UNKNOWN_SEND_POLICY)")
  private String unknownSendPolicy = "hold";

  @JsonProperty
  public Duration getUnknownSendWindow() {
    return unknownSendWindow;
  }

  @JsonProperty
  public void setUnknownSendWindow(Duration unknownSendWindow) {
    this.unknownSendWindow = unknownSendWindow;
  }

  @JsonProperty
  public String getUnknownSendPolicy() {
    return unknownSendPolicy;
  }

  @JsonProperty
  public void setUnknownSendPolicy(String unknownSendPolicy) {
    this.unknownSendPolicy = unknownSendPolicy;
  }

  /**
   * How long a "not now" that names no date snoozes its lead before the agreed follow-up (whole
   * days: to 10:00 in the lead's time zone; 0: such a reply ends the lead replied).
   */
  @NotNull private Duration notNowSnooze = Duration.days(30);

  @JsonProperty
  public Duration getNotNowSnooze() {
    return notNowSnooze;
  }

  @JsonProperty
  public void setNotNowSnooze(Duration notNowSnooze) {
    this.notNowSnooze = notNowSnooze;
  }

  /** How long a message held by the quality gate waits for a reviewer. */
  @NotNull private Duration approvalSla = Duration.hours(4);

  @Pattern(regexp = "approve|reject", message = "must be approve or reject (APPROVAL_DEFAULT)")
  private String approvalDefault = "approve";

  @JsonProperty
  public Duration getApprovalSla() {
    return approvalSla;
  }

  @JsonProperty
  public void setApprovalSla(Duration approvalSla) {
    this.approvalSla = approvalSla;
  }

  @JsonProperty
  public String getApprovalDefault() {
    return approvalDefault;
  }

  @JsonProperty
  public void setApprovalDefault(String approvalDefault) {
    this.approvalDefault = approvalDefault;
  }

  @JsonProperty
  public Duration getReadNoReplyDelay() {
    return readNoReplyDelay;
  }

  @JsonProperty
  public void setReadNoReplyDelay(Duration readNoReplyDelay) {
    this.readNoReplyDelay = readNoReplyDelay;
  }

  @JsonProperty
  public Duration getUnreadDelay() {
    return unreadDelay;
  }

  @JsonProperty
  public void setUnreadDelay(Duration unreadDelay) {
    this.unreadDelay = unreadDelay;
  }

  @JsonProperty
  public int getMaxFollowUps() {
    return maxFollowUps;
  }

  @JsonProperty
  public void setMaxFollowUps(int maxFollowUps) {
    this.maxFollowUps = maxFollowUps;
  }

  @JsonProperty
  public String getQuietHoursStart() {
    return quietHoursStart;
  }

  @JsonProperty
  public void setQuietHoursStart(String quietHoursStart) {
    this.quietHoursStart = quietHoursStart;
  }

  @JsonProperty
  public String getQuietHoursEnd() {
    return quietHoursEnd;
  }

  @JsonProperty
  public void setQuietHoursEnd(String quietHoursEnd) {
    this.quietHoursEnd = quietHoursEnd;
  }

  @JsonProperty
  public String getDefaultTimezone() {
    return defaultTimezone;
  }

  @JsonProperty
  public void setDefaultTimezone(String defaultTimezone) {
    this.defaultTimezone = defaultTimezone;
  }

  @JsonProperty
  public Duration getCustomerServiceWindow() {
    return customerServiceWindow;
  }

  @JsonProperty
  public void setCustomerServiceWindow(Duration customerServiceWindow) {
    this.customerServiceWindow = customerServiceWindow;
  }

  @JsonProperty
  public Duration getRateLimitBackoff() {
    return rateLimitBackoff;
  }

  @JsonProperty
  public void setRateLimitBackoff(Duration rateLimitBackoff) {
    this.rateLimitBackoff = rateLimitBackoff;
  }

  @JsonProperty
  public int getMaxRateLimitRetries() {
    return maxRateLimitRetries;
  }

  @JsonProperty
  public void setMaxRateLimitRetries(int maxRateLimitRetries) {
    this.maxRateLimitRetries = maxRateLimitRetries;
  }

  @ValidationMethod(
      message =
          "DEFAULT_TIMEZONE is not an IANA time zone region such as Europe/Paris or UTC, not an"
              + " offset such as +05:30")
  @JsonIgnore
  public boolean isDefaultTimezoneValid() {
    return com.salesagent.activities.TimeZones.isRegion(defaultTimezone);
  }

  public Seeds.Defaults toDefaults() {
    return new Seeds.Defaults(
        readNoReplyDelay.toJavaDuration(),
        unreadDelay.toJavaDuration(),
        maxFollowUps,
        quietHoursStart,
        quietHoursEnd,
        defaultTimezone,
        customerServiceWindow.toJavaDuration(),
        rateLimitBackoff.toJavaDuration(),
        maxRateLimitRetries,
        approvalSla.toJavaDuration(),
        approvalDefault,
        unknownSendWindow.toJavaDuration(),
        unknownSendPolicy);
  }
}

package com.salesagent.activities.whatsapp;

/** Where the Cloud API is and who we are on it. The access token is a secret: never logged. */
public record WhatsAppSettings(
    String baseUrl, String apiVersion, String phoneNumberId, String accessToken) {
  public String messagesUrl() {
    return baseUrl.replaceAll("/+$", "") + "/" + apiVersion + "/" + phoneNumberId + "/messages";
  }
}

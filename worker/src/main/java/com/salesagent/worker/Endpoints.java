package com.salesagent.worker;

import com.salesagent.temporal.StartupException;
import com.salesagent.worker.config.WorkerConfiguration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Where each outside system really is. From the configuration for the real stack; the embedded
 * command substitutes its in-process servers for the parts configured as {@code embedded}.
 */
public record Endpoints(
    String temporalTarget,
    String mongoUri,
    String s3Endpoint,
    AwsCredentialsProvider s3Credentials,
    String whatsappBaseUrl) {

  /** The real stack: every part must be a real address. */
  public static Endpoints fromConfiguration(WorkerConfiguration c) {
    if (c.getTemporal().isEmbedded()) {
      throw embeddedOnly("TEMPORAL_ADDRESS", "embedded");
    }
    if (c.getMongodb().isEmbedded()) {
      throw embeddedOnly("MONGODB_URI", "embedded");
    }
    if (c.getS3().isEmbedded()) {
      throw embeddedOnly("S3_ENDPOINT", "embedded");
    }
    if (c.getWhatsapp().isEmulator()) {
      throw embeddedOnly("WHATSAPP_API_BASE_URL", "emulator");
    }
    return new Endpoints(
        c.getTemporal().getAddress(),
        c.getMongodb().getUri(),
        c.getS3().getEndpoint(),
        DefaultCredentialsProvider.builder().build(),
        c.getWhatsapp().getApiBaseUrl());
  }

  private static StartupException embeddedOnly(String setting, String value) {
    return new StartupException(
        setting
            + "="
            + value
            + " works only with the 'embedded' command; set "
            + setting
            + " to a real address for this process");
  }
}

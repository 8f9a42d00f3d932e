package com.salesagent.tools.chaos;

import com.salesagent.api.embedded.EmbeddedS3Server;
import com.salesagent.api.embedded.WhatsAppEmulator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings that point an API or worker started in its own JVM (chaos, {@code bench parked}, the
 * scale-out test) at services this JVM runs: Temporal, MongoDB, the S3 server and the WhatsApp
 * emulator, with the operator token and quiet hours off. Callers add their own.
 */
public final class ChildEnvironment {
  /** The PII hash key of the stacks this JVM starts: made once, the same for all their children. */
  private static final String KEY = newKey();

  private ChildEnvironment() {}

  private static String newKey() {
    byte[] key = new byte[com.salesagent.activities.privacy.PiiHash.MIN_KEY_BYTES];
    new java.security.SecureRandom().nextBytes(key);
    return java.util.Base64.getEncoder().encodeToString(key);
  }

  public static Map<String, String> of(
      String temporalTarget,
      String mongoUri,
      String database,
      EmbeddedS3Server s3,
      WhatsAppEmulator emulator,
      String token) {
    var credentials = s3.credentials().resolveCredentials();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TEMPORAL_ADDRESS", temporalTarget);
    env.put("MONGODB_URI", mongoUri);
    env.put("MONGODB_DATABASE", database);
    env.put("S3_ENDPOINT", s3.endpoint());
    env.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
    env.put("WHATSAPP_API_BASE_URL", emulator.baseUrl());
    env.put("WHATSAPP_PHONE_NUMBER_ID", emulator.phoneNumberId());
    env.put("WHATSAPP_ACCESS_TOKEN", emulator.accessToken());
    env.put("WHATSAPP_APP_SECRET", emulator.appSecret());
    env.put("WHATSAPP_VERIFY_TOKEN", emulator.verifyToken());
    env.put("API_ADMIN_TOKEN", token);
    env.put("WORKER_IN_PROCESS", "false");
    env.put("QUIET_HOURS_START", "00:00");
    env.put("QUIET_HOURS_END", "00:00");
    // One key for every process of the stack (each its own DATA_DIR): their hashes must match.
    env.put("PII_HASH_KEY", KEY);
    return env;
  }
}

package com.salesagent.activities.testing;

import com.salesagent.activities.privacy.PiiHash;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The tests' PII hash key: production refuses to hash without one ({@link PiiHash} fails closed),
 * so every test JVM of the activities, worker and api modules gets this fixed key before its first
 * test, as an entry point configures the deployment's at start. Registered in {@code
 * META-INF/services/org.junit.platform.launcher.LauncherSessionListener} of the activities tests
 * (the worker and api tests have them through the activities test-jar). A test that starts the
 * application (the embedded default, a key kept in its DATA_DIR) configures its own key over it, as
 * production does.
 */
public final class TestPiiHashKey implements LauncherSessionListener {
  /** 32 bytes, not secret: only tests use it. */
  public static final byte[] KEY =
      "test-only-pii-hash-key-0123456789abcdef"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    PiiHash.configure(KEY);
  }
}

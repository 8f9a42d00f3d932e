package com.salesagent.activities.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.privacy.PiiHash;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.ServiceLoader;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The tests' key reaches every test JVM before its first test ({@link TestPiiHashKey}). Asserted
 * whatever ran before in the JVM: the listener is registered for JUnit's launcher (found as the
 * launcher finds it, through {@link ServiceLoader}), and opening a session configures the test key
 * itself (a hash equal to HMAC-SHA256 under {@link TestPiiHashKey#KEY}, computed here), so a test
 * that configured another key before this one (PiiHashTest does) neither hides a missing
 * registration nor fails this test.
 */
class TestPiiHashKeyTest {
  @Test
  void theListenerIsRegisteredAndConfiguresTheTestKey() throws Exception {
    assertThat(
            ServiceLoader.load(LauncherSessionListener.class).stream()
                .map(p -> p.type().getName())
                .toList())
        .as("META-INF/services/org.junit.platform.launcher.LauncherSessionListener")
        .contains(TestPiiHashKey.class.getName());

    PiiHash.configure(new byte[PiiHash.MIN_KEY_BYTES]); // another test's key, left configured
    new TestPiiHashKey().launcherSessionOpened(null);

    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(TestPiiHashKey.KEY, "HmacSHA256"));
    String expected =
        HexFormat.of().formatHex(mac.doFinal("+5511998765432".getBytes(StandardCharsets.UTF_8)));
    assertThat(PiiHash.of("+5511998765432")).isEqualTo(expected);
  }
}

package com.salesagent.activities.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.privacy.PiiHash;
import org.junit.jupiter.api.Test;

/**
 * The tests' key reaches every test JVM before its first test ({@link TestPiiHashKey}): PiiHash
 * refuses to hash without one, so this class, which configures nothing, fails when the listener is
 * not registered.
 */
class TestPiiHashKeyTest {
  @Test
  void aTestJvmHashesWithoutConfiguringAKey() {
    assertThat(PiiHash.of("+5511998765432")).hasSize(64).isEqualTo(PiiHash.of("+5511998765432"));
  }
}

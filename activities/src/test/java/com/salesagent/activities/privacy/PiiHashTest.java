package com.salesagent.activities.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.salesagent.activities.compose.LlmWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PiiHashTest {
  @TempDir Path dataDir;

  /**
   * A number's stored hash is keyed: not its plain SHA-256 (which a table of every number reverses
   * in minutes), the same for the same key, another under another key.
   */
  @Test
  void aNumbersHashIsKeyedNotItsPlainSha256() {
    byte[] one = new byte[32];
    byte[] two = new byte[32];
    two[0] = 1;
    try {
      PiiHash.configure(one);
      String keyed = PiiHash.of("+5511998765432");

      assertThat(keyed).hasSize(64).isNotEqualTo(LlmWriter.sha256("+5511998765432"));
      assertThat(PiiHash.of("+5511998765432")).isEqualTo(keyed);
      assertThat(PiiHash.forms("+5511998765432"))
          .containsExactly(keyed, LlmWriter.sha256("+5511998765432"));
      PiiHash.configure(two);
      assertThat(PiiHash.of("+5511998765432")).isNotEqualTo(keyed);
    } finally {
      // The tests after this one in the JVM hash under the test key, whatever the order.
      PiiHash.configure(com.salesagent.activities.testing.TestPiiHashKey.KEY);
    }
  }

  /**
   * The embedded default's key is made once, kept owner-only in DATA_DIR, and read back at the next
   * start (the hashes stored must still match).
   */
  @Test
  void theEmbeddedKeyIsMadeOnceKeptOwnerOnlyAndReadBack() throws Exception {
    byte[] first = PiiHash.keptIn(dataDir);
    Path file = dataDir.resolve(PiiHash.FILE);

    assertThat(first).hasSize(PiiHash.MIN_KEY_BYTES);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).isEqualTo(first);
    assertThat(PiiHash.keptIn(dataDir)).isEqualTo(first);
    assertThat(Files.list(dataDir)).containsExactly(file);
  }

  /** A damaged key file is not replaced by a new key (which would match no stored hash). */
  @Test
  void aDamagedKeyFileStopsStartRatherThanMakingANewKey() throws Exception {
    Files.writeString(dataDir.resolve(PiiHash.FILE), "c2hvcnQ=");

    assertThatThrownBy(() -> PiiHash.keptIn(dataDir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PII_HASH_KEY")
        .hasMessageNotContaining("c2hvcnQ=");
    assertThat(Files.readString(dataDir.resolve(PiiHash.FILE))).isEqualTo("c2hvcnQ=");
  }

  /**
   * A process whose entry point configured no key refuses to hash (it made a random key: its hashes
   * matched nothing stored, so an erasure, an enrolment's lease or a send slot missed silently).
   * PiiHash is loaded afresh, apart from this JVM's tests (which have their fixture's key).
   */
  @Test
  void hashingWithoutAConfiguredKeyIsRefusedNamingPiiHashKey() throws Exception {
    java.net.URL classes = PiiHash.class.getProtectionDomain().getCodeSource().getLocation();
    try (java.net.URLClassLoader fresh =
        new java.net.URLClassLoader(
            new java.net.URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
      Class<?> unconfigured = fresh.loadClass(PiiHash.class.getName());
      assertThat(unconfigured).isNotSameAs(PiiHash.class);
      for (String method : new String[] {"of", "forms"}) {
        java.lang.reflect.Method m = unconfigured.getMethod(method, String.class);
        assertThatThrownBy(() -> m.invoke(null, "+5511998765432"))
            .as(method)
            .isInstanceOf(java.lang.reflect.InvocationTargetException.class)
            .cause()
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("PII_HASH_KEY")
            .hasMessageNotContaining("5511998765432");
      }
      // Configured, it hashes as the process's PiiHash does under the same key.
      byte[] key = new byte[PiiHash.MIN_KEY_BYTES];
      unconfigured.getMethod("configure", byte[].class).invoke(null, (Object) key);
      PiiHash.configure(key);
      try {
        assertThat(unconfigured.getMethod("of", String.class).invoke(null, "+5511998765432"))
            .isEqualTo(PiiHash.of("+5511998765432"));
      } finally {
        // The tests after this one in the JVM hash under the test key, whatever the order.
        PiiHash.configure(com.salesagent.activities.testing.TestPiiHashKey.KEY);
      }
    }
  }

  @Test
  void aKeyUnder32BytesOrNoBase64IsRefusedWithoutQuotingIt() {
    assertThat(PiiHash.valid(Base64.getEncoder().encodeToString(new byte[32]))).isTrue();
    assertThat(PiiHash.valid(Base64.getEncoder().encodeToString(new byte[31]))).isFalse();
    assertThat(PiiHash.valid("")).isFalse();
    assertThatThrownBy(() -> PiiHash.decode("!!not-base64!!"))
        .hasMessageStartingWith("PII_HASH_KEY must be")
        .hasMessageNotContaining("!!not-base64!!");
    assertThatThrownBy(() -> PiiHash.configure(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

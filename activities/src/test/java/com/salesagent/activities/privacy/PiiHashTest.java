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
    PiiHash.configure(one);
    String keyed = PiiHash.of("+5511998765432");

    assertThat(keyed).hasSize(64).isNotEqualTo(LlmWriter.sha256("+5511998765432"));
    assertThat(PiiHash.of("+5511998765432")).isEqualTo(keyed);
    assertThat(PiiHash.forms("+5511998765432"))
        .containsExactly(keyed, LlmWriter.sha256("+5511998765432"));
    PiiHash.configure(two);
    assertThat(PiiHash.of("+5511998765432")).isNotEqualTo(keyed);
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

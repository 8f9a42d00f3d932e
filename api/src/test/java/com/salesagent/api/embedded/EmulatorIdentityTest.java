package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded emulator serves the same business numbers after a restart on the same DATA_DIR (the
 * ops walk: an embedded jar on an external MongoDB made up a new number at each start, and the
 * leads pinned to the old one failed every send, "no access token for number ..."); a configured
 * number wins; an unreadable file gives new numbers rather than stopping the start.
 */
class EmulatorIdentityTest {
  @TempDir Path dataDir;

  private WhatsAppEmulator start(String phoneNumberId, int numbers) {
    return new EmulatorIdentity(dataDir)
        .emulator(
            0, phoneNumberId, null, null, null, EmulatorBehaviour.acknowledgingOnly(), numbers);
  }

  private static List<String> ids(WhatsAppEmulator e) {
    return e.numbers().all().stream().map(EmulatorNumbers.Number::phoneNumberId).toList();
  }

  private static List<String> tokens(WhatsAppEmulator e) {
    return e.numbers().all().stream().map(EmulatorNumbers.Number::accessToken).toList();
  }

  @Test
  void aRestartOnTheSameDataDirServesTheSameNumbersWithTheSameTokens() throws Exception {
    WhatsAppEmulator first = start(null, 3);
    WhatsAppEmulator again = start(null, 3);

    assertThat(ids(first)).hasSize(3).doesNotHaveDuplicates();
    assertThat(ids(again)).isEqualTo(ids(first));
    assertThat(tokens(again)).isEqualTo(tokens(first));
    assertThat(again.appSecret()).isEqualTo(first.appSecret());
    assertThat(again.verifyToken()).isEqualTo(first.verifyToken());
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve(EmulatorIdentity.FILE))))
        .isEqualTo("rw-------");

    // Fewer numbers today, more tomorrow: the third is the same one again.
    assertThat(ids(start(null, 1))).containsExactly(ids(first).get(0));
    assertThat(ids(start(null, 3))).isEqualTo(ids(first));
  }

  @Test
  void aConfiguredNumberWinsOverTheKeptOne() {
    WhatsAppEmulator first = start(null, 1);
    WhatsAppEmulator configured = start("123456789012345", 1);
    assertThat(configured.phoneNumberId()).isEqualTo("123456789012345");
    assertThat(configured.phoneNumberId()).isNotEqualTo(first.phoneNumberId());
  }

  @Test
  void anUnreadableFileGivesNewNumbers() throws Exception {
    Files.writeString(dataDir.resolve(EmulatorIdentity.FILE), "phoneNumberId=\\u12zz\n");
    WhatsAppEmulator e = start(null, 2);
    assertThat(e.phoneNumberId()).matches("1[0-9]{14}");
    assertThat(start(null, 2).phoneNumberId()).isEqualTo(e.phoneNumberId());
  }
}

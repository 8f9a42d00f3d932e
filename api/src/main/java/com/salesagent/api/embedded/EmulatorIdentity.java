package com.salesagent.api.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * The embedded emulator's business numbers kept in {@code DATA_DIR} ({@value #FILE}): the phone
 * number ids, their tokens, the app secret and the verify token it made up at its first start are
 * read back at the next. Before, each start made new ones: with the embedded stack on an external
 * MongoDB (which remembers the {@code senders} and the leads pinned to a number), every lead of the
 * old number failed its sends after a restart ("no access token for number ..."; the ops walk saw
 * 774). A value set in the environment ({@code WHATSAPP_PHONE_NUMBER_ID}...) wins over the kept
 * one. The file is the owner's only (the tokens are the emulator's, but a token is a token).
 */
public final class EmulatorIdentity {
  public static final String FILE = "emulator-identity.properties";

  private final Path file;
  private final Properties kept = new Properties();

  public EmulatorIdentity(Path dataDir) {
    this.file = dataDir.resolve(FILE);
    if (Files.isRegularFile(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        kept.load(in);
      } catch (IOException | IllegalArgumentException e) {
        kept.clear(); // unreadable: new numbers, as at a first start
      }
    }
  }

  /** The emulator: the configured values, else the kept ones, else new; its identity kept. */
  public WhatsAppEmulator emulator(
      int port,
      String phoneNumberId,
      String accessToken,
      String appSecret,
      String verifyToken,
      EmulatorBehaviour behaviour,
      int numbers) {
    WhatsAppEmulator emulator =
        new WhatsAppEmulator(
            port,
            or(phoneNumberId, "phoneNumberId"),
            or(accessToken, "accessToken"),
            or(appSecret, "appSecret"),
            or(verifyToken, "verifyToken"),
            behaviour);
    for (int i = 2; i <= numbers; i++) {
      String id = kept.getProperty("number." + i + ".phoneNumberId");
      String token = kept.getProperty("number." + i + ".accessToken");
      if (id != null && token != null && id.matches("[0-9]{1,32}") && !token.isBlank()) {
        emulator.addNumber(id, token);
      } else {
        emulator.addNumber();
      }
    }
    save(emulator);
    return emulator;
  }

  private String or(String configured, String key) {
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String value = kept.getProperty(key);
    return value == null || value.isBlank() ? null : value;
  }

  private void save(WhatsAppEmulator emulator) {
    Properties out = new Properties();
    out.setProperty("phoneNumberId", emulator.phoneNumberId());
    out.setProperty("accessToken", emulator.accessToken());
    out.setProperty("appSecret", emulator.appSecret());
    out.setProperty("verifyToken", emulator.verifyToken());
    var all = emulator.numbers().all();
    for (int i = 1; i < all.size(); i++) {
      out.setProperty("number." + (i + 1) + ".phoneNumberId", all.get(i).phoneNumberId());
      out.setProperty("number." + (i + 1) + ".accessToken", all.get(i).accessToken());
    }
    // Numbers kept beyond today's count stay for a later start with more.
    kept.stringPropertyNames().stream()
        .filter(k -> k.startsWith("number.") && !out.containsKey(k))
        .forEach(k -> out.setProperty(k, kept.getProperty(k)));
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), FILE, ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: its own defaults
      }
      try (OutputStream o = Files.newOutputStream(tmp)) {
        out.store(o, "The embedded WhatsApp emulator's numbers, read back at the next start");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the emulator's numbers in " + file, e);
    }
  }
}

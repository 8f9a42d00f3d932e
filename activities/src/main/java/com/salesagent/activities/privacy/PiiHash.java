package com.salesagent.activities.privacy;

import com.salesagent.activities.compose.LlmWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash of a phone number stored in place of the number where one is only looked up (an
 * import row's {@code numberHashes}, an import's {@code erasedNumbers}, an audit entry's {@code
 * numberHashes}, an enrolment's lease, a recipient's send slot): hex HMAC-SHA256 under a secret key
 * ({@code PII_HASH_KEY}, base64, at least {@value #MIN_KEY_BYTES} bytes; on the embedded default
 * made once and kept in {@code DATA_DIR/}{@value #FILE}, the owner's only). A plain SHA-256 of a
 * number is no protection: there are about 10^10 numbers, all hashed in minutes, so whoever reads
 * the database reads the numbers. Without the key, which is never stored in MongoDB nor logged, a
 * keyed hash tells nothing.
 *
 * <p>Values stored before the key ({@link #legacy}, plain SHA-256) are still matched where they may
 * remain ({@link #forms}): import rows and imports under way, both gone with {@code
 * IMPORT_RETENTION}. Nothing writes that form any more.
 */
public final class PiiHash {
  /** The shortest key taken: 256 bits, HMAC-SHA256's block strength. */
  public static final int MIN_KEY_BYTES = 32;

  /** The embedded default's key file under {@code DATA_DIR}: base64, owner read/write only. */
  public static final String FILE = "pii-hash.key";

  /** What a missing or bad key says (the key itself never). */
  public static final String REQUIREMENT =
      "PII_HASH_KEY must be a base64 key of at least "
          + MIN_KEY_BYTES
          + " bytes (make one: openssl rand -base64 32); it is required outside the embedded"
          + " default and must be the same for every API and worker process of a deployment";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The process's key: configured at start; none until then (a hash refused). */
  private static volatile SecretKeySpec key;

  private PiiHash() {}

  /** The key every hash of this process is made with, from now on. */
  public static void configure(byte[] bytes) {
    if (bytes == null || bytes.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(REQUIREMENT);
    }
    key = new SecretKeySpec(bytes.clone(), "HmacSHA256");
  }

  /**
   * Whether a configured value is a usable key (base64, at least {@value #MIN_KEY_BYTES} bytes).
   */
  public static boolean valid(String base64) {
    try {
      decode(base64);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The key a configured value holds; {@link #REQUIREMENT} when it is none. */
  public static byte[] decode(String base64) {
    if (base64 == null || base64.isBlank()) {
      throw new IllegalArgumentException(REQUIREMENT);
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(REQUIREMENT); // not the decoder's words: they quote input
    }
    if (bytes.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(REQUIREMENT);
    }
    return bytes;
  }

  /**
   * The embedded default's key: the one kept in {@code dataDir}, else a new one written there
   * (owner read/write only) so that the hashes stored survive a restart.
   */
  public static byte[] keptIn(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.isRegularFile(file)) {
        try {
          return decode(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException(
              file
                  + " holds no usable key (base64, at least "
                  + MIN_KEY_BYTES
                  + " bytes): restore it, or set PII_HASH_KEY to the key it held; a new key would"
                  + " no longer match the hashes stored");
        }
      }
      Files.createDirectories(dataDir);
      byte[] bytes = new byte[MIN_KEY_BYTES];
      RANDOM.nextBytes(bytes);
      Path tmp = dataDir.resolve(FILE + ".tmp");
      Files.deleteIfExists(tmp);
      Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(ownerOnly));
      } catch (UnsupportedOperationException e) {
        Files.createFile(tmp); // not POSIX
      }
      Files.writeString(tmp, Base64.getEncoder().encodeToString(bytes), StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, file); // no replace: a key another start wrote first wins
      } catch (FileAlreadyExistsException e) {
        Files.deleteIfExists(tmp);
        return decode(Files.readString(file, StandardCharsets.US_ASCII));
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot keep the PII hash key in " + file, e);
    }
  }

  /** The keyed hash of a value (a phone number): hex HMAC-SHA256. */
  public static String of(String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key());
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The plain SHA-256 stored before the key: matched, never written. */
  public static String legacy(String value) {
    return LlmWriter.sha256(value);
  }

  /** Both forms of a value, the keyed one first: what a lookup of stored hashes matches. */
  public static List<String> forms(String value) {
    return List.of(of(value), legacy(value));
  }

  /**
   * The configured key. None configured is a mistake of the entry point (every process that stores
   * or looks up a hash configures it at start): refused, never a random key, whose hashes nothing
   * would match (an erasure, an enrolment's lease, a send slot).
   */
  private static SecretKeySpec key() {
    SecretKeySpec k = key;
    if (k == null) {
      throw new IllegalStateException(
          "no PII hash key configured in this process (PiiHash.configure at start): "
              + REQUIREMENT);
    }
    return k;
  }
}

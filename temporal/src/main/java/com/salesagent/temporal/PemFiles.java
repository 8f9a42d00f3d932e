package com.salesagent.temporal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the TLS files of the Temporal settings with the JDK alone: certificates, and client keys in
 * the three unencrypted PEM encodings tools write (PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY"
 * from {@code openssl genrsa} of OpenSSL 1.x, SEC1 "EC PRIVATE KEY" from {@code openssl ecparam}).
 * Netty reads only PKCS#8 without BouncyCastle, so the other two are rewrapped as PKCS#8 here.
 * Every failure is a {@link StartupException} naming the setting whose file is wrong.
 */
final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  // 1.2.840.113549.1.1.1 rsaEncryption, with its NULL parameters
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };
  // 1.2.840.10045.2.1 id-ecPublicKey
  private static final byte[] EC_PUBLIC_KEY_OID = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  private PemFiles() {}

  static X509Certificate[] certificates(String path, String setting) {
    byte[] bytes = read(path, setting);
    try {
      List<X509Certificate> certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(bytes))
              .stream()
              .map(X509Certificate.class::cast)
              .toList();
      if (certificates.isEmpty()) {
        throw new CertificateException("no certificate in it");
      }
      return certificates.toArray(X509Certificate[]::new);
    } catch (CertificateException e) {
      throw new StartupException(
          path + " is not a PEM certificate (" + e.getMessage() + "); check " + setting, e);
    }
  }

  static PrivateKey privateKey(String path, String setting) {
    String text = new String(read(path, setting), StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      if (!type.endsWith("PRIVATE KEY")) {
        continue;
      }
      if (type.startsWith("ENCRYPTED") || m.group(2).contains("ENCRYPTED")) {
        throw new StartupException(
            path
                + " holds an encrypted private key; give an unencrypted one (openssl pkey -in"
                + " KEY -out PLAIN) and keep that file private; check "
                + setting);
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2).replaceAll("(?m)^[A-Za-z-]+:.*$", ""));
      } catch (IllegalArgumentException e) {
        throw new StartupException(path + " is not valid PEM (bad base64); check " + setting, e);
      }
      try {
        return switch (type) {
          case "PRIVATE KEY" -> pkcs8(der);
          case "RSA PRIVATE KEY" ->
              KeyFactory.getInstance("RSA")
                  .generatePrivate(new PKCS8EncodedKeySpec(wrap(RSA_ALGORITHM, der)));
          case "EC PRIVATE KEY" ->
              KeyFactory.getInstance("EC")
                  .generatePrivate(new PKCS8EncodedKeySpec(wrap(ecAlgorithm(der), der)));
          default ->
              throw new StartupException(
                  path
                      + " holds a '"
                      + type
                      + "', not a PKCS#8, PKCS#1 (RSA) or SEC1 (EC) private key; check "
                      + setting);
        };
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new StartupException(
            path + " is not a readable " + type + " (" + e.getMessage() + "); check " + setting, e);
      }
    }
    throw new StartupException(
        path
            + " holds no PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE"
            + " KEY-----); check "
            + setting);
  }

  /** Proves the key signs what the certificate's public key verifies. */
  static void requireMatch(
      PrivateKey key, X509Certificate certificate, String keySetting, String certSetting) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return;
    }
    PublicKey publicKey = certificate.getPublicKey();
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      if (verifier.verify(signature)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key of another type than the certificate's: reported below
    }
    throw new StartupException(
        "The private key in "
            + keySetting
            + " does not belong to the certificate in "
            + certSetting
            + "; give the key the certificate was issued for");
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  /** id-ecPublicKey with the named curve that SEC1 carries in its [0] field. */
  private static byte[] ecAlgorithm(byte[] sec1) {
    // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING,
    //                             parameters [0] ECParameters OPTIONAL, publicKey [1] OPTIONAL }
    int[] outer = header(sec1, 0, 0x30);
    int i = outer[0];
    int end = outer[0] + outer[1];
    while (i < end) {
      int tag = sec1[i] & 0xff;
      int[] h = header(sec1, i, tag);
      if (tag == 0xa0) {
        byte[] curve = Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
        return sequence(concat(EC_PUBLIC_KEY_OID, curve));
      }
      i = h[0] + h[1];
    }
    throw new IllegalArgumentException("the EC key names no curve");
  }

  /** PrivateKeyInfo ::= SEQUENCE { version 0, algorithm, privateKey OCTET STRING }. */
  private static byte[] wrap(byte[] algorithm, byte[] key) {
    return sequence(concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, key)));
  }

  private static byte[] sequence(byte[] content) {
    return tlv(0x30, content);
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** Returns {content offset, content length} of the element at {@code at}, checking its tag. */
  private static int[] header(byte[] der, int at, int tag) {
    if (at + 2 > der.length || (der[at] & 0xff) != tag) {
      throw new IllegalArgumentException("malformed DER");
    }
    int first = der[at + 1] & 0xff;
    if (first < 0x80) {
      return checked(der, at + 2, first);
    }
    int bytes = first & 0x7f;
    if (bytes == 0 || bytes > 3 || at + 2 + bytes > der.length) {
      throw new IllegalArgumentException("malformed DER length");
    }
    int length = 0;
    for (int k = 0; k < bytes; k++) {
      length = (length << 8) | (der[at + 2 + k] & 0xff);
    }
    return checked(der, at + 2 + bytes, length);
  }

  private static int[] checked(byte[] der, int offset, int length) {
    if (offset + length > der.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    return new int[] {offset, length};
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] read(String path, String setting) {
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (IOException | RuntimeException e) {
      throw new StartupException("Cannot read " + path + "; check " + setting, e);
    }
  }
}

package com.salesagent.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * mTLS with the client key files operators have (PKCS#8, PKCS#1 from older OpenSSL, SEC1 for EC),
 * and a server name for when the address is an IP or a private endpoint. The fixtures under
 * src/test/resources/tls are throwaway self-signed certificates for the name temporal.test.
 */
class TemporalConnectionTlsTest {
  private static final String RSA_CERT = "test-fixture-rsa-cert.pem";
  private static final String EC_CERT = "test-fixture-ec-cert.pem";

  @TempDir Path dir;

  private static String fixture(String name) {
    try {
      return Path.of(TemporalConnectionTlsTest.class.getResource("/tls/" + name).toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TemporalSettings mtls(String cert, String key) {
    TemporalSettings settings = new TemporalSettings();
    settings.getTls().setEnabled(true);
    settings.getTls().setClientCertPath(fixture(cert));
    settings.getTls().setClientKeyPath(fixture(key));
    settings.getTls().setServerRootCaPath(fixture(cert));
    return settings;
  }

  /** A frontend whose certificate is for temporal.test and that requires a client certificate. */
  private static FakeTemporalServer tlsServer() throws IOException {
    SslContext tls =
        GrpcSslContexts.configure(
                io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder.forServer(
                    Path.of(fixture(RSA_CERT)).toFile(),
                    Path.of(fixture("test-fixture-rsa-pkcs8.key")).toFile()))
            .trustManager(
                PemFiles.certificates(fixture(RSA_CERT), "cert")[0],
                PemFiles.certificates(fixture(EC_CERT), "cert")[0])
            .clientAuth(ClientAuth.REQUIRE)
            .build();
    return new FakeTemporalServer("default", tls);
  }

  @ParameterizedTest
  @CsvSource({
    RSA_CERT + ", test-fixture-rsa-pkcs8.key",
    RSA_CERT + ", test-fixture-rsa-pkcs1.key",
    EC_CERT + ", test-fixture-ec-sec1.key"
  })
  void theClientContextBuildsFromEachKeyEncoding(String cert, String key) {
    assertThat(TemporalConnection.sslContext(mtls(cert, key))).isNotNull();
  }

  @ParameterizedTest
  @CsvSource({
    RSA_CERT + ", test-fixture-rsa-pkcs8.key",
    RSA_CERT + ", test-fixture-rsa-pkcs1.key",
    EC_CERT + ", test-fixture-ec-sec1.key"
  })
  void mutualTlsToAnAddressByIpWithTheServerNameOverride(String cert, String key)
      throws IOException {
    TemporalSettings settings = mtls(cert, key);
    settings.getTls().setServerRootCaPath(fixture(RSA_CERT));
    settings.getTls().setServerName("temporal.test");
    try (FakeTemporalServer server = tlsServer();
        TemporalConnection connection = new TemporalConnection(server.target(), settings)) {
      connection.awaitReachableAndRegister();

      assertThat(server.target()).startsWith("127.0.0.1:");
      assertThat(server.attributes).isEqualTo(LeadSearchAttributes.CATALOGUE);
    }
  }

  @Test
  void withoutTheServerNameTheCertificateDoesNotMatchTheIp() throws IOException {
    TemporalSettings settings = mtls(RSA_CERT, "test-fixture-rsa-pkcs8.key");
    settings.setConnectTimeoutSeconds(1);
    try (FakeTemporalServer server = tlsServer();
        TemporalConnection connection = new TemporalConnection(server.target(), settings)) {
      assertThatThrownBy(connection::awaitReachableAndRegister)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("Cannot reach Temporal");
      assertThat(server.describeCalls).hasValue(0);
    }
  }

  @Test
  void aKeyThatIsNotPemNamesTheKeySetting() throws IOException {
    Path key = Files.writeString(dir.resolve("client.key"), "not a key\n");
    TemporalSettings settings = mtls(RSA_CERT, "test-fixture-rsa-pkcs8.key");
    settings.getTls().setClientKeyPath(key.toString());

    assertThatThrownBy(() -> TemporalConnection.sslContext(settings))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining(key.toString())
        .hasMessageContaining("TEMPORAL_TLS_KEY");
  }

  @Test
  void aCorruptKeyNamesTheKeySetting() throws IOException {
    Path key =
        Files.writeString(
            dir.resolve("client.key"),
            "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----\n");
    TemporalSettings settings = mtls(RSA_CERT, "test-fixture-rsa-pkcs8.key");
    settings.getTls().setClientKeyPath(key.toString());

    assertThatThrownBy(() -> TemporalConnection.sslContext(settings))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("TEMPORAL_TLS_KEY");
  }

  @Test
  void anEncryptedKeyIsRefusedWithAHint() throws IOException {
    Path key =
        Files.writeString(
            dir.resolve("client.key"),
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBOgIBAAJBAK==\n"
                + "-----END ENCRYPTED PRIVATE KEY-----\n");
    TemporalSettings settings = mtls(RSA_CERT, "test-fixture-rsa-pkcs8.key");
    settings.getTls().setClientKeyPath(key.toString());

    assertThatThrownBy(() -> TemporalConnection.sslContext(settings))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("encrypted")
        .hasMessageContaining("TEMPORAL_TLS_KEY");
  }

  @Test
  void aKeyOfAnotherCertificateNamesBothSettings() {
    TemporalSettings settings = mtls(RSA_CERT, "test-fixture-ec-sec1.key");

    assertThatThrownBy(() -> TemporalConnection.sslContext(settings))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("TEMPORAL_TLS_KEY")
        .hasMessageContaining("TEMPORAL_TLS_CERT");
  }
}

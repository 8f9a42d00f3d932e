package com.salesagent.api.embedded;

import com.salesagent.temporal.Ports;
import com.salesagent.temporal.StartupException;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The in-process S3-compatible server (s3proxy), storing objects as files under the data dir and
 * requiring real SigV4 signatures with credentials generated for this process.
 */
public final class EmbeddedS3Server implements Managed {
  private final int port;
  private final Path directory;
  private final String accessKey;
  private final String secretKey;
  private S3Proxy proxy;

  public EmbeddedS3Server(int port, Path directory) {
    this.port = port == 0 ? Ports.freePort() : port;
    this.directory = directory.toAbsolutePath().normalize();
    SecureRandom random = new SecureRandom();
    this.accessKey = "local-" + hex(random, 8);
    this.secretKey = hex(random, 20);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
  }

  public Path directory() {
    return directory;
  }

  @Override
  public void start() throws Exception {
    Ports.requireFree(port, "embedded S3 server", "EMBEDDED_S3_PORT");
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new StartupException(
          "Cannot create the S3 data directory " + directory + "; set DATA_DIR to a writable path");
    }
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", directory.toString());
    proxy =
        S3Proxy.builder()
            .blobStore(BlobStores.create("filesystem", properties))
            .endpoint(URI.create(endpoint()))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new StartupException("The embedded S3 server did not start within 10 s");
      }
      Thread.sleep(10);
    }
  }

  @Override
  public void stop() throws Exception {
    if (proxy != null) {
      proxy.stop();
    }
  }

  private static String hex(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}

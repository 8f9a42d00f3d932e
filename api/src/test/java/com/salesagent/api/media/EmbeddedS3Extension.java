package com.salesagent.api.media;

import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.api.embedded.EmbeddedS3Server;
import com.salesagent.worker.StorageConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The embedded S3 server and one bucket on it, for a test class (register it statically). */
public final class EmbeddedS3Extension implements BeforeAllCallback, AfterAllCallback {
  private final String bucket;
  private Path dir;
  private EmbeddedS3Server server;
  private StorageConnection connection;

  public EmbeddedS3Extension(String bucket) {
    this.bucket = bucket;
  }

  public ObjectStorage storage() {
    return connection.storage();
  }

  /** The objects' files on the server's disk (the embedded server keeps one file per object). */
  public java.util.List<Path> files() throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      return paths.filter(Files::isRegularFile).toList();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("s3-" + bucket);
    server = new EmbeddedS3Server(0, dir);
    server.start();
    connection =
        new StorageConnection(
            server.endpoint(), "us-east-1", bucket, true, true, server.credentials(), 2);
    connection.start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    connection.stop();
    server.stop();
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

package com.salesagent.worker;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.MongoCapabilities;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.temporal.StartupException;
import io.dropwizard.lifecycle.Managed;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/** One MongoClient per process. Start-up waits for the server, then ensures the schema. */
public final class MongoConnection implements Managed {
  private final MongoClient client;
  private final MongoDatabase database;
  private final String hosts;
  private final int connectTimeoutSeconds;
  private volatile MongoCapabilities capabilities;

  private final Seeds.Defaults seeds;

  public MongoConnection(String uri, String databaseName, int connectTimeoutSeconds) {
    this(uri, databaseName, connectTimeoutSeconds, null);
  }

  /** {@code seeds}: default documents to insert where missing (null: none). */
  public MongoConnection(
      String uri, String databaseName, int connectTimeoutSeconds, Seeds.Defaults seeds) {
    this.seeds = seeds;
    ConnectionString connectionString;
    try {
      connectionString = new ConnectionString(uri);
    } catch (IllegalArgumentException e) {
      throw new StartupException(
          "MONGODB_URI is not a MongoDB connection string: " + e.getMessage());
    }
    this.hosts = String.join(",", connectionString.getHosts());
    this.connectTimeoutSeconds = connectTimeoutSeconds;
    this.client =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(connectionString)
                .applyToClusterSettings(b -> b.serverSelectionTimeout(5, TimeUnit.SECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(5, TimeUnit.SECONDS))
                .build());
    this.database = client.getDatabase(databaseName);
  }

  public MongoDatabase database() {
    return database;
  }

  /** Host list without credentials, for logs and messages. */
  public String hosts() {
    return hosts;
  }

  public MongoCapabilities capabilities() {
    return capabilities;
  }

  public void ping() {
    database.runCommand(new Document("ping", 1));
  }

  @Override
  public void start() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(connectTimeoutSeconds);
    MongoException last;
    do {
      try {
        ping();
        capabilities = MongoSchema.ensure(database);
        if (seeds != null) {
          Seeds.ensure(database, seeds);
        }
        return;
      } catch (MongoException e) {
        last = e;
        if (e.getCode() == 18 || e.getCode() == 13) {
          throw new StartupException(
              "MongoDB at "
                  + hosts
                  + " refused our credentials or permissions ("
                  + e.getCode()
                  + "); check the user and password in MONGODB_URI");
        }
      }
    } while (System.nanoTime() < deadline);
    throw new StartupException(
        "Cannot reach MongoDB at "
            + hosts
            + " within "
            + connectTimeoutSeconds
            + " s ("
            + last.getClass().getSimpleName()
            + "); check MONGODB_URI or start the server");
  }

  @Override
  public void stop() {
    client.close();
  }
}

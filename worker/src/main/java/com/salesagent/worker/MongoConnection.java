package com.salesagent.worker;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.MongoCapabilities;
import com.salesagent.activities.mongo.MongoErrors;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.mongo.VectorIndex;
import com.salesagent.activities.variants.Reward;
import com.salesagent.temporal.StartupException;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/** One MongoClient per process. Start-up waits for the server, then ensures the schema. */
public final class MongoConnection implements Managed {
  private final MongoClient client;
  private final MongoDatabase database;
  private final String hosts;
  private final int connectTimeoutSeconds;
  private volatile MongoCapabilities capabilities;
  private volatile VectorIndex vectorIndex = VectorIndex.NONE;
  private volatile VectorIndex personaIndex = VectorIndex.NONE;

  private final Seeds.Defaults seeds;
  private final Duration vectorIndexWait;

  public MongoConnection(String uri, String databaseName, int connectTimeoutSeconds) {
    this(uri, databaseName, connectTimeoutSeconds, null);
  }

  /** {@code seeds}: default documents to insert where missing (null: none). */
  public MongoConnection(
      String uri, String databaseName, int connectTimeoutSeconds, Seeds.Defaults seeds) {
    this(uri, databaseName, connectTimeoutSeconds, seeds, MongoSchema.VECTOR_INDEX_WAIT);
  }

  /**
   * {@code vectorIndexWait}: how long start-up waits for a new Atlas vector index to answer queries
   * before going on with exact cosine (it switches later by itself).
   */
  public MongoConnection(
      String uri,
      String databaseName,
      int connectTimeoutSeconds,
      Seeds.Defaults seeds,
      Duration vectorIndexWait) {
    this.seeds = seeds;
    this.vectorIndexWait = vectorIndexWait;
    ConnectionString connectionString;
    try {
      connectionString = new ConnectionString(uri);
    } catch (IllegalArgumentException e) {
      throw new StartupException(
          "MONGODB_URI is not a MongoDB connection string: " + e.getMessage());
    }
    this.hosts = String.join(",", connectionString.getHosts());
    this.connectTimeoutSeconds = connectTimeoutSeconds;
    this.settings = settings(connectionString, READ_TIMEOUT);
    this.client = MongoClients.create(settings);
    this.database = client.getDatabase(databaseName);
  }

  /**
   * How long one MongoDB operation may wait for the server's answer unless {@code MONGODB_URI} says
   * otherwise ({@code socketTimeoutMS}): the driver's default is forever, so a server that stops
   * answering without closing the connection (a partition that drops packets, a frozen host) held
   * every request and activity thread on it until the operating system gave up, hours later. Long
   * enough for the slowest legitimate operation here (an index build at start-up on a large
   * collection, exact-cosine retrieval over many chunks); a change stream waits at most a second a
   * round.
   */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(120);

  private final MongoClientSettings settings;

  /**
   * The client's settings: the URI's, with deadlines where it names none (5 s to select a server
   * and to connect, {@code readTimeout}, {@link #READ_TIMEOUT} in a process, for an answer).
   */
  static MongoClientSettings settings(ConnectionString uri, Duration readTimeout) {
    return MongoClientSettings.builder()
        .applyConnectionString(uri)
        .applyToClusterSettings(
            b -> {
              if (uri.getServerSelectionTimeout() == null) {
                b.serverSelectionTimeout(5, TimeUnit.SECONDS);
              }
            })
        .applyToSocketSettings(
            b -> {
              if (uri.getConnectTimeout() == null) {
                b.connectTimeout(5, TimeUnit.SECONDS);
              }
              if (uri.getSocketTimeout() == null) {
                b.readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
              }
            })
        .build();
  }

  /** How long an operation waits for the server's answer (0: forever). */
  Duration readTimeout() {
    return Duration.ofMillis(settings.getSocketSettings().getReadTimeout(TimeUnit.MILLISECONDS));
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

  /**
   * Whether $vectorSearch answers queries now: the vector index exists and is queryable. Asks the
   * server again (at most every few seconds) while the index is still building.
   */
  public boolean vectorSearchQueryable() {
    return vectorIndex.queryable();
  }

  /** Whether the personas' Atlas Search index answers queries now (faceted search on Atlas). */
  public boolean personaSearchQueryable() {
    return personaIndex.queryable();
  }

  public void ping() {
    database.runCommand(new Document("ping", 1));
  }

  /**
   * Ping that gives up after {@code within} (the driver's per-operation timeout: server selection,
   * a pooled connection and the answer together), for health checks: a server that went silent
   * without closing the connection held a plain ping for the read deadline, two minutes, and the
   * {@code /healthcheck} that waited on it answered nothing for that long.
   */
  public void ping(Duration within) {
    database
        .withTimeout(within.toMillis(), TimeUnit.MILLISECONDS)
        .runCommand(new Document("ping", 1));
  }

  /** Pause between attempts while the server is unreachable or electing a primary. */
  static final long RETRY_PAUSE_MILLIS = 750;

  /**
   * Waits for the server, then ensures the schema and checks the agent configurations' rewards (an
   * unknown one ends start-up naming it). Only network failures, timeouts and elections are retried
   * (with a pause) until the timeout; anything else (a conflicting index, duplicates under a unique
   * index, a refused command, credentials) ends start-up at once with its cause.
   */
  @Override
  public void start() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(connectTimeoutSeconds);
    MongoException last;
    do {
      try {
        ping();
        capabilities = MongoSchema.ensure(database, vectorIndexWait);
        vectorIndex = MongoSchema.vectorIndex(database, capabilities);
        personaIndex = MongoSchema.personaSearchIndex(database, capabilities);
        if (seeds != null) {
          Seeds.ensure(database, seeds);
        }
        // Kill-switches left live on variants enabled again before enabling moved them.
        new com.salesagent.activities.variants.VariantStore(database, java.time.Clock.systemUTC())
            .retireKillSwitchesOfEnabledVariants();
        Reward.check(database);
        return;
      } catch (Reward.Invalid e) {
        throw new StartupException(
            e.getMessage()
                + " (what the bandit learns on): set it to one of those in MongoDB, or remove"
                + " it for the default, reply");
      } catch (MongoException e) {
        last = e;
        if (MongoErrors.isAuth(e)) {
          throw new StartupException(
              "MongoDB at "
                  + hosts
                  + " refused our credentials or permissions ("
                  + MongoErrors.summary(e)
                  + "); check the user and password in MONGODB_URI and the user's roles",
              e);
        }
        if (!MongoErrors.isTransient(e)) {
          throw new StartupException(
              "MongoDB at "
                  + hosts
                  + " failed start-up ("
                  + MongoErrors.summary(e)
                  + "); this is not a connection problem: fix it on the server",
              e);
        }
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left > 0) {
        try {
          Thread.sleep(Math.min(RETRY_PAUSE_MILLIS, left));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new StartupException("Interrupted while waiting for MongoDB at " + hosts, ie);
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

package com.salesagent.worker.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.mongodb.ConnectionString;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/** MongoDB: a connection string (MONGODB_URI) or {@code embedded}, and a database name. */
public class MongoFactory {
  public static final String EMBEDDED = "embedded";

  @NotBlank private String uri = "mongodb://localhost:27017";

  @NotBlank
  @Pattern(
      regexp = "[^/\\\\. \"$*<>:|?]{1,63}",
      message = "must be a MongoDB database name without / \\ . space \" $ (MONGODB_DATABASE)")
  private String database = "sales_agent";

  @Min(1)
  @Max(600)
  private int connectTimeoutSeconds = 30;

  /** How long start-up waits for a new Atlas vector index to answer queries (0: not at all). */
  @Min(0)
  @Max(600)
  private int vectorIndexWaitSeconds = 60;

  @JsonProperty
  public String getUri() {
    return uri;
  }

  @JsonProperty
  public void setUri(String uri) {
    this.uri = uri;
  }

  @JsonProperty
  public String getDatabase() {
    return database;
  }

  @JsonProperty
  public void setDatabase(String database) {
    this.database = database;
  }

  @JsonProperty
  public int getConnectTimeoutSeconds() {
    return connectTimeoutSeconds;
  }

  @JsonProperty
  public void setConnectTimeoutSeconds(int connectTimeoutSeconds) {
    this.connectTimeoutSeconds = connectTimeoutSeconds;
  }

  @JsonProperty
  public int getVectorIndexWaitSeconds() {
    return vectorIndexWaitSeconds;
  }

  @JsonProperty
  public void setVectorIndexWaitSeconds(int vectorIndexWaitSeconds) {
    this.vectorIndexWaitSeconds = vectorIndexWaitSeconds;
  }

  @JsonIgnore
  public boolean isEmbedded() {
    return EMBEDDED.equals(uri);
  }

  @JsonIgnore
  @ValidationMethod(
      message =
          "MONGODB_URI is not a MongoDB connection string: use"
              + " mongodb://host:port/?replicaSet=rs0, mongodb+srv://..., or 'embedded'")
  public boolean isUri() {
    if (uri == null || isEmbedded()) {
      return true;
    }
    try {
      new ConnectionString(uri);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}

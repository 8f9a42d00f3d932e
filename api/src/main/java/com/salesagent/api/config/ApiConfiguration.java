package com.salesagent.api.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.salesagent.worker.config.WorkerConfiguration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** The API process: everything a worker needs (it may host one) plus the API and embedded parts. */
public class ApiConfiguration extends WorkerConfiguration {
  @Valid @NotNull private ApiSettings api = new ApiSettings();
  @Valid @NotNull private EmbeddedSettings embedded = new EmbeddedSettings();

  /** The embedded default keeps its own PII hash key in DATA_DIR when PII_HASH_KEY is not set. */
  @Override
  protected boolean piiHashKeyKeptLocally() {
    return embedded.isEnabled();
  }

  @JsonProperty
  public ApiSettings getApi() {
    return api;
  }

  @JsonProperty
  public void setApi(ApiSettings api) {
    this.api = api;
  }

  @JsonProperty
  public EmbeddedSettings getEmbedded() {
    return embedded;
  }

  @JsonProperty
  public void setEmbedded(EmbeddedSettings embedded) {
    this.embedded = embedded;
  }
}

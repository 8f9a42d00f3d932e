package com.salesagent.api.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.salesagent.worker.config.WorkerConfiguration;
import io.dropwizard.validation.ValidationMethod;
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

  /**
   * The embedded default's MongoDB-wire server is in memory: a restart forgets the suppression list
   * (every STOP), the messages sent and the leads. Against the emulator that is a fresh start;
   * against a real Cloud API (WHATSAPP_API_BASE_URL set) it messaged a number that had said STOP
   * and sent every re-enrolled lead a second first message (the faults QA walk: kill -9, restart on
   * the same DATA_DIR, the same leads enrolled again). So a real Cloud API on the embedded default
   * needs a MongoDB that keeps its state.
   */
  static final String FORGETS_OPT_OUTS =
      "WHATSAPP_API_BASE_URL names a Cloud API while MONGODB_URI is the embedded in-memory server:"
          + " opt-outs (STOP) and sent messages would be forgotten at the next start and those"
          + " numbers messaged again; set MONGODB_URI to a MongoDB that keeps them, or leave"
          + " WHATSAPP_API_BASE_URL unset (the emulator)";

  @JsonIgnore
  @ValidationMethod(message = FORGETS_OPT_OUTS)
  public boolean isOptOutKeptForTheCloudApi() {
    return !embedded.isEnabled() || getWhatsapp().isEmulator() || !getMongodb().isEmbedded();
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

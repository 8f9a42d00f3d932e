package com.salesagent.worker.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.salesagent.activities.privacy.PiiHash;
import com.salesagent.temporal.TemporalSettings;
import io.dropwizard.core.Configuration;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** Everything a worker process needs: one section per outside system. */
public class WorkerConfiguration extends Configuration {
  @Valid @NotNull private TemporalSettings temporal = new TemporalSettings();
  @Valid @NotNull private MongoFactory mongodb = new MongoFactory();
  @Valid @NotNull private S3Factory s3 = new S3Factory();
  @Valid @NotNull private WhatsAppFactory whatsapp = new WhatsAppFactory();
  @Valid @NotNull private WorkerSettings worker = new WorkerSettings();
  @Valid @NotNull private LifecycleSettings lifecycle = new LifecycleSettings();
  @Valid @NotNull private LlmFactory llm = new LlmFactory();

  /** The root log levels Logback knows (shared.yml quotes LOG_LEVEL: OFF is not YAML's false). */
  private static final java.util.Set<String> LOG_LEVELS =
      java.util.Set.of("OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL");

  /**
   * Dropwizard reads a level it does not know as INFO without a word, so LOG_LEVEL=DEBUGG (or
   * VERBOSE) started the process at INFO and the operator saw none of the lines asked for.
   */
  @ValidationMethod(message = "LOG_LEVEL must be OFF, ERROR, WARN, INFO, DEBUG, TRACE or ALL")
  @JsonIgnore
  public boolean isLogLevelKnown() {
    if (!(getLoggingFactory() instanceof DefaultLoggingFactory logging)) {
      return true;
    }
    String level = logging.getLevel();
    return level != null && LOG_LEVELS.contains(level.strip().toUpperCase(java.util.Locale.ROOT));
  }

  /**
   * PII_HASH_KEY: the base64 key of the hashes that stand for phone numbers in MongoDB ({@link
   * PiiHash}). Read, never written back out (a configuration dumped shows no key).
   */
  private String piiHashKey = "";

  @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
  public void setPiiHashKey(String key) {
    this.piiHashKey = key == null ? "" : key;
  }

  @JsonIgnore
  public String getPiiHashKey() {
    return piiHashKey;
  }

  /** Whether a missing PII_HASH_KEY is made and kept by the process (the embedded default). */
  @JsonIgnore
  protected boolean piiHashKeyKeptLocally() {
    return false;
  }

  /**
   * The key is checked with the other settings: a worker with none (or another process's) would
   * hash numbers differently from the API, and an erasure would miss the rows it must find.
   */
  @ValidationMethod(message = PiiHash.REQUIREMENT)
  @JsonIgnore
  public boolean isPiiHashKeyValid() {
    return piiHashKey.isBlank() ? piiHashKeyKeptLocally() : PiiHash.valid(piiHashKey);
  }

  @JsonProperty
  public LlmFactory getLlm() {
    return llm;
  }

  @JsonProperty
  public void setLlm(LlmFactory llm) {
    this.llm = llm;
  }

  @JsonProperty
  public LifecycleSettings getLifecycle() {
    return lifecycle;
  }

  @JsonProperty
  public void setLifecycle(LifecycleSettings lifecycle) {
    this.lifecycle = lifecycle;
  }

  @JsonProperty
  public TemporalSettings getTemporal() {
    return temporal;
  }

  @JsonProperty
  public void setTemporal(TemporalSettings temporal) {
    this.temporal = temporal;
  }

  @JsonProperty
  public MongoFactory getMongodb() {
    return mongodb;
  }

  @JsonProperty
  public void setMongodb(MongoFactory mongodb) {
    this.mongodb = mongodb;
  }

  @JsonProperty
  public S3Factory getS3() {
    return s3;
  }

  @JsonProperty
  public void setS3(S3Factory s3) {
    this.s3 = s3;
  }

  @JsonProperty
  public WhatsAppFactory getWhatsapp() {
    return whatsapp;
  }

  @JsonProperty
  public void setWhatsapp(WhatsAppFactory whatsapp) {
    this.whatsapp = whatsapp;
  }

  @JsonProperty
  public WorkerSettings getWorker() {
    return worker;
  }

  @JsonProperty
  public void setWorker(WorkerSettings worker) {
    this.worker = worker;
  }
}

package com.salesagent.worker.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.salesagent.temporal.TemporalSettings;
import io.dropwizard.core.Configuration;
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

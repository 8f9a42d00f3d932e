package com.salesagent.worker.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** How the worker polls. {@code inProcess} lets the API process host a worker too. */
public class WorkerSettings {
  private boolean inProcess = false;

  @Min(1)
  @Max(64)
  private int workflowPollers = 4;

  @Min(1)
  @Max(64)
  private int activityPollers = 4;

  @Min(1)
  @Max(1000)
  private int maxConcurrentActivities = 50;

  /** The task queues this process serves: {@code leads}, {@code research} or both. */
  public static final String LEADS = "leads";

  public static final String RESEARCH = "research";

  @NotBlank(message = "must name leads, research or both, e.g. leads,research (WORKER_TASK_QUEUES)")
  @Pattern(
      regexp = "\\s*(leads|research)\\s*(,\\s*(leads|research)\\s*)?",
      message = "must be leads, research or leads,research (WORKER_TASK_QUEUES)")
  private String taskQueues = LEADS + "," + RESEARCH;

  /**
   * Research activities (chunking and embedding: CPU-bound, both cores per call) this process runs
   * at once; the rest wait in Temporal's research queue, never in front of a follow-up.
   */
  @Min(value = 1, message = "must be at least 1 (WORKER_RESEARCH_CONCURRENCY)")
  @Max(value = 256, message = "must be at most 256 (WORKER_RESEARCH_CONCURRENCY)")
  private int researchConcurrency = 2;

  /**
   * A new lead's research waits while this process's workflow tasks wait longer than this to start
   * (milliseconds; 0: never waits): due follow-ups are queueing (WorkflowTaskAdmission).
   */
  @Min(value = 0, message = "must be 0 (off) or more (WORKER_ADMISSION_LATENCY_MS)")
  @Max(value = 60_000, message = "must be at most 60000 (WORKER_ADMISSION_LATENCY_MS)")
  private int admissionLatencyMillis = 100;

  @JsonProperty
  public String getTaskQueues() {
    return taskQueues;
  }

  @JsonProperty
  public void setTaskQueues(String taskQueues) {
    this.taskQueues = taskQueues;
  }

  /** The served queues by their short names ({@link #LEADS}, {@link #RESEARCH}), in order. */
  public Set<String> servedQueues() {
    Set<String> queues = new LinkedHashSet<>();
    Arrays.stream(taskQueues.split(",")).map(String::trim).forEach(queues::add);
    return queues;
  }

  @JsonProperty
  public int getAdmissionLatencyMillis() {
    return admissionLatencyMillis;
  }

  @JsonProperty
  public void setAdmissionLatencyMillis(int admissionLatencyMillis) {
    this.admissionLatencyMillis = admissionLatencyMillis;
  }

  @JsonProperty
  public int getResearchConcurrency() {
    return researchConcurrency;
  }

  @JsonProperty
  public void setResearchConcurrency(int researchConcurrency) {
    this.researchConcurrency = researchConcurrency;
  }

  /** Caches of the embedding library (tokenizer files); never the user's home directory. */
  @NotBlank private String cacheDir = "./data/cache";

  /** Fetch the lead's website during research (robots.txt respected, 5 s, 512 KiB). */
  private boolean researchWebsite = false;

  /**
   * How often the worker checks losing arms for auto-disable (when enabled in
   * agent_configurations); 0 turns the check off in this process.
   */
  private Duration armGuardInterval = Duration.minutes(5);

  @JsonProperty
  public Duration getArmGuardInterval() {
    return armGuardInterval;
  }

  @JsonProperty
  public void setArmGuardInterval(Duration armGuardInterval) {
    this.armGuardInterval = armGuardInterval;
  }

  @JsonProperty
  public boolean isResearchWebsite() {
    return researchWebsite;
  }

  @JsonProperty
  public void setResearchWebsite(boolean researchWebsite) {
    this.researchWebsite = researchWebsite;
  }

  @JsonProperty
  public String getCacheDir() {
    return cacheDir;
  }

  @JsonProperty
  public void setCacheDir(String cacheDir) {
    this.cacheDir = cacheDir;
  }

  @JsonProperty
  public boolean isInProcess() {
    return inProcess;
  }

  @JsonProperty
  public void setInProcess(boolean inProcess) {
    this.inProcess = inProcess;
  }

  @JsonProperty
  public int getWorkflowPollers() {
    return workflowPollers;
  }

  @JsonProperty
  public void setWorkflowPollers(int workflowPollers) {
    this.workflowPollers = workflowPollers;
  }

  @JsonProperty
  public int getActivityPollers() {
    return activityPollers;
  }

  @JsonProperty
  public void setActivityPollers(int activityPollers) {
    this.activityPollers = activityPollers;
  }

  @JsonProperty
  public int getMaxConcurrentActivities() {
    return maxConcurrentActivities;
  }

  @JsonProperty
  public void setMaxConcurrentActivities(int maxConcurrentActivities) {
    this.maxConcurrentActivities = maxConcurrentActivities;
  }

  /**
   * Workflows kept in memory between their tasks (sticky execution). 0 turns stickiness off, so
   * every task may go to any worker: for the embedded dev server with workers that die (it does not
   * move a dead worker's sticky tasks back to the shared queue, as a real server does).
   */
  @Min(0)
  @Max(100_000)
  private int workflowCacheSize = 600;

  @JsonProperty
  public int getWorkflowCacheSize() {
    return workflowCacheSize;
  }

  @JsonProperty
  public void setWorkflowCacheSize(int workflowCacheSize) {
    this.workflowCacheSize = workflowCacheSize;
  }

  /**
   * The image-generation model for image cards' backgrounds (CARD_IMAGE_MODEL, e.g. gpt-image-1,
   * with LLM_PROVIDER=openai and its key); empty draws every card offline.
   */
  private String cardImageModel = "";

  @JsonProperty
  public String getCardImageModel() {
    return cardImageModel;
  }

  @JsonProperty
  public void setCardImageModel(String cardImageModel) {
    this.cardImageModel = cardImageModel == null ? "" : cardImageModel.strip();
  }

  /**
   * How media reaches Meta (MEDIA_DELIVERY): {@code upload} to the number's Cloud API media store
   * and send by id (no bucket reachable from outside), or {@code link}: a presigned S3 GET URL
   * valid for MEDIA_LINK_TTL, which Meta downloads (S3_PUBLIC_ENDPOINT must be reachable by it).
   */
  @jakarta.validation.constraints.Pattern(regexp = "upload|link", message = "upload or link")
  private String mediaDelivery = "upload";

  private Duration mediaLinkTtl = Duration.minutes(15);

  @JsonProperty
  public String getMediaDelivery() {
    return mediaDelivery;
  }

  @JsonProperty
  public void setMediaDelivery(String mediaDelivery) {
    this.mediaDelivery =
        mediaDelivery == null || mediaDelivery.isBlank() ? "upload" : mediaDelivery.strip();
  }

  @JsonProperty
  public Duration getMediaLinkTtl() {
    return mediaLinkTtl;
  }

  @JsonProperty
  public void setMediaLinkTtl(Duration mediaLinkTtl) {
    this.mediaLinkTtl = mediaLinkTtl;
  }

  @io.dropwizard.validation.ValidationMethod(
      message = "MEDIA_LINK_TTL must be between 1 minute and 7 days (S3's longest presigned URL)")
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isMediaLinkTtlValid() {
    return mediaLinkTtl != null
        && mediaLinkTtl.toSeconds() >= 60
        && mediaLinkTtl.toSeconds() <= 7 * 24 * 3600;
  }

  /**
   * The speech model for voice notes (VOICE_MODEL, e.g. gpt-4o-mini-tts, with LLM_PROVIDER=openai
   * and its key); empty speaks them offline (FreeTTS, English only).
   */
  private String voiceModel = "";

  @JsonProperty
  public String getVoiceModel() {
    return voiceModel;
  }

  @JsonProperty
  public void setVoiceModel(String voiceModel) {
    this.voiceModel = voiceModel == null ? "" : voiceModel.strip();
  }
}

package com.salesagent.api.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.EmulatorFaults;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * The embedded default: which in-process servers stand in for the parts configured as {@code
 * embedded}, on which ports (0 picks a free one), and where files go.
 */
public class EmbeddedSettings {
  private boolean enabled = false;

  @NotBlank private String dataDir = "./data";

  @Min(0)
  @Max(65535)
  private int temporalPort = 7233;

  @Min(0)
  @Max(65535)
  private int mongoPort = 27017;

  @Min(0)
  @Max(65535)
  private int s3Port = 9000;

  @Min(0)
  @Max(65535)
  private int whatsappEmulatorPort = 8089;

  @Valid @NotNull private EmulatorBehaviour emulatorBehaviour = EmulatorBehaviour.defaults();

  @Pattern(
      regexp = "realistic|ack_only",
      message = "must be realistic or ack_only (WHATSAPP_EMULATOR_MODE)")
  private String emulatorMode = "realistic";

  @JsonProperty
  public String getEmulatorMode() {
    return emulatorMode;
  }

  @JsonProperty
  public void setEmulatorMode(String emulatorMode) {
    this.emulatorMode = emulatorMode;
  }

  /** How many business numbers the emulator serves (WHATSAPP_EMULATOR_NUMBERS): the sender pool. */
  @jakarta.validation.constraints.Min(
      value = 1,
      message = "must be 1-10 (WHATSAPP_EMULATOR_NUMBERS)")
  @jakarta.validation.constraints.Max(
      value = 10,
      message = "must be 1-10 (WHATSAPP_EMULATOR_NUMBERS)")
  private int emulatorNumbers = 1;

  @JsonProperty
  public int getEmulatorNumbers() {
    return emulatorNumbers;
  }

  @JsonProperty
  public void setEmulatorNumbers(int emulatorNumbers) {
    this.emulatorNumbers = emulatorNumbers;
  }

  /** Faults the emulator injects (WHATSAPP_EMULATOR_FAULTS, e.g. timeout_after_accept:0.1). */
  private String emulatorFaults = "";

  @JsonProperty
  public String getEmulatorFaults() {
    return emulatorFaults;
  }

  @JsonProperty
  public void setEmulatorFaults(String emulatorFaults) {
    this.emulatorFaults = emulatorFaults == null ? "" : emulatorFaults.trim();
  }

  @ValidationMethod(message = "WHATSAPP_EMULATOR_FAULTS is not a list of fault:probability entries")
  @JsonIgnore
  public boolean isEmulatorFaultsValid() {
    try {
      EmulatorFaults.parse(emulatorFaults, 1);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The default behaviour with the configured mode. */
  public EmulatorBehaviour getEmulatorBehaviour() {
    var b = emulatorBehaviour;
    return new EmulatorBehaviour(
        emulatorMode,
        b.deliverProbability(),
        b.readProbability(),
        b.replyProbability(),
        b.optOutProbability(),
        b.replyAfterMessages(),
        b.sentDelayMillis(),
        b.deliveredDelayMillis(),
        b.readDelayMillis(),
        b.replyDelayMillis(),
        b.replyTexts(),
        b.optOutTexts(),
        b.seed());
  }

  @JsonProperty
  public boolean isEnabled() {
    return enabled;
  }

  @JsonProperty
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  @JsonProperty
  public String getDataDir() {
    return dataDir;
  }

  @JsonProperty
  public void setDataDir(String dataDir) {
    this.dataDir = dataDir;
  }

  @JsonProperty
  public int getTemporalPort() {
    return temporalPort;
  }

  @JsonProperty
  public void setTemporalPort(int temporalPort) {
    this.temporalPort = temporalPort;
  }

  @JsonProperty
  public int getMongoPort() {
    return mongoPort;
  }

  @JsonProperty
  public void setMongoPort(int mongoPort) {
    this.mongoPort = mongoPort;
  }

  @JsonProperty
  public int getS3Port() {
    return s3Port;
  }

  @JsonProperty
  public void setS3Port(int s3Port) {
    this.s3Port = s3Port;
  }

  @JsonProperty
  public int getWhatsappEmulatorPort() {
    return whatsappEmulatorPort;
  }

  @JsonProperty
  public void setWhatsappEmulatorPort(int whatsappEmulatorPort) {
    this.whatsappEmulatorPort = whatsappEmulatorPort;
  }
}

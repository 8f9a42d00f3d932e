package com.salesagent.temporal;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Where the Temporal frontend is and how to authenticate to it. {@code address} is {@code
 * host:port}, or {@value #EMBEDDED} for the in-process dev server of the embedded command.
 */
public class TemporalSettings {
  public static final String EMBEDDED = "embedded";

  @NotBlank
  @Pattern(
      regexp = "embedded|[A-Za-z0-9._\\-\\[\\]:]+:[0-9]{1,5}",
      message = "must be host:port (TEMPORAL_ADDRESS), or 'embedded'")
  private String address = "localhost:7233";

  @NotBlank private String namespace = "default";

  /** Temporal Cloud API key; from the environment only (TEMPORAL_API_KEY). */
  private String apiKey = "";

  @Valid @NotNull private Tls tls = new Tls();

  @Min(1)
  @Max(600)
  private int connectTimeoutSeconds = 30;

  /**
   * Whether start-up adds missing search attributes (TEMPORAL_REGISTER_SEARCH_ATTRIBUTES). Off, it
   * only checks that they exist: for Temporal Cloud, where they are created with tcld, the Cloud
   * Ops API or Terraform, and a client's AddSearchAttributes is refused.
   */
  private boolean registerSearchAttributes = true;

  @JsonProperty
  public String getAddress() {
    return address;
  }

  @JsonProperty
  public void setAddress(String address) {
    this.address = address;
  }

  @JsonProperty
  public String getNamespace() {
    return namespace;
  }

  @JsonProperty
  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  @JsonProperty
  public String getApiKey() {
    return apiKey;
  }

  @JsonProperty
  public void setApiKey(String apiKey) {
    this.apiKey = apiKey == null ? "" : apiKey;
  }

  @JsonProperty
  public Tls getTls() {
    return tls;
  }

  @JsonProperty
  public void setTls(Tls tls) {
    this.tls = tls;
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
  public boolean isRegisterSearchAttributes() {
    return registerSearchAttributes;
  }

  @JsonProperty
  public void setRegisterSearchAttributes(boolean registerSearchAttributes) {
    this.registerSearchAttributes = registerSearchAttributes;
  }

  public boolean isEmbedded() {
    return EMBEDDED.equals(address);
  }

  /** mTLS for self-hosted servers with client certificates or Temporal Cloud. */
  public static class Tls {
    private boolean enabled;
    private String clientCertPath = "";
    private String clientKeyPath = "";
    private String serverRootCaPath = "";

    /**
     * The name the server's certificate must carry, when it is not the host of the address (an IP
     * address, a private endpoint): TEMPORAL_TLS_SERVER_NAME. Also sent as the :authority.
     */
    @Pattern(
        regexp = "|[A-Za-z0-9._\\-]+",
        message = "must be a host name without port (TEMPORAL_TLS_SERVER_NAME)")
    private String serverName = "";

    @JsonProperty
    public boolean isEnabled() {
      return enabled;
    }

    @JsonProperty
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    @JsonProperty
    public String getClientCertPath() {
      return clientCertPath;
    }

    @JsonProperty
    public void setClientCertPath(String clientCertPath) {
      this.clientCertPath = nullToEmpty(clientCertPath);
    }

    @JsonProperty
    public String getClientKeyPath() {
      return clientKeyPath;
    }

    @JsonProperty
    public void setClientKeyPath(String clientKeyPath) {
      this.clientKeyPath = nullToEmpty(clientKeyPath);
    }

    @JsonProperty
    public String getServerRootCaPath() {
      return serverRootCaPath;
    }

    @JsonProperty
    public void setServerRootCaPath(String serverRootCaPath) {
      this.serverRootCaPath = nullToEmpty(serverRootCaPath);
    }

    @JsonProperty
    public String getServerName() {
      return serverName;
    }

    @JsonProperty
    public void setServerName(String serverName) {
      this.serverName = nullToEmpty(serverName).trim();
    }

    private static String nullToEmpty(String s) {
      return s == null ? "" : s;
    }
  }
}

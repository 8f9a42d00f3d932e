package com.salesagent.api.auth;

import java.security.Principal;

/**
 * Whoever presented the operator token: their name goes into audit records (approvals, switches).
 */
public record Operator(String name) implements Principal {
  @Override
  public String getName() {
    return name;
  }
}

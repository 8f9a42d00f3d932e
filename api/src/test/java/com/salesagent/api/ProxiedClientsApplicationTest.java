package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Behind the reverse proxy Meta's webhook needs (TLS), every client has the proxy's address: the
 * failed-authentication throttle counts the client the trusted proxy names in {@code
 * X-Forwarded-For}, so one client's wrong tokens do not lock every operator out.
 */
final class ProxiedClientsApplicationTest extends AppTestHarness {
  private HttpResponse<String> leads(String token, String forwardedFor) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url("/api/leads?pageSize=1")))
            .header("Authorization", "Bearer " + token)
            .header("X-Forwarded-For", forwardedFor));
  }

  @Test
  void wrongTokensFromOneClientBehindTheProxyDoNotLockOutAnother() throws Exception {
    // The attacker's own X-Forwarded-For entry (first) is its word; the proxy appended the last.
    String attacker = "192.0.2.1, 203.0.113.9";
    for (int i = 0; i < com.salesagent.api.auth.ApiSecurity.MAX_FAILED_AUTH_PER_MINUTE; i++) {
      assertThat(leads("wrong-token-" + i, attacker).statusCode()).isEqualTo(401);
    }

    HttpResponse<String> operator = leads(TOKEN, "198.51.100.7");
    HttpResponse<String> attackerWithTheToken = leads(TOKEN, attacker);
    HttpResponse<String> attackerChangingItsOwnEntry = leads(TOKEN, "192.0.2.2, 203.0.113.9");

    assertThat(operator.statusCode()).as(operator.body()).isEqualTo(200);
    assertThat(attackerWithTheToken.statusCode()).isEqualTo(429);
    assertThat(attackerWithTheToken.headers().firstValue("Retry-After")).isPresent();
    assertThat(attackerChangingItsOwnEntry.statusCode()).isEqualTo(429);
  }
}

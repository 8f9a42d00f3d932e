package com.salesagent.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.salesagent.api.auth.ApiSecurity;
import com.salesagent.temporal.StartupException;
import java.net.InetAddress;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Whom the failed-authentication throttle counts: X-Forwarded-For only from a trusted proxy. */
class ClientAddressTest {
  private static final Set<InetAddress> PROXY = ApiSecurity.trustedProxies("10.0.0.5, ::1");

  private static String client(String remote, String... forwarded) {
    return RequestGuard.clientAddress(remote, Collections.enumeration(List.of(forwarded)), PROXY);
  }

  @Test
  void onlyATrustedProxysLastEntryNamesTheClient() {
    assertThat(client("10.0.0.5", "192.0.2.1, 203.0.113.9")).isEqualTo("203.0.113.9");
    assertThat(client("10.0.0.5", "192.0.2.1", "203.0.113.9")).isEqualTo("203.0.113.9");
    assertThat(client("0:0:0:0:0:0:0:1", "2001:db8::7")).isEqualTo("2001:db8::7");
    // anyone else's header is their own word
    assertThat(client("198.51.100.20", "203.0.113.9")).isEqualTo("198.51.100.20");
    // a proxy that sent none, or not an address: the proxy itself
    assertThat(client("10.0.0.5")).isEqualTo("10.0.0.5");
    assertThat(client("10.0.0.5", "unknown")).isEqualTo("10.0.0.5");
    assertThat(client("10.0.0.5", "203.0.113.9, ")).isEqualTo("203.0.113.9");
    // no proxies configured: the connection's address, whatever the header says
    assertThat(
            RequestGuard.clientAddress(
                "10.0.0.5", Collections.enumeration(List.of("1.2.3.4")), Set.of()))
        .isEqualTo("10.0.0.5");
  }

  @Test
  void startUpRefusesAProxyThatIsNotAnAddress() {
    assertThat(ApiSecurity.trustedProxies("")).isEmpty();
    assertThatThrownBy(() -> ApiSecurity.trustedProxies("10.0.0.5,proxy.internal"))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("TRUSTED_PROXIES")
        .hasMessageContaining("proxy.internal");
  }
}

package com.salesagent.activities.research;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The address policy against the IANA special-purpose registries (IPv4 and IPv6) and against IPv4
 * carried inside IPv6 in each way a host can be made to route it.
 */
class PublicAddressesTest {
  private final PublicAddresses policy = PublicAddresses.only();

  private boolean allowed(String address) throws Exception {
    return policy.allowed(InetAddress.getByName(address));
  }

  @Test
  void everySpecialPurposeIpv4RangeIsRefused() throws Exception {
    for (String refused :
        List.of(
            "0.0.0.0", // 0.0.0.0/8 "this network"
            "0.1.2.3",
            "10.255.255.255", // 10/8
            "100.64.0.1", // 100.64/10 shared (CGNAT)
            "100.127.255.254",
            "127.0.0.1", // 127/8
            "127.255.255.254",
            "169.254.169.254", // 169.254/16 link-local, cloud metadata
            "172.16.0.1", // 172.16/12
            "172.31.255.254",
            "192.0.0.8", // 192.0.0/24 IETF protocol assignments
            "192.0.2.1", // 192.0.2/24 TEST-NET-1
            "192.88.99.1", // 192.88.99/24 6to4 relay anycast (deprecated): the nearest relay
            "192.168.1.1", // 192.168/16
            "198.18.0.1", // 198.18/15 benchmarking
            "198.19.255.254",
            "198.51.100.1", // TEST-NET-2
            "203.0.113.1", // TEST-NET-3
            "224.0.0.1", // 224/4 multicast
            "239.255.255.250",
            "240.0.0.1", // 240/4 reserved
            "255.255.255.255")) { // limited broadcast
      assertThat(allowed(refused)).as(refused).isFalse();
    }
    for (String publicV4 :
        List.of("8.8.8.8", "93.184.216.34", "100.63.255.255", "100.128.0.1", "172.32.0.1")) {
      assertThat(allowed(publicV4)).as(publicV4).isTrue();
    }
  }

  @Test
  void everySpecialPurposeIpv6RangeIsRefused() throws Exception {
    for (String refused :
        List.of(
            "::", // unspecified
            "::1", // loopback
            "64:ff9b:1::808:808", // 64:ff9b:1::/48 local-use translation (RFC 8215)
            "100::1", // 100::/64 discard-only
            "2001:1::1", // 2001::/23 IETF protocol assignments: PCP anycast (the local gateway)
            "2001:1::2", // TURN anycast
            "2001:2::1", // 2001:2::/48 benchmarking
            "2001:3::1", // AMT
            "2001:10::1", // ORCHID (deprecated)
            "2001:20::1", // ORCHIDv2
            "2001:1ff:ffff::1", // the last of 2001::/23
            "2001:db8::1", // documentation
            "3fff::1", // 3fff::/20 documentation (RFC 9637)
            "3fff:fff::1",
            "5f00::1", // SRv6 SIDs
            "fc00::1", // fc00::/7 unique local
            "fdff:ffff::1",
            "fe80::1", // fe80::/10 link-local
            "febf::1",
            "fec0::1", // site-local (deprecated)
            "ff02::1", // multicast
            "ff0e::1",
            "4000::1")) { // outside 2000::/3, unassigned
      assertThat(allowed(refused)).as(refused).isFalse();
    }
    for (String publicV6 :
        List.of("2606:4700:4700::1111", "2001:4860:4860::8888", "2001:200::1", "3fff:1000::1")) {
      assertThat(allowed(publicV6)).as(publicV6).isTrue();
    }
  }

  @Test
  void anInternalIpv4InsideIpv6IsRefusedLikeThatIpv4() throws Exception {
    for (String refused :
        List.of(
            "::ffff:127.0.0.1", // IPv4-mapped
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1", // IPv4-compatible (deprecated)
            "::10.0.0.1",
            "::169.254.169.254",
            "64:ff9b::127.0.0.1", // NAT64 well-known prefix
            "64:ff9b::a9fe:a9fe",
            "64:ff9b::c0a8:101",
            "2002:7f00:1::1", // 6to4 carrying 127.0.0.1
            "2002:a9fe:a9fe::1", // 6to4 carrying 169.254.169.254
            "2002:a00:1:1::1", // 6to4 carrying 10.0.0.1
            // Teredo: server 65.54.227.120, client (inverted in the last 32 bits) ...
            "2001:0:4136:e378:8000:63bf:80ff:fffe", // ... 127.0.0.1
            "2001:0:4136:e378:8000:63bf:5601:5601", // ... 169.254.169.254
            "2001:0:4136:e378:8000:63bf:f5ff:fffe", // ... 10.0.0.1
            "2001:0:4136:e378:8000:63bf:3f57:fefe", // ... 192.168.1.1
            "2001:0:4136:e378:8000:63bf:9bbf:fffe", // ... 100.64.0.1
            // Teredo whose server is internal (the client public: 8.8.8.8)
            "2001:0:a00:1:8000:63bf:f7f7:f7f7", // server 10.0.0.1
            "2001:0:7f00:1:8000:63bf:f7f7:f7f7")) { // server 127.0.0.1
      assertThat(allowed(refused)).as(refused).isFalse();
    }
    for (String publicInside :
        List.of(
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2001:0:4136:e378:8000:63bf:f7f7:f7f7")) { // Teredo, server and client public
      assertThat(allowed(publicInside)).as(publicInside).isTrue();
    }
  }

  @Test
  void loopbackCarriedInsideIpv6IsAllowedOnlyByTheTestSwitch() throws Exception {
    assertThat(PublicAddresses.allowingLoopbackForTests().allowed(InetAddress.getByName("::1")))
        .isTrue();
    assertThat(
            PublicAddresses.allowingLoopbackForTests()
                .allowed(InetAddress.getByName("2001:0:4136:e378:8000:63bf:f5ff:fffe")))
        .as("a Teredo client 10.0.0.1 stays refused with the loopback switch")
        .isFalse();
  }
}

package com.salesagent.activities.research;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Which addresses a fetch on a lead's behalf may reach: public unicast only. Refused, after the
 * IANA IPv4 and IPv6 special-purpose address registries: loopback, unspecified and "this network"
 * (0/8), private (10/8, 172.16/12, 192.168/16), shared (100.64/10), link-local (169.254/16, the
 * cloud metadata address among them; fe80::/10), unique-local (fc00::/7), site-local, multicast,
 * broadcast and reserved (240/4), IETF protocol assignments (192.0.0/24; 2001::/23 but Teredo, its
 * anycast services answer from the nearest, maybe local, host), the 6to4 relay anycast
 * (192.88.99/24), documentation (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20)
 * and benchmarking (198.18/15, 2001:2::/48), and every IPv6 outside 2000::/3 (the local-use NAT64
 * prefix 64:ff9b:1::/48, discard-only 100::/64 among them). IPv4 carried inside IPv6 is judged as
 * the IPv4 it carries: mapped (::ffff:0:0/96), compatible (::/96), NAT64 (64:ff9b::/96), 6to4
 * (2002::/16, bits 16-48) and Teredo (2001::/32: the server's IPv4 in bits 32-64 and the client's,
 * inverted, in the last 32 bits; both must be public). A lead's website is whatever an enrolment
 * says: without this, "http://169.254.169.254/" or a redirect to an internal host would put the
 * answer into research_results and the lead page.
 */
public final class PublicAddresses {
  private final boolean allowLoopback;

  private PublicAddresses(boolean allowLoopback) {
    this.allowLoopback = allowLoopback;
  }

  /** The policy of the running system. */
  public static PublicAddresses only() {
    return new PublicAddresses(false);
  }

  /**
   * Tests serve pages from loopback: this switch exists for them and nothing reads it from config.
   */
  public static PublicAddresses allowingLoopbackForTests() {
    return new PublicAddresses(true);
  }

  public boolean allowed(InetAddress address) {
    if (allowLoopback && address.isLoopbackAddress()) {
      return true;
    }
    if (address instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      if (teredo(b)) {
        return allowed(ipv4(b[4], b[5], b[6], b[7]))
            && allowed(ipv4(~b[12], ~b[13], ~b[14], ~b[15]));
      }
      InetAddress embedded = embeddedIpv4(v6.getAddress());
      if (embedded != null) {
        return allowed(embedded);
      }
      return publicV6(v6);
    }
    return publicV4((Inet4Address) address);
  }

  private static boolean publicV4(Inet4Address a) {
    byte[] b = a.getAddress();
    int o0 = b[0] & 0xff;
    int o1 = b[1] & 0xff;
    int o2 = b[2] & 0xff;
    if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress()) {
      return false;
    }
    if (a.isSiteLocalAddress() || a.isMulticastAddress()) {
      return false;
    }
    return !(o0 == 0 // "this network"
        || o0 >= 240 // reserved and broadcast
        || (o0 == 100 && o1 >= 64 && o1 <= 127) // shared address space (CGNAT)
        || (o0 == 192 && o1 == 0 && o2 == 0) // IETF protocol assignments
        || (o0 == 192 && o1 == 0 && o2 == 2) // documentation
        || (o0 == 192 && o1 == 88 && o2 == 99) // 6to4 relay anycast (deprecated)
        || (o0 == 198 && (o1 == 18 || o1 == 19)) // benchmarking
        || (o0 == 198 && o1 == 51 && o2 == 100) // documentation
        || (o0 == 203 && o1 == 0 && o2 == 113)); // documentation
  }

  private static boolean publicV6(Inet6Address a) {
    byte[] b = a.getAddress();
    if (a.isAnyLocalAddress()
        || a.isLoopbackAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    int first = b[0] & 0xff;
    // fc00::/7 unique local; 2001:db8::/32 documentation; only 2000::/3 is global unicast.
    if ((first & 0xfe) == 0xfc) {
      return false;
    }
    if (first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
      return false;
    }
    // 2001::/23 IETF protocol assignments (Teredo, 2001::/32, is judged by its IPv4s before this).
    if (first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xfe) == 0x00) {
      return false;
    }
    // 3fff::/20 documentation (RFC 9637).
    if (first == 0x3f && (b[1] & 0xff) == 0xff && (b[2] & 0xf0) == 0x00) {
      return false;
    }
    return (first & 0xe0) == 0x20;
  }

  /** Teredo, 2001::/32 (RFC 4380). */
  private static boolean teredo(byte[] b) {
    return b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0;
  }

  private static InetAddress ipv4(int b0, int b1, int b2, int b3) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) b0, (byte) b1, (byte) b2, (byte) b3});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are an IPv4 address", e);
    }
  }

  /** The IPv4 inside an IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96) or 6to4 address. */
  private static InetAddress embeddedIpv4(byte[] b) {
    try {
      boolean zeroPrefix = true;
      for (int i = 0; i < 10; i++) {
        zeroPrefix &= b[i] == 0;
      }
      if (zeroPrefix
          && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
        return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
      }
      boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b;
      for (int i = 4; i < 12 && nat64; i++) {
        nat64 = b[i] == 0;
      }
      if (nat64) {
        return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
      }
      if (b[0] == 0x20 && b[1] == 0x02) {
        return InetAddress.getByAddress(new byte[] {b[2], b[3], b[4], b[5]});
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null;
  }
}

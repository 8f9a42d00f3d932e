package com.salesagent.activities.research;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Which addresses a fetch on a lead's behalf may reach: public unicast only. Refused: loopback,
 * unspecified, private (10/8, 172.16/12, 192.168/16), shared (100.64/10), link-local (169.254/16,
 * the cloud metadata address among them; fe80::/10), unique-local (fc00::/7), site-local,
 * multicast, broadcast and reserved ranges, documentation and benchmark ranges, and IPv4 carried
 * inside IPv6 (mapped, NAT64, 6to4) is judged as the IPv4 it carries. A lead's website is whatever
 * an enrolment says: without this, "http://169.254.169.254/" or a redirect to an internal host
 * would put the answer into research_results and the lead page.
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
    return (first & 0xe0) == 0x20;
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

package com.salesagent.temporal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Who can reach a port: tests that embedded services listen on loopback only. */
public final class Listening {
  private Listening() {}

  /** This machine's addresses that are not loopback (the ones another host would use). */
  public static List<InetAddress> otherAddresses() {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            out.add(a);
          }
        }
      }
    } catch (SocketException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  public static boolean accepts(InetAddress address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}

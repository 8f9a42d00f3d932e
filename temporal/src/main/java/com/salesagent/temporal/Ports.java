package com.salesagent.temporal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Port helpers shared by every embedded server. */
public final class Ports {
  private Ports() {}

  /** Where Linux says its ephemeral ports are; absent elsewhere. */
  static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  /** Below the ephemeral range: the lowest port handed out, clear of well-known services. */
  static final int LOWEST = 10_000;

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /**
   * A port free now, for a server that binds it a little later. A port the kernel picks for {@code
   * bind(0)} comes from the ephemeral range, from which it also picks the local port of every
   * outgoing connection and of every other {@code bind(0)}: in the time between choosing and
   * binding (the other embedded servers start, clients connect) the same port was taken by one of
   * those (seen as "Port 37101 for the WhatsApp emulator is already in use"). So where the range is
   * known the port is drawn below it, where the kernel never hands one out by itself, and never
   * twice in one process.
   */
  public static int freePort() {
    int[] range = ephemeralRange();
    if (range != null && range[0] - LOWEST > 1_000) {
      for (int attempt = 0; attempt < 200; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, range[0]);
        if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
          return port;
        }
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      HANDED_OUT.add(socket.getLocalPort());
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new StartupException("No free local port is available: " + e.getMessage(), e);
    }
  }

  /** The kernel's ephemeral range {@code [low, high]}, or null where it cannot be read. */
  static int[] ephemeralRange() {
    try {
      // One line, read as lines: readString stops short on this procfs file (it answered "3").
      String[] parts = String.join(" ", Files.readAllLines(EPHEMERAL_RANGE)).trim().split("\\s+");
      int low = Integer.parseInt(parts[0]);
      int high = Integer.parseInt(parts[1]);
      return low > 0 && high >= low ? new int[] {low, high} : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Fails with a one-line message naming the setting when the port is taken. */
  public static void requireFree(int port, String what, String setting) {
    if (!bindable(port)) {
      throw new StartupException(
          "Port "
              + port
              + " for the "
              + what
              + " is already in use; stop what uses it or set "
              + setting
              + " to a free port");
    }
  }
}

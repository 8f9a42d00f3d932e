package com.salesagent.temporal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port helpers shared by every embedded server. */
public final class Ports {
  private Ports() {}

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new StartupException("No free local port is available: " + e.getMessage(), e);
    }
  }

  /** Fails with a one-line message naming the setting when the port is taken. */
  public static void requireFree(int port, String what, String setting) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
    } catch (IOException e) {
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

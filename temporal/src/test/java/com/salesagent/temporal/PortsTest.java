package com.salesagent.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {
  @Test
  void aChosenPortIsOutsideTheRangeTheKernelHandsOutByItself() throws Exception {
    int[] range = Ports.ephemeralRange();
    assumeTrue(range != null, "the ephemeral range is readable on Linux only");
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = Ports.freePort();
      assertThat(port).isBetween(Ports.LOWEST, range[0] - 1);
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
    }
    // What collided before: a port chosen for later taken by a bind(0) (or an outgoing connection).
    try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(seen).doesNotContain(other.getLocalPort());
    }
  }

  @Test
  void aChosenPortCanBeBoundAndATakenOneIsNamedWithItsSetting() throws Exception {
    int port = Ports.freePort();
    Ports.requireFree(port, "test server", "TEST_PORT");
    try (ServerSocket taken = new ServerSocket(port)) {
      assertThatThrownBy(() -> Ports.requireFree(port, "test server", "TEST_PORT"))
          .isInstanceOf(StartupException.class)
          .hasMessage(
              "Port "
                  + port
                  + " for the test server is already in use; stop what uses it or set TEST_PORT"
                  + " to a free port");
    }
  }
}

package com.salesagent.activities.research;

import java.io.IOException;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link OfflineTest}: every http(s) URL connection of the process is
 * recorded and refused (the handler factory sees them even when the caller passes an explicit
 * proxy, as DJL does), then the model is loaded and a sentence embedded. Argument "offline" applies
 * our switch first; anything else is the control.
 */
public final class OfflineProbe {
  public static void main(String[] args) {
    URL.setURLStreamHandlerFactory(
        protocol ->
            "http".equals(protocol) || "https".equals(protocol)
                ? new URLStreamHandler() {
                  @Override
                  protected URLConnection openConnection(URL u) throws IOException {
                    return refuse(u);
                  }

                  @Override
                  protected URLConnection openConnection(URL u, Proxy p) throws IOException {
                    return refuse(u);
                  }
                }
                : null);
    Path cache = Path.of(args[1]);
    if ("offline".equals(args[0])) {
      Embeddings.offline(cache);
    }
    float[] v = new Embeddings(cache).embed("offline by default");
    System.out.println("DIMENSION " + v.length);
    System.out.flush();
    // DJL's telemetry runs on its own thread: give it the time it would take.
    try {
      Thread.sleep(1500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.exit(0);
  }

  private static URLConnection refuse(URL u) throws IOException {
    System.out.println("CONNECT " + u.getHost());
    System.out.flush();
    throw new IOException("blocked by the offline probe: " + u.getHost());
  }
}

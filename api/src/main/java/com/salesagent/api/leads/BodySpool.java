package com.salesagent.api.leads;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * An import's body read ahead of its rows: a thread of its own copies the request's body into a
 * temporary file as fast as the client sends it, and the import reads the file behind it ({@link
 * #reader}), waiting where it caught up. The answer still streams while the body is being written
 * (a row is answered as soon as its line is in the file), but the body no longer waits for the
 * rows: a client that sent the whole file and then went away (a proxy's timeout, a closed tab)
 * leaves the whole file here, and the import runs to its end. What the request's body did not
 * deliver (a connection cut in the middle of the upload) ends the reader with that failure once the
 * bytes received are read; the request guard's cap (a {@code WebApplicationException}) is rethrown
 * as it came, as the import handled it before.
 */
final class BodySpool implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Path file;
  private final OutputStream sink;
  private final Object lock = new Object();
  private long written;
  private boolean ended;
  private Throwable failure;
  private volatile boolean abandoned;
  private final Thread thread;
  private final java.util.List<Tail> tails = new java.util.concurrent.CopyOnWriteArrayList<>();

  private BodySpool(InputStream body, LongConsumer onEnd) throws IOException {
    this.file = Files.createTempFile("sales-agent-import-", ".body");
    this.sink = Files.newOutputStream(file);
    this.thread = new Thread(() -> copy(body, onEnd), "import-body-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
  }

  /**
   * Starts copying {@code body}; {@code onEnd} is told the bytes received when the body has ended
   * (all of it received), on the copying thread.
   */
  static BodySpool start(InputStream body, LongConsumer onEnd) {
    try {
      BodySpool spool = new BodySpool(body, onEnd);
      spool.thread.start();
      return spool;
    } catch (IOException e) {
      throw new UncheckedIOException("no temporary file for the import's body", e);
    }
  }

  private void copy(InputStream body, LongConsumer onEnd) {
    byte[] buffer = new byte[64 * 1024];
    try {
      int n;
      while (!abandoned && (n = body.read(buffer)) != -1) {
        sink.write(buffer, 0, n);
        sink.flush();
        synchronized (lock) {
          written += n;
          lock.notifyAll();
        }
      }
      sink.close();
      long total;
      synchronized (lock) {
        ended = true;
        total = written;
        lock.notifyAll();
      }
      if (!abandoned) {
        onEnd.accept(total);
      }
    } catch (IOException | RuntimeException e) {
      synchronized (lock) {
        failure = e;
        lock.notifyAll();
      }
      try {
        sink.close();
      } catch (IOException ignored) {
        // the failure above is the one that counts
      }
    }
  }

  /**
   * Waits until the whole body is here; a body cut during its upload throws {@link BodyCut} (the
   * request guard's cap is not thrown here: the import reads up to it and says so, as it streams).
   */
  void awaitEnd(Runnable whileWaiting) throws IOException {
    while (true) {
      synchronized (lock) {
        if (ended || failure instanceof RuntimeException) {
          return;
        }
        if (failure != null) {
          throw new BodyCut((IOException) failure);
        }
        try {
          lock.wait(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for the body");
        }
        if (ended || failure != null) {
          continue;
        }
      }
      whileWaiting.run();
    }
  }

  /** The file the body is copied into (whole once {@link #awaitEnd} returned). */
  Path file() {
    return file;
  }

  /** The bytes received so far. */
  long received() {
    synchronized (lock) {
      return written;
    }
  }

  /** The body as received so far and as it goes on arriving, from its first byte. */
  InputStream reader(Runnable whileWaiting) {
    Tail tail = new Tail(whileWaiting);
    tails.add(tail);
    return tail;
  }

  /** Stops reading the body (the import read all it will) and deletes the file. */
  @Override
  public void close() {
    abandoned = true;
    try {
      // The copy stops at its next read; a client that stalls holds it until the read fails.
      thread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      sink.close();
    } catch (IOException ignored) {
      // closed by the copy already
    }
    for (Tail tail : tails) {
      try {
        tail.close();
      } catch (IOException ignored) {
        // read only
      }
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // the temporary directory's own cleanup takes it
    }
  }

  /** Reads the file behind the copy. */
  private final class Tail extends InputStream {
    private final Runnable whileWaiting;
    private RandomAccessFile in;
    private long position;

    Tail(Runnable whileWaiting) {
      this.whileWaiting = whileWaiting;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      long available = awaitBytes();
      if (available == -1) {
        return -1;
      }
      if (in == null) {
        in = new RandomAccessFile(file.toFile(), "r");
      }
      in.seek(position);
      int n = in.read(b, off, (int) Math.min(len, available));
      if (n > 0) {
        position += n;
      }
      return n;
    }

    /** Bytes readable now (at least one), -1 at the body's end; the body's failure past them. */
    private long awaitBytes() throws IOException {
      while (true) {
        synchronized (lock) {
          if (written > position) {
            return written - position;
          }
          if (failure != null) {
            if (failure instanceof RuntimeException r) {
              throw r;
            }
            throw new BodyCut((IOException) failure);
          }
          if (ended) {
            return -1;
          }
          try {
            lock.wait(1_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the body");
          }
          if (written > position || failure != null || ended) {
            continue;
          }
        }
        // A second without a byte: the import's record says it is still alive.
        whileWaiting.run();
      }
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        in.close();
      }
    }
  }

  /** The request's body ended before its end: the connection closed during the upload. */
  static final class BodyCut extends IOException {
    BodyCut(IOException cause) {
      super("the request's body was cut: " + cause.getMessage(), cause);
    }
  }
}

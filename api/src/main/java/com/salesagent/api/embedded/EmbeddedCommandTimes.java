package com.salesagent.api.embedded;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded MongoDB-wire server's slow commands, as mongod's slow-operation log keeps them: each
 * command that took {@link #RECORD_FROM_MILLIS} or more inside the server (locks waited for
 * included; time queued on its connection's event loop behind another command excluded) is kept in
 * a bounded ring of the most recent ones, and one of {@link #LOG_FROM_MILLIS} or more is logged.
 * Only the command's name, collection and item count are kept, never its values (numbers, names,
 * texts). The server answers every connection on one of four event-loop threads, so a slow command
 * holds up every connection of its thread: the ring is how a stall is traced to what began it
 * ({@code bench-webhooks} prints it per phase). One ring per process: a process runs one embedded
 * server.
 */
public final class EmbeddedCommandTimes {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCommandTimes.class);

  static final long RECORD_FROM_MILLIS = 50;
  static final long LOG_FROM_MILLIS = 1_000;
  static final int CAPACITY = 20_000;

  /** A slow command: when it began (epoch ms), how long it took, what it was. */
  public record Slow(
      long startMillis, long millis, String command, String collection, int items, String thread) {
    public String what() {
      return command + " " + collection;
    }
  }

  private static final ArrayDeque<Slow> RING = new ArrayDeque<>();

  /** Every command's count and time inside the server, by command name and collection. */
  private static final TotalsByWhat TOTALS = new TotalsByWhat();

  /** A command name and the collection it names ("-" for none). */
  public record What(String command, String collection) {
    @Override
    public String toString() {
      return command + " " + collection;
    }
  }

  /** Commands answered and nanoseconds spent on them inside the server. */
  public record Count(long commands, long nanos) {}

  private static final class Totals {
    final LongAdder count = new LongAdder();
    final LongAdder nanos = new LongAdder();
  }

  /** Two levels of maps so that counting a command allocates nothing once its key is known. */
  private static final class TotalsByWhat {
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Totals>> map =
        new ConcurrentHashMap<>();

    Totals get(String command, String collection) {
      return map.computeIfAbsent(command, c -> new ConcurrentHashMap<>())
          .computeIfAbsent(collection, c -> new Totals());
    }

    Map<What, Count> snapshot() {
      Map<What, Count> out = new HashMap<>();
      map.forEach(
          (command, byCollection) ->
              byCollection.forEach(
                  (collection, t) ->
                      out.put(
                          new What(command, collection), new Count(t.count.sum(), t.nanos.sum()))));
      return out;
    }
  }

  /**
   * Every command answered so far in this process, by name and collection: what a bench phase costs
   * the embedded MongoDB per lead is the difference of two snapshots. Names only, no values.
   */
  public static Map<What, Count> totals() {
    return TOTALS.snapshot();
  }

  private EmbeddedCommandTimes() {}

  /** Notes a command answered in {@code nanos} that began at {@code startMillis}. */
  static void record(Document command, long startMillis, long nanos) {
    if (command == null || command.isEmpty()) {
      return;
    }
    String name = command.keySet().iterator().next();
    Object target = command.get(name);
    String collection = target instanceof String s ? s : "-";
    Totals t = TOTALS.get(name, collection);
    t.count.increment();
    t.nanos.add(nanos);
    long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
    if (millis < RECORD_FROM_MILLIS) {
      return;
    }
    int items = 0;
    for (String field : List.of("updates", "documents", "deletes", "pipeline")) {
      if (command.get(field) instanceof List<?> list) {
        items = list.size();
        break;
      }
    }
    Slow slow =
        new Slow(startMillis, millis, name, collection, items, Thread.currentThread().getName());
    synchronized (RING) {
      if (RING.size() == CAPACITY) {
        RING.removeFirst();
      }
      RING.addLast(slow);
    }
    if (millis >= LOG_FROM_MILLIS) {
      LOG.warn(
          "slow embedded MongoDB command: {} {} ({} items) took {} ms",
          name,
          collection,
          items,
          millis);
    }
  }

  /** The slow commands that began at or after {@code epochMillis}, oldest first. */
  public static List<Slow> since(long epochMillis) {
    synchronized (RING) {
      List<Slow> out = new ArrayList<>();
      for (Slow s : RING) {
        if (s.startMillis() >= epochMillis) {
          out.add(s);
        }
      }
      return out;
    }
  }
}

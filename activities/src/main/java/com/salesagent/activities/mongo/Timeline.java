package com.salesagent.activities.mongo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * A lead's timeline in the order things happened, from its {@code interaction_history} events as
 * written. Two writers disagree on time: the send records {@code message_sent} to the millisecond
 * when the Cloud API accepts it, while Meta stamps the message's statuses to the second, so a
 * {@code sent} can carry a time before its own send (and a {@code delivered} the same second as its
 * {@code sent}); and a send whose answer was lost is recorded {@code delivery_unknown} when the
 * workflow learns it, which can be after the message's status webhooks already told its fate.
 *
 * <p>So a message's events are ordered by its lifecycle ({@link #LIFECYCLE}): each keeps its time
 * unless an earlier step of the same message is later, when it takes that step's time (a status
 * never precedes its send, a delivery never its sent), and on the same time the earlier step goes
 * first. A {@code delivery_unknown} recorded after the message's fate was known (its send or a
 * status recorded before it) is left out: the fate was not unknown by then.
 *
 * <p>A lead's reply (any kind: text, image, voice, location, a button), reaction or stop ({@link
 * #INBOUND}: a STOP message, Meta's stop preference, or a send's 131050 failure) is stamped by Meta
 * to the second too, so one written in the second we sent a message could come before it: one that
 * quotes our message (its context wamid) is placed at that message's send at the earliest, and one
 * without a context (or quoting a message not in this timeline) after the latest send of its own
 * second. Any other event naming one of our messages (a status Meta sends that has no step here,
 * e.g. {@code deleted} or {@code warning}) is placed at that message's send at the earliest. Every
 * other event keeps its time; on the same time, after a message's steps.
 */
public final class Timeline {
  /** The steps of one message's life, in order. */
  static final Map<String, Integer> LIFECYCLE =
      Map.of(
          "delivery_unknown", 0,
          "message_sent", 1,
          "sent", 2,
          "delivered", 3,
          "failed", 4,
          "read", 5,
          "played", 6);

  /**
   * The lead's own events, stamped by Meta to the second; the wamid is the message quoted. A stop
   * ({@code opted_out}) is recorded only from Meta's webhooks, at Meta's time.
   */
  static final Set<String> INBOUND = Set.of("replied", "reaction", "opted_out");

  private static final String SEND = "message_sent";

  private Timeline() {}

  /** An event with the time and rank it is ordered by. */
  private record Placed(Document event, int index, long ts, long at, int rank) {}

  /**
   * The events (as read, in any order) in the order things happened. {@code wamidByKey}: the lead's
   * messages' wamids by idempotency key, which a {@code delivery_unknown} names in its detail.
   */
  public static List<Document> ordered(List<Document> events, Map<String, String> wamidByKey) {
    Map<String, List<Placed>> byMessage = new HashMap<>();
    List<Placed> placed = new ArrayList<>();
    List<Placed> inbound = new ArrayList<>();
    List<Placed> naming = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Document e = events.get(i);
      long ts = time(e);
      String wamid = wamidOf(e, wamidByKey);
      Integer rank = LIFECYCLE.get(e.getString("type"));
      if (INBOUND.contains(e.getString("type"))) {
        inbound.add(new Placed(e, i, ts, ts, Integer.MAX_VALUE));
      } else if (wamid == null) {
        placed.add(new Placed(e, i, ts, ts, Integer.MAX_VALUE));
      } else if (rank == null) {
        naming.add(new Placed(e, i, ts, ts, Integer.MAX_VALUE));
      } else {
        byMessage
            .computeIfAbsent(wamid, w -> new ArrayList<>())
            .add(new Placed(e, i, ts, ts, rank));
      }
    }
    for (List<Placed> steps : byMessage.values()) {
      steps.sort(
          Comparator.comparingInt(Placed::rank)
              .thenComparingLong(Placed::ts)
              .thenComparingInt(Placed::index));
      long fateKnown =
          steps.stream()
              .filter(p -> p.rank() > 0)
              .mapToLong(Placed::ts)
              .min()
              .orElse(Long.MAX_VALUE);
      long previous = Long.MIN_VALUE;
      for (Placed p : steps) {
        if (p.rank() == 0 && p.ts() >= fateKnown) {
          continue; // unknown only after its fate was known: not shown
        }
        long at = p.rank() == 0 ? p.ts() : Math.max(p.ts(), previous);
        previous = at;
        placed.add(new Placed(p.event(), p.index(), p.ts(), at, p.rank()));
      }
    }
    Map<String, Long> sentAt = new HashMap<>();
    for (Placed p : placed) {
      if (SEND.equals(p.event().getString("type")) && p.event().getString("wamid") != null) {
        sentAt.merge(p.event().getString("wamid"), p.at(), Math::min);
      }
    }
    for (Placed p : inbound) {
      Long quoted = sentAt.get(p.event().getString("wamid"));
      long after = quoted != null ? quoted : latestSendOfSecond(sentAt.values(), p.ts());
      placed.add(new Placed(p.event(), p.index(), p.ts(), Math.max(p.ts(), after), p.rank()));
    }
    for (Placed p : naming) {
      Long send = sentAt.get(p.event().getString("wamid"));
      long at = send == null ? p.ts() : Math.max(p.ts(), send);
      placed.add(new Placed(p.event(), p.index(), p.ts(), at, p.rank()));
    }
    placed.sort(
        Comparator.comparingLong(Placed::at)
            .thenComparingInt(Placed::rank)
            .thenComparingLong(Placed::ts)
            .thenComparingInt(Placed::index));
    List<Document> out = new ArrayList<>(placed.size());
    placed.forEach(p -> out.add(p.event()));
    return out;
  }

  /** The latest send in the second {@code ts} falls in, or {@link Long#MIN_VALUE}. */
  private static long latestSendOfSecond(Iterable<Long> sends, long ts) {
    if (ts == Long.MIN_VALUE) {
      return Long.MIN_VALUE;
    }
    long second = ts - Math.floorMod(ts, 1000L);
    long latest = Long.MIN_VALUE;
    for (long at : sends) {
      if (at >= second && at < second + 1000L && at > latest) {
        latest = at;
      }
    }
    return latest;
  }

  /** The message an event is a step of: its wamid, or for an unknown send its key's message. */
  private static String wamidOf(Document e, Map<String, String> wamidByKey) {
    if ("delivery_unknown".equals(e.getString("type"))) {
      String key = e.getString("detail");
      return key == null ? null : wamidByKey.get(key);
    }
    return e.getString("wamid");
  }

  private static long time(Document e) {
    Date ts = e.getDate("ts");
    return ts == null ? Long.MIN_VALUE : ts.getTime();
  }
}

package com.salesagent.api.dashboard;

import com.codahale.metrics.annotation.Timed;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.HeldMessages;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.QueryDays;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;

/**
 * The dashboard's reads. {@code summary} costs O(campaigns x days) documents of campaign_stats plus
 * two indexed counts, whatever the number of events; {@code stream} is the live feed as Server-Sent
 * Events (a heartbeat comment every 15 s keeps proxies from closing it).
 */
@Tag(name = "dashboard", description = "The live dashboard's summary and event stream")
@Timed
@Path("/api/dashboard")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {
  private final MongoDatabase db;
  private final FunnelStats funnel;
  private final LiveFeed feed;

  public DashboardResource(MongoDatabase db, LiveFeed feed) {
    this.db = db;
    this.funnel = new FunnelStats(db);
    this.feed = feed;
  }

  @GET
  @Path("/summary")
  public Response summary(
      @QueryParam("campaignId") String campaignId,
      @QueryParam("from") String from,
      @QueryParam("to") String to) {
    long start = System.nanoTime();
    List<FieldError> errors = new ArrayList<>();
    LocalDate fromDay = day("from", from, errors);
    LocalDate toDay = day("to", to, errors);
    if (errors.isEmpty() && fromDay != null && toDay != null && fromDay.isAfter(toDay)) {
      errors.add(new FieldError("to", "must not be before from"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(400, "bad filter", errors);
    }
    Map<String, Long> totals = funnel.totals(campaignId, fromDay, toDay);
    // Busiest first (by assignments): the segment the variants table opens on.
    List<String> segments = new VariantStats(db).segmentsBusiestFirst();
    Summary answer =
        new Summary(
            funnel.campaigns(),
            segments,
            totals,
            rates(totals),
            funnel.series(campaignId, fromDay, toDay),
            new HeldMessages(db).pendingApprovalCount(),
            pausedSenders(),
            senders(),
            feed.usesChangeStreams() ? "change_streams" : "polling",
            Math.round((System.nanoTime() - start) / 1e4) / 100.0);
    return Response.ok(answer).build();
  }

  /**
   * {@code GET /api/dashboard/summary}: campaigns and segments to filter by, the funnel and its
   * rates, the daily series, what waits for a person, paused business numbers, and how the live
   * feed is fed.
   */
  public record Summary(
      List<String> campaigns,
      List<String> segments,
      Map<String, Long> funnel,
      Map<String, Double> rates,
      List<Map<String, Object>> series,
      long pendingApprovals,
      List<PausedSender> pausedSenders,
      List<SenderRow> senders,
      String liveSource,
      double serverMillis) {}

  /** A business number Meta's account-level errors paused, and when it is probed again. */
  public record PausedSender(
      String phoneNumberId, Object code, String detail, String since, String nextProbeAt) {}

  /**
   * A business number of the pool: its state, quality, tier, sends in the last minutes, and whether
   * it can take sends ({@code usable}; else {@code reason}: token_missing, token_unchecked, paused)
   * and the name of its token variable ({@code tokenRef}; never the token).
   */
  public record SenderRow(
      String phoneNumberId,
      String displayPhoneNumber,
      boolean primary,
      String status,
      String pauseSource,
      String detail,
      String quality,
      int tier,
      long sentLastMinute,
      long sentThisMinute,
      boolean usable,
      String reason,
      String tokenRef) {}

  private List<SenderRow> senders() {
    Senders pool = new Senders(db);
    java.time.Instant now = java.time.Instant.now();
    Map<String, Long> last = pool.rates().lastMinute(now);
    Map<String, Long> current = pool.rates().thisMinute(now);
    List<SenderRow> rows = new ArrayList<>();
    for (Document d : pool.all()) {
      String id = String.valueOf(d.get("_id"));
      String unusable = Senders.unusable(d, now);
      rows.add(
          new SenderRow(
              id,
              d.getString("displayPhoneNumber"),
              Boolean.TRUE.equals(d.getBoolean("primary")),
              d.getString("status") == null ? "active" : d.getString("status"),
              d.getString("pauseSource"),
              d.getString("detail"),
              d.getString("quality"),
              d.get("tier") instanceof Number n ? n.intValue() : Senders.DEFAULT_TIER,
              last.getOrDefault(id, 0L),
              current.getOrDefault(id, 0L),
              unusable == null,
              unusable,
              d.getString("tokenRef")));
    }
    return rows;
  }

  /** {@code POST /api/dashboard/counters/rebuild}. */
  public record Rebuilt(long rowsRepaired) {}

  /** The business numbers Meta's account-level errors paused: nothing goes out until they work. */
  private List<PausedSender> pausedSenders() {
    List<PausedSender> paused = new ArrayList<>();
    for (Document sender : new Senders(db).paused()) {
      paused.add(
          new PausedSender(
              String.valueOf(sender.get("_id")),
              sender.get("code"),
              sender.getString("detail"),
              sender.getDate("since") == null
                  ? null
                  : sender.getDate("since").toInstant().toString(),
              sender.getDate("probeAt") == null
                  ? null
                  : sender.getDate("probeAt").toInstant().toString()));
    }
    return paused;
  }

  /**
   * {@code POST /api/dashboard/counters/rebuild}: recomputes campaign_stats from the marks on the
   * contacts (when each lead first reached each stage). A lead being counted during the rebuild can
   * be counted twice: run it when traffic is quiet.
   */
  @POST
  @Path("/counters/rebuild")
  public Response rebuildCounters() {
    return Response.ok(new Rebuilt(funnel.rebuild())).build();
  }

  /** sent and opted_out over enrolled; the rest over sent. */
  static Map<String, Double> rates(Map<String, Long> t) {
    Map<String, Double> r = new LinkedHashMap<>();
    long enrolled = t.getOrDefault("enrolled", 0L);
    long sent = t.getOrDefault("sent", 0L);
    for (String stage : FunnelStats.STAGES) {
      if (stage.equals("enrolled")) {
        continue;
      }
      long base = stage.equals("sent") || stage.equals("opted_out") ? enrolled : sent;
      r.put(stage, base == 0 ? null : (double) t.getOrDefault(stage, 0L) / base);
    }
    return r;
  }

  private static LocalDate day(String field, String value, List<FieldError> errors) {
    if (value == null || value.isBlank()) {
      return null;
    }
    LocalDate day;
    try {
      day = LocalDate.parse(value.strip());
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(field, "a day as YYYY-MM-DD, not " + value));
      return null;
    }
    return QueryDays.outside(field, day, Clock.systemUTC(), errors) ? null : day;
  }

  /** Live viewers at once, in all: each holds a server thread. */
  public static final int MAX_STREAMS = 64;

  /** Live viewers at once per token holder (a few tabs, a wall screen). */
  public static final int MAX_STREAMS_PER_OPERATOR = 16;

  private final Semaphore streams = new Semaphore(MAX_STREAMS);
  private final ConcurrentHashMap<String, AtomicInteger> perOperator = new ConcurrentHashMap<>();

  /**
   * {@code HEAD} of the live stream: its headers, and nothing held. Jersey answered a {@code HEAD}
   * by running the stream itself with the body discarded: no header went out (the heartbeats stayed
   * in Jersey's buffer), and the stream's slot and thread stayed taken long after the client left
   * (a write never reached the socket to fail), so sixteen monitors' {@code HEAD}s left the
   * operator's dashboard without its live feed (429).
   */
  @HEAD
  @Path("/stream")
  @Produces("text/event-stream")
  public Response streamHead(@Auth Operator operator) {
    return Response.ok()
        .type("text/event-stream")
        .header("Cache-Control", "no-cache")
        .header("X-Accel-Buffering", "no")
        .build();
  }

  @GET
  @Path("/stream")
  @Produces("text/event-stream")
  public Response stream(
      @Auth Operator operator, @HeaderParam("Last-Event-ID") String lastEventId) {
    AtomicInteger mine = perOperator.computeIfAbsent(operator.name(), k -> new AtomicInteger());
    if (mine.incrementAndGet() > MAX_STREAMS_PER_OPERATOR) {
      mine.decrementAndGet();
      return tooMany("at most " + MAX_STREAMS_PER_OPERATOR + " live streams per operator");
    }
    if (!streams.tryAcquire()) {
      mine.decrementAndGet();
      return tooMany("at most " + MAX_STREAMS + " live streams at once");
    }
    StreamingOutput body =
        out -> {
          Long last = null;
          try {
            last = lastEventId == null ? null : Long.valueOf(lastEventId.strip());
          } catch (NumberFormatException e) {
            // not one of ours: start fresh
          }
          BlockingQueue<LiveFeed.Event> queue = feed.subscribe(last);
          try {
            write(
                out,
                ": connected via "
                    + (feed.usesChangeStreams() ? "change streams" : "polling")
                    + "\nretry: 1000\n\n");
            while (true) {
              LiveFeed.Event e = queue.poll(15, TimeUnit.SECONDS);
              if (e == LiveFeed.END) {
                return;
              }
              if (e == null) {
                write(out, ": heartbeat\n\n");
              } else {
                write(
                    out,
                    "id: " + e.id() + "\nevent: " + e.event() + "\ndata: " + e.data() + "\n\n");
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (IOException e) {
            // the browser went away
          } finally {
            feed.unsubscribe(queue);
            streams.release();
            mine.decrementAndGet();
          }
        };
    return Response.ok(body)
        .header("Cache-Control", "no-cache")
        .header("X-Accel-Buffering", "no")
        .build();
  }

  private static Response tooMany(String message) {
    return Response.status(429)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .header("Retry-After", 5)
        .entity(
            new ApiException(
                    429,
                    message + ": close another dashboard tab",
                    new FieldError("stream", message))
                .body())
        .build();
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}

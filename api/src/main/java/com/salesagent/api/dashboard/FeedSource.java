package com.salesagent.api.dashboard;

import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.bson.Document;

/**
 * Where the dashboard's live feed gets its stored changes: MongoDB's change streams or, where it
 * has none, polling by store time. From its start to its stop a source hands each change to its
 * {@link Changes}.
 */
interface FeedSource {
  /**
   * The regular collections followed: {@code messages} (sent, delivered, read, failed), {@code
   * feedback} (replied, opted_out), {@code contacts} (enrolled) and {@code webhook_events} (Meta's
   * marketing stop); time-series collections have no change streams, so interaction_history is not
   * among them.
   */
  List<String> WATCHED =
      List.of(
          Collections.MESSAGES,
          Collections.FEEDBACK,
          Collections.CONTACTS,
          Collections.WEBHOOK_EVENTS);

  /**
   * What the feed follows besides whole collections: contacts told of their number's suppression
   * (an update of {@code contacts}; polled by {@link LeadStore#SUPPRESSED_AT}).
   */
  String SUPPRESSED = "contacts#suppressed";

  /**
   * Leads given an outcome (converted, lost: an update of {@code contacts} that sets {@code
   * outcome}; polled by {@code outcome.at}).
   */
  String OUTCOME = "contacts#outcome";

  /** What a source tells of each change it finds. */
  @FunctionalInterface
  interface Changes {
    /**
     * A stored change: its collection ({@link #WATCHED}, or {@link #SUPPRESSED}, {@link #OUTCOME}),
     * whether it inserted the document, and the document as it is now.
     */
    void onChange(String collection, boolean inserted, Document doc);
  }

  /**
   * Starts following. {@code feedThread} is the feed's own thread (its counters run there too), for
   * a source that works on a schedule.
   */
  void start(ScheduledExecutorService feedThread);

  /** Stops following; what it finds after this is not told. */
  void stop();
}

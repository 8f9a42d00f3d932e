package com.salesagent.activities.whatsapp;

import com.salesagent.activities.mongo.Senders;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sending worker's report to the pool: which numbers' token variables it has, so operators see a
 * number whose variable no worker sets as unusable ({@code token_missing}) instead of active. Only
 * the reference (the variable's name, already stored) and a time are written: never the token, nor
 * the variable's value. Run at start and every {@link Senders#TOKEN_REPORT_EVERY}.
 */
public final class SenderTokenReport implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SenderTokenReport.class);

  private final Senders senders;
  private final SenderClients clients;
  private final Clock clock;

  public SenderTokenReport(Senders senders, SenderClients clients, Clock clock) {
    this.senders = senders;
    this.clients = clients;
    this.clock = clock;
  }

  @Override
  public void run() {
    try {
      Map<String, String> mine = new LinkedHashMap<>();
      for (Document d : senders.sending()) {
        String id = String.valueOf(d.get("_id"));
        String ref = d.getString("tokenRef");
        if (clients.resolves(id, ref)) {
          mine.put(id, ref);
        }
      }
      senders.tokensSeen(mine, clock.instant());
    } catch (RuntimeException e) {
      // MongoDB away for a moment: the next report says it again.
      LOG.warn("sender token report not written: {}", e.toString());
    }
  }
}

package com.salesagent.activities.lead;

import com.mongodb.client.MongoDatabase;
import com.salesagent.workflows.lead.SendWindow;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.bson.Document;

/**
 * A campaign's quiet hours, local times in the lead's time zone ("20:00" to "08:00"; equal: none):
 * its agent configuration's, else the default one's ({@link AgentConfigs#effective}). The workflow
 * gets them in its {@code LeadPolicy} ({@link LeadActivitiesImpl#policy}) and holds each send until
 * {@link SendWindow#nextAllowed}; {@link #sendsAt} is that same rule for whoever shows when a send
 * will go.
 */
public record QuietHours(String start, String end) {
  /** None: every hour is a send hour. */
  static final String NONE = "00:00";

  /** The quiet hours of an agent configuration (none when it sets none). */
  static QuietHours of(Document config) {
    Document quiet = config.get("quietHours", new Document("start", NONE).append("end", NONE));
    return new QuietHours(quiet.getString("start"), quiet.getString("end"));
  }

  /** The quiet hours a lead of this campaign gets (none when no configuration is stored). */
  public static QuietHours of(MongoDatabase db, String campaignId) {
    return of(AgentConfigs.read(db, campaignId).effective());
  }

  /**
   * When a send due at {@code due} goes out for a lead in {@code timezone}: at {@code due}, or when
   * quiet hours end. A time zone that is missing or unknown is UTC, as the workflow takes it.
   */
  public Instant sendsAt(Instant due, String timezone) {
    ZoneId zone;
    try {
      zone = timezone == null ? ZoneOffset.UTC : ZoneId.of(timezone);
    } catch (RuntimeException e) {
      zone = ZoneOffset.UTC;
    }
    return SendWindow.nextAllowed(due, zone, LocalTime.parse(start), LocalTime.parse(end));
  }
}

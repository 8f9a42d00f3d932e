package com.salesagent.api.leads;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * One cold opener per number per {@code RECONTACT_AFTER}: a number our message reached lately that
 * never answered is not sent another: a team re-importing its CRM list every week would otherwise
 * greet every silent number again, the same opener each time, and WhatsApp lowers a business
 * number's quality rating (then its messaging limit) on the blocks and reports that follow. An
 * earlier lead of the number (any campaign, not erased), with no reply and no conversion, whose
 * opener holds the number within {@code RECONTACT_AFTER} of now ({@link #opener}: delivered,
 * accepted and not failed, or live and enrolled in the window, e.g. the row above in the same
 * import) refuses the new lead: 409 {@code recently_contacted} naming {@code phone}, the earlier
 * lead and when the number may be contacted again. An operator who means it says so ({@code
 * ?recontact=true}). The live lead of the same campaign is left to the insert's own check ({@code
 * phone_active}), which names it. One indexed read by phone per enrolment. The read and the
 * enrolment's insert hold the number's lease ({@link EnrolLeases}): two enrolments of one number at
 * once (two imports, two API processes) cannot both pass it.
 */
final class RecentContacts {
  /** The number's earlier lead the new one would follow, and when the number is free again. */
  record Earlier(String leadId, Instant at, Instant freeAt) {}

  /** The number's earlier leads read, newest first: a cap, not a sales team's history. */
  static final int MAX_EARLIER = 50;

  private final MongoCollection<Document> contacts;
  private final MongoCollection<Document> feedback;
  private final Duration window;

  RecentContacts(com.mongodb.client.MongoDatabase db, Duration window) {
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.feedback = db.getCollection(Collections.FEEDBACK);
    this.window = window;
  }

  /**
   * The earlier lead delivered a message within the window, if the number never answered any of its
   * leads: no reply, no conversion (a returning contact is greeted as one instead), and no message
   * stored from it (a lead that wrote only after its run ended).
   */
  Optional<Earlier> unanswered(LeadValidator.Lead lead, Instant now) {
    if (window.isZero() || window.isNegative()) {
      return Optional.empty();
    }
    Instant since = now.minus(window);
    String sameCampaign = LeadStore.activeKey(lead.campaignId(), lead.phone());
    List<String> earlierIds = new ArrayList<>();
    Earlier newest = null;
    for (Document earlier :
        contacts
            .find(
                Filters.and(
                    Filters.eq("phone", lead.phone()),
                    Filters.ne("leadId", lead.leadId()),
                    Filters.exists(LeadStore.ERASURE, false)))
            .projection(
                Projections.include(
                    "leadId",
                    "activeKey",
                    "stage",
                    "outcome",
                    "pastOutcomes",
                    "funnel",
                    "enrolledAt"))
            .sort(Sorts.descending("enrolledAt"))
            .limit(MAX_EARLIER)) {
      if (!(earlier.get("leadId") instanceof String leadId)) {
        continue;
      }
      if (com.salesagent.activities.lead.ReturningContacts.answered(earlier)) {
        return Optional.empty();
      }
      earlierIds.add(leadId);
      Instant at = sameCampaign.equals(earlier.get("activeKey")) ? null : opener(earlier, since);
      if (at != null && (newest == null || at.isAfter(newest.at()))) {
        newest = new Earlier(leadId, at, at.plus(window));
      }
    }
    if (newest == null || feedback.find(Filters.in("leadId", earlierIds)).first() != null) {
      return Optional.empty();
    }
    return Optional.of(newest);
  }

  /**
   * When the earlier lead's cold opener went to the number, or holds it, within the window (since
   * {@code since}); null when it does not. Delivered (or read): the message reached it. Accepted
   * ({@code sent}) and never reported delivered, unless the lead failed: WhatsApp keeps trying to
   * deliver for up to 30 days, so it may still land beside a second opener, and a number it never
   * reaches would not take the second either. Live (not ended) and enrolled within the window,
   * nothing delivered yet: its opener is on its way (another row of the same import, another
   * campaign's lead waiting for its send window).
   */
  private static Instant opener(Document earlier, Instant since) {
    Document funnel = earlier.get("funnel") instanceof Document f ? f : new Document();
    Instant delivered = within(funnel.get("delivered"), since);
    if (delivered != null) {
      return delivered;
    }
    com.salesagent.workflows.lead.Stage stage =
        com.salesagent.workflows.lead.Stage.of(earlier.getString("stage"));
    Instant sent = within(funnel.get("sent"), since);
    if (sent != null && stage != com.salesagent.workflows.lead.Stage.FAILED) {
      return sent;
    }
    return stage != null && stage.terminal() ? null : within(earlier.get("enrolledAt"), since);
  }

  private static Instant within(Object value, Instant since) {
    return value instanceof Date d && !d.toInstant().isBefore(since) ? d.toInstant() : null;
  }

  /** {@code ?recontact=}: absent or false keeps the guard, true lifts it; else 400 naming it. */
  static boolean recontact(String raw) {
    if (raw == null || raw.strip().equalsIgnoreCase("false")) {
      return false;
    }
    if (raw.strip().equalsIgnoreCase("true")) {
      return true;
    }
    throw new ApiException(
        400,
        "recontact is true (enrol a number our message reached lately that never answered) or"
            + " false (the default: refuse it)",
        new FieldError("recontact", "true|false"));
  }

  /**
   * What the 409 and an import row say when another enrolment of the number held it ({@link
   * EnrolLeases}): retryable.
   */
  static final String ENROLLING =
      "another enrolment of this number (another import or API process) is under way: enrol it"
          + " again after retryAt, when it will be refused recently_contacted if that one enrolled"
          + " the number in another campaign";

  /** What the 409 and an import row say: the earlier lead, and when the number is free again. */
  static String message(String earlierLeadId, Instant freeAt) {
    return "a cold opener reached this number, went to it or is on its way to it within"
        + " RECONTACT_AFTER (lead "
        + earlierLeadId
        + ") and it never answered: no new lead may message it before "
        + freeAt
        + ", unless an operator enrols it with recontact=true";
  }
}

package com.salesagent.activities.lead;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.LeadStore;
import java.util.List;
import org.bson.Document;

/**
 * Whether a new lead's number has a history with us: an earlier lead of the same number (enrolled
 * again by the API, a CSV row or "Start a new conversation"; any campaign) that converted (an
 * existing customer) or replied (a past conversation). Such a lead is no stranger, so its first
 * message must not be the cold introduction: it is assigned the returning-contact variant ({@link
 * #VARIANT_ID}), whose first contact acknowledges the relationship, outside the cold openers'
 * bandit, and the relationship is kept on the contact ({@link #FIELD}) for the composer's wording
 * ({@link PersonaWording}: {@code first_contact@relationship=customer}) and the LLM's prompt.
 *
 * <p>The history is looked up by the number, not by {@code previousLeadId}: the API links a new
 * conversation to the ended lead only after its workflow started, and a CSV row or an API enrolment
 * of the number links nothing. Erased leads are no history (someone who asked to be forgotten).
 * Fields of another shape than expected (a hand-edited document) count as nothing, never as a
 * failure of the new lead's step.
 */
public final class ReturningContacts {
  /** The seeded variant whose first contact greets a returning number; never a cold candidate. */
  public static final String VARIANT_ID = "v-returning";

  /** The contact's field: {@code {relationship, leadId}}, set when its variant is assigned. */
  public static final String FIELD = "returning";

  /** An earlier lead of the number converted (now or in an earlier run): an existing customer. */
  public static final String CUSTOMER = "customer";

  /** An earlier lead of the number replied: we have talked before. */
  public static final String CONVERSATION = "conversation";

  /** The earlier leads of a number read, newest first: a cap, not a sales team's history. */
  static final int MAX_EARLIER = 50;

  /** The relationship and the earlier lead it comes from. */
  public record History(String relationship, String leadId) {
    Document toDocument() {
      return new Document("relationship", relationship).append("leadId", leadId);
    }
  }

  private ReturningContacts() {}

  /** The history of the contact's number, or null: none, or no number. */
  static History of(MongoCollection<Document> contacts, Document contact) {
    if (!(contact.get("phone") instanceof String phone) || phone.isBlank()) {
      return null;
    }
    History conversation = null;
    for (Document earlier :
        contacts
            .find(
                Filters.and(
                    Filters.eq("phone", phone),
                    Filters.ne("leadId", contact.getString("leadId")),
                    Filters.exists(LeadStore.ERASURE, false)))
            .projection(
                Projections.include(
                    "leadId", "stage", "outcome", "pastOutcomes", "funnel", "enrolledAt"))
            .sort(Sorts.descending("enrolledAt"))
            .limit(MAX_EARLIER)) {
      if (!(earlier.get("leadId") instanceof String leadId)) {
        continue;
      }
      if (converted(earlier)) {
        return new History(CUSTOMER, leadId);
      }
      if (conversation == null && replied(earlier)) {
        conversation = new History(CONVERSATION, leadId);
      }
    }
    return conversation;
  }

  /** The relationship kept on the contact, or null. */
  static String relationship(Document contact) {
    return contact != null
            && contact.get(FIELD) instanceof Document d
            && d.get("relationship") instanceof String r
        ? r
        : null;
  }

  /**
   * Whether the earlier lead as read (its stage, outcome, pastOutcomes and funnel) answered us: it
   * converted (now or in an earlier run) or replied. The API's recontact guard reads the same.
   */
  public static boolean answered(Document c) {
    return converted(c) || replied(c);
  }

  private static boolean converted(Document c) {
    if ("converted".equals(c.get("stage")) || isConverted(c.get("outcome"))) {
      return true;
    }
    return c.get("pastOutcomes") instanceof List<?> past
        && past.stream().anyMatch(ReturningContacts::isConverted);
  }

  private static boolean isConverted(Object outcome) {
    return outcome instanceof Document d && "converted".equals(d.get("value"));
  }

  private static boolean replied(Document c) {
    return c.get("funnel") instanceof Document f && f.get("replied") != null;
  }
}

package com.salesagent.activities.knowledge;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.LeadStore;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * Who writes, as a draft must know it: a number that said stop gets no sales draft ({@link
 * #optedOut}), a customer gets customer care's ({@link #customer}).
 */
public final class DraftAudience {
  private DraftAudience() {}

  /** Status of a draft not made: the lead opted out (no sales draft to an opted-out number). */
  public static final String WITHHELD = "withheld";

  /** Why an opted-out lead's message gets no draft, and how it may opt back in. */
  public static final String OPTED_OUT_WHY =
      "opted out: do not sell; they may opt back in by giving their consent again, which an"
          + " operator records by lifting the number's suppression with it (POST"
          + " /api/suppressions/{number}/lift) and then starting a new conversation (a new lead)";

  /** Why a customer's message no entry answers gets no draft. */
  static final String CUSTOMER_NO_ENTRY =
      "a customer's question (converted) no product or faq entry answers: customer care writes it";

  /**
   * The lead's number said stop (its contact is marked do-not-contact, its run ended opted out, or
   * the number is on the suppression list): the suppression's source and time; null otherwise.
   */
  static Document optedOut(MongoDatabase db, Document contact) {
    if (contact == null) {
      return null;
    }
    if (contact.getBoolean("doNotContact", false)) {
      return new Document("source", contact.getString("doNotContactSource"))
          .append("at", contact.getDate("doNotContactAt"));
    }
    if ("opted_out".equals(contact.getString("stage"))) {
      return new Document("source", "opted_out").append("at", null);
    }
    return new com.salesagent.activities.mongo.Suppressions(db)
        .active(LeadStore.numbersOf(contact))
        .map(e -> new Document("source", e.source()).append("at", Date.from(e.at())))
        .orElse(null);
  }

  /**
   * Whether the lead is a customer already: its stage, its recorded outcome or an outcome of an
   * earlier run of it is converted.
   */
  static boolean customer(Document contact) {
    if (contact == null) {
      return false;
    }
    if ("converted".equals(contact.getString("stage")) || converted(contact.get("outcome"))) {
      return true;
    }
    return contact.get("pastOutcomes") instanceof List<?> past
        && past.stream().anyMatch(DraftAudience::converted);
  }

  private static boolean converted(Object outcome) {
    return outcome instanceof Document d && "converted".equals(d.get("value"));
  }
}

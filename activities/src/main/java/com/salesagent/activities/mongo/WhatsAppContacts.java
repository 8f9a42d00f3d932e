package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The contacts WhatsApp knows by a wa_id: those a message from it is for (less leads being erased),
 * every lead of it (a STOP's fence), those an opt-out from it reaches. Reached through {@link
 * LeadStore#byWhatsAppId()}.
 */
public class WhatsAppContacts {
  private final MongoCollection<Document> contacts;

  WhatsAppContacts(MongoCollection<Document> contacts) {
    this.contacts = contacts;
  }

  private MongoCollection<Document> contacts() {
    return contacts;
  }

  /**
   * Contacts WhatsApp knows by this wa_id: enrolled with that number, or answered by it (the wa_id
   * of every send is stored, since it may differ from the number as enrolled: Brazil's ninth digit,
   * Mexico's 1 after +52).
   */
  private static Bson byWhatsAppId(String waId) {
    String digits = waId.startsWith("+") ? waId.substring(1) : waId;
    return Filters.or(Filters.eq("phone", "+" + digits), Filters.eq("waIds", digits));
  }

  /**
   * The contacts a message from this wa_id is for: those WhatsApp knows by it, less the leads whose
   * erasure was requested ({@link LeadStore#ERASURE}). An erased lead's contact stays as a
   * tombstone with its numbers until the erasure's last pass; a new lead enrolled on the same
   * number meanwhile gets the person's replies, the erased one never does.
   */
  public List<Document> contactsByWhatsAppId(String waId) {
    return contacts()
        .find(Filters.and(byWhatsAppId(waId), ErasureMarks.NOT_ERASING))
        .into(new ArrayList<>());
  }

  /**
   * Every lead WhatsApp knows by this wa_id, leads being erased included (a STOP's fence waits for
   * their sends too).
   */
  public List<String> allLeadIdsByWhatsAppId(String waId) {
    return contacts()
        .find(byWhatsAppId(waId))
        .projection(Projections.include("leadId"))
        .map(d -> d.getString("leadId"))
        .into(new ArrayList<>());
  }

  public List<String> leadIdsByWhatsAppId(String waId) {
    return contactsByWhatsAppId(waId).stream().map(d -> d.getString("leadId")).toList();
  }

  /**
   * The contacts an opt-out from this wa_id reaches: those WhatsApp knows by it, and every other
   * contact enrolled with one of their numbers (other campaigns, other leadIds). Leads being erased
   * are among them, for their numbers only (a stop suppresses every number the person is known by):
   * the caller leaves them out of everything else ({@link LeadStore#erasing}).
   */
  public List<Document> optOutContacts(String waId) {
    List<Document> matched = contacts().find(byWhatsAppId(waId)).into(new ArrayList<>());
    List<String> numbers = new ArrayList<>();
    for (Document c : matched) {
      for (String n : LeadStore.numbersOf(c)) {
        if (!numbers.contains(n)) {
          numbers.add(n);
        }
      }
    }
    if (numbers.isEmpty()) {
      return matched;
    }
    List<String> digits = numbers.stream().map(n -> n.substring(1)).toList();
    return contacts()
        .find(
            Filters.or(
                byWhatsAppId(waId), Filters.in("phone", numbers), Filters.in("waIds", digits)))
        .into(new ArrayList<>());
  }
}

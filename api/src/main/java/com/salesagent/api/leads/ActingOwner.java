package com.salesagent.api.leads;

import com.salesagent.activities.handoff.Owners;
import org.bson.Document;

/**
 * Who a person's action on a lead is recorded as in its timeline, on its message and in the
 * Hand-offs conversation: the sales rep the request names, else the lead's own owner (the API's
 * token is shared, so its holder acts for the rep who holds the lead), by name and id: "Ana Lima
 * (ana)". The token's name ({@code API_OPERATOR_NAME}) says who called, in the audit log; it names
 * the action only on a lead nobody owns. Never the lead's or the rep's phone number: owners have
 * none, and a label is built from the owner's name and id alone.
 */
record ActingOwner(String ownerId, String label) {
  /**
   * The owner acting ({@code ownerId}, else the contact's), or the operator for a lead nobody owns.
   */
  static ActingOwner of(Owners owners, String operator, String ownerId, Document contact) {
    String id = ownerId != null ? ownerId : contact.getString("ownerId");
    Document owner = id == null ? null : owners.get(id);
    if (owner == null) {
      return new ActingOwner(id, id == null ? operator : id);
    }
    String name = owner.getString("name");
    return new ActingOwner(
        id, name == null || name.isBlank() ? id : name.strip() + " (" + id + ")");
  }
}

package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * The contact {@link Enrolment} stores for a valid lead (its fields, consent, {@code activeKey} and
 * the funnel's {@code enrolled} mark), and whether the live lead of its number is the same person.
 */
final class NewContacts {
  private NewContacts() {}

  /** The contact document of a lead enrolled {@code now}. */
  static Document contact(LeadValidator.Lead lead, Instant now) {
    return new Document("leadId", lead.leadId())
        .append("name", lead.name())
        .append("phone", lead.phone())
        .append("company", lead.company())
        .append("jobTitle", lead.jobTitle())
        .append("industry", lead.industry())
        .append("companySize", lead.companySize())
        .append("timezone", lead.timezone())
        .append("locale", lead.locale())
        .append("notes", lead.notes())
        .append("website", lead.website())
        .append("researchText", lead.researchText())
        .append("campaignId", lead.campaignId())
        .append("activeKey", LeadStore.activeKey(lead.campaignId(), lead.phone()))
        .append(
            "consent",
            new Document("whatsappOptIn", true)
                .append("source", lead.consentSource())
                .append("at", Date.from(lead.consentAt())))
        .append("doNotContact", false)
        .append("stage", "enrolled")
        .append("enrolledAt", Date.from(now))
        .append("funnel", new Document("enrolled", Date.from(now)));
  }

  /**
   * Whether the live lead {@code activeLeadId} (of the lead's number and campaign) is this lead's
   * person: the same name, case and spacing aside. One read by leadId.
   */
  static boolean isLiveLeadOf(LeadStore store, String activeLeadId, LeadValidator.Lead lead) {
    if (activeLeadId == null || lead.name() == null) {
      return false;
    }
    Document active =
        store
            .contacts()
            .find(Filters.eq("leadId", activeLeadId))
            .projection(new Document("name", 1).append("campaignId", 1))
            .first();
    return active != null
        && lead.campaignId().equals(active.getString("campaignId"))
        && folded(lead.name()).equals(folded(active.getString("name")));
  }

  private static String folded(String name) {
    return name == null
        ? ""
        : name.strip().replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT);
  }
}

package com.salesagent.api.webhook;

import com.salesagent.activities.Phones;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.api.leads.LeadValidator;
import com.salesagent.workflows.lead.OptOutSignal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A number said stop. In this order, so that no send can slip through: the number (and every number
 * its contacts are known by, those of leads being erased included) is suppressed for good, its
 * contacts (leads being erased left out) are marked do-not-contact and counted once, then every
 * workflow of those contacts is told.
 */
final class OptOuts {
  private static final Logger LOG = LoggerFactory.getLogger(OptOuts.class);

  /** The reply that said stop, when there was one (kept as feedback). */
  record Reply(String messageId, String contextWamid, String text) {}

  private final LeadStore store;
  private final Suppressions suppressions;
  private final FunnelStats funnel;
  private final VariantStats stats;
  private final LeadSignaller signaller;
  private final Clock clock;

  OptOuts(LeadStore store, LeadSignaller signaller, Clock clock) {
    this.store = store;
    this.suppressions = new Suppressions(store.database());
    this.funnel = new FunnelStats(store.database());
    this.stats = new VariantStats(store.database());
    this.signaller = signaller;
    this.clock = clock;
  }

  /** The timeline's word for a lead whose number said stop in another lead's conversation. */
  static final String ANOTHER_CONVERSATION = "opted out in another conversation of the number";

  private String quotedLead(Reply reply) {
    if (reply == null || reply.contextWamid() == null) {
      return null;
    }
    Document quoted = store.messages().messageByWamid(reply.contextWamid());
    return quoted == null ? null : quoted.getString("leadId");
  }

  String optOut(InboxEvent event, String waId, String source, Instant at, Reply reply) {
    List<Document> reached = store.byWhatsAppId().optOutContacts(waId);
    List<String> numbers = new ArrayList<>();
    numbers.add("+" + waId);
    // Mexico's old mobile form (+52 1 …) is suppressed as enrolled today (+52 …) too.
    String current = LeadValidator.currentForm("+" + waId);
    if (!numbers.contains(current)) {
      numbers.add(current);
    }
    reached.forEach(
        c ->
            LeadStore.numbersOf(c).stream()
                .filter(n -> !numbers.contains(n))
                .forEach(numbers::add));
    suppressions.suppress(numbers, source, at, reply == null ? null : "reply " + reply.messageId());
    // A lead being erased lends its numbers to the suppression, nothing more: the stop is not
    // recorded on it, counted for it or signalled to it.
    List<Document> contacts = reached.stream().filter(c -> !LeadStore.erasing(c)).toList();
    // The lead whose message the STOP quotes said it; the number's other leads learn it through
    // that conversation, and their timelines say so (a STOP quoting nothing is everyone's).
    String quoted = quotedLead(reply);
    if (!event.effectsApplied()) {
      store.markDoNotContact(
          contacts.stream().map(c -> c.getString("leadId")).toList(), source, at);
      for (Document contact : contacts) {
        String leadId = contact.getString("leadId");
        // The variant's count once per lead, with the funnel's (a spoken stop counted first, or a
        // processing retried after a crash between the two, counts nothing more).
        if (funnel.reach(leadId, "opted_out", at)) {
          stats.increment(
              contact.getString("variantId"),
              com.salesagent.activities.variants.SegmentMoves.of(contact, at),
              "opted_out",
              at);
        }
        if (reply != null) {
          store
              .feedback()
              .insertOne(
                  new Document("leadId", leadId)
                      .append("messageId", reply.messageId())
                      .append("wamid", reply.contextWamid())
                      .append("type", "text")
                      .append("text", reply.text())
                      .append("intent", "opt_out")
                      .append("receivedAt", Date.from(at))
                      .append("storedAt", Date.from(clock.instant())));
        }
        boolean elsewhere = quoted != null && !quoted.equals(leadId);
        store
            .interactions()
            .recordInteraction(
                leadId,
                contact.getString("campaignId"),
                contact.getString("variantId"),
                "opted_out",
                reply == null || elsewhere ? null : reply.contextWamid(),
                elsewhere ? source + ": " + ANOTHER_CONVERSATION : source,
                at);
      }
      event.markApplied().run();
    }
    for (Document contact : contacts) {
      signaller.optOut(contact.getString("leadId"), new OptOutSignal(source, at));
    }
    LOG.info(
        "{} opted out ({}): {} numbers suppressed, {} leads",
        Phones.mask("+" + waId),
        source,
        numbers.size(),
        contacts.size());
    return "opted_out";
  }
}

package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.api.http.ApiException;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A lead a take accepted before 04419df2 (its audit entry inserted with an ObjectId, not {@code
 * HandOffAudit.accepted}'s id; no {@code acceptanceStands}), the run told and in conversation: not
 * a take that died before telling the run. Before, the next take told the run again (and answered
 * 202), or, its rep made inactive, put the accepted lead back with nobody owning it.
 */
class OldAcceptedTakesTest extends AcceptanceFixture {
  private String oldAcceptedLead() {
    String leadId = queuedLead();
    Date at = Date.from(NOW.minusSeconds(86_400));
    handoffs.updateOne(
        Filters.eq("_id", leadId),
        Updates.combine(
            Updates.set("status", "accepted"),
            Updates.set("ownerId", "ana"),
            Updates.set("acceptedAt", at),
            Updates.set("acceptedBy", "Ana Lima (ana)"),
            Updates.set("owners", List.of("ana"))));
    store
        .contacts()
        .updateOne(
            Filters.eq("leadId", leadId),
            Updates.combine(
                Updates.set("ownerId", "ana"),
                Updates.set("ownerAssignedAt", at),
                Updates.set("stage", "in_conversation")));
    // LeadAuditLog.record as the old take wrote it: no _id of its own.
    MONGO
        .database()
        .getCollection(Collections.AUDIT_LOG)
        .insertOne(
            new Document("action", "handoff_accepted")
                .append("by", "ops")
                .append("leadId", leadId)
                .append("detail", "ana")
                .append("at", at));
    return leadId;
  }

  @Test
  void anOldAcceptedLeadsRepeatTakeIsTakenBeforeNotToldAgain() {
    String leadId = oldAcceptedLead();

    HandOffAcceptance.Taken again = acceptance(MONGO.database()).take("ops", leadId, "ana");

    assertThat(again.before()).as("answered taken before").isTrue();
    assertThat(told).as("the run not told again").isEmpty();
    assertThat(audits(leadId)).as("not audited again").isEqualTo(1);
  }

  /** Its audit entry alone says it was told (the run had not written the conversation yet). */
  @Test
  void anOldAuditedTakeIsTakenBeforeWhateverTheStage() {
    String leadId = oldAcceptedLead();
    store.contacts().updateOne(Filters.eq("leadId", leadId), Updates.set("stage", "handed_off"));

    HandOffAcceptance.Taken again = acceptance(MONGO.database()).take("ops", leadId, "ana");

    assertThat(again.before()).as("answered taken before").isTrue();
    assertThat(told).as("the run not told again").isEmpty();
  }

  @Test
  void anOldAcceptedLeadOfARepMadeInactiveIsNotPutBackAndRetakenByAnotherRep() {
    String leadId = oldAcceptedLead();
    setActive("ana", false); // the deactivation's hand-on has not moved the lead yet

    assertThatThrownBy(() -> acceptance(MONGO.database()).take("ops", leadId, "bob"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));

    assertThat(signals).as("what the run was told").isEmpty();
    Document h = handoff(leadId);
    assertThat(h.getString("status")).as("the hand-off").isEqualTo("accepted");
    assertThat(h.getString("ownerId")).isEqualTo("ana");
    assertThat(store.contact(leadId).getString("ownerId")).as("the contact").isEqualTo("ana");
  }
}

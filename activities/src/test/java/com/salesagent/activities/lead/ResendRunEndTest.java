package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.workflows.lead.LeadEvent;
import com.salesagent.workflows.lead.SendResult;
import java.time.Instant;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A resend an operator decided whose every attempt failed (Meta unavailable 14 times: nothing went,
 * each claim given back) ends the lead FAILED. Its message must not say a resend is in flight: it
 * is left abandoned, as a send held unknown is at a run's end, keeping the decision, and no late
 * attempt of that resend calls Meta.
 */
class ResendRunEndTest extends HeldSendFixture {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  /**
   * Attempts that all fail: the run gives up after 14 (LeadStubs' send options); three stand for
   * them here (each waits the 6 s spacing to the recipient).
   */
  private static final int ATTEMPTS = 3;

  @Override
  protected MongoDatabase database() {
    return MONGO.database();
  }

  @Override
  protected String prefix() {
    return "R-";
  }

  @Test
  void aResendWhoseAttemptsAllFailedIsLeftAbandonedWhenItsLeadFails() {
    String key = heldAfterADeadAttempt();
    operatorResends(key, Instant.now().minusSeconds(300));
    api.answer(503, "{\"error\":{\"message\":\"Service temporarily unavailable\",\"code\":2}}");
    for (int i = 0; i < ATTEMPTS; i++) {
      assertThatThrownBy(() -> worker("lead/run/5").send(resend(key)))
          .hasMessageContaining("Cloud API error 2");
    }
    assertThat(api.requests).hasSize(ATTEMPTS);

    leads.record(
        new LeadEvent(
            leadId,
            "c-1",
            "stage",
            "failed",
            "smb",
            "v-cost",
            null,
            null,
            null,
            "send failed after " + ATTEMPTS + " attempts"));

    Document message = store.messages().messageByKey(key);
    Document delivery = message.get("delivery", Document.class);
    assertThat(delivery.getString("status")).as("no resend in flight").isEqualTo("abandoned");
    assertThat(delivery.getString("why")).contains("failed").contains("unknown");
    assertThat(delivery.get("resendDecided", Document.class).getString("by"))
        .as("the operator's decision kept")
        .isEqualTo("ops");
    assertThat(message.getString("status")).as("what is known of it").isEqualTo("unknown");
    assertThat(listed(key)).as("not on the approvals card: nobody can decide it").isFalse();
    assertThat(held.deliveryHeldOrDecided(leadId)).as("no decision shown as pending").isNull();

    api.answer(200, "{\"messages\":[{\"id\":\"wamid.LATE\"}]}");
    assertThat(worker("lead/run/5").send(resend(key)).outcome())
        .as("a late attempt of the resend")
        .isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).as("never calls after the run ended").hasSize(ATTEMPTS);
    assertThat(
            store.messages().messageByKey(key).get("delivery", Document.class).getString("status"))
        .isEqualTo("abandoned");
  }
}

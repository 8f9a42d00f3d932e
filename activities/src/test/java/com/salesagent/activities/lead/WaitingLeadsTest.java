package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The leads a resumed number wakes: only its waiting ones, page by page, at most so many. */
class WaitingLeadsTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private final List<String> told = new CopyOnWriteArrayList<>();
  private MongoDatabase db;

  @BeforeEach
  void contacts() {
    db = MONGO.database();
    db.getCollection(Collections.CONTACTS).drop();
    List<Document> contacts = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      contacts.add(contact("w-" + String.format("%02d", i), "111", "waiting_sender"));
    }
    contacts.add(contact("other-number", "222", "waiting_sender"));
    contacts.add(contact("sent-already", "111", "awaiting_response"));
    db.getCollection(Collections.CONTACTS).insertMany(contacts);
  }

  private static Document contact(String leadId, String senderId, String stage) {
    return new Document("leadId", leadId).append("senderId", senderId).append("stage", stage);
  }

  @Test
  void everyLeadWaitingForTheNumberIsToldOnceAndNoOther() {
    WaitingLeads.Woken woken =
        new WaitingLeads(db, (lead, number) -> told.add(lead + "@" + number), 10, 1000).wake("111");

    assertThat(woken).isEqualTo(new WaitingLeads.Woken(25, 0, false));
    assertThat(told).hasSize(25).doesNotHaveDuplicates().allMatch(t -> t.endsWith("@111"));
    assertThat(told).noneMatch(t -> t.startsWith("other-") || t.startsWith("sent-"));
  }

  @Test
  void aCallWakesAtMostItsBoundAndSaysMoreAreWaiting() {
    WaitingLeads.Woken first =
        new WaitingLeads(db, (lead, number) -> told.add(lead), 10, 12).wake("111");

    assertThat(first).isEqualTo(new WaitingLeads.Woken(12, 0, true));
    assertThat(told).hasSize(12);
  }

  @Test
  void anEndedLeadIsCountedAndATemporalOutageStopsTheWakeUpWithoutFailingIt() {
    WaitingLeads.Woken woken =
        new WaitingLeads(
                db,
                (lead, number) -> {
                  if (lead.equals("w-03")) {
                    throw new WorkflowNotFoundException(
                        WorkflowExecution.getDefaultInstance(), "LeadWorkflow", null);
                  }
                  if (lead.equals("w-05")) {
                    throw new WorkflowServiceException(
                        WorkflowExecution.getDefaultInstance(), "LeadWorkflow", null);
                  }
                  told.add(lead);
                },
                10,
                1000)
            .wake("111");

    assertThat(woken).isEqualTo(new WaitingLeads.Woken(4, 1, true));
    assertThat(told).containsExactly("w-00", "w-01", "w-02", "w-04");
  }
}

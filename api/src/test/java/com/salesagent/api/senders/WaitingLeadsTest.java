package com.salesagent.api.senders;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Collections;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The leads a resumed number wakes: only its waiting ones, page by page, at most so many. */
class WaitingLeadsTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final InetSocketAddress ADDRESS = MONGO.bind();
  static final MongoClient CLIENT =
      MongoClients.create("mongodb://" + ADDRESS.getHostString() + ":" + ADDRESS.getPort());
  static final MongoDatabase DB = CLIENT.getDatabase("waiting-leads-test");

  private final List<String> told = new CopyOnWriteArrayList<>();

  @AfterAll
  static void close() {
    CLIENT.close();
    MONGO.shutdown();
  }

  @BeforeEach
  void contacts() {
    DB.getCollection(Collections.CONTACTS).drop();
    List<Document> contacts = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      contacts.add(contact("w-" + String.format("%02d", i), "111", "waiting_sender"));
    }
    contacts.add(contact("other-number", "222", "waiting_sender"));
    contacts.add(contact("sent-already", "111", "awaiting_response"));
    DB.getCollection(Collections.CONTACTS).insertMany(contacts);
  }

  private static Document contact(String leadId, String senderId, String stage) {
    return new Document("leadId", leadId).append("senderId", senderId).append("stage", stage);
  }

  @Test
  void everyLeadWaitingForTheNumberIsToldOnceAndNoOther() {
    WaitingLeads.Woken woken =
        new WaitingLeads(DB, (lead, number) -> told.add(lead + "@" + number), 10, 1000).wake("111");

    assertThat(woken).isEqualTo(new WaitingLeads.Woken(25, 0, false));
    assertThat(told).hasSize(25).doesNotHaveDuplicates().allMatch(t -> t.endsWith("@111"));
    assertThat(told).noneMatch(t -> t.startsWith("other-") || t.startsWith("sent-"));
  }

  @Test
  void aCallWakesAtMostItsBoundAndSaysMoreAreWaiting() {
    WaitingLeads.Woken first =
        new WaitingLeads(DB, (lead, number) -> told.add(lead), 10, 12).wake("111");

    assertThat(first).isEqualTo(new WaitingLeads.Woken(12, 0, true));
    assertThat(told).hasSize(12);
  }

  @Test
  void anEndedLeadIsCountedAndATemporalOutageStopsTheWakeUpWithoutFailingIt() {
    WaitingLeads.Woken woken =
        new WaitingLeads(
                DB,
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

package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.erasure.LeadErasureActivitiesImpl;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.api.http.ResourceTests;
import com.salesagent.workflows.erasure.ErasureRequest;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /api/dashboard/counters/rebuild} after an erasure: the funnel counters keep the
 * erased lead's stages (aggregates, nothing of the person), and the rebuild from the marks on the
 * contacts, which no longer has the erased lead's contact, keeps them too.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class FunnelRebuildAfterErasureTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final InetSocketAddress ADDRESS = MONGO.bind();
  static final MongoClient CLIENT =
      MongoClients.create("mongodb://" + ADDRESS.getHostString() + ":" + ADDRESS.getPort());
  static final MongoDatabase DB = CLIENT.getDatabase("funnel-rebuild-test");

  static final ResourceExtension RESOURCES =
      ResourceTests.api().addResource(new DashboardResource(DB, null)).build();

  private static final Instant DAY1 = Instant.parse("2026-11-24T09:00:00Z");
  private static final Instant DAY2 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Instant REQUESTED = Instant.parse("2026-11-26T12:00:00Z");

  @AfterAll
  static void close() {
    CLIENT.close();
    MONGO.shutdown();
  }

  private long rebuild() throws Exception {
    String body =
        RESOURCES
            .target("/api/dashboard/counters/rebuild")
            .request()
            .post(Entity.json("{}"), String.class);
    JsonNode answer = new ObjectMapper().readTree(body);
    return answer.path("rowsRepaired").asLong();
  }

  /** Every campaign's counters per day, as the dashboard reads them. */
  private static Map<String, List<Map<String, Object>>> funnels(FunnelStats funnel) {
    LocalDate from = LocalDate.of(2026, 11, 23);
    LocalDate to = LocalDate.of(2026, 11, 27);
    return Map.of(
        "spring", funnel.series("spring", from, to), "autumn", funnel.series("autumn", from, to));
  }

  /** As Enrolment does: the contact inserted with its "enrolled" mark, then the counter alone. */
  private static void enrol(
      LeadStore store, FunnelStats funnel, String lead, String campaign, String phone) {
    store.insertContact(
        new Document("leadId", lead)
            .append("name", "Zoë Ñúñez")
            .append("phone", phone)
            .append("campaignId", campaign)
            .append("segment", "retail")
            .append("activeKey", LeadStore.activeKey(campaign, phone))
            .append("funnel", new Document("enrolled", Date.from(DAY1))));
    funnel.count(campaign, "enrolled", DAY1);
  }

  @Test
  void theRebuildKeepsAnErasedLeadsStagesInItsCampaignsFunnel() throws Exception {
    MongoSchema.ensure(DB);
    LeadStore store = new LeadStore(DB);
    FunnelStats funnel = new FunnelStats(DB);
    enrol(store, funnel, "to-erase", "spring", "+5511987654310");
    enrol(store, funnel, "kept-1", "spring", "+5511987654311");
    enrol(store, funnel, "kept-2", "autumn", "+5511987654312");
    funnel.reach("to-erase", "sent", DAY1.plusSeconds(60));
    funnel.reach("to-erase", "delivered", DAY1.plusSeconds(70));
    funnel.reach("to-erase", "read", DAY2);
    funnel.reach("to-erase", "replied", DAY2.plusSeconds(30));
    funnel.reach("kept-1", "sent", DAY1.plusSeconds(60));
    funnel.reach("kept-2", "sent", DAY2);
    Map<String, List<Map<String, Object>>> before = funnels(funnel);
    assertThat(rebuild()).as("counters and marks agree").isZero();
    assertThat(funnel.totals("spring", null, null))
        .containsEntry("enrolled", 2L)
        .containsEntry("sent", 2L)
        .containsEntry("replied", 1L);

    store.erasures().markErasing("to-erase", REQUESTED);
    LeadErasureActivitiesImpl erasure =
        new LeadErasureActivitiesImpl(
            store,
            new ObjectStorage(null, null, "media", "us-east-1"),
            null,
            Clock.fixed(REQUESTED.plusSeconds(5), ZoneOffset.UTC));
    ErasureRequest request = new ErasureRequest("to-erase", "ops", "asked", false, 0);
    erasure.erase(request, false);
    erasure.erase(request, false); // a retried step keeps nothing twice

    // The tombstone keeps the stages reached, as days (campaign_stats_erased's detail, no time).
    Document marks = store.contact("to-erase").get("funnel", Document.class);
    assertThat(marks.keySet())
        .containsExactlyInAnyOrder("enrolled", "sent", "delivered", "read", "replied");
    for (Object at : marks.values()) {
      assertThat(((Date) at).toInstant().atOffset(ZoneOffset.UTC).toLocalTime())
          .isEqualTo(java.time.LocalTime.MIDNIGHT);
    }
    assertThat(rebuild()).as("after the first pass").isZero();
    assertThat(funnels(funnel)).isEqualTo(before);

    // A send already under way when the lead was stopped fails after the first pass: its mark
    // lands on the tombstone and is counted in the lead's campaign.
    assertThat(funnel.reach("to-erase", "failed", REQUESTED.plusSeconds(10))).isTrue();
    Map<String, List<Map<String, Object>>> withLateMark = funnels(funnel);
    assertThat(funnel.totals("spring", null, null)).containsEntry("failed", 1L);
    assertThat(rebuild()).as("with the tombstone's late mark").isZero();
    // A send (or a status) under way marks a stage the lead had reached already: not counted again.
    assertThat(funnel.reach("to-erase", "sent", REQUESTED.plusSeconds(11))).isFalse();
    assertThat(funnel.reachWith("to-erase", "delivered", REQUESTED.plusSeconds(12), null))
        .isFalse();
    assertThat(
            funnel.reachAll(
                List.of(
                    new FunnelStats.Reach(
                        "to-erase", "spring", "read", REQUESTED.plusSeconds(13)))))
        .isZero();
    assertThat(funnels(funnel)).isEqualTo(withLateMark);
    assertThat(rebuild()).as("with a stage reached again").isZero();

    erasure.erase(request, true);

    assertThat(store.contact("to-erase")).isNull();
    assertThat(rebuild()).as("after the sweep").isZero();
    assertThat(funnels(funnel)).isEqualTo(withLateMark);
    assertThat(funnel.totals("spring", null, null))
        .containsEntry("enrolled", 2L)
        .containsEntry("delivered", 1L)
        .containsEntry("read", 1L)
        .containsEntry("replied", 1L)
        .containsEntry("failed", 1L);
    // Nothing of the person in what is kept: a campaign, a stage, a day.
    for (Document d : DB.getCollection(FunnelStats.ERASED).find()) {
      assertThat(d.keySet()).isEqualTo(Set.of("_id", "campaignId", "stage", "day"));
      assertThat(d.getString("_id")).doesNotContain("to-erase");
    }
    assertThat(DB.getCollection(FunnelStats.ERASED).countDocuments()).isEqualTo(6);
  }
}

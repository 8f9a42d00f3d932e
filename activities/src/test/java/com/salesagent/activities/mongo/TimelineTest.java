package com.salesagent.activities.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The timeline in the order things happened, as an exploratory test found it not: Meta's status
 * times (to the second) sorted {@code sent} before the send itself, and a {@code delivery_unknown}
 * recorded after the message's statuses told its fate.
 */
class TimelineTest {
  private static final Instant T = Instant.parse("2026-12-04T10:00:00Z");

  private static Document event(String type, String wamid, String detail, Instant at) {
    return Interactions.interaction("L-1", "c", "v", type, wamid, detail, at);
  }

  private static List<String> types(List<Document> events) {
    return events.stream()
        .map(
            e ->
                e.getString("type")
                    + (e.getString("wamid") == null ? "" : ":" + e.getString("wamid")))
        .toList();
  }

  /** As MongoDB answers them: by time. */
  private static List<Document> byTime(Document... events) {
    List<Document> out = new ArrayList<>(List.of(events));
    out.sort((a, b) -> a.getDate("ts").compareTo(b.getDate("ts")));
    return out;
  }

  @Test
  void aStatusStampedToTheSecondNeverComesBeforeItsOwnSend() {
    // Accepted at 10:00:00.800; Meta says sent and delivered at 10:00:00 (its second).
    List<Document> events =
        byTime(
            event("variant_assigned", null, "v", T.plusMillis(100)),
            event("message_sent", "w1", "template step 0", T.plusMillis(800)),
            event("sent", "w1", null, T),
            event("delivered", "w1", null, T),
            event("follow_up_scheduled", null, null, T.plusMillis(900)));

    assertThat(types(Timeline.ordered(events, Map.of())))
        .containsExactly(
            "variant_assigned",
            "message_sent:w1",
            "sent:w1",
            "delivered:w1",
            "follow_up_scheduled");
  }

  @Test
  void aMessagesStepsOnTheSameSecondGoInTheirLifecycleOrder() {
    List<Document> events =
        byTime(
            event("read", "w1", null, T.plusSeconds(5)),
            event("delivered", "w1", null, T.plusSeconds(5)),
            event("sent", "w1", null, T.plusSeconds(5)),
            event("message_sent", "w1", null, T.plusSeconds(4)));

    assertThat(types(Timeline.ordered(events, Map.of())))
        .containsExactly("message_sent:w1", "sent:w1", "delivered:w1", "read:w1");
  }

  @Test
  void aDeliveredStampedBeforeItsSentStillFollowsIt() {
    List<Document> events =
        byTime(
            event("message_sent", "w1", null, T),
            event("sent", "w1", null, T.plusSeconds(3)),
            event("delivered", "w1", null, T.plusSeconds(2)),
            event("replied", "in-1", null, T.plusSeconds(4)));

    assertThat(types(Timeline.ordered(events, Map.of())))
        .containsExactly("message_sent:w1", "sent:w1", "delivered:w1", "replied:in-1");
  }

  @Test
  void anUnknownDeliveryRecordedAfterTheMessagesFateWasKnownIsNotShown() {
    // The send's answer was lost; its status webhooks bound the wamid and told its fate; the
    // workflow recorded the unknown delivery afterwards, then reconciled it.
    List<Document> events =
        byTime(
            event("message_sent", "w1", "reconciled by its status webhook", T.plusSeconds(1)),
            event("sent", "w1", null, T.plusSeconds(1)),
            event("delivered", "w1", null, T.plusSeconds(2)),
            event("delivery_unknown", null, "k-1", T.plusSeconds(5)),
            event("delivery_reconciled", "w1", "k-1", T.plusSeconds(6)));

    List<Document> timeline = Timeline.ordered(events, Map.of("k-1", "w1"));

    assertThat(types(timeline))
        .containsExactly("message_sent:w1", "sent:w1", "delivered:w1", "delivery_reconciled:w1");
  }

  @Test
  void anUnknownDeliveryBeforeTheFateIsKnownStaysInItsPlace() {
    List<Document> events =
        byTime(
            event("delivery_unknown", null, "k-1", T),
            event("message_sent", "w1", "reconciled by its status webhook", T.plusSeconds(30)),
            event("sent", "w1", null, T.plusSeconds(30)),
            event("delivery_reconciled", "w1", "k-1", T.plusSeconds(31)),
            // Another send, never resolved (resent): its unknown stays.
            event("delivery_unknown", null, "k-2", T.plusSeconds(40)),
            event("delivery_resent", null, "k-2", T.plusSeconds(100)));

    assertThat(types(Timeline.ordered(events, Map.of("k-1", "w1"))))
        .containsExactly(
            "delivery_unknown",
            "message_sent:w1",
            "sent:w1",
            "delivery_reconciled:w1",
            "delivery_unknown",
            "delivery_resent");
  }

  @Test
  void eventsOfNoMessageKeepTheirTimeOrder() {
    List<Document> events =
        byTime(
            event("enrolled", null, null, T),
            event("researched", null, null, T.plusMillis(1)),
            event("interested", "in-1", null, T.plusSeconds(1)),
            event("handed_off", "in-1", null, T.plusSeconds(1)));

    assertThat(types(Timeline.ordered(events, Map.of())))
        .containsExactly("enrolled", "researched", "interested:in-1", "handed_off:in-1");
    assertThat(Timeline.ordered(List.of(), Map.of())).isEmpty();
  }

  @Test
  void aReplyStampedInTheSecondOfTheMessageItAnswersFollowsIt() {
    // Accepted at 10:00:00.800; the lead answers it (its context) and Meta stamps it 10:00:00.
    List<Document> events =
        byTime(
            event("message_sent", "w1", "template step 0", T.plusMillis(800)),
            event("sent", "w1", null, T),
            event("replied", "w1", null, T),
            event("follow_up_cancelled", null, null, T.plusMillis(900)));

    assertThat(types(Timeline.ordered(events, Map.of())))
        .containsExactly("message_sent:w1", "sent:w1", "replied:w1", "follow_up_cancelled");
  }

  @Test
  void aReplyWithoutContextStampedInTheSecondOfASendFollowsIt() {
    List<Document> events =
        byTime(
            event("message_sent", "w1", null, T.minusSeconds(60)),
            event("message_sent", "w2", null, T.plusMillis(300)),
            event("replied", null, null, T),
            event("reaction", null, null, T));

    assertThat(types(Timeline.ordered(events, Map.of())))
        .containsExactly("message_sent:w1", "message_sent:w2", "replied", "reaction");
  }

  /** Only a send of the reply's own second goes before it: one of the next second does not. */
  @Test
  void aReplyOfAnEarlierSecondThanASendStaysBeforeIt() {
    List<Document> events =
        byTime(
            event("message_sent", "w1", null, T.minusSeconds(60)),
            event("replied", "w1", null, T),
            event("replied", null, null, T.plusSeconds(1)),
            event("message_sent", "w2", null, T.plusSeconds(2)),
            event("replied", "w2", null, T.plusSeconds(5)));

    assertThat(types(Timeline.ordered(events, Map.of())))
        .containsExactly(
            "message_sent:w1", "replied:w1", "replied", "message_sent:w2", "replied:w2");
  }

  /**
   * A stop is the lead's too, stamped by Meta to the second: a STOP that quotes our message, and
   * one learned from the send's own failure (131050, no message quoted), follow the send of their
   * second as a reply does.
   */
  @Test
  void anOptOutStampedInTheSecondOfASendFollowsIt() {
    List<Document> events =
        byTime(
            event("message_sent", "w1", null, T.plusMillis(800)),
            event("opted_out", "w1", "keyword", T),
            event("message_sent", "w2", null, T.plusSeconds(60).plusMillis(700)),
            event("failed", "w2", "131050 marketing stopped", T.plusSeconds(60)),
            event("opted_out", null, "marketing_stopped", T.plusSeconds(60)));

    assertThat(types(Timeline.ordered(events, Map.of())))
        .containsExactly(
            "message_sent:w1", "opted_out:w1", "message_sent:w2", "failed:w2", "opted_out");
  }

  /**
   * Every status Meta stamps is a step of our message: a voice note's {@code played} follows its
   * read, and a status this version has no step for (Meta's {@code deleted}, {@code warning}) still
   * never comes before its message's send.
   */
  @Test
  void aPlayedOrAnotherStatusStampedInTheSecondOfItsSendFollowsIt() {
    List<Document> events =
        byTime(
            event("message_sent", "w1", "voice note", T.plusMillis(800)),
            event("played", "w1", null, T),
            event("read", "w1", null, T),
            event("delivered", "w1", null, T),
            event("message_sent", "w2", null, T.plusSeconds(60).plusMillis(500)),
            event("warning", "w2", null, T.plusSeconds(60)),
            event("follow_up_scheduled", null, null, T.plusSeconds(60).plusMillis(600)));

    assertThat(types(Timeline.ordered(events, Map.of())))
        .containsExactly(
            "message_sent:w1",
            "delivered:w1",
            "read:w1",
            "played:w1",
            "message_sent:w2",
            "warning:w2",
            "follow_up_scheduled");
  }
}

package com.salesagent.workflows.lead;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The scenarios whose histories are committed under src/test/resources/histories/lifecycle-*.json
 * and replayed by {@link LifecycleReplayTest}: each branch of the lifecycle a running workflow may
 * be in when the code changes. Recorded again with {@code ./mvnw test -pl workflows
 * -Dtest=LifecycleReplayTest -DrecordHistories=true} (only for a change that is behind
 * Workflow.getVersion, whose old histories still replay), or one of them with {@code
 * -DrecordHistories=<name>}: a new scenario is recorded with today's code and the histories
 * recorded with earlier code are kept, since replaying those is what proves a version guard.
 */
final class LifecycleHistories {
  private LifecycleHistories() {}

  static final Map<String, Consumer<Harness>> SCENARIOS = new LinkedHashMap<>();

  static {
    SCENARIOS.put(
        "quiet-hours",
        h -> {
          h.fake.policy = LeadSendPathTest.policy("20:00", "08:00");
          h.start();
          h.env.sleep(Duration.ofHours(10).plusMinutes(1));
          h.sends(1);
          reply(h, 0);
        });
    SCENARIOS.put(
        "approval-approve",
        h -> {
          h.fake.decisions.add(ComposedMessage.HOLD);
          h.start();
          h.until("held", () -> h.state().stage() == Stage.AWAITING_APPROVAL);
          h.current()
              .approval(new ApprovalDecision(h.state().pendingApproval(), "approve", "maria"));
          h.sends(1);
          reply(h, 0);
        });
    SCENARIOS.put(
        "approval-edit",
        h -> {
          h.fake.decisions.addAll(java.util.List.of(ComposedMessage.APPROVE, ComposedMessage.HOLD));
          h.start();
          h.sends(1);
          openWindowBeforeTheReadFollowUp(h);
          h.until("held", () -> h.state().stage() == Stage.AWAITING_APPROVAL);
          h.current().approval(new ApprovalDecision(h.state().pendingApproval(), "edit", "maria"));
          h.sends(2);
          reply(h, 1);
        });
    SCENARIOS.put(
        "approval-reject",
        h -> {
          h.fake.decisions.add(ComposedMessage.HOLD);
          h.start();
          h.until("held", () -> h.state().stage() == Stage.AWAITING_APPROVAL);
          h.current()
              .approval(new ApprovalDecision(h.state().pendingApproval(), "reject", "maria"));
          h.result();
        });
    SCENARIOS.put(
        "approval-sla-default",
        h -> {
          h.fake.decisions.add(ComposedMessage.HOLD);
          h.start();
          h.env.sleep(Duration.ofHours(4).plusMinutes(1));
          h.sends(1);
          reply(h, 0);
        });
    SCENARIOS.put(
        "template-fallback-131047",
        h -> {
          h.start();
          h.sends(1);
          openWindowBeforeTheReadFollowUp(h);
          h.sends(2);
          h.status(1, "failed", MetaErrors.RE_ENGAGEMENT_REQUIRED);
          h.sends(3);
          reply(h, 2);
        });
    SCENARIOS.put(
        "rate-limit-back-off",
        h -> {
          h.fake.sendAnswers.add("rate_limited:130429");
          h.start();
          h.sends(1);
          h.status(0, "failed", MetaErrors.PAIR_RATE_LIMIT);
          h.sends(2);
          reply(h, 1);
        });
    SCENARIOS.put(
        "sender-busy",
        h -> {
          h.fake.sendAnswers.add("sender_busy:1500");
          h.fake.sendAnswers.add("sender_busy:3000");
          h.start();
          h.sends(1);
          reply(h, 0);
        });
    SCENARIOS.put(
        "pause-resume",
        h -> {
          h.start();
          h.sends(1);
          h.current().pause();
          h.env.sleep(Duration.ofDays(4));
          h.current().resume();
          h.sends(2);
          reply(h, 1);
        });
    SCENARIOS.put(
        "snooze",
        h -> {
          h.start();
          snoozeAWeekThenReply(h);
        });
    SCENARIOS.put(
        "kill-switch",
        h -> {
          h.start();
          h.sends(1);
          h.current().variantDisabled("v-scaling");
          h.env.sleep(Duration.ofHours(72).plusMinutes(1));
          h.sends(2);
          reply(h, 1);
        });
    SCENARIOS.put(
        "unknown-delivery-reconciled",
        h -> {
          h.fake.sendAnswers.add("unknown");
          h.start();
          h.until("reconciling", () -> h.state().stage() == Stage.DELIVERY_UNKNOWN);
          String key = h.state().deliveryUnknown();
          h.fake.reconciled.put(key, "wamid.found");
          h.current()
              .messageStatus(
                  new MessageStatusSignal("wamid.found", "delivered", h.now(), null, key));
          h.until("reconciled", () -> h.state().stage() == Stage.AWAITING_RESPONSE);
          h.current()
              .inboundMessage(new InboundMessageSignal("in-1", "wamid.found", "text", h.now()));
          h.result();
        });
    // Recorded before version 1 of "late-status-releases-held-send": a status echoing the key of
    // a send held for an operator did not release it; the operator's resend did.
    SCENARIOS.put(
        "unknown-delivery-held-status-then-resend",
        h -> {
          h.fake.sendAnswers.add("unknown");
          h.start();
          h.until("held", () -> "operator_decides_delivery".equals(h.state().nextAction()));
          String key = h.state().deliveryUnknown();
          h.fake.reconciled.put(key, "wamid.late");
          h.current()
              .messageStatus(
                  new MessageStatusSignal("wamid.late", "delivered", h.now(), null, key));
          h.env.sleep(Duration.ofMinutes(5));
          h.current()
              .resolveDelivery(new DeliveryDecision(key, DeliveryDecision.RESEND, "ops", null));
          h.sends(1);
          reply(h, 0);
        });
    // Recorded before version 1 of "delivery-hold-identity": a resend held unknown again, the
    // second hold decided (assume_sent); the workflow knew no hold's time, only its send's key.
    SCENARIOS.put(
        "unknown-delivery-resend-held-again",
        h -> {
          h.fake.sendAnswers.add("unknown");
          h.fake.sendAnswers.add("unknown");
          h.start();
          h.until("held", () -> "operator_decides_delivery".equals(h.state().nextAction()));
          String key = h.state().deliveryUnknown();
          h.current()
              .resolveDelivery(new DeliveryDecision(key, DeliveryDecision.RESEND, "ops", null));
          h.until("resent", () -> !"operator_decides_delivery".equals(h.state().nextAction()));
          h.until("held again", () -> "operator_decides_delivery".equals(h.state().nextAction()));
          h.current()
              .resolveDelivery(
                  new DeliveryDecision(key, DeliveryDecision.ASSUME_SENT, "ops", null));
          h.until("assumed sent", () -> h.state().stage() == Stage.AWAITING_RESPONSE);
          h.current()
              .inboundMessage(
                  new InboundMessageSignal("in-end", Signals.assumedWamid(key), "text", h.now()));
          h.result();
        });
    // Recorded with version 1 of "late-status-releases-held-send": the status released the hold.
    SCENARIOS.put(
        "unknown-delivery-released-by-late-status",
        h -> {
          h.fake.sendAnswers.add("unknown");
          h.start();
          h.until("held", () -> "operator_decides_delivery".equals(h.state().nextAction()));
          String key = h.state().deliveryUnknown();
          h.fake.reconciled.put(key, "wamid.late");
          h.current()
              .messageStatus(
                  new MessageStatusSignal("wamid.late", "delivered", h.now(), null, key));
          h.until("released", () -> h.state().stage() == Stage.AWAITING_RESPONSE);
          h.current()
              .inboundMessage(new InboundMessageSignal("in-1", "wamid.late", "text", h.now()));
          h.result();
        });
    // Recorded after research moved to its own task queue (version 1 of "research-queue"); the
    // histories above were recorded before, with research on the workflow's own queue.
    SCENARIOS.put(
        "research-queue",
        h -> {
          h.start();
          h.sends(1);
          reply(h, 0);
        });
    // Recorded with version 1 of "overlapped-first-steps" (research, profile and policy at once);
    // every history above begins the old way, one step after the other.
    SCENARIOS.put(
        "overlapped-first-steps",
        h -> {
          h.start();
          h.sends(1);
          reply(h, 0);
        });
    // Recorded with version 1 of "compose-and-send" (compose and send in one activity when the
    // gate approves); every history above composes and sends in two.
    SCENARIOS.put(
        "compose-and-send",
        h -> {
          h.start();
          h.sends(1);
          h.env.sleep(Duration.ofHours(72).plusMinutes(1));
          h.sends(2);
          reply(h, 1);
        });
    SCENARIOS.put(
        "compose-and-send-held",
        h -> {
          h.fake.decisions.addAll(java.util.List.of(ComposedMessage.REJECT, ComposedMessage.HOLD));
          h.start();
          h.until("held", () -> h.state().stage() == Stage.AWAITING_APPROVAL);
          h.current()
              .approval(new ApprovalDecision(h.state().pendingApproval(), "approve", "maria"));
          h.sends(1);
          reply(h, 0);
        });
    SCENARIOS.put(
        "compose-and-send-variant-off",
        h -> {
          h.fake.disabledVariants.add("v-scaling");
          h.fake.sendFailures.set(1);
          h.start();
          h.sends(1);
          reply(h, 0);
        });
    // Recorded with version 1 of "segment-rematch" (after a snooze the segment is matched again
    // and changes here); the "snooze" history above was recorded before and matches nothing.
    SCENARIOS.put(
        "segment-rematch",
        h -> {
          h.fake.matchedSegment = "vp-saas";
          h.start();
          snoozeAWeekThenReply(h);
        });
    // Recorded with version 1 of "segment-at-send": matched again after research (a new segment
    // here) and inside each send's activity (another one at the follow-up).
    SCENARIOS.put(
        "segment-at-send",
        h -> {
          h.fake.researchedSegment = "vp-saas";
          h.start();
          h.sends(1);
          h.fake.matchedSegment = "enterprise";
          h.env.sleep(Duration.ofHours(72).plusMinutes(1));
          h.sends(2);
          reply(h, 1);
        });
    // Recorded with version 1 of "await-transcript": a voice note holds the lead until its triage
    // (a spoken "not now" here), and one whose triage never comes is a reply after ten minutes.
    SCENARIOS.put(
        "await-transcript",
        h -> {
          h.start();
          h.sends(1);
          h.current()
              .inboundMessage(
                  new InboundMessageSignal(
                      "in-voice",
                      h.fake.wamid(0),
                      "audio",
                      h.now(),
                      InboundMessageSignal.AWAITING_TRANSCRIPT,
                      null));
          h.env.sleep(Duration.ofMinutes(1));
          h.current()
              .inboundMessage(
                  new InboundMessageSignal(
                      "in-voice",
                      h.fake.wamid(0),
                      "audio",
                      h.now(),
                      "not_now",
                      h.now().plus(Duration.ofDays(7))));
          h.env.sleep(Duration.ofDays(7).plusMinutes(1));
          h.sends(2);
          h.current()
              .inboundMessage(
                  new InboundMessageSignal(
                      "in-voice-2",
                      h.fake.wamid(1),
                      "audio",
                      h.now(),
                      InboundMessageSignal.AWAITING_TRANSCRIPT,
                      null));
          h.result();
        });
    // Recorded with version 1 of "after-the-reply": an interested reply keeps the lead, which is
    // re-engaged after three days, then converted by an operator.
    SCENARIOS.put(
        "after-the-reply",
        h -> {
          h.start();
          h.sends(1);
          interestedReply(h);
          h.env.sleep(Duration.ofDays(3).plusMinutes(1));
          h.sends(2);
          h.current().outcome(new OutcomeSignal("converted", "signed", "maria"));
          h.result();
        });
    // Recorded with versions 1 of "hand-off" and "owner-replies": an interested lead handed to an
    // owner, reminded, reassigned when the SLA passed, written to by a person, then converted.
    SCENARIOS.put(
        "hand-off",
        h -> {
          h.fake.owners.addAll(java.util.List.of("ana", "bruno"));
          h.start();
          h.sends(1);
          interestedReply(h);
          h.env.sleep(Duration.ofHours(2).plusMinutes(1));
          h.current()
              .ownerReply(
                  new OwnerReply("lead-rec-hand-off-owner-1", OwnerReply.TEXT, "bruno", "bruno"));
          h.sends(2);
          h.env.sleep(Duration.ofMinutes(1));
          h.current().outcome(new OutcomeSignal("converted", "signed", "bruno"));
          h.result();
        });
    // Recorded before "sla-paused": an interested lead handed to ana is paused for 3 hours (its
    // owner's SLA passes meanwhile) and resumed: ana is reminded and the lead handed to bruno at
    // once; then it is marked converted.
    SCENARIOS.put(
        "pause-during-hand-off",
        h -> {
          handedToAnaThenPausedThreeHours(h);
          h.env.sleep(Duration.ofMinutes(1));
          h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
          h.result();
        });
    // Recorded with version 1 of "sla-paused": the same pause; the owner's reminder and deadline
    // move on by it (the queue told), ana is reminded 3 hours later than without the pause, then
    // the lead is marked converted.
    SCENARIOS.put(
        "sla-paused",
        h -> {
          handedToAnaThenPausedThreeHours(h);
          h.env.sleep(Duration.ofHours(1).plusMinutes(1));
          h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
          h.result();
        });
    // Recorded with version 1 of "auto-send-drafts": an interested reply whose draft the segment
    // lets go; the agent's answer is sent, the owner reminded, then the lead converted.
    SCENARIOS.put(
        "auto-send-drafts",
        h -> {
          h.fake.owners.add("ana");
          h.fake.autoSendDrafts = true;
          h.start();
          h.sends(1);
          interestedReply(h);
          h.sends(2);
          h.env.sleep(Duration.ofHours(1).plusMinutes(1));
          h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
          h.result();
        });
    // Recorded with version 1 of "meeting-booked": an interested lead handed to an owner, a meeting
    // booked (the owner acted), the re-engagement after the meeting's window, then converted.
    SCENARIOS.put(
        "meeting-booked",
        h -> {
          h.fake.owners.add("ana");
          h.start();
          h.sends(1);
          interestedReply(h);
          h.env.sleep(Duration.ofMinutes(30));
          h.current()
              .meetingBooked(
                  new MeetingBooked(h.now().plus(Duration.ofDays(1)), "calendly", "bk-1", "ana"));
          h.env.sleep(Duration.ofDays(4).plusMinutes(1));
          h.sends(2);
          h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
          h.result();
        });
    // Recorded before "reply-during-hand-off": a question handed to an owner while, during its
    // hand-off, the lead writes again with interest (cleared then with the question); then an
    // operator marks it converted.
    SCENARIOS.put(
        "reply-during-hand-off",
        h -> {
          h.fake.owners.add("ana");
          h.start();
          h.sends(1);
          h.fake.duringHandOff =
              () ->
                  h.current()
                      .inboundMessage(
                          new InboundMessageSignal(
                              "in-2", h.fake.wamid(0), "text", h.now(), "interested", null));
          h.current()
              .inboundMessage(
                  new InboundMessageSignal(
                      "in-1", h.fake.wamid(0), "text", h.now(), "other", null));
          h.env.sleep(Duration.ofMinutes(1));
          h.current().outcome(new OutcomeSignal(OutcomeSignal.CONVERTED, "signed", "ana"));
          h.result();
        });
    // Recorded before "snooze-answered": an interested lead handed to ana says "not now" (a
    // snooze); ana's message waits in the snooze, the lead then writes with interest (the message
    // goes, the lead is snoozed again) and is marked converted.
    SCENARIOS.put(
        "snooze-answered",
        h -> {
          h.fake.owners.add("ana");
          h.start();
          h.sends(1);
          interestedReply(h);
          h.env.sleep(Duration.ofMinutes(1));
          h.current()
              .inboundMessage(
                  new InboundMessageSignal(
                      "in-2",
                      h.fake.wamid(0),
                      "text",
                      h.now(),
                      "not_now",
                      h.now().plus(Duration.ofDays(30))));
          h.env.sleep(Duration.ofMinutes(1));
          h.current()
              .ownerReply(
                  new OwnerReply("lead-rec-owner-k1", OwnerReply.TEXT, "ana", "Ana Lima (ana)"));
          h.env.sleep(Duration.ofMinutes(1));
          h.current()
              .inboundMessage(
                  new InboundMessageSignal(
                      "in-3", h.fake.wamid(0), "text", h.now(), "interested", null));
          h.env.sleep(Duration.ofMinutes(1));
          h.sends(2);
          h.current().outcome(new OutcomeSignal(OutcomeSignal.CONVERTED, "signed", "ana"));
          h.result();
        });
    // Recorded before "message-after-end": a polite no ends the lead replied; while its outcome
    // is being recorded (slowly: the record spans workflow tasks) the lead writes with interest,
    // which the ending run took in and ended anyway.
    SCENARIOS.put(
        "message-while-ending",
        h -> {
          aNoWhileItsOutcomeIsRecorded(
              h,
              () ->
                  new InboundMessageSignal(
                      "in-2", h.fake.wamid(0), "text", h.now(), "interested", null));
          h.result();
        });
    // Recorded before "message-after-end" told of a message taken in with a stop: while the lead's
    // stage after a read is being recorded (slowly: the record spans workflow tasks) an operator
    // stops the lead and the lead writes with interest; the run ends stopped.
    SCENARIOS.put(
        "stop-with-message",
        h -> {
          h.fake.owners.add("ana");
          h.workflowTaskTimeout = Duration.ofSeconds(1);
          h.start();
          h.sends(1);
          h.fake.slowlyDuringRecord(
              e -> "follow_up_read".equals(e.nextAction()),
              () -> {
                h.current().stop("the rep called them");
                h.current()
                    .inboundMessage(
                        new InboundMessageSignal(
                            "in-2", h.fake.wamid(0), "text", h.now(), "interested", null));
              });
          h.current()
              .messageStatus(new MessageStatusSignal(h.fake.wamid(0), "read", h.now(), null));
          h.result();
        });
    // Recorded with version 1 of "person-for-replies": an objection handed to an owner, who
    // answers; the conversation then goes quiet and the lead ends replied.
    SCENARIOS.put(
        "person-for-replies",
        h -> {
          h.fake.owners.add("ana");
          h.start();
          h.sends(1);
          h.current()
              .inboundMessage(
                  new InboundMessageSignal(
                      "in-1", h.fake.wamid(0), "text", h.now(), "objection", null));
          h.env.sleep(Duration.ofMinutes(30));
          h.current()
              .ownerReply(
                  new OwnerReply(
                      "lead-rec-person-for-replies-owner-1", OwnerReply.TEXT, "ana", "ana"));
          h.sends(2);
          h.env.sleep(Duration.ofDays(3).plusMinutes(1));
          h.result();
        });
    // Recorded with version 1 of "draft-answers": an interested reply and an objection after it,
    // each answered by a draft beside the lifecycle; then converted.
    SCENARIOS.put(
        "draft-answers",
        h -> {
          h.fake.owners.add("ana");
          h.start();
          h.sends(1);
          interestedReply(h);
          h.env.sleep(Duration.ofMinutes(10));
          h.current()
              .inboundMessage(
                  new InboundMessageSignal(
                      "in-2", h.fake.wamid(0), "text", h.now(), "objection", null));
          h.env.sleep(Duration.ofMinutes(10));
          h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
          h.result();
        });
    // Recorded with version 1 of "owner-gone": handed to ana, who leaves; the lead goes to bruno.
    SCENARIOS.put(
        "owner-gone",
        h -> {
          h.fake.owners.addAll(java.util.List.of("ana", "bruno"));
          h.start();
          h.sends(1);
          interestedReply(h);
          h.env.sleep(Duration.ofMinutes(10));
          h.current().ownerGone("ana", null);
          h.env.sleep(Duration.ofMinutes(10));
          h.current().outcome(new OutcomeSignal("converted", "signed", "bruno"));
          h.result();
        });
    // Recorded before "owner-gone-while-assigning": ana is made inactive while the hand-off that
    // picks her runs (the API signals after the assignment's writes, the workflow has not recorded
    // it yet): the signal was dropped and ana kept the lead; then an operator marks it converted.
    SCENARIOS.put(
        "owner-gone-during-hand-off",
        h -> {
          h.fake.owners.addAll(java.util.List.of("ana", "bruno"));
          h.start();
          h.sends(1);
          h.fake.duringHandOff = () -> h.current().ownerGone("ana", null);
          interestedReply(h);
          h.env.sleep(Duration.ofMinutes(10));
          h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
          h.result();
        });
    // Recorded with version 1 of "owner-gone-while-assigning": the same, ana's lead goes to bruno.
    SCENARIOS.put(
        "owner-gone-while-assigning",
        h -> {
          h.fake.owners.addAll(java.util.List.of("ana", "bruno"));
          h.start();
          h.sends(1);
          h.fake.duringHandOff = () -> h.current().ownerGone("ana", null);
          interestedReply(h);
          h.env.sleep(Duration.ofMinutes(10));
          h.current().outcome(new OutcomeSignal("converted", "signed", "bruno"));
          h.result();
        });
    SCENARIOS.put(
        "local-lead-steps",
        h -> {
          h.start();
          h.sends(1);
          h.env.sleep(Duration.ofHours(72).plusMinutes(1));
          h.sends(2);
          reply(h, 1);
        });
    SCENARIOS.put(
        "reads-looked-up",
        h -> {
          // Version 1 of reads-looked-up: the read is stored, not signalled; looks find it.
          h.start();
          h.sends(1);
          h.env.sleep(Duration.ofHours(1));
          h.fake.readReceipts.put(h.fake.wamid(0), h.now());
          h.env.sleep(Duration.ofHours(24).plusMinutes(1));
          h.sends(2);
          h.env.sleep(Duration.ofHours(25));
          reply(h, 1);
        });
    SCENARIOS.put(
        "continued-as-new",
        h -> {
          h.start();
          h.sends(1);
          for (int i = 0; i < 20; i++) {
            h.current()
                .inboundMessage(
                    new InboundMessageSignal("r-" + i, h.fake.wamid(0), "reaction", h.now()));
            h.env.sleep(Duration.ofMinutes(1));
          }
          h.until("a new run", () -> h.runs() > 1);
          h.env.sleep(Duration.ofHours(72));
          h.sends(2);
          reply(h, 1);
        });
    // The lead's business number paused, an operator resumes it while the lead waits for it. Both
    // histories come from this one script: "sender-paused" was recorded before version 1 of
    // "sender-resume-wakes" (the resume signal, sent by name, was ignored: the send waited for the
    // 5-minute check) and "sender-resumed" with it (the send went at once).
    SCENARIOS.put("sender-paused", LifecycleHistories::pausedNumberResumed);
    SCENARIOS.put("sender-resumed", LifecycleHistories::pausedNumberResumed);
    // A rep writes to a lead that read the first message and reacted, but has not replied. Both
    // histories come from this one script: "person-in-sequence" was recorded before version 1 of
    // "person-times-follow-up" (the read follow-up went 24 h after the read, 21 h after the rep's
    // message) and "person-times-follow-up" with it (the follow-up is timed from the rep's
    // message: none within the script).
    SCENARIOS.put("person-in-sequence", LifecycleHistories::personWritesDuringTheSequence);
    SCENARIOS.put("person-times-follow-up", LifecycleHistories::personWritesDuringTheSequence);
    // "Ok, thanks" lands while a no's outcome is being recorded. "closing-while-ending-reopened"
    // was recorded before version 1 of "closing-after-end" (the run reopened and handed the lead
    // to a person) and "closing-while-ending" with it (the run ends replied).
    SCENARIOS.put("closing-while-ending-reopened", LifecycleHistories::closingWhileTheRunEnds);
    SCENARIOS.put("closing-while-ending", LifecycleHistories::closingWhileTheRunEnds);
    // A rep writes to an interested lead on day 2 of its 3-day re-engagement window.
    // "re-engagement-from-interest" was recorded before version 1 of "message-times-re-engagement"
    // (the re-engagement went on day 3, a day after the rep's message) and
    // "message-times-re-engagement" with it (on day 5, 3 days after the rep's message).
    SCENARIOS.put("re-engagement-from-interest", LifecycleHistories::repWritesToAnInterestedLead);
    SCENARIOS.put("message-times-re-engagement", LifecycleHistories::repWritesToAnInterestedLead);
    // Recorded with version 1 of "answer-failed-reopens": ana's answer met the SLA, then WhatsApp
    // failed it; the SLA runs again (reminded halfway), her next answer meets it; converted.
    SCENARIOS.put(
        "answer-failed-reopens",
        h -> {
          anaAnswersTheInterest(h, Duration.ofMinutes(5), "lead-rec-answer-failed-owner-1");
          h.env.sleep(Duration.ofMinutes(1));
          h.current()
              .messageStatus(new MessageStatusSignal(h.fake.wamid(1), "failed", h.now(), 131026));
          h.env.sleep(Duration.ofMinutes(61));
          h.current()
              .ownerReply(
                  new OwnerReply("lead-rec-answer-failed-owner-2", OwnerReply.TEXT, "ana", "ana"));
          h.sends(3);
          h.env.sleep(Duration.ofMinutes(1));
          h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
          h.result();
        });
    // Recorded with version 1 of "owner-release": ana gives the interested lead back to the agent;
    // it writes with interest again and goes to bruno; converted.
    SCENARIOS.put(
        "owner-release",
        h -> {
          h.fake.owners.addAll(java.util.List.of("ana", "bruno"));
          h.start();
          h.sends(1);
          interestedReply(h);
          h.env.sleep(Duration.ofMinutes(10));
          h.current().ownerReleased(new OwnerRelease("ana", "ana", "not before Q2"));
          h.env.sleep(Duration.ofHours(3));
          h.current()
              .inboundMessage(
                  new InboundMessageSignal(
                      "in-2", h.fake.wamid(0), "text", h.now(), "interested", null));
          h.env.sleep(Duration.ofMinutes(10));
          h.current().outcome(new OutcomeSignal("converted", "signed", "bruno"));
          h.result();
        });
    // Recorded with version 1 of "release-after-interest": ana presses release; the lead writes
    // with interest before the run handles it (recorded while ana holds it); the release stands
    // and the lead goes to bruno; converted.
    SCENARIOS.put(
        "release-after-interest",
        h -> {
          h.fake.owners.addAll(java.util.List.of("ana", "bruno"));
          h.start();
          h.sends(1);
          interestedReply(h);
          h.env.sleep(Duration.ofMinutes(10));
          Instant pressed = h.now();
          h.env.sleep(Duration.ofSeconds(20));
          h.current()
              .inboundMessage(
                  new InboundMessageSignal(
                      "in-2", h.fake.wamid(0), "text", h.now(), "interested", null));
          h.env.sleep(Duration.ofSeconds(20));
          h.current().ownerReleased(new OwnerRelease("ana", "ana", "not before Q2", pressed));
          h.env.sleep(Duration.ofMinutes(10));
          h.current().outcome(new OutcomeSignal("converted", "signed", "bruno"));
          h.result();
        });
    // Recorded before version 1 of "release-by-message-order": as release-after-interest, but the
    // API's clock a minute ahead of the run's (the press stamped a minute late, no seen message):
    // the interest recorded after the press counts as before it; the release stands, nobody else
    // is given the lead; ana converts it.
    SCENARIOS.put(
        "release-skewed-clock",
        h -> {
          h.fake.owners.addAll(java.util.List.of("ana", "bruno"));
          h.start();
          h.sends(1);
          interestedReply(h);
          h.env.sleep(Duration.ofMinutes(10));
          Instant pressedOnTheApisClock = h.now().plus(Duration.ofMinutes(1));
          h.env.sleep(Duration.ofSeconds(20));
          h.current()
              .inboundMessage(
                  new InboundMessageSignal(
                      "in-2", h.fake.wamid(0), "text", h.now(), "interested", null));
          h.env.sleep(Duration.ofSeconds(20));
          h.current()
              .ownerReleased(
                  new OwnerRelease("ana", "ana", "not before Q2", pressedOnTheApisClock));
          h.env.sleep(Duration.ofMinutes(10));
          h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
          h.result();
        });
    // Recorded with version 1 of "release-by-message-order": as release-skewed-clock, but the
    // release names the message ana had seen (in-1): the interest after it (in-2) goes to bruno,
    // whatever the API's clock said; converted.
    SCENARIOS.put(
        "release-by-message-order",
        h -> {
          h.fake.owners.addAll(java.util.List.of("ana", "bruno"));
          h.start();
          h.sends(1);
          interestedReply(h);
          h.env.sleep(Duration.ofMinutes(10));
          Instant pressedOnTheApisClock = h.now().plus(Duration.ofMinutes(1));
          h.env.sleep(Duration.ofSeconds(20));
          h.current()
              .inboundMessage(
                  new InboundMessageSignal(
                      "in-2", h.fake.wamid(0), "text", h.now(), "interested", null));
          h.env.sleep(Duration.ofSeconds(20));
          h.current()
              .ownerReleased(
                  new OwnerRelease("ana", "ana", "not before Q2", pressedOnTheApisClock, "in-1"));
          h.env.sleep(Duration.ofMinutes(10));
          h.current().outcome(new OutcomeSignal("converted", "signed", "bruno"));
          h.result();
        });
    // Recorded before version 1 of "release-reason-code-points": ana gives the lead back with a
    // reason of 250 emoji (500 UTF-16 chars, a signal from elsewhere than the API), cut at 200
    // chars; converted.
    SCENARIOS.put("release-long-reason-before-code-points", LifecycleHistories::longReason);
    // Recorded with version 1 of "release-reason-code-points": the same, cut at 200 code points.
    SCENARIOS.put("release-long-reason", LifecycleHistories::longReason);
    // Recorded before version 1 of "message-with-outcome": while the lead's interest is recorded,
    // an operator marks it lost and the lead writes with interest again, taken in together: the
    // run ends lost with the message unhandled.
    SCENARIOS.put("lost-with-message-before-version", LifecycleHistories::lostWithMessage);
    // Recorded with version 1 of "message-with-outcome": the same; the message reopens the lost
    // lead in place, handed to ana, who converts it.
    SCENARIOS.put("lost-with-message", LifecycleHistories::lostWithMessage);
    // Recorded before version 1 of "reply-while-acting": "how much?" lands while the lead's
    // interest is recorded (slowly): the run ends replied.
    SCENARIOS.put("reply-while-acting-before-version", LifecycleHistories::replyWhileActing);
    // Recorded with version 1: the same; the conversation goes on, handed to ana, converted.
    SCENARIOS.put("reply-while-acting", LifecycleHistories::replyWhileActing);
    // Recorded before version 1 of "message-before-outcome": while the lead's interest is
    // recorded, the lead writes with interest again and then an operator marks it lost, taken in
    // together: the run ends lost with the message unhandled.
    SCENARIOS.put(
        "message-before-outcome-before-version", LifecycleHistories::messageBeforeOutcome);
    // Recorded with version 1: the same; the message reopens the lost lead in place, handed to
    // ana, who converts it.
    SCENARIOS.put("message-before-outcome", LifecycleHistories::messageBeforeOutcome);
    // Recorded before version 1 of "repeated-reply": the lead's "interested" is told again while
    // its interest is recorded: the run ends replied.
    SCENARIOS.put("repeated-reply-before-version", LifecycleHistories::repeatedReply);
    // Recorded with version 1: the same; the repeat is dropped, ana converts the lead.
    SCENARIOS.put("repeated-reply", LifecycleHistories::repeatedReply);
    // Recorded before version 1 of "late-acceptance": ana takes the lead (t1), takes it again (t2,
    // a stale tell, dropped: she acted), gives t1 back, and t1 is told again: the late t1 takes it
    // back.
    SCENARIOS.put("late-acceptance-before-version", LifecycleHistories::lateAcceptance);
    // Recorded with version 1: the late t1 is dropped.
    SCENARIOS.put("late-acceptance", LifecycleHistories::lateAcceptance);
    // Recorded before version 1 of "unknown-needs-operator": under the resend policy, a send whose
    // reconcile says only an operator can decide it is resent every window (answered unknown).
    SCENARIOS.put(
        "unknown-needs-operator-before-version", LifecycleHistories::unknownNeedsOperator);
    // Recorded with version 1: the same; it is held for an operator. Both stopped by one.
    SCENARIOS.put("unknown-needs-operator", LifecycleHistories::unknownNeedsOperator);
    // Recorded before version 1 of "gone-take": ana takes the lead (t1), an operator moves it to
    // bob (ownerGone naming t1), bob takes it and gives it back, and t1 is told again: it takes
    // the lead back to ana.
    SCENARIOS.put("gone-take-before-version", LifecycleHistories::goneTake);
    // Recorded with version 1: the late t1 is dropped.
    SCENARIOS.put("gone-take", LifecycleHistories::goneTake);
  }

  private static void goneTake(Harness h) {
    h.fake.owners.add("ana");
    h.start();
    h.sends(1);
    interestedReply(h);
    h.env.sleep(Duration.ofMinutes(1));
    Instant anas = Instant.parse("2026-12-07T23:05:00.123Z");
    Instant bobs = Instant.parse("2026-12-07T23:09:00.456Z");
    String ana = "Ana Lima (ana)";
    h.current().ownerAction(new OwnerAction("ana", OwnerAction.ACCEPTED, ana, anas));
    h.env.sleep(Duration.ofMinutes(1));
    h.fake.owners.add("bob");
    h.current().ownerGone("ana", anas);
    h.env.sleep(Duration.ofMinutes(1));
    h.current().ownerAction(new OwnerAction("bob", OwnerAction.ACCEPTED, "Bob (bob)", bobs));
    h.env.sleep(Duration.ofMinutes(1));
    h.current().ownerReleased(new OwnerRelease("bob", "Bob (bob)", null, h.now(), "in-1", bobs));
    h.env.sleep(Duration.ofMinutes(1));
    h.current().ownerAction(new OwnerAction("ana", OwnerAction.ACCEPTED, ana, anas));
    h.env.sleep(Duration.ofMinutes(1));
    if (!h.state().stage().terminal()) {
      h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
    }
    h.result();
  }

  /**
   * The resend policy, every send answered unknown, every reconcile saying an operator decides; 35
   * minutes on (three 10-minute windows), an operator stops the lead.
   */
  private static void unknownNeedsOperator(Harness h) {
    h.fake.policy = UnknownNeedsOperatorTest.resending(h.fake.policy);
    for (int i = 0; i < 6; i++) {
      h.fake.sendAnswers.add("unknown");
    }
    h.fake.unknownDetail = SendResult.NEEDS_OPERATOR;
    h.start();
    h.env.sleep(Duration.ofMinutes(35));
    h.current().stop("stopped by ops after an unknown delivery");
    h.result();
  }

  /**
   * An interested lead handed to ana: her take t1, a stale take t2, the release of t1, t1 told
   * again, a minute apart; a run still live is converted.
   */
  private static void lateAcceptance(Harness h) {
    h.fake.owners.add("ana");
    h.start();
    h.sends(1);
    interestedReply(h);
    h.env.sleep(Duration.ofMinutes(1));
    Instant first = Instant.parse("2026-11-25T22:05:00.123Z");
    Instant second = Instant.parse("2026-11-25T22:07:00.456Z");
    String ana = "Ana Lima (ana)";
    h.current().ownerAction(new OwnerAction("ana", OwnerAction.ACCEPTED, ana, first));
    h.env.sleep(Duration.ofMinutes(1));
    h.current().ownerAction(new OwnerAction("ana", OwnerAction.ACCEPTED, ana, second));
    h.env.sleep(Duration.ofMinutes(1));
    h.current().ownerReleased(new OwnerRelease("ana", ana, null, h.now(), "in-1", first));
    h.env.sleep(Duration.ofMinutes(1));
    h.current().ownerAction(new OwnerAction("ana", OwnerAction.ACCEPTED, ana, first));
    h.env.sleep(Duration.ofMinutes(1));
    if (!h.state().stage().terminal()) {
      h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
    }
    h.result();
  }

  /**
   * Inside the lead's "interested" record (1.5 s, the workflow task timeout 1 s), the same message
   * is told again. A run still live a minute later is converted by ana.
   */
  private static void repeatedReply(Harness h) {
    h.fake.owners.add("ana");
    h.workflowTaskTimeout = Duration.ofSeconds(1);
    h.start();
    h.sends(1);
    h.fake.slowlyDuringRecord(e -> "interested".equals(e.type()), () -> interestedReply(h));
    interestedReply(h);
    h.env.sleep(Duration.ofMinutes(1));
    if (!h.state().stage().terminal()) {
      h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
    }
    h.result();
  }

  /** As {@link #lostWithMessage}, the message first, then the operator's "lost". */
  private static void messageBeforeOutcome(Harness h) {
    lostWithMessage(h, true);
  }

  /**
   * An interested lead's second message ("question") inside its "interested" record (1.5 s, the
   * workflow task timeout 1 s). A run still live a minute later is converted by ana.
   */
  private static void replyWhileActing(Harness h) {
    h.fake.owners.add("ana");
    h.workflowTaskTimeout = Duration.ofSeconds(1);
    h.start();
    h.sends(1);
    h.fake.slowlyDuringRecord(
        e -> "interested".equals(e.type()),
        () ->
            h.current()
                .inboundMessage(
                    new InboundMessageSignal(
                        "in-2", h.fake.wamid(0), "text", h.now(), "question", null)));
    interestedReply(h);
    h.env.sleep(Duration.ofMinutes(1));
    if (!h.state().stage().terminal()) {
      h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
    }
    h.result();
  }

  /**
   * An interested lead; inside its "interested" record (1.5 s, the workflow task timeout 1 s), an
   * operator marks it lost and the lead writes again with interest. A run still live a minute later
   * (reopened) is converted by ana.
   */
  private static void lostWithMessage(Harness h) {
    lostWithMessage(h, false);
  }

  /** {@code messageFirst}: the lead's message, then the operator's "lost"; else the other way. */
  private static void lostWithMessage(Harness h, boolean messageFirst) {
    h.fake.owners.add("ana");
    h.workflowTaskTimeout = Duration.ofSeconds(1);
    h.start();
    h.sends(1);
    Runnable lost = () -> h.current().outcome(new OutcomeSignal("lost", "went quiet", "ops"));
    Runnable message =
        () ->
            h.current()
                .inboundMessage(
                    new InboundMessageSignal(
                        "in-2", h.fake.wamid(0), "text", h.now(), "interested", null));
    h.fake.slowlyDuringRecord(
        e -> "interested".equals(e.type()),
        () -> {
          (messageFirst ? message : lost).run();
          (messageFirst ? lost : message).run();
        });
    interestedReply(h);
    h.env.sleep(Duration.ofMinutes(1));
    if (h.state().stage() != Stage.LOST) {
      h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
    }
    h.result();
  }

  /** ana releases the interested lead with a reason of 250 emoji; bruno converts it. */
  private static void longReason(Harness h) {
    h.fake.owners.addAll(java.util.List.of("ana", "bruno"));
    h.start();
    h.sends(1);
    interestedReply(h);
    h.env.sleep(Duration.ofMinutes(10));
    String emoji = new String(Character.toChars(0x1F600));
    h.current().ownerReleased(new OwnerRelease("ana", "ana", "a" + emoji.repeat(250)));
    h.env.sleep(Duration.ofMinutes(10));
    h.current().outcome(new OutcomeSignal("converted", "signed", "bruno"));
    h.result();
  }

  /** The lead answers its first message with interest. */
  private static void interestedReply(Harness h) {
    h.current()
        .inboundMessage(
            new InboundMessageSignal("in-1", h.fake.wamid(0), "text", h.now(), "interested", null));
  }

  /** The lead replies with interest; {@code after} that, its rep ana answers (key {@code key}). */
  private static void anaAnswersTheInterest(Harness h, Duration after, String key) {
    h.fake.owners.add("ana");
    h.start();
    h.sends(1);
    interestedReply(h);
    h.env.sleep(after);
    h.current().ownerReply(new OwnerReply(key, OwnerReply.TEXT, "ana", "ana"));
    h.sends(2);
  }

  private static void repWritesToAnInterestedLead(Harness h) {
    anaAnswersTheInterest(h, Duration.ofDays(2), "lead-rec-re-engagement-owner-1");
    h.env.sleep(Duration.ofDays(1).plusHours(1));
    h.env.sleep(Duration.ofDays(2));
    h.sends(3);
    h.current().outcome(new OutcomeSignal("converted", "signed", "ana"));
    h.result();
  }

  private static void closingWhileTheRunEnds(Harness h) {
    aNoWhileItsOutcomeIsRecorded(
        h,
        () ->
            new InboundMessageSignal(
                "in-2", h.fake.wamid(0), "text", h.now(), "other", null, true));
  }

  /**
   * A polite no ends the lead replied; while its outcome is being recorded (slowly: the record
   * spans workflow tasks) the lead writes {@code late}.
   */
  private static void aNoWhileItsOutcomeIsRecorded(
      Harness h, java.util.function.Supplier<InboundMessageSignal> late) {
    h.fake.owners.add("ana");
    h.workflowTaskTimeout = Duration.ofSeconds(1);
    h.start();
    h.sends(1);
    h.fake.slowlyDuringRecord(
        e -> "outcome".equals(e.type()), () -> h.current().inboundMessage(late.get()));
    h.current()
        .inboundMessage(
            new InboundMessageSignal(
                "in-1", h.fake.wamid(0), "text", h.now(), "not_interested", null));
    h.env.sleep(Duration.ofMinutes(1));
  }

  private static void personWritesDuringTheSequence(Harness h) {
    h.start();
    h.sends(1);
    h.status(0, "read", null);
    h.env.sleep(Duration.ofHours(2));
    h.current()
        .inboundMessage(new InboundMessageSignal("r-1", h.fake.wamid(0), "reaction", h.now()));
    h.env.sleep(Duration.ofHours(1));
    h.current()
        .ownerReply(new OwnerReply("lead-rec-person-owner-1", OwnerReply.TEXT, "ana", "ana"));
    h.sends(2);
    h.env.sleep(Duration.ofHours(22));
    reply(h, 1);
  }

  private static void pausedNumberResumed(Harness h) {
    h.fake.sendAnswers.add("account_paused:190");
    h.start();
    h.until("waiting for its number", () -> h.state().stage() == Stage.WAITING_SENDER);
    h.env.sleep(Duration.ofMinutes(1));
    io.temporal.client.WorkflowStub.fromTyped(h.current()).signal("senderResumed", "1065403522");
    h.env.sleep(Duration.ofMinutes(5));
    h.sends(1);
    reply(h, 0);
  }

  /** The threshold each scenario runs with (continued-as-new cuts its run early). */
  static int threshold(String name) {
    return "continued-as-new".equals(name) ? 60 : LeadWorkflowImpl.CONTINUE_AS_NEW_AFTER_EVENTS;
  }

  /** Read, then a reaction an hour before the follow-up is due: it goes as free text. */
  private static void openWindowBeforeTheReadFollowUp(Harness h) {
    h.status(0, "read", null);
    h.env.sleep(Duration.ofHours(23));
    h.current()
        .inboundMessage(new InboundMessageSignal("r-1", h.fake.wamid(0), "reaction", h.now()));
    h.env.sleep(Duration.ofHours(1).plusMinutes(1));
  }

  /** The first message, a "not now" for a week, the agreed follow-up a week later, a reply. */
  private static void snoozeAWeekThenReply(Harness h) {
    h.sends(1);
    h.current()
        .inboundMessage(
            new InboundMessageSignal(
                "in-1",
                h.fake.wamid(0),
                "text",
                h.now(),
                "not_now",
                h.now().plus(Duration.ofDays(7))));
    h.env.sleep(Duration.ofDays(7).plusMinutes(1));
    h.sends(2);
    reply(h, 1);
  }

  private static void reply(Harness h, int index) {
    h.current()
        .inboundMessage(new InboundMessageSignal("in-end", h.fake.wamid(index), "text", h.now()));
    h.result();
  }

  static String resource(String name) {
    return "histories/lifecycle-" + name + ".json";
  }

  /** Runs the scenario, writes its (last run's) history into the test resources, returns it. */
  static String record(String name) throws IOException {
    try (Harness h =
        new Harness(Instant.parse("2026-11-25T22:00:00Z"), threshold(name), "rec-" + name)) {
      SCENARIOS.get(name).accept(h);
      String json =
          h.env
              .getWorkflowClient()
              .fetchHistory(LeadWorkflow.workflowId("rec-" + name))
              .toJson(true);
      Path target = Path.of("src/test/resources", resource(name));
      Files.createDirectories(target.getParent());
      Files.writeString(target, json);
      return json;
    }
  }

  /**
   * An interested lead handed to ana (bruno the other owner), paused for 3 hours (longer than the
   * SLA), then resumed.
   */
  private static void handedToAnaThenPausedThreeHours(Harness h) {
    h.fake.owners.addAll(java.util.List.of("ana", "bruno"));
    h.start();
    h.sends(1);
    interestedReply(h);
    h.until("handed off", () -> h.state().stage() == Stage.HANDED_OFF);
    h.current().pause();
    h.until("paused", () -> h.state().stage() == Stage.PAUSED);
    h.env.sleep(Duration.ofHours(3));
    h.current().resume();
  }
}

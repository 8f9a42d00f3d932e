package com.salesagent.api.embedded;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How the emulator's recipients behave: probabilities and delays of each callback, reply texts
 * (opt-outs included), and an acknowledge-only mode where recipients never read or reply, so that
 * callbacks from elsewhere (a test, a script) drive the lead. {@code mediaReplyShare} (default 0)
 * is the share of replies that come as media instead of text: half of them an image captioned with
 * the reply text, half a voice note (see {@link EmulatorMedia}); opt-outs stay text.
 */
public record EmulatorBehaviour(
    @JsonProperty("mode") String mode,
    @JsonProperty("deliverProbability") double deliverProbability,
    @JsonProperty("readProbability") double readProbability,
    @JsonProperty("replyProbability") double replyProbability,
    @JsonProperty("optOutProbability") double optOutProbability,
    @JsonProperty("replyAfterMessages") int replyAfterMessages,
    @JsonProperty("sentDelayMillis") long sentDelayMillis,
    @JsonProperty("deliveredDelayMillis") long deliveredDelayMillis,
    @JsonProperty("readDelayMillis") long readDelayMillis,
    @JsonProperty("replyDelayMillis") long replyDelayMillis,
    @JsonProperty("replyTexts") List<String> replyTexts,
    @JsonProperty("optOutTexts") List<String> optOutTexts,
    @JsonProperty("seed") long seed,
    @JsonProperty("mediaReplyShare") double mediaReplyShare,
    @JsonProperty("questionShare") double questionShare) {

  /**
   * What a recipient who showed interest asks next, when it does ({@code questionShare}: the share
   * of interested replies followed by one of these, a few seconds later): the questions a sales
   * team's knowledge base answers (price, how it works, cost, a call).
   */
  public static final List<String> QUESTIONS =
      List.of(
          "How much does it cost per month?",
          "How does it work? Which tools does it need?",
          "Honestly it sounds too expensive for us",
          "Can we book a call next week?");

  @JsonCreator
  public EmulatorBehaviour {}

  /** Media replies as given, no follow-up questions. */
  public EmulatorBehaviour(
      String mode,
      double deliverProbability,
      double readProbability,
      double replyProbability,
      double optOutProbability,
      int replyAfterMessages,
      long sentDelayMillis,
      long deliveredDelayMillis,
      long readDelayMillis,
      long replyDelayMillis,
      List<String> replyTexts,
      List<String> optOutTexts,
      long seed,
      double mediaReplyShare) {
    this(
        mode,
        deliverProbability,
        readProbability,
        replyProbability,
        optOutProbability,
        replyAfterMessages,
        sentDelayMillis,
        deliveredDelayMillis,
        readDelayMillis,
        replyDelayMillis,
        replyTexts,
        optOutTexts,
        seed,
        mediaReplyShare,
        0.0);
  }

  /** This behaviour with the given share of interested replies followed by a question. */
  public EmulatorBehaviour withQuestionShare(double share) {
    return new EmulatorBehaviour(
        mode,
        deliverProbability,
        readProbability,
        replyProbability,
        optOutProbability,
        replyAfterMessages,
        sentDelayMillis,
        deliveredDelayMillis,
        readDelayMillis,
        replyDelayMillis,
        replyTexts,
        optOutTexts,
        seed,
        mediaReplyShare,
        share);
  }

  /** Whether a reply text reads as interest (the emulator's own replies: no triage here). */
  static boolean interested(String text) {
    String t = text.toLowerCase(java.util.Locale.ROOT);
    return t.contains("interest") || t.contains("tell me more") || t.contains("sounds great");
  }

  /** Every reply text, no media replies. */
  public EmulatorBehaviour(
      String mode,
      double deliverProbability,
      double readProbability,
      double replyProbability,
      double optOutProbability,
      int replyAfterMessages,
      long sentDelayMillis,
      long deliveredDelayMillis,
      long readDelayMillis,
      long replyDelayMillis,
      List<String> replyTexts,
      List<String> optOutTexts,
      long seed) {
    this(
        mode,
        deliverProbability,
        readProbability,
        replyProbability,
        optOutProbability,
        replyAfterMessages,
        sentDelayMillis,
        deliveredDelayMillis,
        readDelayMillis,
        replyDelayMillis,
        replyTexts,
        optOutTexts,
        seed,
        0.0);
  }

  /** This behaviour with the given share of replies sent as media. */
  public EmulatorBehaviour withMediaReplyShare(double share) {
    return new EmulatorBehaviour(
        mode,
        deliverProbability,
        readProbability,
        replyProbability,
        optOutProbability,
        replyAfterMessages,
        sentDelayMillis,
        deliveredDelayMillis,
        readDelayMillis,
        replyDelayMillis,
        replyTexts,
        optOutTexts,
        seed,
        share,
        questionShare);
  }

  public static final String REALISTIC = "realistic";
  public static final String ACK_ONLY = "ack_only";

  /**
   * Accepts every send and does nothing after it: no status, no reply (the benches and tests that
   * post the statuses themselves, or need none).
   */
  public static EmulatorBehaviour acknowledgingOnly() {
    return new EmulatorBehaviour(
        ACK_ONLY, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of("x"), List.of("STOP"), 1);
  }

  public static EmulatorBehaviour defaults() {
    return new EmulatorBehaviour(
        REALISTIC,
        0.98,
        0.7,
        0.25,
        0.03,
        0,
        200,
        800,
        3000,
        8000,
        List.of(
            "Sounds interesting, tell me more",
            "Can you send me pricing?",
            "Not now, maybe next quarter",
            "Who is this?",
            "Yes, let's talk on Thursday"),
        List.of("STOP", "please remove me", "no más", "arrêter"),
        42);
  }

  public boolean ackOnly() {
    return ACK_ONLY.equals(mode);
  }
}

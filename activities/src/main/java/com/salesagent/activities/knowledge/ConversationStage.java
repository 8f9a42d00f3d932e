package com.salesagent.activities.knowledge;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where the conversation stands after the lead's latest message, as a sales rep would read it
 * (SalesGPT's stage analyzer, offline and deterministic): {@code handle_objection} (the triage
 * found an objection), {@code close} (they ask how to sign, pay or start), {@code propose_meeting}
 * (they ask for a call, a demo or a time; or they are interested and ask nothing), {@code answer}
 * (a question), {@code qualify} (anything else: find out what they need). The stage picks which
 * knowledge entries the draft answers from and what the provider is told to do. The cues are
 * English, Spanish and Portuguese (accents folded); in other languages the triage's intent alone
 * decides (an objection, an interested lead, a question mark).
 */
public final class ConversationStage {
  public static final String QUALIFY = "qualify";
  public static final String ANSWER = "answer";
  public static final String HANDLE_OBJECTION = "handle_objection";
  public static final String PROPOSE_MEETING = "propose_meeting";
  public static final String CLOSE = "close";

  /**
   * The lead is a customer already (its outcome is {@code converted}): whatever it asks is answered
   * as customer care, from the entries that explain the product (faq, product), never with a price
   * list, an objection's answer or a booking link ("would you like a demo?").
   */
  public static final String CUSTOMER_CARE = "customer_care";

  private static final Pattern CLOSE_CUES =
      Pattern.compile(
          "\\b(sign( up)?|contract|invoice|purchase|buy|get started|start (now|today)|"
              + "payment|pay|onboard(ing)?|subscribe"
              // Spanish and Portuguese: sign, contract, invoice, buy, pay, start
              + "|firmar|firmamos|contrato|factura|comprar|contratar|pagar|pago|empezar|"
              + "assinar|assinamos|fatura|nota fiscal|pagamento|comecar)\\b");
  private static final Pattern MEETING_CUES =
      Pattern.compile(
          "\\b(call|meeting|meet|demo|schedule|calendar|available|availability|tomorrow|"
              + "next week|talk|zoom|teams"
              // Spanish and Portuguese: a call, a meeting, to book, to talk, tomorrow, next week
              + "|llamada|reunion|reunirnos|agendar|agendemos|hablar|hablemos|manana|"
              + "semana que viene|proxima semana|demostracion|"
              + "ligacao|reuniao|marcar|conversar|falar|amanha|semana que vem|demonstracao)\\b");
  private static final Pattern QUESTION_WORDS =
      Pattern.compile(
          "^(how|what|when|which|who|where|why|does|do you|can you|could you|is there|are there|"
              + "is it|do i)\\b");

  private ConversationStage() {}

  /**
   * The stage after a reply with this triage ({@code intent}) and text, from a lead that is a
   * customer already or not (its lifecycle stage or outcome is {@code converted}): a customer's
   * message is {@link #CUSTOMER_CARE} whatever it says.
   */
  public static String of(String intent, String text, boolean customer) {
    return customer ? CUSTOMER_CARE : of(intent, text);
  }

  /** The stage after a reply with this triage ({@code intent}) and text. */
  public static String of(String intent, String text) {
    // Accents folded, so the Spanish and Portuguese cues match however the lead typed them.
    String t =
        text == null
            ? ""
            : Normalizer.normalize(text, Normalizer.Form.NFD)
                .replaceAll("\\p{M}+", "")
                .toLowerCase(Locale.ROOT)
                .strip();
    if ("objection".equals(intent)) {
      return HANDLE_OBJECTION;
    }
    if (CLOSE_CUES.matcher(t).find()) {
      return CLOSE;
    }
    if (MEETING_CUES.matcher(t).find()) {
      return PROPOSE_MEETING;
    }
    if (t.contains("?") || QUESTION_WORDS.matcher(t).find()) {
      return ANSWER;
    }
    return "interested".equals(intent) ? PROPOSE_MEETING : QUALIFY;
  }

  /** The knowledge kinds an answer at this stage comes from, the most fitting first. */
  static List<String> kinds(String stage) {
    return switch (stage) {
      case HANDLE_OBJECTION -> List.of("objection", "pricing", "faq", "product");
      case CLOSE -> List.of("pricing", "booking", "faq", "product");
      case PROPOSE_MEETING -> List.of("booking", "faq", "product", "pricing");
      case CUSTOMER_CARE -> List.of("faq", "product");
      default -> List.of("faq", "product", "pricing", "objection");
    };
  }

  /** Whether the booking entry goes with the answer (the lead is ready to talk or to start). */
  static boolean offersBooking(String stage, String intent) {
    if (CUSTOMER_CARE.equals(stage)) {
      return false;
    }
    return Set.of(PROPOSE_MEETING, CLOSE).contains(stage)
        || (ANSWER.equals(stage) && "interested".equals(intent));
  }

  /** What the provider is told to do at this stage. */
  static String instruction(String stage) {
    return switch (stage) {
      case HANDLE_OBJECTION ->
          "The lead raised an objection: acknowledge it in one line and answer it only with what"
              + " the knowledge entries say; do not push.";
      case CLOSE ->
          "The lead wants to start: tell them the next step the entries give (price list,"
              + " booking link); no new promises.";
      case PROPOSE_MEETING ->
          "Propose a short call with the booking link from the entries, and answer anything they"
              + " asked from the entries.";
      case ANSWER -> "Answer the lead's question from the entries, briefly.";
      case CUSTOMER_CARE ->
          "The person is already our customer (they converted): answer as customer care, helpfully"
              + " and briefly, from the entries; do not sell, propose a call or a demo, or quote"
              + " prices.";
      default ->
          "Ask one short question to learn what the lead needs; state nothing the entries do"
              + " not say.";
    };
  }
}

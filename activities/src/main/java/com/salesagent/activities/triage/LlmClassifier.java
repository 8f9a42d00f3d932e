package com.salesagent.activities.triage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured LLM reads the reply, answering in a JSON schema (LangChain4j structured output:
 * OpenAI json_schema, Gemini responseSchema, Ollama format). The answer is checked against the
 * allowed values; anything unusable, and any provider failure, falls back to the offline {@link
 * LexiconClassifier}. The keyword opt-out backstop wins over the model in both directions: a
 * keyword opt-out is an opt-out whatever the model says, and the model alone never opts a lead out
 * (it is recorded as {@code other} with the model's suggestion kept in the classifier label). A
 * reply the lexicon reads as a referral ("Fale com o João, ele cuida disso") is never a wrong
 * person, which would end the lead with nobody to follow the name up: {@code other}, keyword
 * referral first. A reply the lexicon reads as a closing (thanks, bye, ok and nothing else) is one
 * without asking the model (its schema has no such intent).
 */
public final class LlmClassifier implements ReplyClassifier {
  private static final Logger LOG = LoggerFactory.getLogger(LlmClassifier.class);
  static final List<String> INTENTS =
      List.of(
          "interested",
          "not_now",
          "objection",
          "not_interested",
          "wrong_person",
          "opt_out",
          "other");
  static final List<String> OBJECTIONS = List.of("cost", "timing", "competitor", "other", "none");
  static final List<String> SENTIMENTS = List.of("positive", "neutral", "negative");

  static final JsonSchema SCHEMA =
      JsonSchema.builder()
          .name("ReplyTriage")
          .rootElement(
              JsonObjectSchema.builder()
                  .addEnumProperty("intent", INTENTS)
                  .addEnumProperty("objection", OBJECTIONS)
                  .addEnumProperty("sentiment", SENTIMENTS)
                  .addProperty(
                      "keywords", JsonArraySchema.builder().items(new JsonStringSchema()).build())
                  .addStringProperty(
                      "notBefore",
                      "ISO date (YYYY-MM-DD) the lead asked to be contacted again, or empty")
                  .required("intent", "objection", "sentiment", "keywords", "notBefore")
                  .additionalProperties(false)
                  .build())
          .build();

  private final ChatModel model;
  private final String label;
  private final ObjectMapper json = new ObjectMapper();

  public LlmClassifier(ChatModel model, String label) {
    this.model = model;
    this.label = "llm:" + label;
  }

  @Override
  public Triage classify(String text, boolean optedOut, LocalDate today) {
    Triage offline = LexiconClassifier.classify(text, optedOut, today);
    if (optedOut || text == null || text.isBlank() || Triage.CLOSING.equals(offline.intent())) {
      // A closing (the whole reply thanks, bye or ok) needs no model: it would call it other.
      return offline;
    }
    try {
      String system =
          "You triage replies to a B2B sales WhatsApp message. Today is "
              + today
              + ". intent: interested (wants to talk or learn more), not_now (asks to be contacted"
              + " later; put the date in notBefore when one is given or implied), objection (price,"
              + " timing, already uses a competitor, other), not_interested (a polite no that gives"
              + " no reason to answer and asks for no later contact), wrong_person (naming nobody"
              + " else: a reply that names someone to talk to instead is other), opt_out (asks"
              + " to stop"
              + " messages), other. objection is none unless intent is objection. keywords: at"
              + " most 8 lower-case topic words from the reply. The reply may be in any language.";
      String answer =
          model
              .chat(
                  ChatRequest.builder()
                      .messages(List.of(SystemMessage.from(system), UserMessage.from(text)))
                      .responseFormat(
                          ResponseFormat.builder()
                              .type(ResponseFormatType.JSON)
                              .jsonSchema(SCHEMA)
                              .build())
                      .build())
              .aiMessage()
              .text();
      return parse(answer, today, offline);
    } catch (RuntimeException e) {
      LOG.warn(
          "LLM triage failed, using {}: {}", LexiconClassifier.NAME, e.getClass().getSimpleName());
      return offline;
    }
  }

  private Triage parse(String answer, LocalDate today, Triage offline) {
    JsonNode node;
    try {
      node = json.readTree(stripFence(answer));
    } catch (Exception e) {
      LOG.warn("LLM triage answer is not JSON, using {}", LexiconClassifier.NAME);
      return offline;
    }
    String intent = node.path("intent").asText("").toLowerCase(Locale.ROOT);
    if (!INTENTS.contains(intent)) {
      // Not the value itself: a model echoing the reply would put the customer's words in logs.
      LOG.warn(
          "LLM triage intent is not one of {} ({} characters), using {}",
          INTENTS,
          intent.length(),
          LexiconClassifier.NAME);
      return offline;
    }
    String classifier = label;
    if ("opt_out".equals(intent)) {
      // Only the deterministic backstop opts a lead out; the model's reading is kept for review.
      intent = "other";
      classifier = label + " (suggested opt_out)";
    }
    boolean referral = LexiconClassifier.isReferral(offline);
    if (referral && "wrong_person".equals(intent)) {
      // Someone else named to talk to: a person follows it up, the lead is not ended unanswered.
      intent = "other";
      classifier = label + " (suggested wrong_person, a referral)";
    }
    String objection = node.path("objection").asText("none").toLowerCase(Locale.ROOT);
    if (!"objection".equals(intent)
        || !OBJECTIONS.contains(objection)
        || "none".equals(objection)) {
      objection = "objection".equals(intent) ? "other" : null;
    }
    String sentiment = node.path("sentiment").asText("neutral").toLowerCase(Locale.ROOT);
    if (!SENTIMENTS.contains(sentiment)) {
      sentiment = offline.sentiment();
    }
    List<String> keywords = new ArrayList<>();
    if (referral && "other".equals(intent)) {
      keywords.add(LexiconClassifier.REFERRAL);
    }
    int most = keywords.size() + 8;
    node.path("keywords")
        .forEach(
            k -> {
              String w = k.asText("").strip().toLowerCase(Locale.ROOT);
              if (!w.isEmpty()
                  && w.length() <= 40
                  && keywords.size() < most
                  && !keywords.contains(w)) {
                keywords.add(w);
              }
            });
    LocalDate notBefore = null;
    String date = node.path("notBefore").asText("");
    if ("not_now".equals(intent) && !date.isBlank()) {
      try {
        LocalDate d = LocalDate.parse(date.strip());
        // A date in the past or absurdly far ahead is not a usable snooze.
        notBefore = d.isAfter(today) && d.isBefore(today.plusYears(2)) ? d : null;
      } catch (DateTimeParseException e) {
        notBefore = offline.notBefore();
      }
    }
    return new Triage(intent, objection, sentiment, keywords, notBefore, classifier);
  }

  private static String stripFence(String s) {
    String t = s == null ? "" : s.strip();
    if (t.startsWith("```")) {
      t = t.replaceFirst("^```[a-zA-Z]*", "").replaceFirst("```$", "").strip();
    }
    return t;
  }
}

package com.salesagent.api.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.Phones;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.activities.triage.Triage;
import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.MessageStatusSignal;
import com.salesagent.workflows.lead.OptOutSignal;
import io.dropwizard.lifecycle.Managed;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's inbox. {@link #accept} stores every item of a verified notification once in
 * webhook_events (unique event key: duplicates change nothing) before the HTTP answer; processing
 * (MongoDB updates, feedback, opt-outs, workflow signals) happens after, on partitions keyed by the
 * lead's phone so one lead's events stay in order. Whatever is not processed, because Temporal was
 * down or the process stopped, is relayed by a periodic sweep: nothing accepted is lost.
 */
public class WebhookInbox implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookInbox.class);

  /** One item of a notification, ready to store. */
  public record Item(String eventKey, String kind, String partitionKey, Document payload) {}

  /** What a POST did: items stored now, duplicates ignored, items for other numbers ignored. */
  public record Accepted(int stored, int duplicates, int ignored) {}

  private final LeadStore store;
  private final com.salesagent.activities.variants.VariantStats stats;
  private final com.salesagent.activities.mongo.FunnelStats funnel;
  private final WorkflowClient temporal;
  private final String phoneNumberId;
  private final Clock clock;
  private final ReplyClassifier classifier;
  private final ExecutorService[] partitions;
  private final ObjectMapper json = new ObjectMapper();
  private ScheduledExecutorService sweeper;

  /** Events queued or being processed here, so the sweep never queues one twice. */
  private final java.util.Set<String> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public WebhookInbox(
      LeadStore store, WorkflowClient temporal, String phoneNumberId, Clock clock, int partitions) {
    this(store, temporal, phoneNumberId, clock, partitions, ReplyClassifier.LEXICON);
  }

  public WebhookInbox(
      LeadStore store,
      WorkflowClient temporal,
      String phoneNumberId,
      Clock clock,
      int partitions,
      ReplyClassifier classifier) {
    this.classifier = classifier;
    this.store = store;
    this.stats = new com.salesagent.activities.variants.VariantStats(store.database());
    this.funnel = new com.salesagent.activities.mongo.FunnelStats(store.database());
    this.temporal = temporal;
    this.phoneNumberId = phoneNumberId;
    this.clock = clock;
    this.partitions = new ExecutorService[partitions];
    for (int i = 0; i < partitions; i++) {
      this.partitions[i] = Executors.newSingleThreadExecutor();
    }
  }

  @Override
  public void start() {
    sweeper = Executors.newSingleThreadScheduledExecutor();
    sweeper.scheduleWithFixedDelay(this::relay, 2, 2, TimeUnit.SECONDS);
  }

  @Override
  public void stop() throws InterruptedException {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    for (ExecutorService p : partitions) {
      p.shutdown();
    }
    for (ExecutorService p : partitions) {
      p.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Parses a verified notification (Meta's format) into items. */
  public List<Item> parse(JsonNode root) {
    List<Item> items = new ArrayList<>();
    for (JsonNode entry : root.path("entry")) {
      for (JsonNode change : entry.path("changes")) {
        JsonNode value = change.path("value");
        String number = value.path("metadata").path("phone_number_id").asText("");
        if (!number.isEmpty() && !number.equals(phoneNumberId)) {
          items.add(new Item(null, "ignored", number, null));
          continue;
        }
        for (JsonNode status : value.path("statuses")) {
          String wamid = status.path("id").asText();
          String s = status.path("status").asText();
          items.add(
              new Item(
                  "status:" + wamid + ":" + s,
                  "status",
                  status.path("recipient_id").asText(wamid),
                  Document.parse(status.toString())));
        }
        for (JsonNode message : value.path("messages")) {
          items.add(
              new Item(
                  "message:" + message.path("id").asText(),
                  "message",
                  message.path("from").asText(),
                  Document.parse(message.toString())));
        }
        for (JsonNode preference : value.path("user_preferences")) {
          String waId = preference.path("wa_id").asText();
          items.add(
              new Item(
                  "preference:"
                      + waId
                      + ":"
                      + preference.path("category").asText()
                      + ":"
                      + preference.path("value").asText()
                      + ":"
                      + preference.path("timestamp").asText(),
                  "preference",
                  waId,
                  Document.parse(preference.toString())));
        }
      }
    }
    return items;
  }

  /** Stores the items (once each) and queues them for processing. */
  public Accepted accept(List<Item> items) {
    Instant now = clock.instant();
    List<Document> docs = new ArrayList<>();
    int ignored = 0;
    for (Item item : items) {
      if (item.eventKey() == null) {
        ignored++;
        LOG.info(
            "ignored a webhook change for phone number id {} we do not serve", item.partitionKey());
        continue;
      }
      docs.add(
          new Document("eventKey", item.eventKey())
              .append("kind", item.kind())
              .append("partitionKey", item.partitionKey())
              .append("item", item.payload())
              .append("processed", false)
              .append("receivedAt", Date.from(now)));
    }
    int duplicates = 0;
    List<Document> stored = new ArrayList<>(docs);
    if (!docs.isEmpty()) {
      try {
        store.webhookEvents().insertMany(docs, new InsertManyOptions().ordered(false));
      } catch (MongoBulkWriteException e) {
        List<Integer> failed = new ArrayList<>();
        for (var error : e.getWriteErrors()) {
          if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
            throw e;
          }
          failed.add(error.getIndex());
        }
        duplicates = failed.size();
        stored = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
          if (!failed.contains(i)) {
            stored.add(docs.get(i));
          }
        }
      }
    }
    for (Document d : stored) {
      submit(d);
    }
    return new Accepted(stored.size(), duplicates, ignored);
  }

  private void submit(Document event) {
    if (!inFlight.add(event.getString("eventKey"))) {
      return;
    }
    int p = Math.floorMod(event.getString("partitionKey").hashCode(), partitions.length);
    partitions[p].execute(() -> processSafely(event));
  }

  /** Re-queues what is still unprocessed a while after it arrived. */
  void relay() {
    try {
      Date before = Date.from(clock.instant().minus(Duration.ofSeconds(5)));
      for (Document event :
          store
              .webhookEvents()
              .find(Filters.and(Filters.eq("processed", false), Filters.lt("receivedAt", before)))
              .sort(Sorts.ascending("receivedAt"))
              .limit(1000)) {
        submit(event);
      }
    } catch (RuntimeException e) {
      LOG.warn("webhook relay sweep failed: {}", e.getMessage());
    }
  }

  private void processSafely(Document event) {
    String key = event.getString("eventKey");
    java.util.concurrent.atomic.AtomicBoolean effects =
        new java.util.concurrent.atomic.AtomicBoolean(event.getBoolean("effectsApplied", false));
    try {
      String outcome = process(event, effects);
      store
          .webhookEvents()
          .updateOne(
              Filters.eq("eventKey", key),
              Updates.combine(
                  Updates.set("processed", true),
                  Updates.set("effectsApplied", true),
                  Updates.set("outcome", outcome),
                  Updates.set("processedAt", Date.from(clock.instant()))));
    } catch (RuntimeException e) {
      // Left unprocessed: the sweep relays it once Temporal or MongoDB answer again, without
      // applying the MongoDB effects twice.
      LOG.warn("webhook event {} not processed yet: {}", key, e.getMessage());
      if (effects.get()) {
        try {
          store
              .webhookEvents()
              .updateOne(Filters.eq("eventKey", key), Updates.set("effectsApplied", true));
        } catch (RuntimeException ignored) {
          // MongoDB is down too: the effects may be applied again, which only duplicates history.
        }
      }
    } finally {
      inFlight.remove(key);
    }
  }

  /**
   * Returns the outcome recorded on the event. MongoDB effects (timeline, feedback, do-not-contact)
   * are applied once, marked on the event, and then the signals are sent; a relayed event whose
   * signals failed earlier only sends them again.
   */
  String process(Document event, java.util.concurrent.atomic.AtomicBoolean effects) {
    Document item = event.get("item", Document.class);
    boolean applied = effects.get();
    Runnable markApplied = () -> effects.set(true);
    return switch (event.getString("kind")) {
      case "status" -> processStatus(item, applied, markApplied);
      case "message" -> processMessage(item, applied, markApplied);
      case "preference" -> processPreference(item, applied, markApplied);
      default -> "unknown_kind";
    };
  }

  private String processStatus(Document item, boolean applied, Runnable markApplied) {
    String wamid = item.getString("id");
    String status = item.getString("status");
    Instant at = epochSeconds(item.getString("timestamp"));
    Integer code = null;
    String title = null;
    List<Document> errors = item.getList("errors", Document.class, List.of());
    if (!errors.isEmpty()) {
      code = errors.get(0).getInteger("code");
      title = errors.get(0).getString("title");
    }
    Document message = store.applyStatus(wamid, status, at, code, title);
    if (message == null) {
      LOG.warn("status {} for unknown wamid {}", status, wamid);
      return "unknown_wamid";
    }
    String leadId = message.getString("leadId");
    if (!applied) {
      Document contact = store.contact(leadId);
      // "sent" is counted by the send activity when the Cloud API accepts the message.
      if (!"sent".equals(status)) {
        funnel.reach(leadId, status, at);
        stats.increment(
            message.getString("variantId"),
            contact == null ? null : contact.getString("segment"),
            status,
            at);
      }
      store.recordInteraction(
          leadId,
          message.getString("campaignId"),
          message.getString("variantId"),
          status,
          wamid,
          code == null ? null : code + " " + title,
          at);
      markApplied.run();
    }
    MessageStatusSignal signal = new MessageStatusSignal(wamid, status, at, code);
    return signal(leadId, stub -> stub.signal("messageStatus", signal));
  }

  private String processMessage(Document item, boolean applied, Runnable markApplied) {
    String phone = "+" + item.getString("from");
    Instant at = epochSeconds(item.getString("timestamp"));
    String type = item.getString("type");
    String text = textOf(item);
    Document context = item.get("context", Document.class);
    String contextWamid = context == null ? null : context.getString("id");
    List<String> leads = store.leadIdsByPhone(phone);
    if (leads.isEmpty()) {
      LOG.info("message from unknown sender {}", Phones.mask(phone));
      return "unknown_sender";
    }
    boolean optedOut = OptOutDetector.isOptOut(text);
    // A replay (effects applied, the signal not yet sent) reuses the stored reading: the model is
    // not asked twice and the signal says what the feedback says.
    Document stored =
        applied && item.getString("id") != null
            ? store.feedback().find(Filters.eq("messageId", item.getString("id"))).first()
            : null;
    Triage triage =
        stored != null && stored.getString("intent") != null
            ? new Triage(
                stored.getString("intent"),
                stored.getString("objection"),
                stored.getString("sentiment"),
                stored.getList("keywords", String.class, List.of()),
                stored.getString("notBefore") == null
                    ? null
                    : java.time.LocalDate.parse(stored.getString("notBefore")),
                stored.getString("classifier"))
            : classifier.classify(
                text, optedOut, at.atZone(java.time.ZoneOffset.UTC).toLocalDate());
    if (optedOut) {
      return optOut(
          phone, "keyword", at, item.getString("id"), contextWamid, text, applied, markApplied);
    }
    if (!applied) {
      for (String leadId : leads) {
        Document contact = store.contact(leadId);
        // The reward of the bandit: a lead's first reply, marked on the contact atomically so a
        // replay after a partial failure never counts it twice.
        if (!"reaction".equals(type) && funnel.reach(leadId, "replied", at)) {
          stats.increment(
              contact.getString("variantId"), contact.getString("segment"), "replied", at);
        }
        store
            .feedback()
            .insertOne(
                new Document("leadId", leadId)
                    .append("messageId", item.getString("id"))
                    .append("wamid", contextWamid)
                    .append("type", type)
                    .append("text", text)
                    .append("intent", triage.intent())
                    .append("objection", triage.objection())
                    .append("sentiment", triage.sentiment())
                    .append("keywords", triage.keywords())
                    .append(
                        "notBefore",
                        triage.notBefore() == null ? null : triage.notBefore().toString())
                    .append("classifier", triage.classifier())
                    .append("receivedAt", Date.from(at))
                    .append("storedAt", Date.from(clock.instant())));
        if (!triage.keywords().isEmpty()) {
          store
              .database()
              .getCollection(com.salesagent.activities.mongo.Collections.PERSONAS)
              .updateOne(
                  Filters.eq("leadId", leadId),
                  Updates.addEachToSet("keywords", triage.keywords()),
                  new com.mongodb.client.model.UpdateOptions().upsert(true));
        }
        store.recordInteraction(
            leadId,
            contact.getString("campaignId"),
            contact.getString("variantId"),
            "reaction".equals(type) ? "reaction" : "replied",
            contextWamid,
            null,
            at);
      }
      markApplied.run();
    }
    String outcome = "signalled";
    for (String leadId : leads) {
      Document contact = store.contact(leadId);
      Instant snoozeUntil = null;
      if ("not_now".equals(triage.intent()) && triage.notBefore() != null) {
        java.time.ZoneId zone;
        try {
          zone = java.time.ZoneId.of(contact.getString("timezone"));
        } catch (RuntimeException e) {
          zone = java.time.ZoneOffset.UTC;
        }
        snoozeUntil = triage.notBefore().atTime(10, 0).atZone(zone).toInstant();
      }
      InboundMessageSignal signal =
          new InboundMessageSignal(
              item.getString("id"), contextWamid, type, at, triage.intent(), snoozeUntil);
      outcome = signal(leadId, stub -> stub.signal("inboundMessage", signal));
    }
    return outcome;
  }

  private String processPreference(Document item, boolean applied, Runnable markApplied) {
    if (!"stop".equalsIgnoreCase(item.getString("value"))) {
      return "preference_" + item.getString("value");
    }
    Instant at = epochSeconds(String.valueOf(item.get("timestamp")));
    return optOut(
        "+" + item.getString("wa_id"),
        "marketing_preference",
        at,
        null,
        null,
        null,
        applied,
        markApplied);
  }

  /** Do-not-contact first (so no send can slip through), then every workflow of that phone. */
  private String optOut(
      String phone,
      String source,
      Instant at,
      String messageId,
      String contextWamid,
      String text,
      boolean applied,
      Runnable markApplied) {
    List<String> leads =
        applied ? store.leadIdsByPhone(phone) : store.markDoNotContact(phone, source, at);
    for (String leadId : applied ? List.<String>of() : leads) {
      Document contact = store.contact(leadId);
      funnel.reach(leadId, "opted_out", at);
      stats.increment(
          contact.getString("variantId"), contact.getString("segment"), "opted_out", at);
      if (text != null) {
        store
            .feedback()
            .insertOne(
                new Document("leadId", leadId)
                    .append("messageId", messageId)
                    .append("wamid", contextWamid)
                    .append("type", "text")
                    .append("text", text)
                    .append("intent", "opt_out")
                    .append("receivedAt", Date.from(at))
                    .append("storedAt", Date.from(clock.instant())));
      }
      store.recordInteraction(
          leadId,
          contact.getString("campaignId"),
          contact.getString("variantId"),
          "opted_out",
          contextWamid,
          source,
          at);
    }
    if (!applied) {
      markApplied.run();
    }
    for (String leadId : leads) {
      signal(leadId, stub -> stub.signal("optOut", new OptOutSignal(source, at)));
    }
    LOG.info("{} opted out ({} leads)", Phones.mask(phone), leads.size());
    return "opted_out";
  }

  private String signal(String leadId, java.util.function.Consumer<WorkflowStub> send) {
    try {
      send.accept(temporal.newUntypedWorkflowStub(LeadWorkflow.workflowId(leadId)));
      return "signalled";
    } catch (WorkflowNotFoundException e) {
      return "workflow_closed";
    }
  }

  private static String textOf(Document item) {
    Document text = item.get("text", Document.class);
    if (text != null) {
      return text.getString("body");
    }
    Document button = item.get("button", Document.class);
    if (button != null) {
      return button.getString("text");
    }
    Document reaction = item.get("reaction", Document.class);
    return reaction == null ? null : reaction.getString("emoji");
  }

  private static Instant epochSeconds(String value) {
    try {
      return Instant.ofEpochSecond(Long.parseLong(value));
    } catch (RuntimeException e) {
      return Instant.now();
    }
  }

  JsonNode read(byte[] body) throws java.io.IOException {
    return json.readTree(body);
  }
}

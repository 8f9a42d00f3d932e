package com.salesagent.activities.variants;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.workflows.lead.Stage;
import com.salesagent.workflows.variants.VariantActivities;
import io.temporal.activity.Activity;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The kill-switch's pages of in-flight leads, its audit record, and the arm guard's check. */
public final class VariantActivitiesImpl implements VariantActivities {
  private static final Logger LOG = LoggerFactory.getLogger(VariantActivitiesImpl.class);

  /** The stages a lead's workflow has ended in. */
  public static final List<String> TERMINAL =
      Arrays.stream(Stage.values()).filter(Stage::terminal).map(Stage::key).toList();

  private final MongoDatabase db;
  private final MongoCollection<Document> contacts;
  private final Clock clock;

  public VariantActivitiesImpl(MongoDatabase db, Clock clock) {
    this.db = db;
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.clock = clock;
  }

  /** The leads a kill-switch of the variant reaches now (the in-flight count). */
  public static Bson inFlight(String variantId) {
    return Filters.and(Filters.eq("variantId", variantId), Filters.nin("stage", TERMINAL));
  }

  @Override
  public List<String> inFlightLeads(String variantId, String afterLeadId, int limit) {
    Bson filter =
        afterLeadId == null
            ? inFlight(variantId)
            : Filters.and(inFlight(variantId), Filters.gt("leadId", afterLeadId));
    List<String> leads = new ArrayList<>(limit);
    for (Document c :
        contacts
            .find(filter)
            .projection(Projections.include("leadId"))
            .sort(Sorts.ascending("leadId"))
            .limit(limit)) {
      leads.add(c.getString("leadId"));
    }
    return leads;
  }

  @Override
  public void recordKillSwitch(String variantId, String operator, int signalled, int ended) {
    db.getCollection(Collections.AUDIT_LOG)
        .insertOne(
            new Document("at", Date.from(clock.instant()))
                .append("actor", operator)
                .append("action", "kill_switch_done")
                .append("variantId", variantId)
                .append("inFlightSignalled", signalled)
                .append("endedMeanwhile", ended)
                .append("workflowId", Activity.getExecutionContext().getInfo().getWorkflowId()));
    LOG.info(
        "kill-switch of variant {} done: {} in-flight leads signalled, {} had ended",
        variantId,
        signalled,
        ended);
  }

  @Override
  public int checkArms() {
    List<ArmGuard.Disabled> disabled = new ArmGuard(db, clock).check(Duration.ZERO);
    disabled.forEach(
        d ->
            LOG.warn(
                "auto-disabled variant {} in segment {}: P(best) {} after {} assignments",
                d.variantId(),
                d.segment(),
                String.format("%.4f", d.probabilityToBeBest()),
                d.assigned()));
    return disabled.size();
  }
}

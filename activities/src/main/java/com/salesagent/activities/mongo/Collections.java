package com.salesagent.activities.mongo;

/** Collection names: the MongoDB side of the design (DESIGN.md section 4). */
public final class Collections {
  public static final String CONTACTS = "contacts";
  public static final String RESEARCH_RESULTS = "research_results";
  public static final String PROMPT_VARIANTS = "prompt_variants";
  public static final String AGENT_CONFIGURATIONS = "agent_configurations";
  public static final String WORKFLOW_DEFINITIONS = "workflow_definitions";
  public static final String PERSONAS = "personas";
  public static final String SEGMENTS = "segments";
  public static final String FEEDBACK = "feedback";
  public static final String MESSAGES = "messages";
  public static final String INTERACTION_HISTORY = "interaction_history";
  public static final String WEBHOOK_EVENTS = "webhook_events";

  /**
   * The agent's drafted answers, one per lead message ({@code KnowledgeActivitiesImpl} writes them,
   * {@code HeldDrafts} ends their wait).
   */
  public static final String DRAFTS = "drafts";

  /** Written by the diagnostics probe; each document is removed by the probe that wrote it. */
  public static final String DIAGNOSTICS = "diagnostics";

  public static final String AUDIT_LOG = "audit_log";

  /**
   * A person's message sent without a {@code requestId} (the API's {@code UnkeyedRequests}): {@code
   * _id} a SHA-256 of the lead, the person and the content, {@code requestId} the one derived for
   * it, {@code at}; a double submit within the window is the same request. TTL on {@code expireAt};
   * nothing readable of the lead or the text.
   */
  public static final String UNKEYED_REQUESTS = "unkeyed_requests";

  /**
   * One guarded enrolment at a time per number (the API's {@code EnrolLeases}): {@code _id} the
   * number's keyed hash ({@code PiiHash}), given back after the contact's insert; TTL on {@code
   * expireAt}.
   */
  public static final String ENROL_LEASES = "enrol_leases";

  /**
   * One document per lead import (the API's {@code ImportRecords}): {@code _id} the import id, who
   * and when, the file's name and options, {@code status} (running, done, interrupted, failed) and
   * the counts as it goes. TTL on {@code expireAt} (IMPORT_RETENTION).
   */
  public static final String IMPORTS = "imports";

  /**
   * Each row's answer of an import, as its stream gave it: {@code importId}, {@code seq} (1, 2, ...
   * in the order answered), {@code line}, {@code status}, {@code result} (the JSON line), {@link
   * #IMPORT_ROW_LEAD_IDS} and {@link #IMPORT_ROW_NUMBER_HASHES} (what an erasure finds the rows of
   * its lead by, and rewrites to their line and status). TTL on {@code expireAt}, the import's own.
   */
  public static final String IMPORT_ROWS = "import_rows";

  /**
   * An {@link #IMPORT_ROWS} row's lead ids (its answer's {@code leadId}, {@code activeLeadId},
   * {@code earlierLeadId} and echoed {@code leadId} column): what an erasure finds the lead's rows
   * by.
   */
  public static final String IMPORT_ROW_LEAD_IDS = "leadIds";

  /**
   * An {@link #IMPORT_ROWS} row's keyed hash ({@code PiiHash}; a row stored before the key holds
   * the plain SHA-256, still matched) of the E.164 number its echoed columns hold (never the
   * number): what an erasure finds the person's rows by, also those of no lead.
   */
  /**
   * A {@link #WEBHOOK_EVENTS} event that is no dead letter: {@code deadLetter} false or absent. Not
   * {@code $ne: true}, whose index bounds are two open ranges, so that the index (processed,
   * deadLetter, receivedAt) gives the live events as two points, in time order, with no dead letter
   * read.
   */
  public static final org.bson.conversions.Bson NOT_DEAD_LETTER =
      com.mongodb.client.model.Filters.in("deadLetter", false, null);

  public static final String IMPORT_ROW_NUMBER_HASHES = "numberHashes";

  /**
   * HubSpot's ids of a lead's contact and deal ({@code _id} the lead id; the API's HubSpotSync).
   */
  public static final String CRM_LINKS = "crm_links";

  private Collections() {}
}

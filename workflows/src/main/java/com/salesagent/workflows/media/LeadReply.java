package com.salesagent.workflows.media;

import com.salesagent.workflows.lead.InboundMessageSignal;

/** A voice note's triage for one lead's workflow, which waits for it (awaiting_transcript). */
public record LeadReply(String leadId, InboundMessageSignal signal) {}

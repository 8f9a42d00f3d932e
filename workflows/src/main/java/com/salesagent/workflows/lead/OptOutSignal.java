package com.salesagent.workflows.lead;

import java.time.Instant;

/** The lead asked not to be contacted (a STOP-style reply or Meta's marketing opt-out). */
public record OptOutSignal(String source, Instant at) {}

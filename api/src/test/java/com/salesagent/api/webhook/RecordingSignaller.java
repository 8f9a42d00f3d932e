package com.salesagent.api.webhook;

import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.MessageStatusSignal;
import com.salesagent.workflows.lead.OptOutSignal;
import java.util.List;
import java.util.Map;

/** A signaller that keeps each signal with its lead, in order, and reports every one delivered. */
final class RecordingSignaller implements LeadSignaller {
  private final List<Map.Entry<String, Object>> signals;

  RecordingSignaller(List<Map.Entry<String, Object>> signals) {
    this.signals = signals;
  }

  @Override
  public String status(String leadId, MessageStatusSignal signal) {
    signals.add(Map.entry(leadId, signal));
    return SIGNALLED;
  }

  @Override
  public String inbound(String leadId, InboundMessageSignal signal) {
    signals.add(Map.entry(leadId, signal));
    return SIGNALLED;
  }

  @Override
  public String optOut(String leadId, OptOutSignal signal) {
    signals.add(Map.entry(leadId, signal));
    return SIGNALLED;
  }
}

package com.salesagent.api.webhook;

import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.MessageStatusSignal;
import com.salesagent.workflows.lead.OptOutSignal;
import java.util.List;
import java.util.Map;

/** A signaller that keeps each signal with its lead, in order, and reports every one delivered. */
final class RecordingSignaller implements LeadSignaller {
  private final List<Map.Entry<String, Object>> signals;

  private final List<String> mayReopen;

  RecordingSignaller(List<Map.Entry<String, Object>> signals) {
    this(signals, new java.util.ArrayList<>());
  }

  /**
   * {@code mayReopen}: the leads signalled by the call that may start a new run of an ended one.
   */
  RecordingSignaller(List<Map.Entry<String, Object>> signals, List<String> mayReopen) {
    this.signals = signals;
    this.mayReopen = mayReopen;
  }

  @Override
  public String inbound(String leadId, String campaignId, InboundMessageSignal signal) {
    mayReopen.add(leadId);
    return inbound(leadId, signal);
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

package com.salesagent.tools.bench;

import com.salesagent.api.embedded.WhatsAppEmulator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The end-to-end simulation's hidden truth, as the emulator's reply model: the probability that a
 * recipient replies to a variant's first-contact template (its segment's rate for that variant),
 * and, with interest rates, the probability that such a reply shows interest (else it is a polite
 * no). Without interest rates, or for a segment they do not name, every reply is the behaviour's
 * interested text, as before. Also what a lead on an arm is expected to bring, for the oracle.
 */
final class SimulatedRecipients implements WhatsAppEmulator.ReplyModel {
  private final Map<String, String> segmentOfPhone = new ConcurrentHashMap<>();
  private final Map<String, String> variantOfTemplate;
  private final Map<String, Map<String, Double>> rates;
  private final Map<String, Map<String, Double>> interest;

  /**
   * {@code variantOfTemplate}: first-contact template name to variant id; {@code interest}: null
   * for every reply interested.
   */
  SimulatedRecipients(
      Map<String, String> variantOfTemplate,
      Map<String, Map<String, Double>> rates,
      Map<String, Map<String, Double>> interest) {
    this.variantOfTemplate = Map.copyOf(variantOfTemplate);
    this.rates = rates;
    this.interest = interest;
  }

  /** A synthetic lead's phone (wa_id digits) and its segment. */
  void add(String waId, String segment) {
    segmentOfPhone.put(waId, segment);
  }

  boolean knows(String waId) {
    return segmentOfPhone.containsKey(waId);
  }

  @Override
  public Double replyProbability(String waId, String templateName) {
    String segment = segmentOfPhone.get(waId);
    String variant = templateName == null ? null : variantOfTemplate.get(templateName);
    if (segment == null || variant == null) {
      return 0.0; // follow-ups and strangers: no reply
    }
    return rates.get(segment).getOrDefault(variant, 0.0);
  }

  @Override
  public Double interestProbability(String waId, String templateName) {
    String segment = segmentOfPhone.get(waId);
    String variant = templateName == null ? null : variantOfTemplate.get(templateName);
    if (interest == null || segment == null || variant == null) {
      return null;
    }
    Map<String, Double> bySegment = interest.get(segment);
    return bySegment == null ? null : bySegment.getOrDefault(variant, 1.0);
  }

  /** The hidden probability that a reply of this segment to this variant shows interest. */
  double interestRate(String segment, String variant) {
    Map<String, Double> bySegment = interest == null ? null : interest.get(segment);
    return bySegment == null ? 1.0 : bySegment.getOrDefault(variant, 1.0);
  }

  /** Expected interested leads of one lead of this segment on this variant. */
  double expectedInterested(String segment, String variant) {
    return rates.get(segment).getOrDefault(variant, 0.0) * interestRate(segment, variant);
  }

  /** The oracle's: the segment's best variant by reply rate x interest rate. */
  double oracleInterested(String segment) {
    return rates.get(segment).keySet().stream()
        .mapToDouble(v -> expectedInterested(segment, v))
        .max()
        .orElse(0);
  }
}

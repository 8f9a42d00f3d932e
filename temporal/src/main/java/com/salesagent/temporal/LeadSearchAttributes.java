package com.salesagent.temporal;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The search-attribute catalogue: what operators filter on in the Temporal Web UI. No PII here,
 * ever: only stages, opaque ids and times.
 */
public final class LeadSearchAttributes {
  public static final SearchAttributeKey<String> LEAD_STAGE =
      SearchAttributeKey.forKeyword("LeadStage");
  public static final SearchAttributeKey<String> CAMPAIGN_ID =
      SearchAttributeKey.forKeyword("CampaignId");
  public static final SearchAttributeKey<String> SEGMENT = SearchAttributeKey.forKeyword("Segment");
  public static final SearchAttributeKey<String> VARIANT_ID =
      SearchAttributeKey.forKeyword("VariantId");
  public static final SearchAttributeKey<OffsetDateTime> NEXT_ACTION_AT =
      SearchAttributeKey.forOffsetDateTime("NextActionAt");

  /** Name to server-side index type, in registration order. */
  public static final Map<String, IndexedValueType> CATALOGUE = catalogue();

  private LeadSearchAttributes() {}

  private static Map<String, IndexedValueType> catalogue() {
    Map<String, IndexedValueType> m = new LinkedHashMap<>();
    m.put(LEAD_STAGE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    m.put(CAMPAIGN_ID.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    m.put(SEGMENT.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    m.put(VARIANT_ID.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    m.put(NEXT_ACTION_AT.getName(), IndexedValueType.INDEXED_VALUE_TYPE_DATETIME);
    return Collections.unmodifiableMap(m);
  }
}

package com.salesagent.activities.variants;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * A variant's wording revisions: which fields are its wording ({@link #WORDING_FIELDS}), the
 * revision whose wording it has now ({@link #WORDING_REVISION}) and its past ones ({@link
 * #WORDING_HISTORY}), what a replacement does to them ({@link #reword}), and the revision leads and
 * messages stored without one count as ({@link #unrevisedAs}). {@link VariantStore} writes them
 * with a replacement; {@link WordingStats} keeps each wording's evidence.
 */
public final class VariantWordings {
  private VariantWordings() {}

  /**
   * On a variant: the revision ({@link VariantStore#REVISION}) whose wording it has now, the
   * wording being {@link #WORDING_FIELDS}. Stays when a replacement changes only its traffic
   * (enabled, weight, segments, locale); becomes the replacement's revision when the wording
   * changes. Each lead records the wording revision it was assigned with ({@link #LEAD_REVISION})
   * and each message the one it was composed from: the bandit's and the stats' evidence of the
   * variant is that of its current wording ({@link WordingStats}). A variant from before has none:
   * its revision is read.
   */
  public static final String WORDING_REVISION = "wordingRevision";

  /**
   * On a variant: its past wordings, oldest first, each {@code revision}, {@code until}, {@code
   * by}. The first one's revision is also the wording of every lead and message stored without a
   * revision (before revisions were recorded): they count as that wording's.
   */
  public static final String WORDING_HISTORY = "wordingHistory";

  /** On a contact and a message: the wording revision of its variant it was assigned/composed. */
  public static final String LEAD_REVISION = "variantRevision";

  /**
   * What a variant's messages say and how: a change of any of them is a new wording, whose evidence
   * starts fresh. Not the traffic (enabled, weight, segments) nor the locale a lead is matched by.
   */
  public static final List<String> WORDING_FIELDS =
      List.of("templates", "translations", "angle", "offer", "modality");

  /** The revision whose wording the variant has now ({@link #WORDING_REVISION}). */
  public static int wordingRevisionOf(Document variant) {
    return variant.get(WORDING_REVISION) instanceof Number n
        ? n.intValue()
        : VariantStore.revisionOf(variant);
  }

  /**
   * The wording revision leads and messages stored without one count as: the first past wording's
   * ({@link #WORDING_HISTORY}), or the current one when the wording never changed since.
   */
  public static int unrevisedAs(Document variant) {
    List<Document> history = variant.getList(WORDING_HISTORY, Document.class, List.of());
    return history.isEmpty()
        ? wordingRevisionOf(variant)
        : ((Number) history.get(0).get("revision")).intValue();
  }

  /** Whether the variant's wording changed since revisions were recorded (it has past wordings). */
  public static boolean rewritten(Document variant) {
    return !variant.getList(WORDING_HISTORY, Document.class, List.of()).isEmpty();
  }

  /**
   * Whether two variants say the same: their {@link #WORDING_FIELDS} alike, an absent field, a null
   * and an empty one alike (a seeded variant has no translations, a replacement an empty set), no
   * modality read as text.
   */
  static boolean sameWording(Document existing, Document replacement) {
    for (String f : WORDING_FIELDS) {
      Object a = normalized(existing.get(f));
      Object b = normalized(replacement.get(f));
      if ("modality".equals(f)) {
        a = a == null ? "text" : a;
        b = b == null ? "text" : b;
      }
      if (!java.util.Objects.equals(a, b)) {
        return false;
      }
    }
    return true;
  }

  private static Object normalized(Object value) {
    if (value instanceof java.util.Map<?, ?> map) {
      java.util.Map<String, Object> out = new java.util.TreeMap<>();
      map.forEach(
          (k, v) -> {
            Object n = normalized(v);
            if (n != null) {
              out.put(String.valueOf(k), n);
            }
          });
      return out.isEmpty() ? null : out;
    }
    if (value instanceof List<?> list) {
      return list.isEmpty() ? null : list.stream().map(VariantWordings::normalized).toList();
    }
    return value;
  }

  /**
   * Sets the wording fields of {@code replacement}, the variant's revision {@code revision}
   * replacing {@code existing}: the same wording keeps its wording revision; a new one is {@code
   * revision}, the old one appended to the past wordings ({@code until} {@code at}, {@code by}
   * {@code operator}).
   */
  static void reword(
      Document existing, Document replacement, int revision, String operator, Date at) {
    List<Document> wordings =
        new ArrayList<>(existing.getList(WORDING_HISTORY, Document.class, List.of()));
    if (sameWording(existing, replacement)) {
      replacement.put(WORDING_REVISION, wordingRevisionOf(existing));
    } else {
      wordings.add(
          new Document("revision", wordingRevisionOf(existing))
              .append("until", at)
              .append("by", operator));
      replacement.put(WORDING_REVISION, revision);
    }
    if (!wordings.isEmpty()) {
      replacement.put(WORDING_HISTORY, wordings);
    }
  }
}

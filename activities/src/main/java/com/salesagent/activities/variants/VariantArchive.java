package com.salesagent.activities.variants;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import java.time.Clock;
import java.util.Date;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A variant's archive: an operator takes a variant out of use for good ({@link #archive}) or brings
 * it back, still off ({@link #unarchive}); each one conditional write on the revision read. The
 * switch-off that comes with an archive is {@link VariantStore}'s, as a disable's; {@link
 * VariantStore#replace} never replaces an archived variant.
 */
public final class VariantArchive {
  private final MongoCollection<Document> variants;
  private final Clock clock;

  public VariantArchive(MongoDatabase db, Clock clock) {
    this.variants = db.getCollection(Collections.PROMPT_VARIANTS);
    this.clock = clock;
  }

  /**
   * On a variant: archived by an operator ({@code archivedAt}, {@code archivedBy}): off for good
   * (switched off first, its kill-switch reaching its in-flight leads as a disable's does), out of
   * the default list, its history kept. Not enabled, not replaced while archived; {@link
   * #unarchive} brings it back, still off.
   */
  public static final String ARCHIVED = "archived";

  public static boolean archived(Document variant) {
    return variant != null && variant.getBoolean(ARCHIVED, false);
  }

  /**
   * Archives the variant if it is still at revision {@code expected} (the caller then switches an
   * enabled one off, as a disable does): one conditional write, the revision one more (an edit read
   * before is refused, If-Match), its wording revision kept. Refused, with the revision it is at,
   * when another change came since.
   */
  public VariantStore.Replaced archive(String variantId, String operator, int expected) {
    return setArchived(variantId, operator, expected, true);
  }

  /** Takes the variant out of the archive, still switched off; as {@link #archive}. */
  public VariantStore.Replaced unarchive(String variantId, String operator, int expected) {
    return setArchived(variantId, operator, expected, false);
  }

  private VariantStore.Replaced setArchived(
      String variantId, String operator, int expected, boolean archive) {
    Document existing = find(variantId);
    if (existing == null) {
      return new VariantStore.Replaced(false, -1);
    }
    if (VariantStore.revisionOf(existing) != expected) {
      return new VariantStore.Replaced(false, VariantStore.revisionOf(existing));
    }
    Bson change =
        archive
            ? Updates.combine(
                Updates.set(ARCHIVED, true),
                Updates.set("archivedAt", now()),
                Updates.set("archivedBy", operator))
            : Updates.combine(
                Updates.unset(ARCHIVED),
                Updates.unset("archivedAt"),
                Updates.unset("archivedBy"),
                Updates.set("unarchivedAt", now()),
                Updates.set("unarchivedBy", operator));
    boolean done =
        variants
                .updateOne(
                    Filters.and(
                        Filters.eq("variantId", variantId),
                        existing.get(VariantStore.REVISION) == null
                            ? Filters.exists(VariantStore.REVISION, false)
                            : Filters.eq(
                                VariantStore.REVISION, existing.get(VariantStore.REVISION))),
                    Updates.combine(
                        change,
                        Updates.set(VariantStore.REVISION, expected + 1),
                        Updates.set(
                            VariantWordings.WORDING_REVISION,
                            VariantWordings.wordingRevisionOf(existing))))
                .getMatchedCount()
            > 0;
    if (!done) {
      Document now = find(variantId);
      return new VariantStore.Replaced(false, now == null ? -1 : VariantStore.revisionOf(now));
    }
    return new VariantStore.Replaced(true, expected + 1);
  }

  private Document find(String variantId) {
    return variants.find(Filters.eq("variantId", variantId)).first();
  }

  private Date now() {
    return Date.from(clock.instant());
  }
}

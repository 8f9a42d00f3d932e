package com.salesagent.api.leads;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.leads.SubjectSearch.Subject;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The erasure of a person ({@code POST /api/subject-access/erasure}): every lead of the person, as
 * the export finds them ({@link SubjectSearch}: the asked number and lead, every number their leads
 * are known by, all campaigns), erased through each lead's own erasure ({@link
 * LeadErasure#request}: 202 per lead, its workflow, its audit line), at most {@link
 * SubjectAccess#MAX_LEADS} plus the named rest per call ({@code more}: call again).
 *
 * <p>The person's numbers are blocked before their leads are looked for again and erased: a lead
 * enrolled after the request's first search, before the block, was erased by nobody. Either an
 * enrolment's contact is inserted before the search after the block (found, erased), or its second
 * read of the number's suppression, after its insert, sees the block ({@link Enrolment}: taken
 * back). With {@code keepSuppressed=false} the block is the imports' only ({@link
 * ImportRecords#forgetNumbers}): an operator's direct enrolment after the search is a later one,
 * which that choice allows.
 */
final class SubjectErasure {
  /** The erasure of a person's leads: each one's answer, and whether more leads remain. */
  public record PersonErased(List<LeadErased> leads, int leadCount, boolean more, String note) {}

  public record LeadErased(String leadId, String status) {}

  /**
   * Rounds of blocking the numbers the last search added (a lead's other numbers), each followed by
   * a search.
   */
  private static final int ROUNDS = 3;

  private final MongoDatabase db;
  private final Clock clock;

  SubjectErasure(MongoDatabase db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Blocks the person's numbers not blocked yet: no import under way (or to be resumed) enrols them
   * again, also one holding a row of a number no lead holds yet, which no lead's erasure suppresses
   * whatever keepSuppressed says ({@link ImportRecords#forgetNumbers}); with {@code suppress} they
   * are suppressed as each lead's erasure suppresses its own, also a number no lead holds (nothing
   * else would keep the person from being enrolled and messaged later), and before the leads'
   * erasures: a send composed meanwhile is refused by its check, an enrolment by its (or, when it
   * checked just before, by its check again after its insert: {@link Enrolment}).
   */
  private void block(List<String> numbers, boolean suppress, Set<String> blocked) {
    List<String> fresh = numbers.stream().filter(n -> !blocked.contains(n)).toList();
    if (fresh.isEmpty()) {
      return;
    }
    ImportRecords.forgetNumbers(db, fresh);
    if (suppress) {
      new Suppressions(db).suppressErased(fresh, clock.instant());
    }
    blocked.addAll(fresh);
  }

  /**
   * Audited once as {@code subject_erasure_requested} (lead ids and the numbers' SHA-256, never a
   * number), then each lead erased. 202 with each lead's status ({@code erasing}, {@code erasing
   * already}, {@code gone}: erased meanwhile); 200 with none when no lead holds the person. {@code
   * reason} and {@code keepSuppressed} are each lead's erasure's.
   */
  Response erase(
      String operator,
      Subject subject,
      String reason,
      Boolean keepSuppressed,
      LeadErasure erasure) {
    String keep = keepSuppressed == null ? null : String.valueOf(keepSuppressed);
    // The reason is each lead's erasure's: refused here (400 naming it) before anything is done,
    // not by the first lead's erasure after the numbers were suppressed and the request audited,
    // nor left unread when no lead holds the person.
    LeadResource.operatorReason(reason, "");
    boolean suppress = !Boolean.FALSE.equals(keepSuppressed);
    // Block first, then find the leads: the person's leads were found before (the request's
    // search), and a lead enrolled between that search and the block was erased by nobody. Now the
    // numbers are blocked, then the person is found again; whatever was enrolled before the block
    // is found, whatever comes after is refused (suppressed) or, with keepSuppressed=false, is a
    // later enrolment, which that choice allows (only imports under way are held back). Numbers
    // the new search adds (a new lead's other number) are blocked in their turn.
    Set<String> blocked = new LinkedHashSet<>();
    block(subject.numbers(), suppress, blocked);
    // Every block is followed by a search, the last one too: a lead enrolled on a number as it was
    // blocked (its own second read of the suppression came just before) is found by the search
    // after it. The last round's block was followed by none, and such a lead went on. After the
    // last round a search that adds numbers still erases their leads (whose erasures suppress
    // those numbers in turn); it blocks no more.
    for (int round = 0; ; round++) {
      subject = SubjectSearch.again(new LeadStore(db), subject);
      if (blocked.containsAll(subject.numbers()) || round == ROUNDS) {
        break;
      }
      block(subject.numbers(), suppress, blocked);
    }
    List<String> leads = new ArrayList<>(subject.exported());
    leads.addAll(subject.notExported());
    db.getCollection(Collections.AUDIT_LOG)
        .insertOne(
            subject.auditEntry(operator, "subject_erasure_requested", leads, clock.instant()));
    List<LeadErased> answers = new ArrayList<>();
    for (String leadId : leads) {
      try {
        Object view = erasure.request(leadId, operator, reason, keep).getEntity();
        answers.add(
            new LeadErased(
                leadId, view instanceof LeadErasure.ErasureView v ? v.status() : "erasing"));
      } catch (ApiException e) {
        if (e.status() != 404) {
          throw e;
        }
        answers.add(new LeadErased(leadId, "gone")); // erased meanwhile
      }
    }
    boolean more = subject.leadCount() > leads.size();
    if (answers.isEmpty()) {
      return Response.ok(
              new PersonErased(
                  answers,
                  0,
                  false,
                  suppress
                      ? "no lead holds this person; their numbers are suppressed (source erasure),"
                          + " so they are not enrolled or messaged again: GET /api/suppressions"
                      : "no lead holds this person; their numbers are not suppressed"
                          + " (keepSuppressed=false): a later enrolment, with their new consent,"
                          + " may contact them"))
          .build();
    }
    return Response.accepted(
            new PersonErased(
                answers,
                subject.leadCount(),
                more,
                more
                    ? "more leads hold this person than one call erases: ask again"
                    : "every lead of the person is being erased: GET /api/leads/{leadId}/erasure"
                        + " shows each"))
        .build();
  }
}

// What an operator is told about segments left without a variant (no DOM: the variants screen
// shows it). The server's warnings: {segment, problem, liveLeads, message}; problem is
// 'no_enabled_variant' (its leads wait for one) or 'pool_all_disabled' (its leads get a variant
// outside the segment's pool).

function list(warnings) {
  return Array.isArray(warnings) ? warnings.filter((w) => w && typeof w.segment === 'string') : [];
}

/** One sentence per warning, joined; '' when there are none. */
export function gapsText(warnings) {
  return list(warnings).map((w) => {
    const n = typeof w.liveLeads === 'number' ? w.liveLeads : 0;
    if (w.problem === 'no_enabled_variant') {
      return 'Segment ' + w.segment + ' is left with no enabled variant: its new leads, and ' + n +
        ' live lead' + (n === 1 ? '' : 's') + ' of it, will wait until one is enabled.';
    }
    return 'Segment ' + w.segment + '\'s pool has no enabled variant (all disabled): its leads get a' +
      ' variant outside it.';
  }).join(' ');
}

/**
 * The kill switch's confirmation: the question, the in-flight leads it reaches, and what the
 * disable would leave (it still goes through: a variant that must stop stops).
 */
export function disableConfirmText(variantId, inFlight, warnings) {
  const n = typeof inFlight === 'number' ? inFlight : 0;
  const gaps = gapsText(warnings);
  return 'Disable variant ' + variantId + '? It will reach ' + n + ' in-flight leads.' +
    (gaps ? ' Warning: ' + gaps + ' The variant is disabled anyway if you confirm.' : '');
}

/** The variants screen's line on leads waiting for a variant; null when none waits. */
export function waitingLine(waitingForVariant) {
  const n = typeof waitingForVariant === 'number' ? waitingForVariant : 0;
  if (n <= 0) return null;
  return n + ' lead' + (n === 1 ? ' waits' : 's wait') +
    ' for a variant: ' + (n === 1 ? 'its segment has' : 'their segments have') +
    ' no enabled prompt variant. Enable one to let ' +
    (n === 1 ? 'it' : 'them') + ' go on.';
}

function count(n) {
  return typeof n === 'number' && isFinite(n) ? n : 0;
}

/**
 * What a row of the variants table is: live (it takes new leads) or not (switched off, or
 * auto-disabled in the segment), and what of its figures still moves: the leads it was sent to
 * that await an outcome count for it as they reply, whatever variant follows them up.
 */
export function stateNote(v) {
  if (!v || typeof v !== 'object') return '';
  const waiting = count(v.awaitingOutcome);
  const moving = waiting > 0
    ? waiting + ' of its leads still await an outcome and count for it as they reply or end.'
    : 'its figures no longer change.';
  if (v.enabled === false) {
    const since = typeof v.offSince === 'string'
      ? ' since ' + v.offSince.slice(0, 16).replace('T', ' ') + ' UTC' : '';
    return 'Switched off' + since + ': not live, it takes no new leads; ' + moving;
  }
  if (v.autoDisabled === true) {
    return 'Auto-disabled in this segment: not live here, it takes no new leads; ' + moving;
  }
  return 'Live: it takes new leads' + (waiting > 0
    ? '; ' + waiting + ' lead' + (waiting === 1 ? '' : 's') +
      ' await an outcome (no failures in the posterior and P(best) until they end).'
    : '.');
}

/**
 * The days the sample-ratio check reads, when the variants' traffic changed: null otherwise. Before
 * the first such day is over there is nothing to check (pValue null): it says so, rather than
 * "checked on the assignments from <tomorrow>" beside no alarm, which read as a check passed.
 */
export function srmNote(srm) {
  if (!srm || typeof srm.from !== 'string') return null;
  const why = ' (UTC), after a variant of this segment was last switched, created or reweighted.';
  if (typeof srm.pValue !== 'number') {
    return 'Sample ratio not checked yet: the check reads the assignments from ' + srm.from + why;
  }
  return 'Sample ratio checked on the assignments from ' + srm.from + why;
}

/**
 * The request of a confirmed action on a variant row: its path, and for archive and unarchive the
 * row's revision as If-Match (a strong tag), so an archive decided on what the screen showed is
 * refused (412) when the variant changed since, as an edit is. Enable and disable take none.
 */
export function variantActionRequest(action) {
  const path = '/api/variants/' + encodeURIComponent(String(action.variantId)) + '/' + action.action;
  const options = { method: 'POST' };
  const edits = action.action === 'archive' || action.action === 'unarchive';
  if (edits && Number.isInteger(action.revision) && action.revision >= 0) {
    options.headers = { 'If-Match': '"' + action.revision + '"' };
  }
  return { path: path, options: options };
}

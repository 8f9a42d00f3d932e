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

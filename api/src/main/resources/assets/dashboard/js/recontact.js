/* An enrolment refused because its number was contacted lately (409 recently_contacted: a cold
 * opener reached it within RECONTACT_AFTER and it never answered): what the operator is told, and
 * the question of the explicit "Enrol anyway", which asks again with ?recontact=true. Pure: no DOM,
 * so its tests run it in node. */

/** The refusal of an enrolment as recently contacted ({ message, earlierLeadId, retryAt }), or null. */
export function recentlyContacted(err) {
  const d = err && err.data;
  if (!err || err.status !== 409 || !d || typeof d !== 'object' || d.status !== 'recently_contacted') return null;
  return {
    message: String(d.message || err.message || 'the number was contacted recently'),
    earlierLeadId: d.earlierLeadId ? String(d.earlierLeadId) : null,
    retryAt: d.retryAt ? String(d.retryAt) : null
  };
}

/** What the confirm dialog of "Enrol anyway" asks: why it was refused, and what going on does. */
export function enrolAnywayQuestion(refusal, fmt) {
  const when = refusal.retryAt ? (typeof fmt === 'function' ? fmt(refusal.retryAt) : refusal.retryAt) : null;
  return 'Refused as recently contacted: a cold opener' +
    (refusal.earlierLeadId ? ' (lead ' + refusal.earlierLeadId + ')' : '') +
    ' reached this number lately and it never answered' +
    (when ? '; it may be contacted again from ' + when : '') + '.\n\n' +
    'Enrol it anyway? It gets another cold opener now; unanswered openers to a silent number lead to ' +
    'blocks and reports that lower the business number\'s quality rating.';
}

/** The enrol-again route of a lead; recontact=true only when asked for in so many words. */
export function enrolAgainPath(leadId, recontact) {
  return '/api/leads/' + encodeURIComponent(String(leadId)) + '/enrol-again' + (recontact === true ? '?recontact=true' : '');
}

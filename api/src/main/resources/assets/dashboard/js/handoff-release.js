/* "Give back to the agent" on a Hand-offs queue row: which rows offer it, what the request sends,
 * and how a refusal reads. Pure helpers (run in node by HandOffReleaseScriptTest); the button is in
 * handoffs.js. */

/** The longest reason the server keeps (LeadHandOffs.MAX_REASON). */
export const MAX_REASON = 200;

/**
 * Whether the row's rep may give the lead back (as the server decides it): a rep holds it, it
 * showed interest, and it is handed off or in conversation (paused from one counts: heldStage); a
 * booked meeting stays with its rep, a question or an objection needs a person.
 */
export function canRelease(r) {
  if (!r || typeof r !== 'object' || !r.ownerId || r.interestShown !== true) return false;
  const held = r.heldStage || r.stage;
  return held === 'handed_off' || held === 'in_conversation';
}

/**
 * The request's body: the rep who holds the row's lead asks (byOwnerId: a row another rep took
 * meanwhile is refused, 409 naming byOwnerId, not released in their name) and the reason, trimmed
 * (none when blank). Null when the reason is too long (said before anything is sent).
 */
export function releaseBody(r, reason) {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (text.length > MAX_REASON) return null;
  const body = { byOwnerId: String(r.ownerId) };
  if (text) body.reason = text;
  return body;
}

/**
 * What a refused release says: the server's JSON body (its message and the fields it names, e.g.
 * "leadId: stage meeting_booked"), else the error's own message; prefixed with the lead.
 */
export function releaseFailure(err, who) {
  const data = err && err.data && typeof err.data === 'object' ? err.data : null;
  let text = data && (data.message || data.error) ? String(data.message || data.error) : '';
  if (text && Array.isArray(data.errors) && data.errors.length) {
    text += ': ' + data.errors.map((e) => (e && typeof e === 'object'
      ? (e.field ? e.field + ': ' : '') + (e.message == null ? '' : String(e.message)) : String(e))).join('; ');
  }
  if (!text) text = err && err.message ? String(err.message) : String(err);
  return 'Not given back: ' + (who == null ? '' : String(who) + ': ') + text;
}

/** Whether the refusal means the row is out of date (409: it changed hands or stage): reload. */
export function staleRow(err) {
  return !!(err && err.status === 409);
}

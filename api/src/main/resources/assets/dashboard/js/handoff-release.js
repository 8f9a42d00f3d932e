/* "Give back to the agent" on a Hand-offs queue row: which rows offer it, what the request sends,
 * and how a refusal reads. Pure helpers (run in node by HandOffReleaseScriptTest); the button is in
 * handoffs.js. */

/** The longest reason the server keeps (LeadHandOffs.MAX_REASON), in code points. */
export const MAX_REASON = 200;

/** A text's length as the server's caps count it: code points (an emoji is one, not two). */
function codePoints(s) {
  return Array.from(s).length;
}

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
 * meanwhile is refused, 409 naming byOwnerId, not released in their name), the reason, trimmed
 * (none when blank), and the newest lead message the page showed (seenMessageId, from
 * seenMessage; none: the server takes the lead's newest stored message). Null when the reason is
 * too long (said before anything is sent).
 */
export function releaseBody(r, reason, seenMessageId) {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (codePoints(text) > MAX_REASON) return null;
  const body = { byOwnerId: String(r.ownerId) };
  if (text) body.reason = text;
  if (seenMessageId) body.seenMessageId = String(seenMessageId);
  return body;
}

/**
 * The messageId of the newest lead message the queue showed for row r: its last reply's, or the
 * newest lead message of its conversation (said, opened under the row, oldest first) when that is
 * newer (or as new: it was loaded after the row). Null when neither names one. A message the lead
 * wrote after the page showed it is not named: interest in it goes to a person again.
 */
export function seenMessage(r, said) {
  const last = r && r.lastReply && r.lastReply.messageId ? r.lastReply : null;
  let shown = null;
  (Array.isArray(said) ? said : []).forEach((m) => {
    if (m && m.from === 'lead' && m.messageId) shown = m;
  });
  if (!shown) return last ? String(last.messageId) : null;
  if (!last) return String(shown.messageId);
  const lastAt = Date.parse(last.at);
  const shownAt = Date.parse(shown.at);
  return isFinite(lastAt) && isFinite(shownAt) && lastAt > shownAt
    ? String(last.messageId) : String(shown.messageId);
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

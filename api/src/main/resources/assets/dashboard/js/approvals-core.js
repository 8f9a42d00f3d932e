/* The approvals card's pure parts (run in node by ApprovalsScriptTest): which held message is which,
 * what its media preview is, whether its SLA passed, what a decision sends and says, and whether a
 * refusal means its variant was switched off. The card itself is approvals.js. */

/** One held message: its lead and its idempotency key (a recomposition is another message). */
export function approvalKey(p) { return String(p.leadId) + '\u0000' + String(p.idempotencyKey); }

/**
 * The preview a held message has: 'image' (a card) or 'audio' (a voice note), fetched by its
 * SHA-256 checksum; null for none, another type, or a checksum that is not 64 hex digits.
 */
export function mediaKind(p) {
  const m = p && p.media;
  const type = String((m && m.contentType) || '');
  if (!m || !/^[0-9a-f]{64}$/.test(String(m.sha256 || ''))) return null;
  if (type.indexOf('image/') === 0) return 'image';
  if (type.indexOf('audio/') === 0) return 'audio';
  return null;
}

/** Whether the review's SLA (a Date, or null) has passed at {@code now} (ms). */
export function slaOverdue(sla, now) {
  return !!(sla && sla.getTime() < now);
}

/**
 * The decision's body: the message the reviewer saw (its idempotency key, the hold's identity: a
 * decision, or its retry, never lands on another one, e.g. the lead's next message held since) and,
 * for an edit, the text as edited.
 */
export function decisionBody(p, decision, text) {
  const body = { decision: decision, idempotencyKey: p.idempotencyKey };
  if (decision === 'edit') body.text = text;
  return body;
}

/**
 * The decision's request: its body, and the held message's revision as listed as If-Match (a strong
 * tag), so a decision taken on what the screen showed is refused (412) when another reviewer
 * decided or edited the message since, never laid over their edit. No revision listed: none sent.
 */
export function decisionRequest(p, decision, text) {
  const options = { method: 'POST', body: decisionBody(p, decision, text) };
  if (p && Number.isInteger(p.revision) && p.revision >= 1) {
    options.headers = { 'If-Match': '"' + p.revision + '"' };
  }
  return options;
}

/** A 412: the held message was decided or edited by another reviewer since it was listed. */
export function staleDecision(err) {
  return !!(err && err.status === 412);
}

/**
 * A 409 saying the message the decision named is no longer the one waiting (decided, e.g. by this
 * reviewer's own earlier click whose answer was lost, and the lead's next message held since), or,
 * for a send of unknown fate, that no hold of it is listed any more (hold_not_listed: resent and
 * being held again): nothing was decided by this request; the list is loaded again.
 */
export function supersededHold(err) {
  return !!(err && err.status === 409 && err.data &&
    (err.data.reason === 'hold_superseded' || err.data.reason === 'hold_required' ||
      err.data.reason === 'hold_not_listed'));
}

/** What the toast says once the decision was taken. */
export function decidedText(decision, leadId) {
  return (decision === 'approve' ? 'Approved' : decision === 'edit' ? 'Edited and approved' : 'Rejected') +
    ' message for lead ' + leadId + '.';
}

/** A 409 saying the message's variant was switched off: not sent, composed again on another. */
export function switchedOff(err) {
  return !!(err && err.status === 409 && err.data && err.data.reason === 'variant_switched_off');
}

/* Messages the quality gate held: approve, send an edited text, or reject. A list being edited
 * is not re-rendered under the operator's cursor (the refresh waits until focus leaves it). */
import { $, h, clear, str, toDate, fmtDateTime, leadLink, toast, reportError } from './util.js';
import { api, apiObjectUrl } from './api.js';
import { session, overviewVisible } from './state.js';
import { loadLeads } from './leads.js';
import { approvalKey, mediaKind, slaOverdue, decisionRequest, decidedText, switchedOff, staleDecision, supersededHold } from './approvals-core.js';

const approvals = { seq: 0, deferred: false, rendered: -1 };

/** How many pending approvals the list shows (-1 before the first load). */
export function pendingRendered() { return approvals.rendered; }

function editingApproval() {
  const a = document.activeElement;
  return !!(a && a.tagName === 'TEXTAREA' && $('approvals-list').contains(a));
}

export function loadApprovals() {
  if (!session.running) return Promise.resolve();
  if (editingApproval()) { approvals.deferred = true; return Promise.resolve(); }
  const mine = ++approvals.seq;
  return api('/api/approvals').then((d) => {
    if (mine !== approvals.seq || !d) return;
    if (editingApproval()) { approvals.deferred = true; return; }
    renderApprovals(Array.isArray(d.pending) ? d.pending : []);
  }).catch(reportError);
}

/** Object URLs of the held messages' image cards, by checksum: fetched once while listed. */
const previews = new Map();

/** The image card or voice note the lead would get with this message, if it has one. */
function preview(p) {
  const kind = mediaKind(p);
  if (!kind) return null;
  const m = p.media;
  const box = h('div', { class: 'approval-media', 'data-sha256': m.sha256 });
  if (!previews.has(m.sha256)) {
    previews.set(m.sha256, apiObjectUrl('/api/leads/' + encodeURIComponent(p.leadId) + '/media/' + m.sha256));
  }
  previews.get(m.sha256).then((url) => {
    box.appendChild(kind === 'audio'
      ? h('audio', { class: 'media-audio', controls: true, preload: 'metadata', src: url, title: 'Voice note sent as this message (' + str(m.madeBy) + ')' })
      : h('img', { class: 'media-image', alt: 'Image card sent with this message', src: url }));
  }, (e) => { box.appendChild(h('p', { class: 'warn', text: 'card not available (' + str(e.message) + ')' })); });
  return box;
}

/** Revokes the cards of messages no longer listed. */
function releasePreviews(pending) {
  const listed = new Set(pending.map((p) => (p.media ? String(p.media.sha256) : '')));
  previews.forEach((u, sha) => {
    if (!listed.has(sha)) { u.then((url) => URL.revokeObjectURL(url), () => {}); previews.delete(sha); }
  });
}

function renderApprovals(pending) {
  const list = $('approvals-list');
  const drafts = {};
  list.querySelectorAll('textarea[data-dirty]').forEach((t) => {
    drafts[t.getAttribute('data-key')] = t.value;
  });
  clear(list);
  pending.forEach((p) => {
    const key = approvalKey(p);
    const ta = h('textarea', { rows: 4, 'data-key': key, 'aria-label': 'Message text' });
    ta.value = p.text == null ? '' : String(p.text);
    if (Object.prototype.hasOwnProperty.call(drafts, key)) { ta.value = drafts[key]; ta.setAttribute('data-dirty', ''); }
    ta.addEventListener('input', () => { ta.setAttribute('data-dirty', ''); });
    // An approved WhatsApp template goes as approved: approve or reject it, no edit to offer.
    const editable = p.editable !== false;
    if (!editable) ta.readOnly = true;
    const sla = toDate(p.slaAt);
    const li = h('li', { 'data-approval': p.leadId, class: 'approval' }, [
      h('div', { class: 'approval-head' }, [
        leadLink(p.leadId),
        h('span', { class: 'mono muted', text: str(p.variantId) }),
        h('span', { class: 'pill', text: str(p.purpose) }),
        h('span', { class: 'sla' + (slaOverdue(sla, Date.now()) ? ' overdue' : ''), text: 'SLA ' + fmtDateTime(p.slaAt) })
      ]),
      p.variantSwitchedOff === true
        ? h('p', { class: 'muted switched-off', text: 'Variant ' + str(p.variantId) + ' was switched off after this message was held: its text will not go out; a decision composes the lead\'s message again on another variant.' })
        : null,
      h('code', { class: 'gate', text: p.gate == null ? 'gate: –' : 'gate: ' + JSON.stringify(p.gate) }),
      preview(p),
      ta,
      h('div', { class: 'approval-actions' }, [
        h('button', { type: 'button', class: 'approve', text: 'Approve' }),
        editable
          ? h('button', { type: 'button', class: 'edit secondary', text: 'Send edited' })
          : h('span', { class: 'muted', text: 'A WhatsApp template: approve or reject it (its wording is the variant\'s, in prompt_variants).' }),
        h('button', { type: 'button', class: 'reject danger', text: 'Reject' })
      ])
    ]);
    li.querySelector('.approve').addEventListener('click', () => { decide(p, 'approve', li, ta); });
    if (editable) li.querySelector('.edit').addEventListener('click', () => { decide(p, 'edit', li, ta); });
    li.querySelector('.reject').addEventListener('click', () => { decide(p, 'reject', li, ta); });
    list.appendChild(li);
  });
  releasePreviews(pending);
  approvals.rendered = pending.length;
  $('pending-count').textContent = String(pending.length);
  $('approvals-empty').hidden = pending.length > 0;
}

function decide(p, decision, li, ta) {
  // The message the reviewer saw (a decision never lands on another one, e.g. its recomposition),
  // at the revision listed: another reviewer's decision or edit since is a 412, not overwritten.
  const request = decisionRequest(p, decision, ta.value);
  const buttons = li.querySelectorAll('button');
  buttons.forEach((b) => { b.disabled = true; });
  api('/api/leads/' + encodeURIComponent(String(p.leadId)) + '/approval', request)
    .then(() => {
      toast(decidedText(decision, p.leadId), false);
      if (li.parentNode) li.parentNode.removeChild(li);
      loadApprovals();
      if (overviewVisible()) loadLeads();
    })
    .catch((err) => {
      if (switchedOff(err)) {
        // Not sent: its variant was switched off. The message is released and composed again.
        toast(err.message, true);
        if (li.parentNode) li.parentNode.removeChild(li);
        loadApprovals();
        if (overviewVisible()) loadLeads();
        return;
      }
      if (supersededHold(err)) {
        // The message it named is not the one waiting any more (decided: a retried click whose
        // first answer was lost, and the lead's next message held since): nothing decided now;
        // the list is loaded again to show the one waiting.
        toast(err.message, true);
        if (li.parentNode) li.parentNode.removeChild(li);
        loadApprovals();
        return;
      }
      if (staleDecision(err)) {
        // Another reviewer decided or edited it since it was listed: their decision stands; the
        // list is loaded again to show it (this reviewer's text is not sent).
        toast(err.message, true);
        loadApprovals();
        return;
      }
      buttons.forEach((b) => { b.disabled = false; });
      reportError(err);
    });
}

export function bindApprovals() {
  $('approvals-list').addEventListener('focusout', (e) => {
    if (!approvals.deferred) return;
    if (e.relatedTarget && $('approvals-list').contains(e.relatedTarget)) return;
    approvals.deferred = false;
    setTimeout(loadApprovals, 0);
  });
}

/* The Hand-offs queue: interested leads, the sales rep who holds each, the SLA clock, the
 * conversation so far (opened under the row), and a Take button (the rep takes the lead: the SLA is
 * met). Unassigned leads come first. */
import { $, h, clear, str, fmtDateTime, leadLink, toast, reportError } from './util.js';
import { api } from './api.js';
import { session } from './state.js';
import { repStatus, repLoad, takesLeadsNow } from './reps.js';
import { MAX_REASON, canRelease, releaseBody, releaseFailure, seenMessage, staleRow } from './handoff-release.js';

const handoffs = { seq: 0 };

export function loadHandOffs() {
  if (!session.running) return Promise.resolve();
  const mine = ++handoffs.seq;
  return Promise.all([api('/api/handoffs'), api('/api/handoffs/after-end'), api('/api/owners')]).then(([d, after, reps]) => {
    if (mine !== handoffs.seq) return;
    if (d) renderHandOffs(d);
    if (after) renderAfterEnd(after);
    if (reps) renderReps(reps);
  }).catch(reportError);
}

/** The sales reps: load against capacity, at work or away, their segments. */
function renderReps(d) {
  const rows = Array.isArray(d.owners) ? d.owners : [];
  const body = clear($('reps-table').querySelector('tbody'));
  $('reps-count').textContent = String(rows.filter(takesLeadsNow).length) + ' / ' + String(rows.length);
  $('reps-empty').hidden = rows.length > 0;
  rows.forEach((o) => {
    const load = repLoad(o);
    body.appendChild(h('tr', { 'data-owner': str(o.ownerId) }, [
      h('td', { text: str(o.name) + ' (' + str(o.ownerId) + ')' }),
      h('td', { class: load.full ? 'failed' : null, text: load.text + (load.full ? ' full' : '') }),
      h('td', { class: 'rep-status', text: repStatus(o) }),
      h('td', { class: 'small', text: Array.isArray(o.segments) && o.segments.length ? o.segments.join(', ') : 'every segment' })
    ]));
  });
}

/* Names the lead message the row showed: when the lead wrote again since, the server keeps the row
 * (409 naming seenMessageId) and the list is loaded again to show the new message. */
function dismiss(row, button) {
  button.disabled = true;
  const seen = row.messageId ? '?seenMessageId=' + encodeURIComponent(String(row.messageId)) : '';
  api('/api/handoffs/after-end/' + encodeURIComponent(String(row.leadId)) + seen, { method: 'DELETE' })
    .then(() => { toast('Dismissed: ' + str(row.name || row.leadId)); setTimeout(loadHandOffs, 300); })
    .catch((e) => {
      button.disabled = false;
      const wroteAgain = e && e.status === 409 && e.data && Array.isArray(e.data.errors) &&
        e.data.errors.some((x) => x && x.field === 'seenMessageId');
      if (!wroteAgain) { reportError(e); return; }
      toast('Not dismissed: ' + str(row.name || row.leadId) + ' wrote again since; read the new message', true);
      loadHandOffs();
    });
}

/** Leads that wrote after their run ended: nobody holds them, so they wait here for a person. */
function renderAfterEnd(d) {
  const rows = Array.isArray(d.leads) ? d.leads : [];
  const body = clear($('after-end-table').querySelector('tbody'));
  $('after-end-count').textContent = String(d.total == null ? rows.length : d.total);
  $('after-end-empty').hidden = rows.length > 0;
  rows.forEach((r) => {
    const button = h('button', { type: 'button', class: 'secondary small', 'data-dismiss': str(r.leadId), text: 'Dismiss' });
    button.addEventListener('click', () => dismiss(r, button));
    body.appendChild(h('tr', { 'data-lead': str(r.leadId) }, [
      h('td', null, leadLink(r.leadId, r.name || r.leadId)),
      h('td', { text: str(r.company) }),
      h('td', null, [
        h('span', { class: 'pill status-' + String(r.stage).replace(/[^a-z_]/gi, ''), text: str(r.stage) }),
        r.doNotContact ? h('span', { class: 'pill status-opted_out', title: 'The number asked not to be contacted: nothing can be sent.', text: 'do not contact' }) : null
      ]),
      h('td', { class: 'mono', text: r.ownerId ? r.ownerId : '–' }),
      h('td', { text: r.wroteAt ? fmtDateTime(r.wroteAt) : '–' }),
      h('td', { class: 'last-reply' }, [
        lastReplyCell(r, false),
        // A person's answer is queued but has not gone yet: say who, so nobody answers twice.
        r.answeredBy ? h('p', { class: 'small answered-by', text: 'answered by ' + str(r.answeredBy) +
          (r.answeredAt ? ' at ' + fmtDateTime(r.answeredAt) : '') + ', not sent yet' }) : null,
        // A person's answer went, then Meta reported it failed: the lead still waits for one.
        r.answerFailed ? h('p', { class: 'small failed answer-failed', text: 'answer by ' + str(r.answerFailed.by || 'a person') +
          ' failed' + (r.answerFailed.at ? ' at ' + fmtDateTime(r.answerFailed.at) : '') +
          (r.answerFailed.reason ? ' (' + str(r.answerFailed.reason) + ')' : '') }) : null,
        // The number has a live lead now (another campaign): a person writes to it there.
        r.liveLeadOfNumber ? h('p', { class: 'small live-lead-of-number' }, [
          'the number\'s conversation is ', leadLink(r.liveLeadOfNumber, r.liveLeadOfNumber), ' now: write from its page'
        ]) : null
      ].filter(Boolean)),
      h('td', null, button)
    ]));
  });
}

/** "in 1 h 20 min" or "overdue 10 min" from now to the deadline. */
export function slaClock(dueAt, now) {
  if (!dueAt) return '–';
  const due = new Date(dueAt).getTime();
  if (!isFinite(due)) return '–';
  const ms = due - (now == null ? Date.now() : now);
  const mins = Math.round(Math.abs(ms) / 60000);
  const text = mins >= 60 ? Math.floor(mins / 60) + ' h ' + (mins % 60) + ' min' : mins + ' min';
  return ms < 0 ? 'overdue ' + text : 'in ' + text;
}

function take(row, button) {
  button.disabled = true;
  const body = row.ownerId ? { ownerId: row.ownerId } : {};
  api('/api/leads/' + encodeURIComponent(String(row.leadId)) + '/handoff/accept', { method: 'POST', body: body })
    .then(() => { toast('Taken: ' + str(row.name || row.leadId)); setTimeout(loadHandOffs, 500); })
    .catch((e) => { button.disabled = false; reportError(e); });
}

/* Gives the row's lead back to the agent (POST .../handoff/release, as its rep: byOwnerId), asking
 * why first and naming the newest lead message the page showed (seenMessageId: the row's last
 * reply, or its conversation's newest); a refusal (409: it changed hands or stage; 422: a field)
 * says the server's words, and a 409 loads the queue again. Released, the lead leaves the queue
 * (it waits for nobody). */
function release(row, button) {
  const who = str(row.name || row.leadId);
  const reason = window.prompt('Give ' + who + ' back to the agent? Why (optional, at most ' + MAX_REASON + ' characters):', '');
  if (reason === null) return;
  const body = releaseBody(row, reason, seenMessage(row, shownConversations.get(String(row.leadId))));
  if (!body) { toast('Not given back: ' + who + ': the reason is at most ' + MAX_REASON + ' characters', true); return; }
  button.disabled = true;
  api('/api/leads/' + encodeURIComponent(String(row.leadId)) + '/handoff/release', { method: 'POST', body: body })
    .then(() => { toast('Given back to the agent: ' + who); loadHandOffs(); })
    .catch((e) => {
      button.disabled = false;
      if (e && e.status === 401) return; // back to login
      toast(releaseFailure(e, who), true);
      if (staleRow(e)) loadHandOffs();
    });
}

/** Leads whose conversation is open: a refresh of the queue opens them again, up to date. */
const openConversations = new Set();

/** The messages each lead's conversation showed last (a release names the newest lead message). */
const shownConversations = new Map();

/** The conversation so far, in a row under the lead's (opened and closed by its button). */
function toggleConversation(row, tr, button) {
  const next = tr.nextElementSibling;
  if (next && next.classList.contains('handoff-conversation')) {
    next.remove();
    openConversations.delete(String(row.leadId));
    button.textContent = 'Conversation';
    return;
  }
  openConversations.add(String(row.leadId));
  showConversation(row, tr, button);
}

function showConversation(row, tr, button) {
  button.disabled = true;
  api('/api/handoffs/' + encodeURIComponent(String(row.leadId)) + '/conversation').then((d) => {
    button.disabled = false;
    if (!tr.isConnected || !openConversations.has(String(row.leadId))) return;
    const said = d && Array.isArray(d.messages) ? d.messages : [];
    shownConversations.set(String(row.leadId), said);
    const list = h('ol', { class: 'conversation' }, said.map((m) => h('li', { class: 'said-' + String(m.from).replace(/[^a-z]/g, '') }, [
      h('span', { class: 'meta', text: (m.from === 'person' ? str(m.by || 'a person') : str(m.from)) + ' · ' + (m.at ? fmtDateTime(m.at) : '–') + ': ' }),
      h('span', { class: 'text', text: str(m.text) }),
      m.status === 'failed' ? h('span', { class: 'failed', text: ' · not delivered' + (m.failure ? ' (' + str(m.failure) + ')' : '') }) : null
    ].filter(Boolean))));
    const cell = h('td', { colspan: 8 }, said.length ? list : h('span', { class: 'muted', text: 'Nothing said yet.' }));
    tr.after(h('tr', { class: 'handoff-conversation', 'data-conversation': str(row.leadId) }, cell));
    button.textContent = 'Hide';
  }).catch((e) => { button.disabled = false; reportError(e); });
}

/** How a reply's triage reads to a rep. */
const INTENTS = { interested: 'interested', objection: 'objection', other: 'question / other', needs_review: 'to review', not_now: 'not now' };

/** Why the lead is here: its latest reply (intent, objection, its words) and a draft waiting. */
export function lastReplyCell(r, acted) {
  const last = r.lastReply;
  if (!last) return h('span', { class: 'muted', text: '–' });
  const intent = INTENTS[last.intent] || str(last.intent || 'reply');
  return h('span', null, [
    h('span', { class: 'pill intent-' + String(last.intent || '').replace(/[^a-z_]/gi, ''), text: intent + (last.objection ? ': ' + str(last.objection) : '') }),
    ' ',
    h('span', { class: 'muted small', text: '“' + str(last.text) + '”' }),
    // Acted on, then the lead wrote again: its message waits for an answer (the draft too, if any).
    acted && r.waitsForAnswer ? h('span', { class: 'small warn', text: ' · wrote since a person last acted: waits for an answer' }) : null,
    r.draftWaiting && (!acted || r.waitsForAnswer) ? h('span', { class: 'small', text: ' · draft answer ready on the lead page' }) : null
  ].filter(Boolean));
}

function renderHandOffs(d) {
  const rows = Array.isArray(d.handoffs) ? d.handoffs : [];
  const body = clear($('handoffs-table').querySelector('tbody'));
  // Snoozed leads are off the queue until their time or until the lead writes: counted, not lost.
  $('handoffs-count').textContent = String(d.total == null ? rows.length : d.total) +
    (d.snoozed > 0 ? ' (+' + d.snoozed + ' snoozed)' : '');
  $('handoffs-empty').hidden = rows.length > 0;
  rows.forEach((r) => {
    // A person has acted (taken it, written, booked a meeting): the SLA is met, nothing to take.
    const acted = r.acted != null ? !!r.acted : r.stage === 'in_conversation';
    const button = h('button', { type: 'button', class: 'secondary small', 'data-take': str(r.leadId), text: 'Take' });
    button.addEventListener('click', () => take(r, button));
    // Its rep may give an interested lead that is not ready back to the agent, from the queue too.
    const giveBack = canRelease(r)
      ? h('button', { type: 'button', class: 'secondary small', 'data-release': str(r.leadId), text: 'Give back to the agent',
        title: 'Nobody holds the lead: the agent re-engages it; when it writes with interest again, a rep gets it' })
      : null;
    if (giveBack) giveBack.addEventListener('click', () => release(r, giveBack));
    const talk = h('button', { type: 'button', class: 'secondary small', 'data-conversation-of': str(r.leadId), text: 'Conversation' });
    const tr = h('tr', { 'data-lead': str(r.leadId), class: r.overdue ? 'overdue' : null }, [
      h('td', null, [leadLink(r.leadId, r.name || r.leadId), ' ', talk]),
      h('td', { text: str(r.company) }),
      // A paused lead stays its rep's: marked, with when the run paused.
      h('td', null, [h('span', { class: 'pill status-' + String(r.stage).replace(/[^a-z_]/gi, ''), text: str(r.stage) }),
        r.paused && r.pausedAt ? h('span', { class: 'meta', text: ' since ' + fmtDateTime(r.pausedAt) }) : null]),
      h('td', { class: 'mono', text: r.ownerId ? r.ownerId : 'unassigned' }),
      // A rep's answer that did not reach the lead (Meta failed it) met nothing: the lead waits.
      r.answerFailed ? h('td', { class: 'warn', text: 'answer by ' + str(r.answerFailed.by || 'a person') + ' not delivered' +
          (r.answerFailed.reason ? ' (' + str(r.answerFailed.reason) + ')' : '') })
        : h('td', { class: r.overdue ? 'warn' : null, text: acted ? 'met' : slaClock(r.dueAt) }),
      h('td', { class: 'last-reply' }, lastReplyCell(r, acted)),
      h('td', { text: r.remindedAt ? fmtDateTime(r.remindedAt) : '–' }),
      h('td', null, [acted && r.answerFailed ? leadLink(r.leadId, 'write again')
        : acted ? h('span', { class: 'muted', text: 'taken' })
        : r.paused ? h('span', { class: 'muted', text: 'paused: take it once resumed' }) : button,
      giveBack ? ' ' : null, giveBack].filter(Boolean))
    ]);
    talk.addEventListener('click', () => toggleConversation(r, tr, talk));
    body.appendChild(tr);
    if (openConversations.has(String(r.leadId))) showConversation(r, tr, talk);
  });
}

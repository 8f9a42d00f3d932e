/* One lead's page (#/lead/<id>): profile, persona, workflow state, research, the messages table
 * and the message texts, replies, the timeline, and the Temporal Web UI link. Polled every 2 s while open. */
import { $, h, clear, str, isNum, toDate, fmtDateTime, isHttpUrl, toast, reportError } from './util.js';
import { api, apiObjectUrl } from './api.js';
import { outcomeControls, againControls, handOffControls } from './lead-actions.js';
import { renderConversation, resetConversation } from './lead-conversation.js';
import { session } from './state.js';
import { mediaNotSentLines } from './media-notes.js';
import { returningLine } from './returning.js';
import { nextActionText } from './next-action.js';

const POLL_MS = 2000;

const lead = { id: null, seq: 0, timer: null, lastJson: null };

/** Object URLs of the open lead's media, by checksum: fetched once, revoked when the page closes. */
const mediaUrls = new Map();

function releaseMedia() {
  mediaUrls.forEach((p) => { p.then((u) => URL.revokeObjectURL(u), () => {}); });
  mediaUrls.clear();
}

/** A reply's image (shown), voice note or audio (a player), other media (a link), or its status. */
function mediaItem(leadId, m) {
  if (!m || typeof m !== 'object') return null;
  const kind = str(m.voice ? 'voice note' : m.kind);
  if (m.status !== 'stored' || !/^[0-9a-f]{64}$/.test(String(m.sha256 || ''))) {
    const why = m.status === 'pending' ? 'downloading…' : str(m.status) + (m.reason ? ': ' + str(m.reason) : '');
    return h('p', { class: 'meta media-status', text: kind + ' ' + why });
  }
  const box = h('div', { class: 'media', 'data-sha256': m.sha256 }, [
    h('p', { class: 'meta', text: kind + ' · ' + str(m.contentType) + ' · ' + str(m.size) + ' bytes' })
  ]);
  const path = '/api/leads/' + encodeURIComponent(leadId) + '/media/' + m.sha256;
  if (!mediaUrls.has(m.sha256)) mediaUrls.set(m.sha256, apiObjectUrl(path));
  mediaUrls.get(m.sha256).then((url) => {
    const type = String(m.contentType || '');
    let el;
    if (type.indexOf('image/') === 0) el = h('img', { class: 'media-image', alt: kind + ' from the lead', src: url });
    else if (type.indexOf('audio/') === 0) el = h('audio', { class: 'media-audio', controls: true, preload: 'metadata', src: url });
    else el = h('a', { href: url, download: m.sha256, text: 'Download ' + kind });
    box.appendChild(el);
  }, (e) => { box.appendChild(h('p', { class: 'warn', text: 'media not available (' + str(e.message) + ')' })); });
  return box;
}

export function stopLeadPolling() {
  releaseMedia();
  clearTimeout(lead.timer);
  lead.timer = null;
  lead.id = null;
  lead.seq++;
}

export function openLead(id) {
  if (lead.id === id) return;
  stopLeadPolling();
  lead.id = id;
  lead.lastJson = null;
  resetConversation();
  ['lead-profile', 'lead-persona', 'lead-state', 'lead-research', 'lead-messages', 'lead-replies', 'lead-timeline', 'lead-links']
    .forEach((x) => { clear($(x)); });
  clear(messagesBody());
  $('lead-title').textContent = id;
  $('lead-error').textContent = 'Loading…';
  window.scrollTo(0, 0);
  fetchLead();
}

function fetchLead() {
  const id = lead.id;
  if (!session.running || id == null) return;
  const mine = ++lead.seq;
  api('/api/leads/' + encodeURIComponent(id)).then((d) => {
    if (mine !== lead.seq) return;
    $('lead-error').textContent = '';
    const json = JSON.stringify(d);
    if (json !== lead.lastJson) { lead.lastJson = json; renderLead(d || {}); }
    scheduleLead(mine);
  }).catch((err) => {
    if (mine !== lead.seq || err.status === 401) return;
    $('lead-error').textContent = err.status === 404 ? 'Lead not found.' : 'Could not load lead: ' + err.message;
    if (err.status !== 404) scheduleLead(mine);
  });
}

function scheduleLead(mine) {
  lead.timer = setTimeout(() => { if (mine === lead.seq) fetchLead(); }, POLL_MS);
}

/** Renders any value as text; plain objects become nested definition lists. */
function valueNode(key, v, depth) {
  if (v == null || v === '') return document.createTextNode('–');
  if (Array.isArray(v)) {
    const simple = v.every((x) => x == null || typeof x !== 'object');
    return document.createTextNode(v.map((x) => (simple ? str(x) : JSON.stringify(x))).join(', ') || '–');
  }
  if (typeof v === 'object') return depth < 3 ? kvList(v, depth + 1) : document.createTextNode(JSON.stringify(v));
  if (/(At|Time|_at|time|Before|After|Until)$/.test(key) && (typeof v === 'string' || v > 1e9) && toDate(v)) {
    return document.createTextNode(fmtDateTime(v));
  }
  return document.createTextNode(String(v));
}

function kvList(obj, depth, keys) {
  const dl = h('dl', { class: 'kv' });
  (keys || Object.keys(obj)).forEach((k) => {
    dl.appendChild(h('dt', { text: k }));
    dl.appendChild(h('dd', null, valueNode(k, obj[k], depth || 0)));
  });
  if (!dl.children.length) dl.appendChild(h('dd', { class: 'muted', text: '(empty)' }));
  return dl;
}

/** Why the lead is in its segment, in one line. */
function segmentWhy(why) {
  if (!why || !why.segment) return 'Segment: –';
  if (!why.operatorSegment) {
    return 'Segment ' + why.segment + ': no operator segment matches; company-size band from "' +
      str(why.matched && why.matched.companySize) + '"';
  }
  const parts = Object.entries(why.matched || {}).map(([facet, v]) =>
    facet + ' = ' + (Array.isArray(v) ? (v.length ? v.join(', ') : 'none') : str(v)));
  return 'Segment ' + why.segment + ': its query matched on ' + (parts.length ? parts.join('; ') : 'nothing (empty query)');
}

/** The persona as attributes with their source, the evidence quoted, and when; the raw document folded. */
function renderPersona(box, persona, why) {
  if (!persona || typeof persona !== 'object') {
    box.appendChild(h('p', { class: 'muted', text: 'No persona yet.' }));
    return;
  }
  box.appendChild(h('p', { class: 'persona-segment', text: segmentWhy(why && why.segment) }));
  const rows = (why && Array.isArray(why.attributes)) ? why.attributes : [];
  const tbody = h('tbody');
  rows.forEach((a) => {
    const source = str(a.source) + (a.evidence && a.source === 'enrolment' ? ' · ' + a.evidence : '');
    tbody.appendChild(h('tr', { 'data-attribute': a.attribute, title: 'since ' + fmtDateTime(a.at) }, [
      h('td', { text: str(a.attribute) }),
      h('td', { class: 'persona-value', text: str(a.value) }),
      h('td', { class: 'persona-evidence-cell' }, [
        h('span', { class: 'muted', text: source }),
        a.quote ? h('q', { class: 'persona-quote', text: a.quote }) : null
      ].filter(Boolean))
    ]));
  });
  if (!rows.length) tbody.appendChild(h('tr', null, h('td', { colspan: 3, class: 'muted', text: 'No attributes yet.' })));
  box.appendChild(h('div', { class: 'table-wrap' }, h('table', { class: 'persona-evidence' }, [
    h('thead', null, h('tr', null, ['Attribute', 'Value', 'Source and evidence'].map((t) => h('th', { text: t })))),
    tbody
  ])));
  const raw = h('details', null, [h('summary', { text: 'All fields' })]);
  raw.appendChild(kvList(persona, 0));
  box.appendChild(raw);
}

function emptyNote(text) { return h('li', { class: 'muted', text: text }); }

/**
 * The lead's timeline in the order the API gives it (what happened, in order): when, what, and its
 * detail (who acted, the message's key, Meta's error).
 */
function renderTimeline(box, events) {
  events.filter((e) => e != null && typeof e === 'object').forEach((e) => {
    box.appendChild(h('li', { class: 'item timeline-event', 'data-type': str(e.type), 'data-wamid': e.wamid }, [
      h('span', { class: 'meta nowrap', text: fmtDateTime(e.ts) + ' · ' }),
      h('span', { class: 'timeline-type', text: str(e.type) + (e.type === 'outcome' && e.stage ? ' ' + String(e.stage).replace(/_/g, ' ') : '') }),
      e.detail != null && e.detail !== '' ? h('span', { class: 'muted', text: ' · ' + String(e.detail) }) : null
    ].filter(Boolean)));
  });
  if (!box.children.length) box.appendChild(emptyNote('No events yet.'));
}

function renderLead(d) {
  const l = d.lead || {};
  $('lead-title').textContent = l.name ? l.name + (l.company ? ' · ' + l.company : '') : str(l.leadId || lead.id);

  // The next action in words; its code stays in the API's JSON.
  const shown = Object.assign({}, l, { nextAction: l.nextAction == null ? l.nextAction : nextActionText(l.nextAction) });
  clear($('lead-profile')).appendChild(kvList(shown, 0,
    ['name', 'company', 'phone', 'segment', 'stage', 'ownerId', 'meeting', 'nextAction', 'nextActionAt', 'campaignId', 'variantId']));
  // A number we know (an earlier lead of it converted or replied): said, not left to the variant id.
  const returning = returningLine(l);
  if (returning) $('lead-profile').appendChild(h('p', { id: 'lead-returning', class: 'meta', text: returning }));
  // A number that said stop gets no sales draft: why, and how it may opt back in.
  if (l.noDraftBecause) $('lead-profile').appendChild(h('p', { id: 'lead-no-draft', class: 'meta', text: 'No agent draft: ' + str(l.noDraftBecause) }));
  renderConversation(l, Array.isArray(d.feedback) ? d.feedback : [], page);
  // The draft still held, else the newest (a burst's older composition may finish last).
  const drafts = Array.isArray(d.drafts) ? d.drafts.filter((x) => x && typeof x === 'object') : [];
  renderDraft(drafts.find((x) => x.status === 'held') || drafts[0] || null);

  renderPersona(clear($('lead-persona')), d.persona, d.personaWhy);

  const research = clear($('lead-research'));
  (Array.isArray(d.research) ? d.research : []).forEach((r) => {
    research.appendChild(h('li', { class: 'item' }, [
      h('p', { class: 'text', text: str(r.text) }),
      h('p', { class: 'meta', text: 'source: ' + str(r.source) + ' · score: ' + (isNum(r.score) ? r.score.toFixed(2) : str(r.score)) })
    ]));
  });
  if (!research.children.length) research.appendChild(emptyNote('No research chunks used.'));

  renderMessagesTable(messageRows(d));

  const messages = clear($('lead-messages'));
  // In the order they went (a person's message has no composedAt: the API lists it first).
  const wentAt = (m) => { const t = toDate(sentAt(m) || m.composedAt || m.createdAt); return t ? t.getTime() : Number.MAX_SAFE_INTEGER; };
  (Array.isArray(d.messages) ? d.messages.slice() : []).sort((a, b) => wentAt(a) - wentAt(b))
    .forEach((m) => { messages.appendChild(messageItem(m)); });
  if (!messages.children.length) messages.appendChild(emptyNote('No messages yet.'));

  const replies = clear($('lead-replies'));
  const fb = Array.isArray(d.feedback) ? d.feedback : (Array.isArray(d.replies) ? d.replies : []);
  fb.forEach((r) => {
    replies.appendChild(h('li', { class: 'item' + (r.intent === 'needs_review' ? ' needs-review' : '') }, [
      r.text == null && r.media ? null : h('blockquote', { class: 'text', text: r.type === 'reaction' && !r.text ? '(reaction removed)' : str(r.text) }),
      mediaItem(d.lead && d.lead.leadId ? d.lead.leadId : lead.id, r.media),
      kvList(r, 0, ['intent', 'objection', 'sentiment', 'keywords', 'notBefore', 'classifier']
        .concat(['at', 'receivedAt'].filter((k) => r[k] != null)))
    ]));
  });
  if (!replies.children.length) replies.appendChild(emptyNote('No replies yet.'));

  renderTimeline(clear($('lead-timeline')), Array.isArray(d.interactions) ? d.interactions : []);

  const st = clear($('lead-state'));
  if (d.workflowId) st.appendChild(h('p', { class: 'meta mono', text: 'workflow ' + d.workflowId }));
  const wf = d.workflow;
  if (wf && typeof wf === 'object' && wf.unavailable != null && wf.unavailable !== false) {
    st.appendChild(h('p', { class: 'warn', text: 'workflow not reachable' +
      (typeof wf.unavailable === 'string' ? ' (' + wf.unavailable + ')' : '') }));
  } else if (wf && typeof wf === 'object') {
    st.appendChild(kvList(workflowSummary(wf), 0));
  } else {
    st.appendChild(h('p', { class: 'muted', text: 'No workflow state.' }));
  }

  // Rebuilt only when it changes: the poll must not wipe a reason being typed.
  const key = JSON.stringify([l.outcome || null, d.temporalUi || null, l.stage || null,
    l.previousLeadId || null, l.enrolledAgainAs || null, l.ownerId || null, l.repSnooze || null, !!l.repSnoozed]);
  if ($('lead-links').dataset.key === key && $('lead-links').children.length) return;
  const links = clear($('lead-links'));
  links.dataset.key = key;
  links.appendChild(outcomeControls(l, lead.id, fetchLead));
  const again = againControls(l, lead.id, ENDED);
  if (again) links.appendChild(again);
  const handOff = handOffControls(l, lead.id, fetchLead);
  if (handOff) links.appendChild(handOff);
  if (isHttpUrl(d.temporalUi)) {
    const a = h('a', { id: 'temporal-link', target: '_blank', rel: 'noopener noreferrer', text: 'Open in Temporal Web UI ↗' });
    a.href = d.temporalUi;
    links.appendChild(a);
  }
}

const ENDED = ['replied', 'converted', 'lost', 'opted_out', 'no_response', 'failed', 'stopped'];

/** What the conversation box needs of the page: the open lead, a refresh, the ended stages. */
const page = { id: () => lead.id, refresh: () => fetchLead(), ended: ENDED };

/**
 * The agent's draft answer to the latest reply (from the knowledge base, held for a person): the
 * entries it cites with their similarity (and, outside English, the words the reply shares with
 * each), and Use this draft (it fills the box; a person sends it).
 */
function renderDraft(draft) {
  const box = $('conversation-draft');
  const key = draft ? String(draft._id) + ':' + str(draft.status) : '';
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  clear(box);
  box.hidden = !draft;
  if (!draft) { delete $('conversation-text').dataset.draftId; return; }
  // Only a held draft is offered: a person answered, or the lead ended, since it was made (or it
  // was sent); the server refuses it then (409 naming draftId).
  if (draft.status !== 'held') {
    delete $('conversation-text').dataset.draftId;
    const why = draft.supersededBy && typeof draft.supersededBy === 'object' ? draft.supersededBy : null;
    box.appendChild(h('p', { id: 'draft-superseded', class: 'meta', text: draft.status === 'superseded'
      ? 'Agent draft superseded: ' + str(why && why.why) + (why && why.by ? ' (' + str(why.by) + ')' : '') + '.'
      : draft.status === 'withheld'
        ? 'No agent draft: ' + str(draft.why) + '.'
        : 'Agent draft ' + str(draft.status).replace(/_/g, ' ') + '.' }));
    return;
  }
  const cites = (Array.isArray(draft.citations) ? draft.citations : [])
    .map((c) => str(c.entryId) + ' (' + (isNum(c.score) ? c.score.toFixed(2) : str(c.score)) +
      // Outside English the score rests on the words the reply shares with the entry: shown.
      (Array.isArray(c.sharedWords) && c.sharedWords.length ? '; shared: ' + c.sharedWords.map(str).join(' ') : '') + ')')
    .join(', ');
  if (!draft.grounded) {
    box.appendChild(h('p', { class: 'meta', text: 'Agent: no grounded answer (' + str(draft.why) + ')' +
      (cites ? '; nearest entries: ' + cites : '') + '. Write it yourself.' }));
    return;
  }
  const use = h('button', { id: 'use-draft', type: 'button', class: 'secondary small', text: 'Use this draft' });
  use.addEventListener('click', () => {
    $('conversation-text').value = String(draft.text || '');
    $('conversation-text').dataset.draftId = String(draft._id); // sent with the text: refused if superseded
    $('conversation-text').focus();
  });
  const stage = draft.stage ? ' · stage: ' + String(draft.stage).replace(/_/g, ' ') : '';
  const llm = draft.llm && typeof draft.llm === 'object' ? draft.llm : null;
  const how = String(draft.composer || '').indexOf('llm:') === 0
    ? 'written by ' + str(llm && llm.model) + ', checked against the entries (gate ' + str(llm && llm.gate && llm.gate.score) + ')'
    : 'from the knowledge base' + (llm && llm.rejected ? ' (the model\'s answer was set aside: ' + str(llm.rejected) + ')' : '');
  box.appendChild(h('p', { class: 'meta', text: 'Agent draft ' + how + stage + ': ' + cites }));
  box.appendChild(h('blockquote', { id: 'draft-text', class: 'text', text: str(draft.text) }));
  const known = draftContext(draft.context);
  if (known) box.appendChild(h('p', { id: 'draft-context', class: 'meta', text: known }));
  box.appendChild(use);
  // Set a wrong draft aside: superseded by the rep (the Writing as owner, else the lead's), so no
  // list counts it as waiting; sending it afterwards is refused.
  const dismiss = h('button', { id: 'dismiss-draft', type: 'button', class: 'secondary small', text: 'Dismiss draft' });
  dismiss.addEventListener('click', () => {
    const owner = $('conversation-as') ? $('conversation-as').value : '';
    api('/api/leads/' + encodeURIComponent(lead.id) + '/drafts/' + encodeURIComponent(String(draft._id)) +
      (owner ? '?ownerId=' + encodeURIComponent(owner) : ''), { method: 'DELETE' })
      .then(() => { delete $('conversation-text').dataset.draftId; toast('Draft dismissed'); fetchLead(); })
      .catch(reportError);
  });
  box.appendChild(dismiss);
}

/** What the draft knew of the lead: its persona's attributes and the research it was given. */
function draftContext(context) {
  if (!context || typeof context !== 'object') return '';
  const persona = context.persona && typeof context.persona === 'object' ? context.persona : {};
  const facts = Object.keys(persona).map((k) => k + ' ' + (Array.isArray(persona[k]) ? persona[k].join(', ') : str(persona[k])));
  const research = (Array.isArray(context.research) ? context.research : []).map((r) => '"' + str(r.text) + '"');
  const parts = [];
  if (facts.length) parts.push('persona: ' + facts.join(' · '));
  if (research.length) parts.push('research: ' + research.join(' '));
  return parts.length ? 'Knew of the lead: ' + parts.join('; ') : '';
}

/** The workflow's state with its message list as a count: the list is the messages table. */
function workflowSummary(wf) {
  if (!Array.isArray(wf.messages)) return wf;
  const n = wf.messages.length;
  return Object.assign({}, wf, { messages: n + (n === 1 ? ' message' : ' messages') + (n ? ' (see Messages)' : '') });
}

/**
 * The voice note or image card that went (or goes) with a message: played or shown from S3. One
 * made but not sent (a template without an image header, a voice note outside the window) is named
 * with the reason, never shown as if the lead saw it.
 */
function sentMedia(m) {
  const media = m.media;
  if (!media || typeof media !== 'object' || !m.leadId) return null;
  if (media.sentAs === 'not_sent') return null; // named once, with the reason (mediaNotes)
  const item = mediaItem(m.leadId, Object.assign({}, media, { status: 'stored' }));
  if (item && media.madeBy) item.appendChild(h('p', { class: 'meta', text: 'made by ' + str(media.madeBy) + (media.sentAs ? ' · sent as ' + str(media.sentAs) : '') }));
  return item;
}

/** Why media made for the message did not go, each reason once (a template voice note has two records). */
function mediaNotes(m) {
  return mediaNotSentLines(m).map((line) => h('p', { class: line.startsWith('no voice note') ? 'meta' : 'meta media-not-sent', text: line }));
}

/** When the message went: Meta's acceptance of the send (the stored message has no sentAt). */
function sentAt(m) {
  return m.sentAt || (m.statusAt && typeof m.statusAt === 'object' ? m.statusAt.accepted : null);
}

function messageItem(m) {
  const statuses = h('ol', { class: 'statuses' });
  (Array.isArray(m.statuses) ? m.statuses : []).forEach((s) => {
    statuses.appendChild(h('li', null, [h('span', { class: 'pill', text: str(s && s.status) }), ' ' + fmtDateTime(s && s.at)]));
  });
  return h('li', { class: 'item message' }, [
    h('div', { class: 'approval-head' }, [
      h('span', { class: 'pill', text: str(m.purpose) }),
      h('span', { class: 'mono muted', text: str(m.variantId) }),
      h('span', { class: 'pill status-' + String(m.status).replace(/[^a-z_]/gi, ''), text: str(m.status) }),
      h('span', { class: 'muted', text: 'sent ' + fmtDateTime(sentAt(m)) })
    ]),
    h('p', { class: 'text', text: str(m.text) }),
    sentMedia(m),
    ...mediaNotes(m),
    statuses.children.length ? statuses : null,
    m.audit && typeof m.audit === 'object'
      ? h('div', { class: 'audit' }, [h('h4', { text: 'Why it was sent' }), kvList(m.audit, 0)])
      : null
  ]);
}

/* ---------- messages table ---------- */

const isObject = (x) => x != null && typeof x === 'object' && !Array.isArray(x);

function messagesBody() { return document.querySelector('#lead-messages-table tbody'); }

/** The furthest status the workflow saw (as MessageView.status()): read > failed > delivered > sent. */
function workflowStatus(m) {
  if (typeof m.status === 'string' && m.status) return m.status;
  if (m.readAt != null) return 'read';
  if (m.failedAt != null) return 'failed';
  if (m.deliveredAt != null) return 'delivered';
  return 'sent';
}

/** Status ranks as the store keeps them (Messages.RANK): a later status never reads as an earlier. */
const STATUS_RANK = { composed: 0, accepted: 1, sent: 2, delivered: 3, failed: 4, read: 5 };

/**
 * The furthest of what the workflow saw and what the store holds: the workflow is not told of a
 * delivery, nor of a read until it looks, so its view alone said "sent" for a delivered message.
 */
function furthestStatus(workflow, stored) {
  const a = STATUS_RANK[workflow];
  const b = typeof stored === 'string' ? STATUS_RANK[stored] : undefined;
  return b !== undefined && (a === undefined || b > a) ? stored : workflow;
}

/**
 * Error code and what Meta said (failed status: title; refused send: details or message); for a
 * message that was never sent (held back after a stop, or its request failed: send it again), why.
 */
function errorText(code, error, doc) {
  const details = isObject(error) ? (error.title || error.details || error.message) : null;
  if (code != null && code !== '') return String(code) + (details ? ' · ' + details : '');
  if (details) return String(details);
  if (doc && doc.status === 'not_sent' && doc.notSentBecause) return 'not sent: ' + String(doc.notSentBecause);
  if (doc && doc.status === 'unknown' && isObject(doc.unknown)) {
    return 'fate unknown' + (doc.unknown.reason ? ': ' + doc.unknown.reason : '');
  }
  return null;
}

/**
 * One row per message: the workflow's view of each sent message (step, kind, wamid, status
 * times, error code), joined by wamid with the stored message (purpose, template, Meta's error
 * details); stored messages the workflow has not sent (composed, held, refused, unknown) follow.
 * Without the workflow's state the stored messages alone.
 */
function messageRows(d) {
  const stored = (Array.isArray(d.messages) ? d.messages : []).filter(isObject);
  const wf = isObject(d.workflow) && Array.isArray(d.workflow.messages) ? d.workflow.messages.filter(isObject) : [];
  const byWamid = new Map();
  stored.forEach((doc) => { if (doc.wamid != null) byWamid.set(String(doc.wamid), doc); });
  const matched = new Set();
  const rows = wf.map((m) => {
    const doc = m.wamid != null ? byWamid.get(String(m.wamid)) : undefined;
    if (doc) matched.add(doc);
    return messageRow(m, doc);
  });
  stored.forEach((doc) => { if (!matched.has(doc)) rows.push(messageRow(null, doc)); });
  const order = (r) => (isNum(r.step) ? r.step : Number.MAX_SAFE_INTEGER);
  return rows.sort((a, b) => order(a) - order(b)); // stable: workflow rows first within a step
}

function messageRow(m, doc) {
  doc = doc || {};
  const src = m || {};
  const statusAt = isObject(doc.statusAt) ? doc.statusAt : {};
  const template = isObject(doc.template) ? doc.template.name : null;
  const kind = src.kind || doc.kind;
  return {
    step: src.step != null ? src.step : doc.step,
    purpose: doc.purpose,
    kindTemplate: [kind, template].filter((x) => x != null && x !== '').map(String).join(' · '),
    status: m ? furthestStatus(workflowStatus(m), doc.status) : doc.status,
    wamid: src.wamid || doc.wamid,
    sentAt: src.sentAt || doc.sentAt || statusAt.accepted,
    error: errorText(src.errorCode != null ? src.errorCode : isObject(doc.error) ? doc.error.code : null, doc.error, doc),
    source: m ? 'workflow' : 'stored'
  };
}

/**
 * A wamid as the logs show it (Phones.wamid): its end only, `wamid.…` and the last ten characters;
 * short ids whole. Meta's ids are base64 whose bytes hold the lead's number (the emulator's hold it
 * in hex), and a dashboard gets screen-shared: the page masks the number, so neither the cell nor a
 * tooltip shows the whole id. The end finds it in the logs and the messages collection; the API
 * (an operator's, for Meta's support and the status webhook) keeps it whole.
 */
function shortWamid(w) {
  const s = String(w);
  const start = s.indexOf('.') + 1;
  return s.length - start <= 16 ? s : s.slice(0, start) + '…' + s.slice(-10);
}

function renderMessagesTable(rows) {
  const tbody = clear(messagesBody());
  rows.forEach((r) => {
    const status = r.status == null || r.status === '' ? null : String(r.status);
    tbody.appendChild(h('tr', { 'data-step': r.step, 'data-wamid': r.wamid, 'data-source': r.source }, [
      h('td', { class: 'num msg-step', text: str(r.step) }),
      h('td', { class: 'msg-purpose', text: str(r.purpose) }),
      h('td', { class: 'msg-kind', text: str(r.kindTemplate) }),
      h('td', { class: 'msg-status' },
        h('span', { class: 'pill status-' + String(status).replace(/[^a-z_]/gi, ''), text: str(status) })),
      h('td', { class: 'msg-wamid mono nowrap', text: r.wamid ? shortWamid(r.wamid) : '–' }),
      h('td', { class: 'msg-sent nowrap', text: fmtDateTime(r.sentAt) }),
      h('td', { class: 'msg-error' + (r.error ? ' has-error' : ' muted'), text: str(r.error) })
    ]));
  });
  if (!rows.length) tbody.appendChild(h('tr', null, h('td', { colspan: 7, class: 'muted', text: 'No messages yet.' })));
}

/* The Subject access screen (#/subject-access), for a data-protection officer: a person looked up
 * by number and/or lead id (POST /api/subject-access: the number in the body, never in a URL, the
 * hash or storage), what is held summed up (leads per campaign, each lead's counts, the other
 * records, what the export does not include), the full JSON export downloaded as a file named by
 * its time, and the person erased (POST /api/subject-access/erasure) after a confirmation naming
 * how many leads go, with a reason and the keepSuppressed choice, then each lead's erasure status.
 * Everything the server sends reaches the page as text only (h() and textContent). */
import { $, h, clear, append, toast, fieldErrorList } from './util.js';
import { api, apiStream } from './api.js';
import {
  EXPORT_PATH, ERASURE_PATH, requestBody, samePerson, parseExport, summarize, headline, leadCells,
  heldLines, downloadName, erasureBody, confirmText, erasedRows, erasureStatus, erasurePath
} from './subject-access-core.js';

const state = { asked: null, summary: null, downloadUrl: null, busy: false, erased: [] };

/** A refusal's message and the fields it names, as text. */
function showError(id, err) {
  const el = clear($(id));
  if (!err) return;
  const data = err.data && typeof err.data === 'object' ? err.data : null;
  append(el, h('p', { text: data && data.message ? String(data.message) : String(err.message || err) }));
  const errors = data && Array.isArray(data.errors) ? data.errors : (Array.isArray(err.errors) ? err.errors : []);
  if (errors.length) el.appendChild(fieldErrorList(errors));
}

function forgetDownload() {
  if (state.downloadUrl) {
    try { URL.revokeObjectURL(state.downloadUrl); } catch (e) { /* not a blob URL */ }
  }
  state.downloadUrl = null;
  const a = $('sa-download');
  a.removeAttribute('href');
  a.hidden = true;
}

/** Forgets the person (logout): the form, the summary, the export's file, the erasure's table. */
export function clearSubjectAccess() {
  ['sa-phone', 'sa-region', 'sa-lead-id', 'sa-reason'].forEach((id) => { $(id).value = ''; });
  state.asked = null;
  state.summary = null;
  state.erased = [];
  forgetDownload();
  $('sa-result').hidden = true;
  $('sa-erase-panel').hidden = true;
  $('sa-erased').hidden = true;
  showError('sa-error', null);
  showError('sa-erase-error', null);
}

/** Draws the summary of an export (its parsed document). */
export function renderSummary(doc) {
  const s = summarize(doc);
  state.summary = s;
  $('sa-headline').textContent = headline(s);
  const campaigns = clear(document.querySelector('#sa-campaigns tbody'));
  s.campaigns.forEach((c) => {
    campaigns.appendChild(h('tr', null, [h('td', { text: c.campaignId }), h('td', { class: 'num', text: String(c.leads) })]));
  });
  if (!s.campaigns.length) campaigns.appendChild(h('tr', null, h('td', { colspan: 2, class: 'muted', text: 'No lead.' })));
  const leads = clear(document.querySelector('#sa-leads tbody'));
  s.leads.forEach((l) => {
    const cells = leadCells(l);
    leads.appendChild(h('tr', { 'data-lead-id': l.leadId }, cells.map((c, i) => h('td', {
      class: i === 0 ? 'mono' : (i >= 3 && i <= 9 ? 'num' : null), text: c
    }))));
  });
  if (!s.leads.length) leads.appendChild(h('tr', null, h('td', { colspan: 11, class: 'muted', text: 'No lead.' })));
  const held = clear($('sa-held'));
  heldLines(s).forEach((line) => held.appendChild(h('li', { text: line })));
  const truncated = $('sa-truncated');
  truncated.hidden = !s.truncated;
  truncated.textContent = s.truncated
    ? 'Only the first ' + s.exported + ' of ' + s.leadCount + ' leads are in this export; look up each of these by lead id: '
      + s.notExported.join(', ') : '';
  const notIncluded = clear($('sa-not-included-list'));
  s.notIncluded.forEach((line) => notIncluded.appendChild(h('li', { text: line })));
  $('sa-result').hidden = false;
  $('sa-erase').disabled = false;
  return s;
}

/** Looks the person up: the export, kept as the file to download and summed up on the screen. */
export function lookUp() {
  if (state.busy) return Promise.resolve();
  showError('sa-error', null);
  const asked = requestBody($('sa-phone').value, $('sa-lead-id').value, $('sa-region').value);
  if (asked.errors) { showError('sa-error', { message: 'Name the person.', errors: asked.errors }); return Promise.resolve(); }
  state.busy = true;
  $('sa-lookup').disabled = true;
  $('sa-erase-panel').hidden = true;
  $('sa-erased').hidden = true;
  $('sa-result').hidden = true;
  forgetDownload();
  $('sa-status').textContent = 'Exporting…';
  return apiStream(EXPORT_PATH, {
    method: 'POST', contentType: 'application/json', accept: 'application/json', raw: JSON.stringify(asked.body)
  }).then((res) => res.text()).then((body) => {
    const parsed = parseExport(body);
    if (parsed.error) throw new Error(parsed.error);
    state.asked = asked.body;
    renderSummary(parsed.doc);
    const file = new Blob([body], { type: 'application/json' });
    state.downloadUrl = URL.createObjectURL(file);
    const a = $('sa-download');
    a.setAttribute('href', state.downloadUrl);
    a.setAttribute('download', downloadName(parsed.doc.generatedAt));
    a.textContent = 'Download the full export (JSON, ' + Math.max(1, Math.round(file.size / 1024)) + ' KB)';
    a.hidden = false;
    $('sa-status').textContent = '';
  }).catch((err) => {
    $('sa-status').textContent = '';
    if (err && err.status === 401) return;
    showError('sa-error', err);
  }).then(() => { state.busy = false; $('sa-lookup').disabled = false; });
}

/** Opens the confirmation: how many leads go, and what becomes of the number. */
export function openErase() {
  showError('sa-erase-error', null);
  const now = requestBody($('sa-phone').value, $('sa-lead-id').value, $('sa-region').value);
  if (!state.summary || !samePerson(now.body, state.asked)) {
    showError('sa-error', { message: 'The form changed since the look-up: look the person up again before erasing.' });
    return;
  }
  $('sa-reason').value = '';
  $('sa-keep-true').checked = true;
  $('sa-keep-false').checked = false;
  updateConfirm();
  $('sa-erase-panel').hidden = false;
  $('sa-reason').focus();
}

export function updateConfirm() {
  $('sa-confirm-text').textContent = confirmText(state.summary, !$('sa-keep-false').checked);
}

/** Erases the person as looked up: each lead's status drawn, then checked again on demand. */
export function erase() {
  if (state.busy || !state.asked) return Promise.resolve();
  showError('sa-erase-error', null);
  const reason = $('sa-reason').value.trim();
  if (!reason) {
    showError('sa-erase-error', { message: 'Give the reason (it is kept in the audit log).', errors: [{ field: 'reason', message: 'required' }] });
    return Promise.resolve();
  }
  const body = erasureBody(state.asked, reason, !$('sa-keep-false').checked);
  state.busy = true;
  $('sa-erase-ok').disabled = true;
  return api(ERASURE_PATH, { method: 'POST', body: body }).then((answer) => {
    renderErased(answer);
    $('sa-erase-panel').hidden = true;
    $('sa-erase').disabled = true;
    toast(state.erased.length ? 'The erasure of ' + state.erased.length + ' lead(s) started.' : 'No lead to erase.');
  }).catch((err) => {
    if (err && err.status === 401) return;
    showError('sa-erase-error', err);
  }).then(() => { state.busy = false; $('sa-erase-ok').disabled = false; });
}

/** Draws the erasure's answer: each lead and its status. */
export function renderErased(answer) {
  const r = erasedRows(answer);
  state.erased = r.rows.map((row) => row[0]);
  const tbody = clear(document.querySelector('#sa-erased-table tbody'));
  r.rows.forEach((row) => {
    tbody.appendChild(h('tr', { 'data-lead-id': row[0] }, [
      h('td', { class: 'mono', text: row[0] }), h('td', { class: 'sa-erasure-status', text: row[1] })
    ]));
  });
  if (!r.rows.length) tbody.appendChild(h('tr', null, h('td', { colspan: 2, class: 'muted', text: 'No lead.' })));
  $('sa-erased-note').textContent = r.note;
  $('sa-erase-more').hidden = !r.more;
  $('sa-refresh').hidden = !r.rows.length;
  $('sa-erased').hidden = false;
  return r;
}

/** Asks each erased lead's erasure how far it got (GET by lead id: no number in the path). */
export function refreshStatuses() {
  const rows = document.querySelector('#sa-erased-table tbody').children;
  return Promise.all(state.erased.map((leadId, i) => api(erasurePath(leadId)).then((view) => {
    const cell = rows[i] && rows[i].children[1];
    if (cell) cell.textContent = erasureStatus(view);
  }).catch((err) => {
    const cell = rows[i] && rows[i].children[1];
    if (cell && err && err.status !== 401) cell.textContent = err.status === 404 ? 'no erasure found' : 'unknown (' + (err.message || err) + ')';
  })));
}

export function bindSubjectAccess() {
  $('sa-form').addEventListener('submit', (e) => { e.preventDefault(); lookUp(); });
  $('sa-erase').addEventListener('click', openErase);
  $('sa-erase-form').addEventListener('submit', (e) => { e.preventDefault(); erase(); });
  $('sa-erase-cancel').addEventListener('click', () => { $('sa-erase-panel').hidden = true; });
  $('sa-keep-true').addEventListener('change', updateConfirm);
  $('sa-keep-false').addEventListener('change', updateConfirm);
  $('sa-refresh').addEventListener('click', refreshStatuses);
  $('sa-erase-more').addEventListener('click', () => {
    $('sa-erased').hidden = true;
    lookUp();
  });
}

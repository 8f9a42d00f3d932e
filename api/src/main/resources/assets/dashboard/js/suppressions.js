/* The Do not contact screen (#/suppressions): the list (active, lifted or all, paged), one number
 * added, a do-not-contact list uploaded (its summary and the lines not suppressed), and a lift with
 * the lead's new consent. Numbers, details and reasons are operators' (or a list's) input: they
 * reach the page as text only (h() and textContent), never as markup. */
import { $, h, clear, append, fmtDateTime, toast, reportError, fieldErrorList } from './util.js';
import { api } from './api.js';
import { session } from './state.js';
import { listPath, uploadPath, uploadType, suppressionCells, summaryText, invalidLines, liftBody } from './suppressions-core.js';

export const PAGE_SIZE = 25;
/** Lines not suppressed drawn at most. */
const SHOWN = 500;

const state = { page: 0, total: 0, seq: 0, lifting: null, uploading: false };

export function loadSuppressions() {
  if (!session.running) return Promise.resolve();
  const mine = ++state.seq;
  return api(listPath($('dnc-filter').value, state.page, PAGE_SIZE)).then((d) => {
    if (mine !== state.seq || !d) return;
    renderList(d);
  }).catch(reportError);
}

/** Draws a page of the list (GET /api/suppressions's answer) into the table. */
export function renderList(d) {
  const rows = Array.isArray(d && d.suppressions) ? d.suppressions : [];
  const total = Number(d && d.total) || 0;
  state.total = total;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const tbody = clear(document.querySelector('#dnc-table tbody'));
  rows.forEach((s) => {
    const cells = suppressionCells(s, fmtDateTime);
    const tr = h('tr', { 'data-number': cells[0] }, cells.map((c, i) => h('td', { class: i === 0 ? 'mono' : (i === 3 ? 'nowrap' : null), text: c })));
    tr.appendChild(h('td', null, s && s.active
      ? h('button', { type: 'button', class: 'secondary', text: 'Lift…', onclick: () => openLift(cells[0]) })
      : null));
    tbody.appendChild(tr);
  });
  if (!rows.length) tbody.appendChild(h('tr', null, h('td', { colspan: 7, class: 'muted', text: 'No numbers.' })));
  $('dnc-page-info').textContent = 'page ' + (state.page + 1) + ' of ' + pages + ' · ' + total + ' numbers';
  $('dnc-prev').disabled = state.page <= 0;
  $('dnc-next').disabled = state.page + 1 >= pages;
}

/** Draws an upload's answer: its summary, and the lines not suppressed (at most SHOWN). */
export function renderUpload(answer) {
  $('dnc-upload-summary').textContent = summaryText(answer && answer.summary);
  const lines = invalidLines(answer);
  $('dnc-upload-invalid').hidden = lines.length === 0;
  $('dnc-upload-invalid-count').textContent = String(lines.length);
  const tbody = clear(document.querySelector('#dnc-upload-invalid-table tbody'));
  lines.slice(0, SHOWN).forEach((cells) => {
    tbody.appendChild(h('tr', null, cells.map((c, i) => h('td', { class: i === 0 ? 'num' : (i === 1 ? 'mono' : null), text: c }))));
  });
  const more = $('dnc-upload-invalid-more');
  more.hidden = lines.length <= SHOWN;
  more.textContent = 'Showing the first ' + SHOWN + ' of ' + lines.length + ' lines not suppressed.';
}

/** A refusal's message and the fields it names, as text. */
export function showError(id, err) {
  const el = clear($(id));
  if (!err) return;
  const data = err.data && typeof err.data === 'object' ? err.data : null;
  append(el, h('p', { text: data && data.message ? String(data.message) : String(err.message || err) }));
  const errors = data && Array.isArray(data.errors) ? data.errors : [];
  if (errors.length) {
    el.appendChild(fieldErrorList(errors));
  }
}

function add() {
  showError('dnc-add-error', null);
  const body = { number: $('dnc-add-number').value.trim() };
  const region = $('dnc-add-region').value.trim();
  const reason = $('dnc-add-reason').value.trim();
  if (region) body.region = region;
  if (reason) body.reason = reason;
  $('dnc-add').disabled = true;
  api('/api/suppressions', { method: 'POST', body: body }).then((s) => {
    toast((s && s.number ? String(s.number) : 'The number') + ' is on the do-not-contact list.');
    $('dnc-add-number').value = '';
    $('dnc-add-reason').value = '';
    return loadSuppressions();
  }).catch((err) => {
    if (err && err.status === 401) return;
    showError('dnc-add-error', err);
  }).then(() => { $('dnc-add').disabled = false; });
}

function upload() {
  if (state.uploading) return;
  showError('dnc-upload-error', null);
  const input = $('dnc-upload-file');
  const file = input.files && input.files[0];
  if (!file) { showError('dnc-upload-error', { message: 'Choose a file to upload first.' }); return; }
  state.uploading = true;
  $('dnc-upload').disabled = true;
  $('dnc-upload-summary').textContent = 'Uploading ' + file.name + '…';
  $('dnc-upload-invalid').hidden = true;
  api(uploadPath({
    region: $('dnc-upload-region').value,
    column: $('dnc-upload-column').value,
    reason: $('dnc-upload-reason').value
  }), { method: 'POST', raw: file, contentType: uploadType(file.name, file.type) }).then((answer) => {
    renderUpload(answer);
    state.page = 0;
    return loadSuppressions();
  }).catch((err) => {
    $('dnc-upload-summary').textContent = '';
    if (err && err.status === 401) return;
    showError('dnc-upload-error', err);
  }).then(() => { state.uploading = false; $('dnc-upload').disabled = false; });
}

function openLift(number) {
  state.lifting = number;
  $('dnc-lift-number').textContent = number;
  $('dnc-lift-source').value = '';
  $('dnc-lift-at').value = '';
  $('dnc-lift-reason').value = '';
  showError('dnc-lift-error', null);
  $('dnc-lift').hidden = false;
  $('dnc-lift-source').focus();
}

function closeLift() {
  state.lifting = null;
  $('dnc-lift').hidden = true;
}

function lift() {
  const number = state.lifting;
  if (!number) return;
  showError('dnc-lift-error', null);
  const body = liftBody($('dnc-lift-source').value, $('dnc-lift-at').value, $('dnc-lift-reason').value);
  $('dnc-lift-ok').disabled = true;
  api('/api/suppressions/' + encodeURIComponent(number) + '/lift', { method: 'POST', body: body }).then(() => {
    toast(number + ' may be contacted again.');
    closeLift();
    return loadSuppressions();
  }).catch((err) => {
    if (err && err.status === 401) return;
    showError('dnc-lift-error', err);
  }).then(() => { $('dnc-lift-ok').disabled = false; });
}

export function bindSuppressions() {
  $('dnc-add-form').addEventListener('submit', (e) => { e.preventDefault(); add(); });
  $('dnc-upload-form').addEventListener('submit', (e) => { e.preventDefault(); upload(); });
  $('dnc-lift-form').addEventListener('submit', (e) => { e.preventDefault(); lift(); });
  $('dnc-lift-cancel').addEventListener('click', closeLift);
  $('dnc-filter').addEventListener('change', () => { state.page = 0; loadSuppressions(); });
  $('dnc-prev').addEventListener('click', () => { if (state.page > 0) { state.page--; loadSuppressions(); } });
  $('dnc-next').addEventListener('click', () => {
    if ((state.page + 1) * PAGE_SIZE < state.total) { state.page++; loadSuppressions(); }
  });
}

/* The Import leads screen (#/import): a CSV or JSON-lines file sent to POST /api/leads/import with
 * its options, the answer read as a stream (one line per row, then the summary) with live counts,
 * and the rows not enrolled in a table filterable by status and as a CSV to download. The pure
 * parts (lines across chunks, counts, the CSV) are in import-core.js. */
import { $, h, clear, append, leadLink, fieldErrorList } from './util.js';
import { api, apiStream } from './api.js';
import {
  lineSplitter, parseLine, newTally, count, applySummary, isEnrolled, rowErrors, failuresCsv,
  importQuery, contentTypeOf, recontactHint
} from './import-core.js';

/** Table rows drawn at most (the CSV holds every row not enrolled). */
const SHOWN = 1000;
/** Files up to this size have their lines counted first, for the progress bar's end. */
const ESTIMATE_MAX_BYTES = 64 * 1024 * 1024;

const state = {
  file: null,
  estimate: 0,
  busy: false,
  controller: null,
  tally: newTally(),
  failures: [],
  bad: 0,
  summary: null,
  started: 0,
  drawn: { filter: null, scanned: 0, shown: 0, statuses: '' },
  timer: null,
  importId: null
};

/** Stops an import under way (logging out). */
export function stopImport() { if (state.busy && state.controller) state.controller.abort(); }

/* ---------- the file ---------- */

function setFile(file) {
  if (state.busy) return;
  state.file = file || null;
  state.estimate = 0;
  $('import-error').textContent = '';
  if (!file) { $('import-file-name').textContent = 'No file chosen.'; return; }
  const label = file.name + ' · ' + fmtBytes(file.size);
  $('import-file-name').textContent = label;
  if (file.size > ESTIMATE_MAX_BYTES || typeof file.arrayBuffer !== 'function') return;
  file.arrayBuffer().then((buf) => {
    if (state.file !== file) return;
    const bytes = new Uint8Array(buf);
    let lines = 0;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lines++;
    if (bytes.length && bytes[bytes.length - 1] !== 10) lines++;
    const csv = contentTypeOf(file.name, file.type) === 'text/csv';
    state.estimate = Math.max(0, csv ? lines - 1 : lines);
    $('import-file-name').textContent = label + ' · about ' + state.estimate.toLocaleString('en') + ' rows';
  }).catch(() => { /* no estimate: the bar goes without an end */ });
}

function fmtBytes(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
  return (n / 1024 / 1024).toFixed(1) + ' MiB';
}

/* ---------- the import ---------- */

function startImport() {
  if (state.busy) return;
  const error = $('import-error');
  clear(error);
  if (!state.file) { showError('Choose a file to import first.', [{ field: 'file', message: 'none chosen' }]); return; }
  const region = $('import-region').value.trim();
  if (region && !/^[A-Za-z]{2}$/.test(region)) {
    showError('The country is two letters, such as BR or US.', [{ field: 'region', message: region }]);
    $('import-region').focus();
    return;
  }
  const query = importQuery({
    region: region,
    unknownColumns: $('import-unknown').value,
    recontact: $('import-recontact').checked
  });
  reset();
  state.recontact = $('import-recontact').checked;
  setBusy(true);
  state.started = Date.now();
  state.controller = typeof AbortController === 'function' ? new AbortController() : null;
  $('import-progress').hidden = false;
  $('import-state').textContent = 'Sending ' + state.file.name + '…';
  state.importId = null;
  // The file's name goes on the import's record (GET /api/imports/{importId}).
  const named = (query ? query + '&' : '?') + 'filename=' + encodeURIComponent(recordName(state.file.name));
  apiStream('/api/leads/import' + named, {
    raw: state.file,
    contentType: contentTypeOf(state.file.name, state.file.type),
    signal: state.controller ? state.controller.signal : undefined
  }).then((res) => {
    const id = res.headers && res.headers.get('Import-Id');
    state.importId = id && /^imp_[0-9a-f]{24}$/.test(id) ? id : null;
    $('import-state').textContent = 'Importing…' + recordNote();
    return readAnswer(res.body.getReader());
  }).then(() => finish(null), (err) => finish(err));
}

function readAnswer(reader) {
  const split = lineSplitter();
  function next() {
    return reader.read().then((r) => {
      const lines = r.done ? split.end() : split.push(r.value);
      lines.forEach(onLine);
      schedule();
      return r.done ? null : next();
    });
  }
  return next();
}

function onLine(text) {
  const line = parseLine(text);
  if (line.kind === 'summary') {
    state.summary = line.summary;
    applySummary(state.tally, line.summary);
  } else if (line.kind === 'row') {
    count(state.tally, line.row);
    if (!isEnrolled(line.row.status) && line.row.status !== 'already_enrolled') state.failures.push(line.row);
  } else {
    state.bad++;
  }
}

/** A file's name as the import's record takes it: at most 255 UTF-16 units, no control characters. */
function recordName(name) {
  let out = '';
  for (const ch of String(name)) {
    if (out.length + ch.length > 255) break;
    out += /[\u0000-\u001f\u007f-\u009f]/.test(ch) ? '_' : ch;
  }
  return out;
}

/** The import's record on the server, named for the operator (GET /api/imports/{importId}). */
function recordNote() {
  return state.importId ? ' (import ' + state.importId + ')' : '';
}

/** Stop: the server is asked to stop the import (it goes on without the page otherwise). */
function stopClicked() {
  if (!state.controller) return;
  const abort = () => { if (state.controller) state.controller.abort(); };
  if (!state.importId) { abort(); return; }
  api('/api/imports/' + state.importId + '/cancel', { method: 'POST' }).then(abort, abort);
}

function finish(err) {
  setBusy(false);
  clearTimeout(state.timer);
  state.timer = null;
  render();
  const bar = $('import-bar');
  const t = state.tally;
  const rows = t.rows.toLocaleString('en');
  if (err) {
    if (err.status === 401) { $('import-state').textContent = 'Logged out: the import was not finished.'; return; }
    if (err.name === 'AbortError') {
      setState('Stopped after ' + rows + ' rows. The rows counted here were answered (the enrolled ones are'
        + ' enrolled); the rest of the file was not imported.' + (state.importId ? ' The import\'s record, ' + state.importId
        + ', says where it stopped: GET /api/imports/' + state.importId + '.' : ''), true);
      return;
    }
    if (err.status) {
      // Refused before any row: the answer names what is wrong (a header, a column, the region...).
      $('import-progress').hidden = true;
      showError(err.data && err.data.message ? err.data.message : err.message,
        err.data && Array.isArray(err.data.errors) ? err.data.errors : []);
      return;
    }
    if (state.importId) {
      setState('The connection broke after ' + rows + ' rows (' + String(err.message || err) + '). The server'
        + ' goes on with a file it received whole and keeps a record of the import: GET /api/imports/'
        + state.importId + ' says its status and counts, and /api/imports/' + state.importId + '/rows each row\'s'
        + ' answer. Sending the file again is safe too (rows enrolled already answer "already enrolled").', true);
      return;
    }
    setState('The connection broke after ' + rows + ' rows (' + String(err.message || err) + '). Rows after the'
      + ' last one counted may or may not have been imported: check the leads list before sending the file again'
      + ' (a lead sent again with the same leadId is answered "already enrolled").', true);
    return;
  }
  bar.max = 1;
  bar.value = 1;
  if (!state.summary) {
    setState('The answer ended without its summary after ' + rows + ' rows: the rest of the file may not have'
      + ' been read. Check the leads list before sending the file again.', true);
    return;
  }
  const s = state.summary;
  const secs = Math.max(1, Math.round((Date.now() - state.started) / 1000));
  setState('Done: ' + rows + ' rows in ' + secs + ' s.' + recordNote(), false);
  const summary = clear($('import-summary'));
  append(summary, h('span', { text: t.enrolled.toLocaleString('en') + ' enrolled, '
    + t.alreadyEnrolled.toLocaleString('en') + ' already enrolled (not listed below), '
    + t.refused.toLocaleString('en') + ' refused, ' + t.rejected.toLocaleString('en') + ' rejected.' }));
  const hint = recontactHint(t, state.recontact);
  if (hint) append(summary, h('span', { id: 'import-recontact-hint', class: 'block warn', text: hint }));
  if (Array.isArray(s.ignoredColumns) && s.ignoredColumns.length) {
    append(summary, h('span', { class: 'block', text: 'Columns ignored: ' + s.ignoredColumns.map(String).join(', ') }));
  }
  if (s.truncated) {
    append(summary, h('span', { class: 'block warn', text: 'Not every row was read: ' + String(s.message || '') }));
  }
  if (state.bad) {
    append(summary, h('span', { class: 'block warn', text: state.bad + ' answer line(s) could not be read.' }));
  }
}

function setState(text, warn) {
  const el = $('import-state');
  el.textContent = text;
  el.className = 'small' + (warn ? ' warn' : '');
}

function showError(message, errors) {
  const el = clear($('import-error'));
  append(el, h('p', { text: message }));
  if (errors.length) {
    el.appendChild(fieldErrorList(errors));
  }
}

function reset() {
  state.tally = newTally();
  state.failures = [];
  state.bad = 0;
  state.summary = null;
  state.drawn = { filter: null, scanned: 0, shown: 0, statuses: '' };
  $('import-filter').value = '';
  clear($('import-summary'));
  clear(document.querySelector('#import-failures-table tbody'));
  $('import-failures').hidden = true;
  const bar = $('import-bar');
  if (state.estimate > 0) { bar.max = state.estimate; bar.value = 0; } else bar.removeAttribute('value');
  setState('', false);
  render();
}

function setBusy(busy) {
  state.busy = busy;
  ['import-file', 'import-region', 'import-unknown', 'import-recontact', 'import-start'].forEach((id) => {
    $(id).disabled = busy;
  });
  $('import-drop').classList.toggle('disabled', busy);
  $('import-stop').hidden = !busy;
}

/* ---------- drawing (at most every 150 ms while the rows come) ---------- */

function schedule() {
  if (state.timer) return;
  state.timer = setTimeout(() => { state.timer = null; render(); }, 150);
}

function render() {
  const t = state.tally;
  $('import-rows').textContent = t.rows.toLocaleString('en');
  $('import-enrolled').textContent = t.enrolled.toLocaleString('en');
  $('import-already').textContent = t.alreadyEnrolled.toLocaleString('en');
  $('import-refused').textContent = t.refused.toLocaleString('en');
  $('import-rejected').textContent = t.rejected.toLocaleString('en');
  const bar = $('import-bar');
  if (state.busy && state.estimate > 0) bar.value = Math.min(t.rows, state.estimate);
  if (state.busy && t.rows) {
    const secs = Math.max(0.001, (Date.now() - state.started) / 1000);
    setState('Importing… ' + t.rows.toLocaleString('en') + (state.estimate ? ' of about ' + state.estimate.toLocaleString('en') : '')
      + ' rows (' + Math.round(t.rows / secs) + ' rows/s)', false);
  }
  renderFailures();
}

function statusesOf() {
  const by = state.tally.byStatus;
  return Object.keys(by).filter((s) => !isEnrolled(s) && s !== 'already_enrolled').sort();
}

function renderFailures() {
  const failures = state.failures;
  $('import-failures').hidden = failures.length === 0;
  $('import-failed-count').textContent = failures.length.toLocaleString('en');
  const select = $('import-filter');
  const statuses = statusesOf();
  const key = statuses.map((s) => s + ':' + state.tally.byStatus[s]).join(',');
  if (key !== state.drawn.statuses) {
    const chosen = select.value;
    clear(select);
    select.appendChild(h('option', { value: '', text: 'all (' + failures.length + ')' }));
    statuses.forEach((s) => select.appendChild(h('option', { value: s, text: s + ' (' + state.tally.byStatus[s] + ')' })));
    select.value = statuses.indexOf(chosen) >= 0 ? chosen : '';
    state.drawn.statuses = key;
  }
  const filter = select.value;
  const tbody = document.querySelector('#import-failures-table tbody');
  if (state.drawn.filter !== filter) {
    clear(tbody);
    state.drawn.filter = filter;
    state.drawn.scanned = 0;
    state.drawn.shown = 0;
  }
  let i = state.drawn.scanned;
  for (; i < failures.length && state.drawn.shown < SHOWN; i++) {
    const row = failures[i];
    if (filter && row.status !== filter) continue;
    tbody.appendChild(failureRow(row));
    state.drawn.shown++;
  }
  state.drawn.scanned = i;
  const matching = filter ? failures.filter((r) => r.status === filter).length : failures.length;
  const more = $('import-failures-more');
  more.hidden = matching <= state.drawn.shown;
  more.textContent = 'Showing the first ' + state.drawn.shown.toLocaleString('en') + ' of '
    + matching.toLocaleString('en') + ' rows; the CSV download holds them all.';
}

function failureRow(row) {
  const errors = rowErrors(row);
  const other = row.activeLeadId || row.earlierLeadId;
  return h('tr', { 'data-line': row.line == null ? '' : String(row.line), 'data-status': String(row.status) }, [
    h('td', { class: 'num', text: row.line == null ? '–' : String(row.line) }),
    h('td', null, h('span', { class: 'pill status-' + String(row.status).replace(/[^a-z_]/gi, ''), text: String(row.status) })),
    h('td', { class: 'mono' }, [
      row.leadId == null ? '–' : String(row.leadId),
      other ? h('span', { class: 'block small' }, ['see ', leadLink(other)]) : null
    ]),
    h('td', { class: 'mono import-field' }, errors.map((e) => h('div', { text: e.field || '–' }))),
    h('td', { class: 'import-message' }, errors.map((e) => h('div', { text: e.message || '–' })))
  ]);
}

function download() {
  const filter = $('import-filter').value;
  const rows = filter ? state.failures.filter((r) => r.status === filter) : state.failures;
  const blob = new Blob([failuresCsv(rows)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const base = state.file ? state.file.name.replace(/\.[^.]*$/, '') : 'import';
  const a = h('a', { href: url, download: base + '-not-enrolled' + (filter ? '-' + filter : '') + '.csv' });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/* ---------- wiring ---------- */

export function bindImport() {
  $('import-form').addEventListener('submit', (e) => { e.preventDefault(); startImport(); });
  $('import-file').addEventListener('change', (e) => setFile(e.target.files && e.target.files[0]));
  $('import-stop').addEventListener('click', stopClicked);
  $('import-recontact').addEventListener('change', (e) => { $('import-recontact-warning').hidden = !e.target.checked; });
  $('import-filter').addEventListener('change', renderFailures);
  $('import-download').addEventListener('click', download);
  const drop = $('import-drop');
  ['dragenter', 'dragover'].forEach((type) => drop.addEventListener(type, (e) => {
    e.preventDefault();
    if (!state.busy) drop.classList.add('over');
  }));
  ['dragleave', 'drop'].forEach((type) => drop.addEventListener(type, () => drop.classList.remove('over')));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    const files = e.dataTransfer && e.dataTransfer.files;
    if (files && files.length) setFile(files[0]);
  });
  window.addEventListener('beforeunload', (e) => {
    if (!state.busy) return;
    e.preventDefault();
    e.returnValue = '';
  });
}

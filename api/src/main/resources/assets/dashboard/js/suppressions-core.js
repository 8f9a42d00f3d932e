/* The Do not contact screen's pure parts (no DOM): the list's query, a suppression's cells, an
 * upload's summary in words and its lines not suppressed, the type a file is sent as, a lift's body.
 * Every value here is plain text; suppressions.js puts it in the page as text only. */

function text(v) { return v == null ? '' : String(v); }

/** GET /api/suppressions?active=...&page=...&pageSize=... */
export function listPath(filter, page, pageSize) {
  const active = filter === 'false' || filter === 'all' ? filter : 'true';
  return '/api/suppressions?active=' + active + '&page=' + Math.max(0, page | 0) + '&pageSize=' + (pageSize | 0);
}

/** The upload's query: only what was given, encoded. */
export function uploadPath(options) {
  const parts = [];
  ['region', 'column', 'reason'].forEach((k) => {
    const v = text(options && options[k]).trim();
    if (v) parts.push(k + '=' + encodeURIComponent(v));
  });
  return '/api/suppressions/import' + (parts.length ? '?' + parts.join('&') : '');
}

/** The type a chosen file is sent as: JSON lines, a JSON array, else CSV. */
export function uploadType(name, type) {
  const n = text(name).toLowerCase();
  const t = text(type).toLowerCase();
  if (/\.(jsonl|ndjson)$/.test(n) || t.indexOf('ndjson') >= 0) return 'application/x-ndjson';
  if (/\.json$/.test(n) || t === 'application/json') return 'application/json';
  return 'text/csv';
}

/** A suppression's cells, in the table's order (number, state, source, since, detail, lifted). */
export function suppressionCells(s, fmt) {
  const f = typeof fmt === 'function' ? fmt : text;
  const lifted = s && s.lifted && typeof s.lifted === 'object' ? s.lifted : null;
  let liftedText = '–';
  if (lifted) {
    const consent = lifted.consent && typeof lifted.consent === 'object' ? lifted.consent : {};
    liftedText = f(lifted.at) + ' by ' + text(lifted.by || '–')
      + (consent.source ? ' (consent: ' + text(consent.source) + ', ' + f(consent.at) + ')' : '');
  }
  return [
    text(s && s.number) || '–',
    s && s.active ? 'active' : 'lifted',
    text(s && s.source) || '–',
    s && s.at != null ? f(s.at) : '–',
    text(s && s.detail) || '–',
    liftedText
  ];
}

/** An upload's counts in words. */
export function summaryText(summary) {
  const s = summary && typeof summary === 'object' ? summary : {};
  const n = (k) => Number(s[k]) || 0;
  return n('lines').toLocaleString('en') + ' line(s): ' + n('suppressed').toLocaleString('en') + ' suppressed, '
    + n('alreadySuppressed').toLocaleString('en') + ' already suppressed, ' + n('invalid').toLocaleString('en')
    + ' invalid' + (n('leadsTold') ? '; ' + n('leadsTold').toLocaleString('en') + ' live lead(s) ended' : '')
    + (s.column ? ' (numbers read from the column ' + text(s.column) + ')' : '') + '.';
}

/** The upload's lines not suppressed, each as [line, as written, field, message]. */
export function invalidLines(answer) {
  const results = answer && Array.isArray(answer.results) ? answer.results : [];
  const out = [];
  results.forEach((r) => {
    if (!r || r.status !== 'invalid') return;
    const errors = Array.isArray(r.errors) && r.errors.length ? r.errors : [{}];
    errors.forEach((e) => {
      out.push([text(r.line), text(r.value) || '–', text(e && e.field) || '–', text(e && e.message) || '–']);
    });
  });
  return out;
}

/** A lift's body from the form: the consent's source and its time (a datetime-local value). */
export function liftBody(source, atLocal, reason) {
  const at = atLocal ? new Date(atLocal) : null;
  const body = { consent: { source: text(source).trim(), at: at && !isNaN(at.getTime()) ? at.toISOString() : text(atLocal) } };
  const r = text(reason).trim();
  if (r) body.reason = r;
  return body;
}

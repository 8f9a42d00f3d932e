/* The lead import's pure parts (no DOM, run in node by ImportCoreScriptTest): the answer's lines
 * rebuilt from the response's chunks, the running counts, and the CSV of the rows not enrolled. */

/** The statuses of a row that started a lead (the server's Outcome.started(), a duplicate aside). */
const ENROLLED = ['enrolled', 'workflow_started'];

/**
 * Splits a byte stream into its lines: a chunk may end inside a line or inside a UTF-8 character
 * (both are kept for the next chunk). push(chunk) returns the lines the chunk completed, end()
 * the last one; a line's \r (CRLF) is dropped and blank lines are skipped.
 */
export function lineSplitter() {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  function cut(text, last) {
    const all = rest + text;
    const parts = all.split('\n');
    rest = last ? '' : parts.pop();
    const lines = [];
    parts.forEach((p) => {
      const l = p.endsWith('\r') ? p.slice(0, -1) : p;
      if (l.trim() !== '') lines.push(l);
    });
    return lines;
  }
  return {
    push(chunk) { return cut(decoder.decode(chunk, { stream: true }), false); },
    end() { return cut(decoder.decode(), true); }
  };
}

/**
 * One line of the answer: { kind: 'row', row } for a row's result, { kind: 'summary', summary }
 * for the last line, { kind: 'bad', text } for a line that is neither (shown, never dropped).
 */
export function parseLine(text) {
  let v;
  try { v = JSON.parse(text); } catch (e) { return { kind: 'bad', text: text }; }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    if (v.summary && typeof v.summary === 'object') return { kind: 'summary', summary: v.summary };
    if (typeof v.status === 'string') return { kind: 'row', row: v };
  }
  return { kind: 'bad', text: text };
}

/** The counts as the summary names them: rows, enrolled, alreadyEnrolled, refused, rejected. */
export function newTally() {
  return { rows: 0, enrolled: 0, alreadyEnrolled: 0, refused: 0, rejected: 0, byStatus: {} };
}

/** Whether a row's status started its lead (a row the table of rows not enrolled leaves out). */
export function isEnrolled(status) { return ENROLLED.indexOf(status) >= 0; }

/** Counts a row's result as the server's summary does (error counts as rejected). */
export function count(tally, row) {
  const status = row && typeof row.status === 'string' ? row.status : 'error';
  tally.rows++;
  tally.byStatus[status] = (tally.byStatus[status] || 0) + 1;
  if (isEnrolled(status)) tally.enrolled++;
  else if (status === 'already_enrolled') tally.alreadyEnrolled++;
  else if (status === 'rejected' || status === 'error') tally.rejected++;
  else tally.refused++;
  return tally;
}

const num = (v) => (typeof v === 'number' && isFinite(v) ? v : 0);

/** The summary line's counts over the running ones (the server's word is the last). */
export function applySummary(tally, summary) {
  if (!summary || typeof summary !== 'object') return tally;
  tally.rows = num(summary.rows);
  tally.enrolled = num(summary.enrolled);
  tally.alreadyEnrolled = num(summary.alreadyEnrolled);
  tally.refused = num(summary.refused);
  tally.rejected = num(summary.rejected);
  return tally;
}

/**
 * After an import sent without re-contact whose rows were refused recently_contacted (our cold
 * opener reached the number lately and it never answered): the explicit way to enrol them anyway,
 * the same file again with the re-contact box ticked (rows enrolled already are not enrolled twice).
 * Null when there are none, or re-contact was on.
 */
export function recontactHint(tally, recontactOn) {
  const n = tally && tally.byStatus ? num(tally.byStatus.recently_contacted) : 0;
  if (!n || recontactOn === true) return null;
  return n.toLocaleString('en') + (n === 1 ? ' row was' : ' rows were') +
    ' refused as recently contacted: our message reached the number lately and it never answered. To enrol ' +
    (n === 1 ? 'it' : 'them') + ' anyway, tick "Also enrol numbers we messaged lately that never answered"' +
    ' (read its warning) and import the same file again: rows enrolled already are not enrolled twice.';
}

/**
 * A row's errors as [{field, message}] (a row without errors: its message, no field). A CSV row's
 * error names the import's column (consentAt) where the server gave one, not the lead's field
 * (consent.at): the operator fixes a cell of the sheet. Where the file's own header of that column
 * is another name ("Consent Date", "Phone Number"), the error also has {header} and its field is
 * that header with the import's column after it, "Consent Date (consentAt)": the column as the
 * operator's file names it, and as the failures download does.
 */
export function rowErrors(row) {
  const errors = row && Array.isArray(row.errors) ? row.errors : [];
  const out = [];
  errors.forEach((e) => {
    if (e && typeof e === 'object') {
      const column = text(e.column || e.field);
      const header = e.column && e.header != null ? text(e.header) : '';
      if (header !== '' && header !== column) {
        out.push({ field: header + ' (' + column + ')', header: header, message: text(e.message) });
      } else {
        out.push({ field: column, message: text(e.message) });
      }
    } else if (e != null) out.push({ field: '', message: String(e) });
  });
  if (!out.length) out.push({ field: '', message: text(row && row.message) });
  return out;
}

function text(v) { return v == null ? '' : String(v); }

/**
 * A CSV cell: quoted when it holds a separator, a quote or a line break, and a value a spreadsheet
 * would run as a formula (= + - @, a tab or a carriage return) prefixed with ' — at the cell's start
 * and after every separator inside it (, ; a tab or a line break, then any spaces or quotes): Excel
 * where the list separator is ';' (pt-BR, de, fr...) splits this comma file at each ';' and takes a
 * quote that does not open a field as a letter, so "x;=1+1" would be a cell =1+1 of its own there.
 */
export function csvCell(v) {
  let s = text(v);
  // A phone number (+, then digits, spaces, brackets, dots, dashes) runs nothing and must stay
  // importable: a row's own columns go back into the import as they are.
  if (!/^\+[0-9][0-9 ().\-]*$/.test(s)) s = s.replace(/(?<=^[ "]*|[,;\t\r\n][ "]*)(?=[=+\-@\t\r])/g, "'");
  if (/[",;\r\n\t]/.test(s)) s = '"' + s.replace(/"/g, '""') + '"';
  return s;
}

export const FAILURE_COLUMNS = ['line', 'status', 'leadId', 'field', 'message'];

/** After a row's own columns: what the import said of it (named apart from any file's column). */
export const ROW_FAILURE_COLUMNS = ['import line', 'import status', 'import fields', 'import message'];

/** A row's own columns as the server echoed them (a CSV row not enrolled), else null. */
function ownColumns(row) {
  const c = row && row.columns;
  return c && typeof c === 'object' && !Array.isArray(c) ? c : null;
}

/**
 * The rows not enrolled as a CSV (a byte-order mark so Excel reads UTF-8; CRLF line ends). When the
 * server echoed the rows' own columns (a CSV import), one line per row: its columns in the file's
 * order (the union over the rows, first seen first), so the rows can be fixed and imported again
 * in the same shape (import with unknown columns ignored, or drop the last four), then the import's
 * line, status, fields and messages (several errors joined with "; "). Otherwise (JSON lines) one
 * line per error of a row: line, status, leadId, field, message.
 */
export function failuresCsv(rows) {
  const list = rows || [];
  const own = [];
  list.forEach((row) => {
    const c = ownColumns(row);
    if (c) Object.keys(c).forEach((k) => { if (own.indexOf(k) < 0) own.push(k); });
  });
  if (own.length) {
    const out = [own.concat(ROW_FAILURE_COLUMNS).map(csvCell).join(',')];
    list.forEach((row) => {
      const c = ownColumns(row) || {};
      const errors = rowErrors(row);
      const fields = errors.map((e) => e.field).filter((f) => f !== '').join('; ');
      const messages = errors.map((e) => e.message).filter((m) => m !== '').join('; ');
      out.push(own.map((k) => c[k]).concat([row.line, row.status, fields, messages]).map(csvCell).join(','));
    });
    return '\uFEFF' + out.join('\r\n') + '\r\n';
  }
  const out = [FAILURE_COLUMNS.join(',')];
  list.forEach((row) => {
    rowErrors(row).forEach((e) => {
      out.push([row.line, row.status, row.leadId, e.field, e.message].map(csvCell).join(','));
    });
  });
  return '\uFEFF' + out.join('\r\n') + '\r\n';
}

/** The query of an import: region (two letters, upper case), unknownColumns, recontact. */
export function importQuery(options) {
  const o = options || {};
  const parts = [];
  const region = text(o.region).trim().toUpperCase();
  if (region) parts.push('region=' + encodeURIComponent(region));
  if (o.unknownColumns === 'ignore' || o.unknownColumns === 'refuse') {
    parts.push('unknownColumns=' + o.unknownColumns);
  }
  if (o.recontact === true) parts.push('recontact=true');
  return parts.length ? '?' + parts.join('&') : '';
}

/** The Content-Type to send a file as: JSON lines for .jsonl/.ndjson (or a JSON type), else CSV. */
export function contentTypeOf(name, type) {
  const n = text(name).toLowerCase();
  const t = text(type).toLowerCase();
  if (/\.(jsonl|ndjson)$/.test(n) || t.indexOf('json') >= 0) return 'application/x-ndjson';
  return 'text/csv';
}

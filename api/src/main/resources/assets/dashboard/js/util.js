/* DOM and formatting helpers shared by every view.
 * Security rule: every server-provided string goes into the DOM via textContent,
 * element properties or setAttribute – never via innerHTML & co. h() below is the
 * only way the views build elements, and it follows that rule. */

export const $ = (id) => document.getElementById(id);

/** Creates an element: attrs.text becomes textContent, on* keys become listeners. */
export function h(tag, attrs, children) {
  const el = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach((k) => {
      const v = attrs[k];
      if (v == null || v === false) return;
      if (k === 'text') el.textContent = String(v);
      else if (k === 'class') el.className = v;
      else if (k.indexOf('on') === 0) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    });
  }
  append(el, children);
  return el;
}

/** Appends nodes; anything that is not a node becomes a text node. */
export function append(el, children) {
  if (children == null) return el;
  (Array.isArray(children) ? children : [children]).forEach((c) => {
    if (c == null || c === false) return;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  });
  return el;
}

export function clear(el) { el.textContent = ''; return el; }

/** A refusal's errors ({field, message} or text) as a list, each field in bold: text only. */
export function fieldErrorList(errors) {
  const ul = h('ul', { class: 'plain' });
  errors.forEach((e) => {
    const field = e && typeof e === 'object' ? e.field : null;
    const msg = e && typeof e === 'object' ? e.message : e;
    ul.appendChild(h('li', { 'data-field': field || '' }, [
      field ? h('strong', { class: 'mono', text: String(field) }) : null,
      field ? ': ' : null,
      msg == null ? '' : String(msg)
    ]));
  });
  return ul;
}

export function leadLink(leadId, text) {
  const a = h('a', { class: 'lead-link', text: text == null || text === '' ? leadId : text });
  a.href = '#/lead/' + encodeURIComponent(String(leadId));
  return a;
}

export function isHttpUrl(u) { return typeof u === 'string' && /^https?:\/\//i.test(u); }

export function debounce(fn, ms) {
  let t = null;
  return function () { clearTimeout(t); t = setTimeout(fn, ms); };
}

export function qs(params) {
  const parts = [];
  Object.keys(params).forEach((k) => {
    const v = params[k];
    if (v == null || v === '') return;
    parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v));
  });
  return parts.length ? '?' + parts.join('&') : '';
}

export function num(v) { const n = Number(v); return isFinite(n) ? n : 0; }
export function isNum(v) { return typeof v === 'number' && isFinite(v); }
export function pct(x) { return isNum(x) ? (x * 100).toFixed(1) + ' %' : '–'; }
export function str(v) { return v == null || v === '' ? '–' : String(v); }
export function pad(n) { return n < 10 ? '0' + n : String(n); }

export function toDate(v) {
  if (v == null || v === '') return null;
  if (v instanceof Date) return isNaN(v.getTime()) ? null : v;
  if (isNum(v) || (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v))) {
    const n = Number(v);
    return new Date(n < 1e11 ? n * 1000 : n); // small numbers are epoch seconds
  }
  if (Array.isArray(v) && v.length >= 3) {
    return new Date(v[0], v[1] - 1, v[2], v[3] || 0, v[4] || 0, v[5] || 0);
  }
  if (typeof v !== 'string') return null;
  const d = new Date(v);
  return isNaN(d.getTime()) ? null : d;
}

export function fmtDateTime(v) {
  const d = toDate(v);
  if (!d) return str(v);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
    pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

export function fmtTime(v) {
  const d = toDate(v) || new Date();
  return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

let toastTimer = null;

export function toast(msg, isError) {
  const el = $('toast');
  el.textContent = msg;
  el.className = isError ? 'error' : 'ok';
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, isError ? 10000 : 8000);
}

export function reportError(err) {
  if (err && err.status === 401) return; // already handled: back to login
  toast(err && err.message ? err.message : String(err), true);
}

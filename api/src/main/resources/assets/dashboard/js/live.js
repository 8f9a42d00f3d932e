/* The live event stream (server-sent events read over fetch, so the bearer token goes in a
 * header), the "live" indicator and the live feed list. */
import { $, h, clear, str, fmtTime, leadLink } from './util.js';
import { getToken, unauthorized } from './api.js';

const FEED_MAX = 100;

const stream = { ctrl: null, timer: null, lastId: '', retry: 1000, handlers: {} };

/* ---------- feed list ---------- */

export function addFeedItem(ev) {
  const kind = str(ev.kind);
  const li = h('li', { 'data-kind': kind }, [
    h('time', { class: 'feed-time mono', text: fmtTime(ev.at) }),
    h('span', { class: 'kind kind-' + kind.replace(/[^a-z_]/gi, ''), text: kind }),
    ev.leadId != null ? leadLink(ev.leadId) : null,
    ev.variantId != null ? h('span', { class: 'mono muted', text: String(ev.variantId) }) : null,
    ev.text != null && ev.text !== '' ? h('span', { class: 'feed-text', text: String(ev.text) }) : null
  ]);
  const feed = $('feed');
  feed.insertBefore(li, feed.firstChild);
  while (feed.children.length > FEED_MAX) feed.removeChild(feed.lastChild);
}

export function clearFeed() { clear($('feed')); }

/* ---------- SSE over fetch ---------- */

function setLive(on) {
  $('live').className = 'dot ' + (on ? 'on' : 'off');
  $('live-label').textContent = on ? 'live' : 'offline';
}

/**
 * Connects (and reconnects, resuming from the last event id) until stopStream().
 * handlers: { feed(payload), counters(payload) }.
 */
export function startStream(handlers) {
  stopStream();
  stream.handlers = handlers || {};
  const ctrl = new AbortController();
  stream.ctrl = ctrl;
  connectStream(ctrl);
}

export function stopStream() {
  clearTimeout(stream.timer);
  if (stream.ctrl) stream.ctrl.abort();
  stream.ctrl = null;
  stream.lastId = '';
  setLive(false);
}

function connectStream(ctrl) {
  const token = getToken();
  if (ctrl.signal.aborted || !token) return;
  const headers = { Authorization: 'Bearer ' + token, Accept: 'text/event-stream' };
  if (stream.lastId) headers['Last-Event-ID'] = stream.lastId;
  fetch('/api/dashboard/stream', { headers: headers, signal: ctrl.signal, cache: 'no-store' })
    .then((res) => {
      if (res.status === 401) { unauthorized(); return 'stop'; }
      if (!res.ok || !res.body) throw new Error('stream HTTP ' + res.status);
      setLive(true);
      return readStream(res.body.getReader());
    })
    .catch(() => { /* network error or abort: reconnect below */ })
    .then((result) => {
      if (result === 'stop' || ctrl.signal.aborted) return;
      setLive(false);
      stream.timer = setTimeout(() => { connectStream(ctrl); }, stream.retry);
    });
}

function readStream(reader) {
  const decoder = new TextDecoder();
  let buf = '';
  let skipLF = false;
  let ev = { type: '', data: [] };

  function line(l) {
    if (l === '') {
      if (ev.data.length) dispatch(ev.type || 'message', ev.data.join('\n'));
      ev = { type: '', data: [] };
      return;
    }
    if (l.charAt(0) === ':') return; // comment / heartbeat
    const i = l.indexOf(':');
    const field = i < 0 ? l : l.slice(0, i);
    let value = i < 0 ? '' : l.slice(i + 1);
    if (value.charAt(0) === ' ') value = value.slice(1);
    if (field === 'event') ev.type = value;
    else if (field === 'data') ev.data.push(value);
    else if (field === 'id' && value.indexOf('\u0000') < 0) stream.lastId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) stream.retry = Number(value);
  }

  function pump() {
    return reader.read().then((r) => {
      if (r.done) return;
      let chunk = decoder.decode(r.value, { stream: true });
      if (chunk) {
        if (skipLF && chunk.charAt(0) === '\n') chunk = chunk.slice(1);
        skipLF = chunk.charAt(chunk.length - 1) === '\r'; // CRLF split across chunks
      }
      buf += chunk;
      const lines = buf.split(/\r\n|\n|\r/);
      buf = lines.pop();
      lines.forEach(line);
      return pump();
    });
  }
  return pump();
}

function dispatch(type, data) {
  let payload;
  try { payload = JSON.parse(data); } catch (e) { return; }
  try {
    const handler = type === 'feed' || type === 'counters' ? stream.handlers[type] : null;
    if (typeof handler === 'function') handler(payload);
  } catch (e) { /* a bad event must not kill the stream */ }
}

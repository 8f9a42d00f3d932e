/* The JSON API client: the operator's bearer token (kept in sessionStorage), errors as
 * exceptions carrying the HTTP status, and a 401 hook that sends the operator back to login. */
import { str } from './util.js';

const TOKEN_KEY = 'salesAgentToken';

let token = null;
let unauthorizedHandler = () => {};

function storage(op, value) {
  try {
    if (op === 'get') return window.sessionStorage.getItem(TOKEN_KEY);
    if (op === 'set') window.sessionStorage.setItem(TOKEN_KEY, value);
    if (op === 'del') window.sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) { /* storage unavailable: keep the token in memory only */ }
  return null;
}

export function getToken() { return token; }

/** Uses the token for this tab (remember: also keeps it in sessionStorage). */
export function setToken(t, remember) {
  token = t;
  if (remember) storage('set', t);
}

/** The token a reload of this tab kept, or null. */
export function savedToken() { return storage('get'); }

export function forgetToken() {
  token = null;
  storage('del');
}

/** Who handles a 401: the entry module (stops the app, shows the login). */
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

export function unauthorized() { unauthorizedHandler(); }

/**
 * Calls the API with the bearer token; resolves to the parsed JSON (or null). options: method,
 * body (JSON) or raw (with contentType), headers (e.g. If-Match).
 */
export function api(path, options) {
  options = options || {};
  if (!token) return Promise.reject(Object.assign(new Error('Not logged in'), { status: 401 }));
  const headers = { Authorization: 'Bearer ' + token, Accept: 'application/json' };
  // A request's own headers (If-Match of an edit); never the token's.
  Object.keys(options.headers || {}).forEach((k) => {
    if (k.toLowerCase() !== 'authorization') headers[k] = options.headers[k];
  });
  const init = { method: options.method || 'GET', headers: headers, cache: 'no-store' };
  if (options.raw !== undefined) {
    headers['Content-Type'] = options.contentType || 'application/octet-stream';
    init.body = options.raw;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  return fetch(path, init).then((res) => {
    if (res.status === 401) {
      unauthorized();
      throw Object.assign(new Error('Unauthorized'), { status: 401 });
    }
    return res.text().then((text) => {
      const data = parseJson(text);
      if (!res.ok) throw failure(res, data);
      return data;
    });
  });
}

function parseJson(text) {
  if (!text) return null;
  try { return JSON.parse(text); } catch (e) { return null; }
}

/** The error of a 4xx/5xx answer: its message and the fields its errors name. */
function failure(res, data) {
  let msg = (data && (data.message || data.error)) || (res.status + ' ' + res.statusText);
  if (data && Array.isArray(data.errors) && data.errors.length) {
    msg += ': ' + data.errors.map((e) => {
      if (e && typeof e === 'object') return (e.field ? e.field + ': ' : '') + str(e.message);
      return String(e);
    }).join('; ');
  }
  return Object.assign(new Error(msg), { status: res.status, data: data });
}

/**
 * Sends a body (a File or Blob as is) with the bearer token and resolves to the Response once its
 * status is 2xx, for the caller to read its body as a stream (response.body.getReader()); a 401
 * goes back to login and any other error status throws as api() does (message, status, data).
 */
export function apiStream(path, options) {
  options = options || {};
  if (!token) return Promise.reject(Object.assign(new Error('Not logged in'), { status: 401 }));
  const headers = {
    Authorization: 'Bearer ' + token,
    Accept: options.accept || 'application/x-ndjson, application/json',
    'Content-Type': options.contentType || 'application/octet-stream'
  };
  const init = { method: options.method || 'POST', headers: headers, cache: 'no-store', body: options.raw };
  if (options.signal) init.signal = options.signal;
  return fetch(path, init).then((res) => {
    if (res.status === 401) {
      unauthorized();
      throw Object.assign(new Error('Unauthorized'), { status: 401 });
    }
    if (!res.ok) return res.text().then((text) => { throw failure(res, parseJson(text)); });
    return res;
  });
}

/**
 * Fetches a binary resource (a lead's image or voice note) with the bearer token, which an <img> or
 * <audio> cannot send; resolves to an object URL for it (revoke it when the page closes).
 */
export function apiObjectUrl(path) {
  if (!token) return Promise.reject(Object.assign(new Error('Not logged in'), { status: 401 }));
  return fetch(path, { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' })
    .then((res) => {
      if (res.status === 401) {
        unauthorized();
        throw Object.assign(new Error('Unauthorized'), { status: 401 });
      }
      if (!res.ok) throw Object.assign(new Error(res.status + ' ' + res.statusText), { status: res.status });
      return res.blob();
    })
    .then((blob) => URL.createObjectURL(blob));
}

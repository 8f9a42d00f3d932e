/* The overview's summary: filters (campaign, dates), the funnel with its rates and charts, the
 * paused-sender alarm, and the live `counters` events. */
import { $, h, clear, debounce, qs, num, isNum, pct, reportError } from './util.js';
import { api } from './api.js';
import { session } from './state.js';
import { FUNNEL_KEYS, COLORS, updateFunnelChart, updateSeriesChart } from './charts.js';
import { loadVariants } from './variants.js';
import { loadApprovals, pendingRendered } from './approvals.js';
import { reloadLeadsFromFirstPage } from './leads.js';

// Denominators used when the live `counters` event only carries counts (matches the summary's rates).
const RATE_BASE = { sent: 'enrolled', delivered: 'sent', read: 'sent', replied: 'sent', interested: 'sent', opted_out: 'enrolled', failed: 'sent', converted: 'sent' };
const SUMMARY_EVERY_MS = 15000;

const summary = { seq: 0, funnelBuilt: false, timer: null, segmentPicked: false };

function summaryParams() {
  return { campaignId: $('campaign').value, from: $('from').value, to: $('to').value };
}

function filtersEmpty() {
  const p = summaryParams();
  return !p.campaignId && !p.from && !p.to;
}

export function loadSummary() {
  if (!session.running) return Promise.resolve();
  const mine = ++summary.seq;
  return api('/api/dashboard/summary' + qs(summaryParams())).then((s) => {
    if (mine !== summary.seq || !s) return;
    fillSelect($('campaign'), s.campaigns, '', 'All campaigns');
    const segments = (s.segments && s.segments.length) ? s.segments : ['default'];
    fillSelect($('segment'), segments, null, null);
    if (!summary.segmentPicked) {
      // First load: the busiest segment (the server lists them by assignments), not the page's
      // placeholder "default", which showed zeros while the leads were in another segment. A
      // segment the operator picked is kept.
      summary.segmentPicked = true;
      $('segment').value = String(segments[0]);
      loadVariants();
    }
    renderPausedSenders(Array.isArray(s.pausedSenders) ? s.pausedSenders : []);
    renderSenders(Array.isArray(s.senders) ? s.senders : []);
    renderFunnel(s.funnel || {}, s.rates || {});
    updateSeriesChart(Array.isArray(s.series) ? s.series : []);
    $('server-ms').textContent = isNum(s.serverMillis) ? 'server ' + s.serverMillis.toFixed(1) + ' ms' : '';
    if (isNum(s.pendingApprovals) && s.pendingApprovals !== pendingRendered()) loadApprovals();
  }).catch(reportError);
}

const reloadSummarySoon = debounce(loadSummary, 300);

export function startSummaryPolling() {
  clearInterval(summary.timer);
  summary.timer = setInterval(loadSummary, SUMMARY_EVERY_MS);
}

export function stopSummaryPolling() {
  clearInterval(summary.timer);
  summary.timer = null;
}

/** Rebuilds a select's options only when the list changed; keeps the current selection. */
function fillSelect(select, values, allValue, allLabel) {
  const seen = {};
  const list = (values || []).map(String).filter((v) => {
    if (seen[v] || v === allValue) return false;
    seen[v] = true;
    return true;
  });
  const current = select.value;
  if (current && current !== allValue && !seen[current]) list.push(current);
  const key = JSON.stringify(list);
  if (select.getAttribute('data-options') === key) return;
  select.setAttribute('data-options', key);
  clear(select);
  if (allValue != null) select.appendChild(h('option', { value: allValue, text: allLabel }));
  list.forEach((v) => { select.appendChild(h('option', { value: v, text: v })); });
  select.value = current;
}

function computeRates(funnel) {
  const rates = {};
  Object.keys(RATE_BASE).forEach((k) => {
    const base = num(funnel[RATE_BASE[k]]);
    if (base > 0) rates[k] = num(funnel[k]) / base;
  });
  return rates;
}

function buildFunnelRows() {
  const box = clear($('funnel-rows'));
  FUNNEL_KEYS.forEach((k) => {
    const bar = h('span', { class: 'bar-fill' });
    bar.style.background = COLORS[k];
    box.appendChild(h('div', { class: 'funnel-row' }, [
      h('span', { class: 'funnel-label', text: k.replace('_', ' ') }),
      h('span', { class: 'funnel-count', 'data-funnel': k, text: '0' }),
      h('span', { class: 'funnel-rate', 'data-rate': k, text: '–' }),
      h('span', { class: 'bar' }, bar)
    ]));
  });
  summary.funnelBuilt = true;
}

function renderFunnel(funnel, rates) {
  if (!summary.funnelBuilt) buildFunnelRows();
  let max = 1;
  FUNNEL_KEYS.forEach((k) => { max = Math.max(max, num(funnel[k])); });
  FUNNEL_KEYS.forEach((k) => {
    const count = Math.round(num(funnel[k]));
    const countEl = document.querySelector('[data-funnel="' + k + '"]');
    countEl.textContent = String(count);
    document.querySelector('[data-rate="' + k + '"]').textContent = pct(rates[k]);
    countEl.parentNode.querySelector('.bar-fill').style.width = (100 * count / max).toFixed(1) + '%';
  });
  updateFunnelChart(funnel);
}

/** A business number paused by Meta (token expired, account locked, payment): nothing goes out. */
function renderPausedSenders(paused) {
  const el = $('sender-alarm');
  if (!paused.length) {
    el.hidden = true;
    el.textContent = '';
    return;
  }
  el.textContent = 'Sending is paused: ' + paused.map((p) =>
    'number ' + p.phoneNumberId + ' since ' + (p.since ? new Date(p.since).toLocaleString() : '?') +
      ' (Meta error ' + p.code + (p.detail ? ': ' + p.detail : '') + ')'
  ).join('; ') + '. Leads on these numbers wait (no other number takes them over); an account'
    + ' pause is probed by one send every 5 minutes, a quality pause ends when Meta reports the'
    + ' quality recovered.';
  el.hidden = false;
}

/** The sender pool: each business number's state, quality, tier and sends per minute. */
function renderSenders(senders) {
  const body = document.querySelector('#senders-table tbody');
  if (!body) return;
  clear(body);
  senders.forEach((x) => {
    let state = x.status === 'paused'
      ? 'paused (' + (x.pauseSource || 'account') + (x.detail ? ': ' + x.detail : '') + ')'
      : 'active';
    // A number no worker has the token variable of takes no lead, whatever its status says.
    if (x.reason === 'token_missing') {
      state = 'unusable: no worker has its token variable ' + (x.tokenRef || '') + ' (' + state + ')';
    } else if (x.reason === 'token_unchecked') {
      state = 'checking its token variable (' + state + ')';
    }
    body.appendChild(h('tr', null, [
      h('td', { text: x.phoneNumberId + (x.primary ? ' (configured)' : '') }),
      h('td', { text: x.displayPhoneNumber || '' }),
      h('td', { text: state }),
      h('td', { text: x.quality || '' }),
      h('td', { class: 'num', text: isNum(x.tier) ? String(x.tier) : '' }),
      h('td', { class: 'num', text: isNum(x.sentLastMinute) ? String(x.sentLastMinute) : '' }),
      h('td', { class: 'num', text: isNum(x.sentThisMinute) ? String(x.sentThisMinute) : '' }),
    ]));
  });
}

/** The live `counters` event: the funnel's numbers now, the rest of the summary right after. */
export function onCounters(data) {
  if (!data || typeof data !== 'object') return;
  if (!filtersEmpty()) { reloadSummarySoon(); return; }
  const funnel = data.funnel && typeof data.funnel === 'object' ? data.funnel : data;
  const rates = data.rates && typeof data.rates === 'object' ? data.rates : computeRates(funnel);
  renderFunnel(funnel, rates);
  // The per-day chart and the rest of the summary right after (cheap: counters).
  reloadSummarySoon();
}

export function bindOverview() {
  ['campaign', 'from', 'to'].forEach((id) => {
    $(id).addEventListener('change', () => {
      loadSummary();
      if (id === 'campaign') reloadLeadsFromFirstPage();
    });
  });
  $('from').addEventListener('input', reloadSummarySoon);
  $('to').addEventListener('input', reloadSummarySoon);
}

/* Personas and segments: the faceted search (facet sidebar with counts and reply rates, the
 * matching personas), segment discovery (values and pairs replying above the mean, with their
 * intervals) with "Save as segment", and the operators' segments in matching order. */
import { $, h, clear, str, qs, pct, leadLink, toast, reportError } from './util.js';
import { api } from './api.js';
import { session, overviewVisible } from './state.js';

const FACETS = ['industry', 'sizeBand', 'seniority', 'function', 'topic', 'objection', 'intent'];
const FACET_LABELS = { sizeBand: 'company size' };
const filters = {};
let seq = 0;

function rate(r) {
  if (!r || r.rate == null) return '–';
  return pct(r.rate) + ' [' + pct(r.low) + '–' + pct(r.high) + ']';
}

export function loadPersonas() {
  if (!session.running) return Promise.resolve();
  const mine = ++seq;
  const params = { size: 10, facets: FACETS.join(','), q: $('persona-q').value.trim() };
  Object.keys(filters).forEach((f) => { params[f] = filters[f]; });
  // Each part on its own: one failing (a bad minimum, a slow discovery) leaves the others shown.
  const parts = [
    api('/api/personas/search' + qs(params)).then((d) => {
      if (mine === seq) { renderFacets(d || {}); renderResults(d || {}); }
    }),
    api('/api/personas/discover' + qs({ limit: 8, minLeads: minLeads() })).then((d) => {
      if (mine === seq) renderDiscovery(d || {});
    }),
    api('/api/segments').then((d) => { if (mine === seq) renderSegments(d || {}); })
  ];
  return Promise.all(parts.map((p) => p.catch(reportError)));
}

/** The discovery minimum as the API takes it: a whole number from 1 to 1,000,000 (else 30). */
function minLeads() {
  const n = Math.floor(Number($('discover-min').value));
  const v = isFinite(n) && n >= 1 ? Math.min(n, 1000000) : 30;
  if (String(v) !== $('discover-min').value) $('discover-min').value = String(v);
  return v;
}

function renderFacets(d) {
  const box = clear($('persona-facets'));
  const facets = d.facets || {};
  FACETS.forEach((f) => {
    const buckets = Array.isArray(facets[f]) ? facets[f] : [];
    if (!buckets.length) return;
    const list = h('ul', { class: 'facet-values' });
    buckets.slice(0, 8).forEach((b) => {
      const on = filters[f] === b.value;
      const btn = h('button', {
        type: 'button',
        class: 'facet-value' + (on ? ' on' : ''),
        'data-facet': f,
        'data-value': b.value,
        // A value known only from replies (intent, objection, sentiment): its share of the replies.
        title: b.shareOfReplies ? 'share of the replies ' + rate(b.shareOfReplies) : 'reply rate ' + rate(b.replyRate),
        onclick: () => { if (on) delete filters[f]; else filters[f] = b.value; loadPersonas(); }
      }, [h('span', { text: str(b.value) }), h('span', { class: 'muted small', text: ' ' + b.count + ' · ' + (b.shareOfReplies ? rate(b.shareOfReplies) + ' of replies' : rate(b.replyRate)) })]);
      list.appendChild(h('li', null, btn));
    });
    box.appendChild(h('div', { class: 'facet' }, [h('h3', { text: FACET_LABELS[f] || f }), list]));
  });
  if (!box.childNodes.length) box.appendChild(h('p', { class: 'muted', text: 'No personas yet.' }));
}

function renderResults(d) {
  const body = clear($('persona-results').querySelector('tbody'));
  $('persona-total').textContent = (d.total == null ? 0 : d.total) + ' personas · reply rate ' + rate(d.replyRate);
  (Array.isArray(d.personas) ? d.personas : []).forEach((p) => {
    body.appendChild(h('tr', { 'data-lead': p.leadId }, [
      h('td', null, leadLink(p.leadId)),
      h('td', { text: str(p.jobTitle) }),
      h('td', { text: str(p.industry) }),
      h('td', { text: str(p.seniority) }),
      h('td', { text: str(p.segment) }),
      h('td', { text: Array.isArray(p.topics) ? p.topics.join(', ') : '–' }),
      h('td', { text: p.replied ? 'yes' : '' })
    ]));
  });
}

function describe(facets) {
  return Object.keys(facets || {}).map((k) => k + '=' + facets[k]).join(' · ');
}

/** An id the segments API accepts, naming facet and value (seniority=vp and function=vp differ). */
function slug(facets) {
  const s = Object.keys(facets).map((k) => k + '-' + String(facets[k])).join('-').toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '').replace(/[-_]+$/, '');
  return (s || 'segment').slice(0, 40).replace(/[-_]+$/, '');
}

function saveAsSegment(f, button) {
  const query = {};
  Object.keys(f.facets).forEach((k) => { query[k] = [f.facets[k]]; });
  button.disabled = true;
  api('/api/segments', { method: 'POST', body: { segmentId: slug(f.facets), name: describe(f.facets), query: query } })
    .then(() => { toast('Segment ' + slug(f.facets) + ' saved'); loadPersonas(); })
    .catch((e) => { button.disabled = false; reportError(e); });
}

function renderDiscovery(d) {
  const body = clear($('discovery-table').querySelector('tbody'));
  $('discovery-baseline').textContent = 'baseline ' + rate(d.baseline);
  const rows = Array.isArray(d.above) ? d.above : [];
  rows.forEach((f) => {
    // "unclear": the lift leans above 1 but its 95 % interval holds the baseline too; saving it
    // as a segment tests a hunch, not a finding, and the row says so.
    const unclear = f.evidence !== 'above';
    const button = h('button', {
      type: 'button',
      class: 'secondary save-segment',
      text: 'Save as segment',
      title: unclear ? 'Not clear yet: the interval includes the baseline (1x); more leads will tell' : 'Replies above the baseline with 95 % confidence'
    });
    button.addEventListener('click', () => saveAsSegment(f, button));
    body.appendChild(h('tr', { 'data-finding': describe(f.facets), 'data-evidence': unclear ? 'unclear' : 'above', class: unclear ? 'unclear' : '' }, [
      h('td', null, [h('span', { text: describe(f.facets) }), unclear ? h('span', { class: 'muted small', text: ' · not clear yet' }) : null]),
      h('td', { class: 'num', text: str(f.replyRate && f.replyRate.leads) }),
      h('td', { text: rate(f.replyRate) }),
      h('td', { class: 'num', text: str(f.lift) + 'x [' + str(f.liftLow) + '–' + str(f.liftHigh) + ']' }),
      h('td', null, button)
    ]));
  });
  $('discovery-empty').hidden = rows.length > 0;
}

function renderSegments(d) {
  const body = clear($('segments-table').querySelector('tbody'));
  (Array.isArray(d.segments) ? d.segments : []).forEach((s) => {
    body.appendChild(h('tr', { 'data-segment': s.segmentId }, [
      h('td', { class: 'num', text: str(s.order) }),
      h('td', { class: 'mono', text: str(s.segmentId) }),
      h('td', { text: JSON.stringify(s.query || {}) }),
      h('td', { text: Array.isArray(s.variants) && s.variants.length ? s.variants.join(', ') : 'by segment' }),
      h('td', { text: str(s.workflowDefinition) }),
      h('td', { text: s.enabled === false ? 'disabled' : 'enabled' })
    ]));
  });
}

/* Personas change as leads are profiled and reply: refreshed every 15 s while logged in (not while
 * the operator types a search: the input's own debounce reloads then). */
let timer = null;
export function startPersonasPolling() {
  clearInterval(timer);
  timer = setInterval(() => {
    if (document.activeElement !== $('persona-q') && overviewVisible()) loadPersonas();
  }, 15000);
}
export function stopPersonasPolling() { clearInterval(timer); timer = null; }

export function bindPersonas() {
  let t = null;
  $('persona-q').addEventListener('input', () => { clearTimeout(t); t = setTimeout(loadPersonas, 300); });
  $('discover-min').addEventListener('change', loadPersonas);
}

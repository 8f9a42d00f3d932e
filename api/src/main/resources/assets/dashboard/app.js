/* Operator dashboard – vanilla JS, no build step.
 * Security rule: every server-provided string goes into the DOM via textContent,
 * element properties or setAttribute – never via innerHTML & co. */
(function () {
  'use strict';

  var TOKEN_KEY = 'salesAgentToken';
  var FUNNEL_KEYS = ['enrolled', 'sent', 'delivered', 'read', 'replied', 'opted_out', 'failed'];
  // Denominators used when the live `counters` event only carries counts (matches the summary's rates).
  var RATE_BASE = { sent: 'enrolled', delivered: 'sent', read: 'sent', replied: 'sent', opted_out: 'enrolled', failed: 'sent' };
  var SERIES_KEYS = ['sent', 'delivered', 'read', 'replied'];
  var COLORS = {
    enrolled: '#64748b', sent: '#2563eb', delivered: '#0891b2', read: '#7c3aed',
    replied: '#16a34a', opted_out: '#d97706', failed: '#dc2626'
  };
  var FEED_MAX = 100;
  var PAGE_SIZE = 25;

  var $ = function (id) { return document.getElementById(id); };

  var state = {
    token: null,
    running: false,
    route: { name: 'overview' },
    funnel: null,
    funnelBuilt: false,
    pendingRendered: -1,
    seq: { summary: 0, variants: 0, leads: 0, approvals: 0 },
    leadsPage: 0,
    leadsTotal: 0,
    summaryTimer: null,
    toastTimer: null,
    charts: { funnel: null, series: null },
    confirmAction: null,
    approvalsDeferred: false,
    lead: { id: null, seq: 0, timer: null, lastJson: null },
    stream: { ctrl: null, timer: null, lastId: '', retry: 1000 }
  };

  /* ---------- small helpers ---------- */

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
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

  function append(el, children) {
    if (children == null) return el;
    (Array.isArray(children) ? children : [children]).forEach(function (c) {
      if (c == null || c === false) return;
      el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    });
    return el;
  }

  function clear(el) { el.textContent = ''; return el; }

  function leadLink(leadId, text) {
    var a = h('a', { class: 'lead-link', text: text == null || text === '' ? leadId : text });
    a.href = '#/lead/' + encodeURIComponent(String(leadId));
    return a;
  }

  function isHttpUrl(u) { return typeof u === 'string' && /^https?:\/\//i.test(u); }

  function debounce(fn, ms) {
    var t = null;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  function qs(params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      if (v == null || v === '') return;
      parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v));
    });
    return parts.length ? '?' + parts.join('&') : '';
  }

  function num(v) { var n = Number(v); return isFinite(n) ? n : 0; }
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function pct(x) { return isNum(x) ? (x * 100).toFixed(1) + ' %' : '–'; }
  function str(v) { return v == null || v === '' ? '–' : String(v); }
  function pad(n) { return n < 10 ? '0' + n : String(n); }

  function toDate(v) {
    if (v == null || v === '') return null;
    if (isNum(v) || (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v))) {
      var n = Number(v);
      return new Date(n < 1e11 ? n * 1000 : n); // small numbers are epoch seconds
    }
    if (Array.isArray(v) && v.length >= 3) {
      return new Date(v[0], v[1] - 1, v[2], v[3] || 0, v[4] || 0, v[5] || 0);
    }
    if (typeof v !== 'string') return null;
    var d = new Date(v);
    return isNaN(d.getTime()) ? null : d;
  }

  function fmtDateTime(v) {
    var d = toDate(v);
    if (!d) return str(v);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
      pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  function fmtTime(v) {
    var d = toDate(v) || new Date();
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  function storage(op, value) {
    try {
      if (op === 'get') return window.sessionStorage.getItem(TOKEN_KEY);
      if (op === 'set') window.sessionStorage.setItem(TOKEN_KEY, value);
      if (op === 'del') window.sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) { /* storage unavailable: keep the token in memory only */ }
    return null;
  }

  function toast(msg, isError) {
    var el = $('toast');
    el.textContent = msg;
    el.className = isError ? 'error' : 'ok';
    el.hidden = false;
    clearTimeout(state.toastTimer);
    state.toastTimer = setTimeout(function () { el.hidden = true; }, isError ? 10000 : 8000);
  }

  function reportError(err) {
    if (err && err.status === 401) return; // already handled: back to login
    toast(err && err.message ? err.message : String(err), true);
  }

  /* ---------- API ---------- */

  function api(path, options) {
    options = options || {};
    if (!state.token) return Promise.reject(Object.assign(new Error('Not logged in'), { status: 401 }));
    var headers = { Authorization: 'Bearer ' + state.token, Accept: 'application/json' };
    var init = { method: options.method || 'GET', headers: headers, cache: 'no-store' };
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    return fetch(path, init).then(function (res) {
      if (res.status === 401) {
        unauthorized();
        throw Object.assign(new Error('Unauthorized'), { status: 401 });
      }
      return res.text().then(function (text) {
        var data = null;
        if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
        if (!res.ok) {
          var msg = (data && (data.message || data.error)) || (res.status + ' ' + res.statusText);
          if (data && Array.isArray(data.errors) && data.errors.length) {
            msg += ': ' + data.errors.map(function (e) {
              if (e && typeof e === 'object') return (e.field ? e.field + ': ' : '') + str(e.message);
              return String(e);
            }).join('; ');
          }
          throw Object.assign(new Error(msg), { status: res.status, data: data });
        }
        return data;
      });
    });
  }

  /* ---------- login / logout ---------- */

  function showLogin(message) {
    $('app').hidden = true;
    $('login-view').hidden = false;
    $('login-error').textContent = message || '';
    $('token').value = '';
    $('token').focus();
  }

  function unauthorized() {
    if (!state.running) return;
    stopApp();
    showLogin('Your token was rejected (401). Please log in again.');
  }

  function logout() {
    stopApp();
    showLogin('');
  }

  function startApp() {
    state.running = true;
    $('login-view').hidden = true;
    $('app').hidden = false;
    $('login-error').textContent = '';
    route();
    loadSummary();
    loadVariants();
    loadLeads();
    loadApprovals();
    startStream();
    state.summaryTimer = setInterval(loadSummary, 15000);
  }

  function stopApp() {
    state.running = false;
    state.token = null;
    storage('del');
    clearInterval(state.summaryTimer);
    stopLeadPolling();
    stopStream();
    hideConfirm();
    clear($('feed'));
  }

  /* ---------- routing ---------- */

  function parseRoute() {
    var m = /^#\/lead\/(.+)$/.exec(location.hash || '');
    if (m) {
      var id;
      try { id = decodeURIComponent(m[1]); } catch (e) { id = m[1]; }
      return { name: 'lead', id: id };
    }
    return { name: 'overview' };
  }

  function route() {
    if (!state.running) return;
    var prev = state.route;
    state.route = parseRoute();
    var onLead = state.route.name === 'lead';
    $('overview').hidden = onLead;
    $('lead').hidden = !onLead;
    if (onLead) {
      openLead(state.route.id);
    } else {
      stopLeadPolling();
      if (prev.name === 'lead') { loadLeads(); loadApprovals(); }
    }
  }

  function overviewVisible() { return state.running && state.route.name === 'overview'; }

  /* ---------- summary, funnel & charts ---------- */

  function summaryParams() {
    return { campaignId: $('campaign').value, from: $('from').value, to: $('to').value };
  }

  function filtersEmpty() {
    var p = summaryParams();
    return !p.campaignId && !p.from && !p.to;
  }

  function loadSummary() {
    if (!state.running) return Promise.resolve();
    var seq = ++state.seq.summary;
    return api('/api/dashboard/summary' + qs(summaryParams())).then(function (s) {
      if (seq !== state.seq.summary || !s) return;
      fillSelect($('campaign'), s.campaigns, '', 'All campaigns');
      var segments = (s.segments && s.segments.length) ? s.segments : ['default'];
      fillSelect($('segment'), segments, null, null);
      if (!$('segment').value) {
        // First load: the busiest segment (the server lists them by assignments).
        $('segment').value = String(segments[0]);
        loadVariants();
      }
      renderPausedSenders(Array.isArray(s.pausedSenders) ? s.pausedSenders : []);
      renderFunnel(s.funnel || {}, s.rates || {});
      updateSeriesChart(Array.isArray(s.series) ? s.series : []);
      $('server-ms').textContent = isNum(s.serverMillis) ? 'server ' + s.serverMillis.toFixed(1) + ' ms' : '';
      if (isNum(s.pendingApprovals) && s.pendingApprovals !== state.pendingRendered) loadApprovals();
    }).catch(reportError);
  }

  var reloadSummarySoon = debounce(loadSummary, 300);

  /** Rebuilds a select's options only when the list changed; keeps the current selection. */
  function fillSelect(select, values, allValue, allLabel) {
    var seen = {};
    var list = (values || []).map(String).filter(function (v) {
      if (seen[v] || v === allValue) return false;
      seen[v] = true;
      return true;
    });
    var current = select.value;
    if (current && current !== allValue && !seen[current]) list.push(current);
    var key = JSON.stringify(list);
    if (select.getAttribute('data-options') === key) return;
    select.setAttribute('data-options', key);
    clear(select);
    if (allValue != null) select.appendChild(h('option', { value: allValue, text: allLabel }));
    list.forEach(function (v) { select.appendChild(h('option', { value: v, text: v })); });
    select.value = current;
  }

  function computeRates(funnel) {
    var rates = {};
    Object.keys(RATE_BASE).forEach(function (k) {
      var base = num(funnel[RATE_BASE[k]]);
      if (base > 0) rates[k] = num(funnel[k]) / base;
    });
    return rates;
  }

  function buildFunnelRows() {
    var box = clear($('funnel-rows'));
    FUNNEL_KEYS.forEach(function (k) {
      var bar = h('span', { class: 'bar-fill' });
      bar.style.background = COLORS[k];
      box.appendChild(h('div', { class: 'funnel-row' }, [
        h('span', { class: 'funnel-label', text: k.replace('_', ' ') }),
        h('span', { class: 'funnel-count', 'data-funnel': k, text: '0' }),
        h('span', { class: 'funnel-rate', 'data-rate': k, text: '–' }),
        h('span', { class: 'bar' }, bar)
      ]));
    });
    state.funnelBuilt = true;
  }

  function renderFunnel(funnel, rates) {
    if (!state.funnelBuilt) buildFunnelRows();
    state.funnel = funnel;
    var max = 1;
    FUNNEL_KEYS.forEach(function (k) { max = Math.max(max, num(funnel[k])); });
    FUNNEL_KEYS.forEach(function (k) {
      var count = Math.round(num(funnel[k]));
      document.querySelector('[data-funnel="' + k + '"]').textContent = String(count);
      document.querySelector('[data-rate="' + k + '"]').textContent = pct(rates[k]);
      document.querySelector('[data-funnel="' + k + '"]').parentNode
        .querySelector('.bar-fill').style.width = (100 * count / max).toFixed(1) + '%';
    });
    updateFunnelChart(funnel);
  }

  function chartsAvailable() {
    var ok = typeof window.Chart === 'function';
    $('charts-unavailable').hidden = ok;
    return ok;
  }

  function updateFunnelChart(funnel) {
    if (!chartsAvailable()) return;
    var data = FUNNEL_KEYS.map(function (k) { return num(funnel[k]); });
    try {
      var c = state.charts.funnel;
      if (c) { c.data.datasets[0].data = data; c.update(); return; }
      state.charts.funnel = new window.Chart($('funnel-chart'), {
        type: 'bar',
        data: {
          labels: FUNNEL_KEYS.map(function (k) { return k.replace('_', ' '); }),
          datasets: [{ label: 'Leads', data: data, backgroundColor: FUNNEL_KEYS.map(function (k) { return COLORS[k]; }) }]
        },
        options: {
          indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: { duration: 250 },
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
    } catch (e) { /* charts are optional */ }
  }

  function updateSeriesChart(series) {
    if (!chartsAvailable()) return;
    var labels = series.map(function (d) { return String(d.day); });
    try {
      var c = state.charts.series;
      if (c) {
        c.data.labels = labels;
        SERIES_KEYS.forEach(function (k, i) { c.data.datasets[i].data = series.map(function (d) { return num(d[k]); }); });
        c.update();
        return;
      }
      state.charts.series = new window.Chart($('series-chart'), {
        type: 'line',
        data: {
          labels: labels,
          datasets: SERIES_KEYS.map(function (k) {
            return {
              label: k, data: series.map(function (d) { return num(d[k]); }),
              borderColor: COLORS[k], backgroundColor: COLORS[k], tension: 0.25, pointRadius: 4
            };
          })
        },
        options: {
          responsive: true, maintainAspectRatio: false, animation: { duration: 250 },
          interaction: { mode: 'index', intersect: false },
          scales: { y: { beginAtZero: true, grace: '10%', ticks: { precision: 0 } } }
        }
      });
    } catch (e) { /* charts are optional */ }
  }

  /* ---------- variants ---------- */

  function pickInterval(o) {
    if (isNum(o)) return { rate: o, low: null, high: null };
    if (!o || typeof o !== 'object') return null;
    var first = function (keys) {
      for (var i = 0; i < keys.length; i++) if (isNum(o[keys[i]])) return o[keys[i]];
      return null;
    };
    var iv = {
      rate: first(['rate', 'estimate', 'mean', 'value', 'point']),
      low: first(['low', 'lower', 'lo', 'lowerBound', 'ciLow']),
      high: first(['high', 'upper', 'hi', 'upperBound', 'ciHigh'])
    };
    var arr = o.interval || o.ci;
    if ((iv.low == null || iv.high == null) && Array.isArray(arr) && arr.length === 2) {
      iv.low = num(arr[0]); iv.high = num(arr[1]);
    }
    return iv.rate == null ? null : iv;
  }

  function fmtInterval(iv) {
    if (!iv) return '–';
    var s = pct(iv.rate);
    if (iv.low != null && iv.high != null) {
      s += ' [' + (iv.low * 100).toFixed(1) + '–' + (iv.high * 100).toFixed(1) + ']';
    }
    return s;
  }

  function loadVariants() {
    if (!state.running) return Promise.resolve();
    var seq = ++state.seq.variants;
    var segment = $('segment').value || 'default';
    return api('/api/analytics/variants' + qs({ segment: segment })).then(function (d) {
      if (seq !== state.seq.variants || !d) return;
      renderVariants(Array.isArray(d.variants) ? d.variants : []);
      renderSrm(d.sampleRatioMismatch);
    }).catch(reportError);
  }

  var reloadVariantsSoon = debounce(loadVariants, 1000);

  function renderVariants(variants) {
    var tbody = clear(document.querySelector('#variants-table tbody'));
    var total = 0;
    variants.forEach(function (v) { total += num(v.counts && v.counts.assigned); });
    if (!variants.length) {
      tbody.appendChild(h('tr', null, h('td', { colspan: 11, class: 'muted', text: 'No variants for this segment.' })));
      return;
    }
    variants.forEach(function (v) {
      var c = v.counts || {};
      var enabled = v.enabled !== false;
      // Auto-disabled in this segment: still enabled globally; "Enable" lifts the auto-disable.
      var auto = enabled && v.autoDisabled === true;
      var btn = h('button', { type: 'button', class: 'toggle' + (enabled && !auto ? ' danger' : ''), text: enabled && !auto ? 'Disable' : 'Enable' });
      btn.addEventListener('click', function () { askToggle(v, !enabled || auto); });
      tbody.appendChild(h('tr', { 'data-variant': v.variantId, class: enabled ? '' : 'is-disabled' }, [
        h('td', { class: 'mono', text: str(v.variantId) }),
        h('td', { text: str(v.angle) }),
        h('td', { class: 'num', text: String(num(c.assigned)) }),
        h('td', { class: 'num', text: String(num(c.sent)) }),
        h('td', { class: 'num', text: String(num(c.replied)) }),
        h('td', { class: 'nowrap', text: fmtInterval(pickInterval(v.replyRate)) }),
        h('td', { class: 'num', text: pct(v.posteriorMean) }),
        h('td', { class: 'num', text: pct(v.probabilityToBeBest) }),
        h('td', { class: 'num', text: total > 0 ? pct(num(c.assigned) / total) : '–' }),
        h('td', null, h('span', { class: 'pill ' + (enabled && !auto ? 'pill-on' : 'pill-off'), text: auto ? 'auto-disabled here' : enabled ? 'enabled' : 'disabled' })),
        h('td', null, btn)
      ]));
    });
  }

  /** A business number paused by Meta (token expired, account locked, payment): nothing goes out. */
  function renderPausedSenders(paused) {
    var el = $('sender-alarm');
    if (!paused.length) {
      el.hidden = true;
      el.textContent = '';
      return;
    }
    el.textContent = 'Sending is paused: ' + paused.map(function (p) {
      return 'number ' + p.phoneNumberId + ' since ' + (p.since ? new Date(p.since).toLocaleString() : '?') +
        ' (Meta error ' + p.code + (p.detail ? ': ' + p.detail : '') + ')';
    }).join('; ') + '. Leads wait; a send every 5 minutes checks whether it works again.';
    el.hidden = false;
  }

  function renderSrm(srm) {
    var el = $('srm-alarm');
    if (srm && srm.alarm === true) {
      el.textContent = 'Sample ratio mismatch: the observed allocation deviates from the expected split' +
        (isNum(srm.pValue) ? ' (p = ' + srm.pValue.toPrecision(2) + ')' : '') + '. Check assignment before trusting results.';
      el.hidden = false;
    } else {
      el.hidden = true;
      el.textContent = '';
    }
  }

  function askToggle(v, enable) {
    var verb = enable ? 'Enable' : 'Disable';
    state.confirmAction = { variantId: String(v.variantId), enable: enable };
    var question = verb + ' variant ' + v.variantId + '?';
    $('confirm-text').textContent = question + (enable ? '' : ' Counting its in-flight leads…');
    $('confirm-ok').textContent = verb;
    $('confirm').hidden = false;
    $('confirm-ok').focus();
    if (!enable) {
      // Counted when asked, not on every refresh: it is the one figure that scans the leads.
      api('/api/variants/' + encodeURIComponent(String(v.variantId)) + '/in-flight').then(function (r) {
        if (state.confirmAction && state.confirmAction.variantId === String(v.variantId)) {
          $('confirm-text').textContent = question + ' It will reach ' + num(r && r.inFlight) + ' in-flight leads.';
        }
      }).catch(function () {
        $('confirm-text').textContent = question + ' Every in-flight lead on it will switch variant.';
      });
    }
  }

  function hideConfirm() {
    state.confirmAction = null;
    $('confirm').hidden = true;
  }

  function confirmToggle() {
    var action = state.confirmAction;
    hideConfirm();
    if (!action) return;
    var path = '/api/variants/' + encodeURIComponent(action.variantId) + (action.enable ? '/enable' : '/disable');
    api(path, { method: 'POST' }).then(function (r) {
      r = r || {};
      var msg = 'Variant ' + (r.variantId || action.variantId) + (action.enable ? ' enabled' : ' disabled');
      if (r.inFlightSignalled != null) msg += ' · in-flight leads signalled: ' + r.inFlightSignalled;
      toast(msg + '.', false);
    }).catch(reportError).then(loadVariants);
  }

  /* ---------- live feed ---------- */

  function addFeedItem(ev) {
    var kind = str(ev.kind);
    var li = h('li', { 'data-kind': kind }, [
      h('time', { class: 'feed-time mono', text: fmtTime(ev.at) }),
      h('span', { class: 'kind kind-' + kind.replace(/[^a-z_]/gi, ''), text: kind }),
      ev.leadId != null ? leadLink(ev.leadId) : null,
      ev.variantId != null ? h('span', { class: 'mono muted', text: String(ev.variantId) }) : null,
      ev.text != null && ev.text !== '' ? h('span', { class: 'feed-text', text: String(ev.text) }) : null
    ]);
    var feed = $('feed');
    feed.insertBefore(li, feed.firstChild);
    while (feed.children.length > FEED_MAX) feed.removeChild(feed.lastChild);
  }

  var afterFeedEvent = debounce(function () {
    if (!state.running) return;
    loadVariants();
    if (overviewVisible()) { loadApprovals(); loadLeads(); }
  }, 1000);

  function onFeed(ev) {
    if (!ev || typeof ev !== 'object') return;
    addFeedItem(ev);
    afterFeedEvent();
  }

  function onCounters(data) {
    if (!data || typeof data !== 'object') return;
    if (!filtersEmpty()) { reloadSummarySoon(); return; }
    var funnel = data.funnel && typeof data.funnel === 'object' ? data.funnel : data;
    var rates = data.rates && typeof data.rates === 'object' ? data.rates : computeRates(funnel);
    renderFunnel(funnel, rates);
    // The numbers now; the per-day chart and the rest of the summary right after (cheap: counters).
    reloadSummarySoon();
  }

  /* ---------- SSE over fetch ---------- */

  function setLive(on) {
    $('live').className = 'dot ' + (on ? 'on' : 'off');
    $('live-label').textContent = on ? 'live' : 'offline';
  }

  function startStream() {
    stopStream();
    var ctrl = new AbortController();
    state.stream.ctrl = ctrl;
    connectStream(ctrl);
  }

  function stopStream() {
    var s = state.stream;
    clearTimeout(s.timer);
    if (s.ctrl) s.ctrl.abort();
    s.ctrl = null;
    s.lastId = '';
    setLive(false);
  }

  function connectStream(ctrl) {
    if (ctrl.signal.aborted || !state.token) return;
    var headers = { Authorization: 'Bearer ' + state.token, Accept: 'text/event-stream' };
    if (state.stream.lastId) headers['Last-Event-ID'] = state.stream.lastId;
    fetch('/api/dashboard/stream', { headers: headers, signal: ctrl.signal, cache: 'no-store' })
      .then(function (res) {
        if (res.status === 401) { unauthorized(); return 'stop'; }
        if (!res.ok || !res.body) throw new Error('stream HTTP ' + res.status);
        setLive(true);
        return readStream(res.body.getReader());
      })
      .catch(function () { /* network error or abort: reconnect below */ })
      .then(function (result) {
        if (result === 'stop' || ctrl.signal.aborted) return;
        setLive(false);
        state.stream.timer = setTimeout(function () { connectStream(ctrl); }, state.stream.retry);
      });
  }

  function readStream(reader) {
    var decoder = new TextDecoder();
    var buf = '';
    var skipLF = false;
    var ev = { type: '', data: [] };

    function line(l) {
      if (l === '') {
        if (ev.data.length) dispatch(ev.type || 'message', ev.data.join('\n'));
        ev = { type: '', data: [] };
        return;
      }
      if (l.charAt(0) === ':') return; // comment / heartbeat
      var i = l.indexOf(':');
      var field = i < 0 ? l : l.slice(0, i);
      var value = i < 0 ? '' : l.slice(i + 1);
      if (value.charAt(0) === ' ') value = value.slice(1);
      if (field === 'event') ev.type = value;
      else if (field === 'data') ev.data.push(value);
      else if (field === 'id' && value.indexOf('\u0000') < 0) state.stream.lastId = value;
      else if (field === 'retry' && /^\d+$/.test(value)) state.stream.retry = Number(value);
    }

    function pump() {
      return reader.read().then(function (r) {
        if (r.done) return;
        var chunk = decoder.decode(r.value, { stream: true });
        if (chunk) {
          if (skipLF && chunk.charAt(0) === '\n') chunk = chunk.slice(1);
          skipLF = chunk.charAt(chunk.length - 1) === '\r'; // CRLF split across chunks
        }
        buf += chunk;
        var lines = buf.split(/\r\n|\n|\r/);
        buf = lines.pop();
        lines.forEach(line);
        return pump();
      });
    }
    return pump();
  }

  function dispatch(type, data) {
    var payload;
    try { payload = JSON.parse(data); } catch (e) { return; }
    try {
      if (type === 'feed') onFeed(payload);
      else if (type === 'counters') onCounters(payload);
    } catch (e) { /* a bad event must not kill the stream */ }
  }

  /* ---------- leads table ---------- */

  function leadsParams() {
    return {
      stage: $('filter-stage').value,
      campaignId: $('campaign').value,
      segment: $('filter-segment').value.trim(),
      variantId: $('filter-variant').value.trim(),
      page: state.leadsPage,
      pageSize: PAGE_SIZE
    };
  }

  function loadLeads() {
    if (!state.running) return Promise.resolve();
    var seq = ++state.seq.leads;
    return api('/api/leads' + qs(leadsParams())).then(function (d) {
      if (seq !== state.seq.leads || !d) return;
      renderLeads(d);
    }).catch(reportError);
  }

  function renderLeads(d) {
    var leads = Array.isArray(d.leads) ? d.leads : [];
    var size = num(d.pageSize) || PAGE_SIZE;
    var total = num(d.total);
    var pages = Math.max(1, Math.ceil(total / size));
    var page = isNum(d.page) ? d.page : state.leadsPage;
    state.leadsTotal = total;
    var tbody = clear(document.querySelector('#leads-table tbody'));
    leads.forEach(function (l) {
      tbody.appendChild(h('tr', { 'data-lead': l.leadId }, [
        h('td', null, leadLink(l.leadId, l.name)),
        h('td', { text: str(l.company) }),
        h('td', null, h('span', { class: 'pill stage-' + String(l.stage).replace(/[^a-z_]/gi, ''), text: str(l.stage) })),
        h('td', { text: str(l.segment) }),
        h('td', { class: 'mono', text: str(l.variantId) }),
        h('td', { text: str(l.nextAction) }),
        h('td', { class: 'nowrap', text: fmtDateTime(l.nextActionAt) }),
        h('td', { class: 'nowrap', text: fmtDateTime(l.enrolledAt) })
      ]));
    });
    if (!leads.length) tbody.appendChild(h('tr', null, h('td', { colspan: 8, class: 'muted', text: 'No leads match.' })));
    $('page-info').textContent = 'page ' + (page + 1) + ' of ' + pages + ' · ' + total + ' leads';
    $('prev').disabled = page <= 0;
    $('next').disabled = page + 1 >= pages;
  }

  var lastLeadFilter = '';
  function applyLeadFilters() {
    var key = JSON.stringify([$('filter-stage').value, $('filter-segment').value.trim(), $('filter-variant').value.trim()]);
    if (key === lastLeadFilter) return;
    lastLeadFilter = key;
    state.leadsPage = 0;
    loadLeads();
  }

  /* ---------- approvals ---------- */

  function editingApproval() {
    var a = document.activeElement;
    return !!(a && a.tagName === 'TEXTAREA' && $('approvals-list').contains(a));
  }

  function loadApprovals() {
    if (!state.running) return Promise.resolve();
    if (editingApproval()) { state.approvalsDeferred = true; return Promise.resolve(); }
    var seq = ++state.seq.approvals;
    return api('/api/approvals').then(function (d) {
      if (seq !== state.seq.approvals || !d) return;
      if (editingApproval()) { state.approvalsDeferred = true; return; }
      renderApprovals(Array.isArray(d.pending) ? d.pending : []);
    }).catch(reportError);
  }

  function approvalKey(p) { return String(p.leadId) + '\u0000' + String(p.idempotencyKey); }

  function renderApprovals(pending) {
    var list = $('approvals-list');
    var drafts = {};
    Array.prototype.forEach.call(list.querySelectorAll('textarea[data-dirty]'), function (t) {
      drafts[t.getAttribute('data-key')] = t.value;
    });
    clear(list);
    pending.forEach(function (p) {
      var key = approvalKey(p);
      var ta = h('textarea', { rows: 4, 'data-key': key, 'aria-label': 'Message text' });
      ta.value = p.text == null ? '' : String(p.text);
      if (Object.prototype.hasOwnProperty.call(drafts, key)) { ta.value = drafts[key]; ta.setAttribute('data-dirty', ''); }
      ta.addEventListener('input', function () { ta.setAttribute('data-dirty', ''); });
      var sla = toDate(p.slaAt);
      var li = h('li', { 'data-approval': p.leadId, class: 'approval' }, [
        h('div', { class: 'approval-head' }, [
          leadLink(p.leadId),
          h('span', { class: 'mono muted', text: str(p.variantId) }),
          h('span', { class: 'pill', text: str(p.purpose) }),
          h('span', { class: 'sla' + (sla && sla.getTime() < Date.now() ? ' overdue' : ''), text: 'SLA ' + fmtDateTime(p.slaAt) })
        ]),
        h('code', { class: 'gate', text: p.gate == null ? 'gate: –' : 'gate: ' + JSON.stringify(p.gate) }),
        ta,
        h('div', { class: 'approval-actions' }, [
          h('button', { type: 'button', class: 'approve', text: 'Approve' }),
          h('button', { type: 'button', class: 'edit secondary', text: 'Send edited' }),
          h('button', { type: 'button', class: 'reject danger', text: 'Reject' })
        ])
      ]);
      li.querySelector('.approve').addEventListener('click', function () { decide(p, 'approve', li, ta); });
      li.querySelector('.edit').addEventListener('click', function () { decide(p, 'edit', li, ta); });
      li.querySelector('.reject').addEventListener('click', function () { decide(p, 'reject', li, ta); });
      list.appendChild(li);
    });
    state.pendingRendered = pending.length;
    $('pending-count').textContent = String(pending.length);
    $('approvals-empty').hidden = pending.length > 0;
  }

  function decide(p, decision, li, ta) {
    var body = { decision: decision };
    if (decision === 'edit') body.text = ta.value;
    var buttons = li.querySelectorAll('button');
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    api('/api/leads/' + encodeURIComponent(String(p.leadId)) + '/approval', { method: 'POST', body: body })
      .then(function () {
        toast((decision === 'approve' ? 'Approved' : decision === 'edit' ? 'Edited and approved' : 'Rejected') +
          ' message for lead ' + p.leadId + '.', false);
        if (li.parentNode) li.parentNode.removeChild(li);
        loadApprovals();
        if (overviewVisible()) loadLeads();
      })
      .catch(function (err) {
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
        reportError(err);
      });
  }

  /* ---------- lead page ---------- */

  function stopLeadPolling() {
    clearTimeout(state.lead.timer);
    state.lead.timer = null;
    state.lead.id = null;
    state.lead.seq++;
  }

  function openLead(id) {
    if (state.lead.id === id) return;
    stopLeadPolling();
    state.lead.id = id;
    state.lead.lastJson = null;
    ['lead-profile', 'lead-persona', 'lead-state', 'lead-research', 'lead-messages', 'lead-replies', 'lead-links']
      .forEach(function (x) { clear($(x)); });
    $('lead-title').textContent = id;
    $('lead-error').textContent = 'Loading…';
    window.scrollTo(0, 0);
    fetchLead();
  }

  function fetchLead() {
    var id = state.lead.id;
    if (!state.running || id == null) return;
    var seq = ++state.lead.seq;
    api('/api/leads/' + encodeURIComponent(id)).then(function (d) {
      if (seq !== state.lead.seq) return;
      $('lead-error').textContent = '';
      var json = JSON.stringify(d);
      if (json !== state.lead.lastJson) { state.lead.lastJson = json; renderLead(d || {}); }
      scheduleLead(seq);
    }).catch(function (err) {
      if (seq !== state.lead.seq || err.status === 401) return;
      $('lead-error').textContent = err.status === 404 ? 'Lead not found.' : 'Could not load lead: ' + err.message;
      if (err.status !== 404) scheduleLead(seq);
    });
  }

  function scheduleLead(seq) {
    state.lead.timer = setTimeout(function () { if (seq === state.lead.seq) fetchLead(); }, 2000);
  }

  /** Renders any value as text; plain objects become nested definition lists. */
  function valueNode(key, v, depth) {
    if (v == null || v === '') return document.createTextNode('–');
    if (Array.isArray(v)) {
      var simple = v.every(function (x) { return x == null || typeof x !== 'object'; });
      return document.createTextNode(v.map(function (x) { return simple ? str(x) : JSON.stringify(x); }).join(', ') || '–');
    }
    if (typeof v === 'object') return depth < 3 ? kvList(v, depth + 1) : document.createTextNode(JSON.stringify(v));
    if (/(At|Time|_at|time|Before|After|Until)$/.test(key) && (typeof v === 'string' || v > 1e9) && toDate(v)) {
      return document.createTextNode(fmtDateTime(v));
    }
    return document.createTextNode(String(v));
  }

  function kvList(obj, depth, keys) {
    var dl = h('dl', { class: 'kv' });
    (keys || Object.keys(obj)).forEach(function (k) {
      dl.appendChild(h('dt', { text: k }));
      dl.appendChild(h('dd', null, valueNode(k, obj[k], depth || 0)));
    });
    if (!dl.children.length) dl.appendChild(h('dd', { class: 'muted', text: '(empty)' }));
    return dl;
  }

  function emptyNote(text) { return h('li', { class: 'muted', text: text }); }

  function renderLead(d) {
    var lead = d.lead || {};
    $('lead-title').textContent = lead.name ? lead.name + (lead.company ? ' · ' + lead.company : '') : str(lead.leadId || state.lead.id);

    clear($('lead-profile')).appendChild(kvList(lead, 0,
      ['name', 'company', 'phone', 'segment', 'stage', 'nextAction', 'nextActionAt', 'campaignId', 'variantId']));

    var persona = clear($('lead-persona'));
    if (d.persona && typeof d.persona === 'object') persona.appendChild(kvList(d.persona, 0));
    else persona.appendChild(h('p', { class: 'muted', text: 'No persona yet.' }));

    var research = clear($('lead-research'));
    (Array.isArray(d.research) ? d.research : []).forEach(function (r) {
      research.appendChild(h('li', { class: 'item' }, [
        h('p', { class: 'text', text: str(r.text) }),
        h('p', { class: 'meta', text: 'source: ' + str(r.source) + ' · score: ' + (isNum(r.score) ? r.score.toFixed(2) : str(r.score)) })
      ]));
    });
    if (!research.children.length) research.appendChild(emptyNote('No research chunks used.'));

    var messages = clear($('lead-messages'));
    (Array.isArray(d.messages) ? d.messages : []).forEach(function (m) { messages.appendChild(messageItem(m)); });
    if (!messages.children.length) messages.appendChild(emptyNote('No messages yet.'));

    var replies = clear($('lead-replies'));
    var fb = Array.isArray(d.feedback) ? d.feedback : (Array.isArray(d.replies) ? d.replies : []);
    fb.forEach(function (r) {
      replies.appendChild(h('li', { class: 'item' }, [
        h('blockquote', { class: 'text', text: str(r.text) }),
        kvList(r, 0, ['intent', 'objection', 'sentiment', 'keywords', 'notBefore', 'classifier']
          .concat(['at', 'receivedAt'].filter(function (k) { return r[k] != null; })))
      ]));
    });
    if (!replies.children.length) replies.appendChild(emptyNote('No replies yet.'));

    var st = clear($('lead-state'));
    if (d.workflowId) st.appendChild(h('p', { class: 'meta mono', text: 'workflow ' + d.workflowId }));
    var wf = d.workflow;
    if (wf && typeof wf === 'object' && wf.unavailable != null && wf.unavailable !== false) {
      st.appendChild(h('p', { class: 'warn', text: 'workflow not reachable' +
        (typeof wf.unavailable === 'string' ? ' (' + wf.unavailable + ')' : '') }));
    } else if (wf && typeof wf === 'object') {
      st.appendChild(kvList(wf, 0));
    } else {
      st.appendChild(h('p', { class: 'muted', text: 'No workflow state.' }));
    }

    var links = clear($('lead-links'));
    if (isHttpUrl(d.temporalUi)) {
      var a = h('a', { id: 'temporal-link', target: '_blank', rel: 'noopener noreferrer', text: 'Open in Temporal Web UI ↗' });
      a.href = d.temporalUi;
      links.appendChild(a);
    }
  }

  function messageItem(m) {
    var statuses = h('ol', { class: 'statuses' });
    (Array.isArray(m.statuses) ? m.statuses : []).forEach(function (s) {
      statuses.appendChild(h('li', null, [h('span', { class: 'pill', text: str(s && s.status) }), ' ' + fmtDateTime(s && s.at)]));
    });
    return h('li', { class: 'item message' }, [
      h('div', { class: 'approval-head' }, [
        h('span', { class: 'pill', text: str(m.purpose) }),
        h('span', { class: 'mono muted', text: str(m.variantId) }),
        h('span', { class: 'pill status-' + String(m.status).replace(/[^a-z_]/gi, ''), text: str(m.status) }),
        h('span', { class: 'muted', text: 'sent ' + fmtDateTime(m.sentAt) })
      ]),
      h('p', { class: 'text', text: str(m.text) }),
      statuses.children.length ? statuses : null,
      m.audit && typeof m.audit === 'object'
        ? h('div', { class: 'audit' }, [h('h4', { text: 'Why it was sent' }), kvList(m.audit, 0)])
        : null
    ]);
  }

  /* ---------- wiring ---------- */

  function bind() {
    $('login-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var t = $('token').value.trim();
      if (!t) { $('login-error').textContent = 'Please enter a token.'; return; }
      state.token = t;
      storage('set', t);
      $('token').value = '';
      startApp();
    });
    $('logout').addEventListener('click', logout);
    window.addEventListener('hashchange', route);

    ['campaign', 'from', 'to'].forEach(function (id) {
      $(id).addEventListener('change', function () {
        loadSummary();
        if (id === 'campaign') { state.leadsPage = 0; loadLeads(); }
      });
    });
    $('from').addEventListener('input', reloadSummarySoon);
    $('to').addEventListener('input', reloadSummarySoon);
    $('segment').addEventListener('change', loadVariants);

    $('filter-stage').addEventListener('change', applyLeadFilters);
    ['filter-segment', 'filter-variant'].forEach(function (id) {
      $(id).addEventListener('change', applyLeadFilters);
      $(id).addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); applyLeadFilters(); } });
    });
    $('prev').addEventListener('click', function () {
      if (state.leadsPage > 0) { state.leadsPage--; loadLeads(); }
    });
    $('next').addEventListener('click', function () {
      if ((state.leadsPage + 1) * PAGE_SIZE < state.leadsTotal) { state.leadsPage++; loadLeads(); }
    });

    $('approvals-list').addEventListener('focusout', function (e) {
      if (!state.approvalsDeferred) return;
      if (e.relatedTarget && $('approvals-list').contains(e.relatedTarget)) return;
      state.approvalsDeferred = false;
      setTimeout(loadApprovals, 0);
    });

    $('confirm-ok').addEventListener('click', confirmToggle);
    $('confirm-cancel').addEventListener('click', hideConfirm);
    $('confirm').addEventListener('click', function (e) { if (e.target === $('confirm')) hideConfirm(); });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && !$('confirm').hidden) hideConfirm();
    });
    $('toast').addEventListener('click', function () { $('toast').hidden = true; });
  }

  function init() {
    bind();
    chartsAvailable();
    var saved = storage('get');
    if (saved) { state.token = saved; startApp(); }
    else showLogin('');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();

/* Operator dashboard – native ES modules, no build step. The entry: login and logout, the
 * hash routing between the overview, a lead's page, the import screen, the do-not-contact
 * screen and the subject access screen, and the wiring of the live stream.
 * Security rule (every module): server-provided strings reach the DOM only via textContent,
 * element properties or setAttribute – never via innerHTML & co. */
import { $, debounce } from './util.js';
import { setToken, savedToken, forgetToken, onUnauthorized } from './api.js';
import { session, overviewVisible } from './state.js';
import { chartsAvailable } from './charts.js';
import { startStream, stopStream, addFeedItem, clearFeed } from './live.js';
import { loadSummary, onCounters, startSummaryPolling, stopSummaryPolling, bindOverview } from './overview.js';
import { loadVariants, hideConfirm, bindVariants } from './variants.js';
import { loadLeads, bindLeads } from './leads.js';
import { loadApprovals, bindApprovals } from './approvals.js';
import { loadHandOffs } from './handoffs.js';
import { loadPersonas, bindPersonas, startPersonasPolling, stopPersonasPolling } from './personas.js';
import { openLead, stopLeadPolling } from './lead-page.js';
import { bindImport, stopImport } from './import.js';
import { bindSuppressions, loadSuppressions } from './suppressions.js';
import { bindSubjectAccess, clearSubjectAccess } from './subject-access.js';

/* ---------- login / logout ---------- */

function showLogin(message) {
  $('app').hidden = true;
  $('login-view').hidden = false;
  $('login-error').textContent = message || '';
  $('token').value = '';
  $('token').focus();
}

function unauthorized() {
  if (!session.running) return;
  stopApp();
  showLogin('Your token was rejected (401). Please log in again.');
}

function logout() {
  stopApp();
  showLogin('');
}

function startApp() {
  session.running = true;
  $('login-view').hidden = true;
  $('app').hidden = false;
  $('login-error').textContent = '';
  route();
  loadSummary();
  loadVariants();
  loadLeads();
  loadApprovals();
  loadHandOffs();
  loadPersonas();
  startPersonasPolling();
  startStream({ feed: onFeed, counters: onCounters });
  startSummaryPolling();
}

function stopApp() {
  session.running = false;
  forgetToken();
  stopSummaryPolling();
  stopPersonasPolling();
  stopLeadPolling();
  stopImport();
  clearSubjectAccess();
  stopStream();
  hideConfirm();
  clearFeed();
}

/* ---------- routing ---------- */

function parseRoute() {
  const m = /^#\/lead\/(.+)$/.exec(location.hash || '');
  if (m) {
    let id;
    try { id = decodeURIComponent(m[1]); } catch (e) { id = m[1]; }
    return { name: 'lead', id: id };
  }
  if (/^#\/import\/?$/.test(location.hash || '')) return { name: 'import' };
  if (/^#\/suppressions\/?$/.test(location.hash || '')) return { name: 'suppressions' };
  if (/^#\/subject-access\/?$/.test(location.hash || '')) return { name: 'subject-access' };
  return { name: 'overview' };
}

function route() {
  if (!session.running) return;
  const prev = session.route;
  session.route = parseRoute();
  const name = session.route.name;
  $('overview').hidden = name !== 'overview';
  $('lead').hidden = name !== 'lead';
  $('import').hidden = name !== 'import';
  $('suppressions').hidden = name !== 'suppressions';
  $('subject-access').hidden = name !== 'subject-access';
  $('nav-overview').classList.toggle('current', name === 'overview');
  $('nav-import').classList.toggle('current', name === 'import');
  $('nav-suppressions').classList.toggle('current', name === 'suppressions');
  $('nav-subject-access').classList.toggle('current', name === 'subject-access');
  if (name === 'lead') {
    openLead(session.route.id);
  } else {
    stopLeadPolling();
    if (name === 'overview' && prev.name !== 'overview') { loadLeads(); loadApprovals(); loadHandOffs(); }
    if (name === 'suppressions') loadSuppressions();
  }
}

/* ---------- live events ---------- */

const afterFeedEvent = debounce(() => {
  if (!session.running) return;
  loadVariants();
  if (overviewVisible()) { loadApprovals(); loadLeads(); loadHandOffs(); }
}, 1000);

function onFeed(ev) {
  if (!ev || typeof ev !== 'object') return;
  addFeedItem(ev);
  afterFeedEvent();
}

/* ---------- wiring ---------- */

function bind() {
  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = $('token').value.trim();
    if (!t) { $('login-error').textContent = 'Please enter a token.'; return; }
    setToken(t, true);
    $('token').value = '';
    startApp();
  });
  $('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', route);
  onUnauthorized(unauthorized);

  bindOverview();
  bindVariants();
  bindLeads();
  bindApprovals();
  bindPersonas();
  bindImport();
  bindSuppressions();
  bindSubjectAccess();
  $('toast').addEventListener('click', () => { $('toast').hidden = true; });
}

function init() {
  bind();
  chartsAvailable();
  const saved = savedToken();
  if (saved) { setToken(saved, false); startApp(); }
  else showLogin('');
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();

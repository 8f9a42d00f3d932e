/* The leads table: filters (stage, segment, variant, and the campaign of the overview's
 * filters) and paging. */
import { $, h, clear, qs, num, isNum, str, fmtDateTime, leadLink, reportError } from './util.js';
import { api } from './api.js';
import { session } from './state.js';
import { nextActionText } from './next-action.js';

export const PAGE_SIZE = 25;

const leads = { page: 0, total: 0, seq: 0, lastFilter: '' };

function leadsParams() {
  return {
    stage: $('filter-stage').value,
    campaignId: $('campaign').value,
    segment: $('filter-segment').value.trim(),
    variantId: $('filter-variant').value.trim(),
    ownerId: $('filter-owner').value.trim(),
    page: leads.page,
    pageSize: PAGE_SIZE
  };
}

export function loadLeads() {
  if (!session.running) return Promise.resolve();
  const mine = ++leads.seq;
  return api('/api/leads' + qs(leadsParams())).then((d) => {
    if (mine !== leads.seq || !d) return;
    renderLeads(d);
  }).catch(reportError);
}

/** Back to the first page (another campaign) and reload. */
export function reloadLeadsFromFirstPage() {
  leads.page = 0;
  return loadLeads();
}

function renderLeads(d) {
  const rows = Array.isArray(d.leads) ? d.leads : [];
  const size = num(d.pageSize) || PAGE_SIZE;
  const total = num(d.total);
  const pages = Math.max(1, Math.ceil(total / size));
  const page = isNum(d.page) ? d.page : leads.page;
  leads.total = total;
  const tbody = clear(document.querySelector('#leads-table tbody'));
  rows.forEach((l) => {
    tbody.appendChild(h('tr', { 'data-lead': l.leadId }, [
      h('td', null, leadLink(l.leadId, l.name)),
      h('td', { text: str(l.company) }),
      h('td', null, h('span', { class: 'pill stage-' + String(l.stage).replace(/[^a-z_]/gi, ''), text: str(l.stage) })),
      h('td', { class: 'last-reply', text: replyLabel(l.lastReply) }),
      h('td', { text: str(l.segment) }),
      // A lead still on a variant switched off: its next message uses another (variantNote).
      h('td', { class: 'mono', text: str(l.variantId) + (l.variantDisabled ? ' (off)' : ''), title: l.variantNote ? String(l.variantNote) : '' }),
      h('td', { class: 'mono', text: str(l.ownerId) }),
      h('td', { text: nextActionText(l.nextAction), title: str(l.nextAction) }),
      h('td', { class: 'nowrap', text: fmtDateTime(l.nextActionAt) }),
      h('td', { class: 'nowrap', text: fmtDateTime(l.enrolledAt) })
    ]));
  });
  if (!rows.length) tbody.appendChild(h('tr', null, h('td', { colspan: 10, class: 'muted', text: 'No leads match.' })));
  $('page-info').textContent = 'page ' + (page + 1) + ' of ' + pages + ' · ' + total + ' leads';
  $('prev').disabled = page <= 0;
  $('next').disabled = page + 1 >= pages;
}

function applyLeadFilters() {
  const key = JSON.stringify([$('filter-stage').value, $('filter-segment').value.trim(), $('filter-variant').value.trim(), $('filter-owner').value.trim()]);
  if (key === leads.lastFilter) return;
  leads.lastFilter = key;
  leads.page = 0;
  loadLeads();
}

export function bindLeads() {
  $('filter-stage').addEventListener('change', applyLeadFilters);
  ['filter-segment', 'filter-variant', 'filter-owner'].forEach((id) => {
    $(id).addEventListener('change', applyLeadFilters);
    $(id).addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); applyLeadFilters(); } });
  });
  $('prev').addEventListener('click', () => {
    if (leads.page > 0) { leads.page--; loadLeads(); }
  });
  $('next').addEventListener('click', () => {
    if ((leads.page + 1) * PAGE_SIZE < leads.total) { leads.page++; loadLeads(); }
  });
}

/** How the lead last answered, as its triage reads ("not interested", "objection: cost"); – if never. */
export function replyLabel(last) {
  if (!last || !last.intent) return '–';
  const intent = String(last.intent).replace(/_/g, ' ');
  return intent + (last.objection ? ': ' + String(last.objection) : '');
}

/* The Subject access screen's pure parts (no DOM): the request's body (the number goes in a POST
 * body, never a URL), the export read back and summed up for a person (leads per campaign, counts
 * of what each lead holds, what the export does not include), the download's file name (never the
 * number), the erasure's body and its confirmation in words, and each lead's status. Every value
 * here is plain text; subject-access.js puts it in the page as text only. */

function text(v) { return v == null ? '' : String(v); }
function count(v) { return Array.isArray(v) ? v.length : 0; }

/** Where the export and the erasure are asked: fixed paths, nothing of the person in them. */
export const EXPORT_PATH = '/api/subject-access';
export const ERASURE_PATH = '/api/subject-access/erasure';

/**
 * The person asked for, from the form: {body} with only what was given (trimmed), or {errors}
 * naming the fields as the API would (phone and leadId both missing).
 */
export function requestBody(phone, leadId, region) {
  const body = {};
  const p = text(phone).trim();
  const l = text(leadId).trim();
  const r = text(region).trim().toUpperCase();
  if (!p && !l) {
    return { errors: [
      { field: 'phone', message: 'enter the person\'s number (with + and its country code) or one of their lead ids' },
      { field: 'leadId', message: 'or a lead id' }
    ] };
  }
  if (p) body.phone = p;
  if (l) body.leadId = l;
  if (r && p) body.region = r;
  return { body: body };
}

/** Whether two request bodies ask for the same person (the form changed since the look-up?). */
export function samePerson(a, b) {
  const keys = ['phone', 'leadId', 'region'];
  return !!a && !!b && keys.every((k) => text(a[k]) === text(b[k]));
}

/**
 * The export's text read back: {doc} when it is whole JSON ending with complete: true, else {error}
 * (an export cut off midway is invalid JSON, or lacks complete: never shown as if whole).
 */
export function parseExport(body) {
  let doc;
  try { doc = JSON.parse(text(body)); } catch (e) {
    return { error: 'the export was cut off before its end (invalid JSON): nothing of it is shown; look up again' };
  }
  if (!doc || typeof doc !== 'object' || doc.complete !== true) {
    return { error: 'the export is not complete (no "complete": true): look up again' };
  }
  return { doc: doc };
}

/** What one exported lead holds, counted. */
export function leadSummary(lead) {
  const l = lead && typeof lead === 'object' ? lead : {};
  const contact = l.contact && typeof l.contact === 'object' ? l.contact : {};
  const media = Array.isArray(l.media) ? l.media : [];
  return {
    leadId: text(l.leadId),
    campaignId: text(l.campaignId || contact.campaignId),
    stage: text(contact.stage),
    gone: !!l.gone,
    erasing: l.erasing === true,
    counts: {
      messages: count(l.messages),
      replies: count(l.feedback),
      timeline: count(l.interactionHistory),
      researchChunks: count(l.researchChunks),
      drafts: count(l.drafts),
      notifications: count(l.notifications),
      media: media.length,
      mediaKept: media.filter((m) => m && m.link).length
    },
    persona: !!l.persona,
    handOff: !!l.handOff,
    crmLinks: !!l.crmLinks
  };
}

/** The person's export summed up: leads, leads per campaign, what else is held, what is not. */
export function summarize(doc) {
  const d = doc && typeof doc === 'object' ? doc : {};
  const leads = (Array.isArray(d.leads) ? d.leads : []).map(leadSummary);
  const perCampaign = {};
  leads.forEach((l) => {
    const c = l.campaignId || '(none)';
    perCampaign[c] = (perCampaign[c] || 0) + 1;
  });
  const suppressions = Array.isArray(d.suppressions) ? d.suppressions : [];
  return {
    generatedAt: text(d.generatedAt),
    numbers: count(d.numbers),
    leadCount: Number(d.leadCount) || leads.length,
    exported: leads.length,
    truncated: d.truncated === true,
    notExported: Array.isArray(d.leadsNotExported) ? d.leadsNotExported.map(text) : [],
    leads: leads,
    campaigns: Object.keys(perCampaign).sort().map((c) => ({ campaignId: c, leads: perCampaign[c] })),
    held: {
      suppressions: suppressions.length,
      activeSuppressions: suppressions.filter((s) => s && s.active === true).length,
      importRows: count(d.importRows),
      auditLog: count(d.auditLog),
      webhookPayloads: count(d.webhookPayloads)
    },
    notIncluded: (Array.isArray(d.notIncluded) ? d.notIncluded : []).map(text)
  };
}

function plural(n, one, many) { return n + ' ' + (n === 1 ? one : (many || one + 's')); }

/** The summary's first line, in words. */
export function headline(s) {
  if (!s || !s.leadCount) {
    return 'No lead holds this person.' + (s && (s.held.suppressions || s.held.importRows || s.held.auditLog || s.held.webhookPayloads)
      ? ' Other records name their numbers (below).' : '');
  }
  return plural(s.leadCount, 'lead') + ' in ' + plural(s.campaigns.length, 'campaign') + ', '
    + plural(s.numbers, 'number') + (s.truncated ? ' (the first ' + s.exported + ' exported: look up each of the rest by lead id)' : '') + '.';
}

/** A lead's cells, in the table's order. */
export function leadCells(l) {
  const c = l.counts;
  const state = l.gone ? 'gone (erased meanwhile)' : (l.erasing ? 'being erased' : (l.stage || '–'));
  const also = [l.persona ? 'persona' : null, l.handOff ? 'hand-off' : null, l.crmLinks ? 'HubSpot ids' : null]
    .filter(Boolean).join(', ') || '–';
  return [l.leadId, l.campaignId || '–', state, String(c.messages), String(c.replies), String(c.timeline),
    String(c.researchChunks), String(c.drafts), String(c.notifications), String(c.media), also];
}

/** The other records naming the person, in words. */
export function heldLines(s) {
  const h = s.held;
  return [
    plural(h.suppressions, 'suppression') + ' of their numbers (' + h.activeSuppressions + ' active)',
    plural(h.importRows, 'import row'),
    plural(h.auditLog, 'audit log entry', 'audit log entries'),
    plural(h.webhookPayloads, 'raw WhatsApp payload')
  ];
}

/** The download's file name: when it was made, never the number or a name. */
export function downloadName(generatedAt) {
  const at = text(generatedAt).replace(/\.\d+Z$/, 'Z').replace(/[^0-9TZ-]/g, '-');
  return 'subject-access-' + (at || 'export') + '.json';
}

/** The erasure's body: the person as looked up, the reason and keepSuppressed. */
export function erasureBody(asked, reason, keepSuppressed) {
  const body = Object.assign({}, asked || {});
  const r = text(reason).trim();
  if (r) body.reason = r;
  body.keepSuppressed = keepSuppressed !== false;
  return body;
}

/** The confirmation, naming how many leads will be erased and what becomes of the number. */
export function confirmText(s, keepSuppressed) {
  const n = s ? s.leadCount : 0;
  const campaigns = s && s.campaigns.length ? ' (' + s.campaigns.map((c) => c.campaignId + ': ' + c.leads).join(', ') + ')' : '';
  if (!n) {
    return keepSuppressed !== false
      ? 'No lead holds this person: nothing is deleted. Their numbers go on the do-not-contact list, so they are'
        + ' never enrolled or messaged again, and imports under way will not enrol them.'
      : 'No lead holds this person: nothing is deleted or suppressed, but imports under way will not enrol them.'
        + ' Their numbers are NOT suppressed: a later enrolment with their new consent may contact them.';
  }
  const lead = 'Erase ' + plural(n, 'lead') + ' of this person' + campaigns + '? Their messages, replies, timeline,'
    + ' research, drafts and media are deleted for good; this cannot be undone.';
  const more = s && s.leadCount > s.exported + s.notExported.length
    ? ' One request erases at most ' + (s.exported + s.notExported.length) + ' of them: erase again for the rest.' : '';
  const number = keepSuppressed !== false
    ? ' Their numbers go on the do-not-contact list (they are never messaged again).'
    : ' Their numbers are NOT suppressed: a later import or enrolment with their new consent may contact them again.';
  return lead + more + number;
}

/** The erasure's answer, each lead as [leadId, status], and its note. */
export function erasedRows(answer) {
  const a = answer && typeof answer === 'object' ? answer : {};
  const leads = Array.isArray(a.leads) ? a.leads : [];
  return {
    rows: leads.map((l) => [text(l && l.leadId), text(l && l.status) || '–']),
    more: a.more === true,
    note: text(a.note)
  };
}

/** A lead's erasure (GET /api/leads/{leadId}/erasure) as its status in words. */
export function erasureStatus(view) {
  const v = view && typeof view === 'object' ? view : {};
  const status = text(v.status) || '–';
  return v.step && status !== 'erased' ? status + ' (' + text(v.step) + ')' : status;
}

/** The path of a lead's erasure: the lead id only (encoded), never a number. */
export function erasurePath(leadId) {
  return '/api/leads/' + encodeURIComponent(text(leadId)) + '/erasure';
}

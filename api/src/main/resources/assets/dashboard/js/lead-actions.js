/* What an operator does to a lead from its page besides writing to it: set its business outcome,
 * and start a new conversation with it once its run ended (links to the conversations before and
 * after). */
import { h, str, toast, reportError, leadLink, fmtDateTime } from './util.js';
import { api } from './api.js';
import { recentlyContacted, enrolAnywayQuestion, enrolAgainPath } from './recontact.js';

/** The business outcome: set once by an operator (converted or lost, with a reason), then shown. */
export function outcomeControls(l, leadId, refresh) {
  const o = l.outcome;
  if (o && typeof o === 'object') {
    return h('span', { id: 'lead-outcome', class: 'pill status-' + String(o.value).replace(/[^a-z_]/gi, ''),
      text: str(o.value) + ' · ' + str(o.by) + (o.reason ? ': ' + o.reason : '') });
  }
  const box = h('span', { id: 'lead-outcome-form' });
  const reason = h('input', { id: 'outcome-reason', type: 'text', maxlength: '500', placeholder: 'Reason (optional)', 'aria-label': 'Outcome reason' });
  const button = (value, label) => {
    const b = h('button', { type: 'button', 'data-outcome': value, text: label });
    b.addEventListener('click', () => {
      box.querySelectorAll('button').forEach((x) => { x.disabled = true; });
      const body = { outcome: value };
      if (reason.value.trim()) body.reason = reason.value.trim();
      api('/api/leads/' + encodeURIComponent(String(leadId)) + '/outcome', { method: 'POST', body: body })
        .then(() => { toast('Marked ' + value); refresh(); })
        .catch((e) => { box.querySelectorAll('button').forEach((x) => { x.disabled = false; }); reportError(e); });
    });
    return b;
  };
  box.appendChild(reason);
  box.appendChild(button('converted', 'Mark converted'));
  box.appendChild(button('lost', 'Mark lost'));
  return box;
}

/**
 * The conversations before and after this one (a lead enrolled again from an ended one), and for an
 * ended lead that may be written to again, a new conversation: a new lead from this one's contact,
 * whose first message is the approved template (POST /api/leads/{id}/enrol-again).
 */
export function againControls(l, leadId, ended) {
  const box = h('span', { id: 'lead-again' });
  if (l.previousLeadId) box.appendChild(h('span', { class: 'meta' }, ['Earlier conversation: ', leadLink(l.previousLeadId)]));
  const later = Array.isArray(l.enrolledAgainAs) ? l.enrolledAgainAs : [];
  if (later.length) {
    box.appendChild(h('span', { class: 'meta' }, ['Enrolled again as ', leadLink(later[later.length - 1])]));
  }
  if (ended.indexOf(l.stage) >= 0 && l.stage !== 'opted_out' && !l.doNotContact) {
    const b = h('button', { id: 'enrol-again', type: 'button', text: 'Start a new conversation' });
    b.title = 'Enrol this person again as a new lead: its first message is the approved template';
    let refused = null; // the "recently contacted" refusal shown, with its Enrol anyway
    const enrol = (recontact, button) => {
      button.disabled = true;
      return api(enrolAgainPath(leadId, recontact), { method: 'POST', body: {} })
        .then((r) => {
          toast('Enrolled again as ' + str(r && r.leadId));
          if (r && r.leadId) window.location.hash = '#/lead/' + encodeURIComponent(String(r.leadId));
        })
        .catch((e) => {
          button.disabled = false;
          const refusal = recentlyContacted(e);
          if (!refusal || recontact) { reportError(e); return; }
          // Refused as recently contacted: say why, and offer the override, never taken unasked.
          if (refused) box.removeChild(refused);
          const anyway = h('button', { id: 'enrol-anyway', type: 'button', class: 'secondary small', text: 'Enrol anyway' });
          anyway.title = 'Enrol this number again now, though it was contacted lately (recontact=true)';
          anyway.addEventListener('click', () => {
            if (!window.confirm(enrolAnywayQuestion(refusal, fmtDateTime))) return;
            enrol(true, anyway);
          });
          refused = h('span', { id: 'enrol-again-refused', class: 'meta' }, [refusal.message + ' ', anyway]);
          box.appendChild(refused);
        });
    };
    b.addEventListener('click', () => { enrol(false, b); });
    box.appendChild(b);
  }
  return box.children.length ? box : null;
}

const HELD = ['interested', 'handed_off', 'in_conversation', 'meeting_booked'];

/**
 * A held lead moved by hand: **Reassign** to another active rep (POST /api/leads/{id}/handoff/reassign;
 * the new rep gets a fresh SLA), and for a lead its rep took, **Snooze** until a time, at most 30 days
 * (POST .../handoff/snooze; off the Hand-offs queue until then or until the lead writes), or **End
 * snooze** (DELETE); an interested lead not ready to talk, **Give back to the agent** (POST
 * .../handoff/release: nobody holds it, its next reply with interest goes to a person again). The
 * rep chosen in Writing as asks as byOwnerId (only the lead's owner may); none chosen: the operator.
 */
export function handOffControls(l, leadId, refresh) {
  // A paused lead is held as the stage its pause left (pausedFrom): still its rep's to move.
  const held = l.stage === 'paused' ? l.pausedFrom : l.stage;
  const r = l.releasedToAgent && typeof l.releasedToAgent === 'object' ? l.releasedToAgent : null;
  if (!l.ownerId && r) {
    return h('span', { id: 'lead-released', class: 'meta',
      text: 'Given back to the agent by ' + str(r.by) + ' · ' + fmtDateTime(r.at) + (r.reason ? ': ' + str(r.reason) : '') });
  }
  if (!l.ownerId || HELD.indexOf(held) < 0) return null;
  const path = '/api/leads/' + encodeURIComponent(String(leadId)) + '/handoff/';
  const asked = (body) => {
    const as = document.getElementById('conversation-as');
    return as && as.value ? Object.assign({ byOwnerId: as.value }, body) : body;
  };
  const box = h('span', { id: 'lead-handoff' });
  const to = h('select', { id: 'reassign-to', 'aria-label': 'Reassign to' },
    [h('option', { value: '', text: 'Reassign to…' })]);
  api('/api/owners').then((d) => {
    (d && Array.isArray(d.owners) ? d.owners : [])
      .filter((o) => o.active && o.ownerId !== l.ownerId)
      .forEach((o) => to.appendChild(h('option', { value: str(o.ownerId), text: str(o.name) + ' (' + str(o.ownerId) + ')' })));
  }).catch(reportError);
  const reassign = h('button', { id: 'reassign', type: 'button', class: 'secondary small', text: 'Reassign' });
  reassign.addEventListener('click', () => {
    if (!to.value) { toast('Choose the rep to hand the lead to'); return; }
    reassign.disabled = true;
    api(path + 'reassign', { method: 'POST', body: asked({ ownerId: to.value }) })
      .then((r) => { toast(r && r.status === 'already_owner' ? 'Already theirs' : 'Reassigned to ' + to.value); refresh(); })
      .catch((e) => { reassign.disabled = false; reportError(e); });
  });
  box.appendChild(to);
  box.appendChild(reassign);
  if ((held === 'handed_off' || held === 'in_conversation') && l.funnel && l.funnel.interested) {
    const why = h('input', { id: 'release-reason', type: 'text', maxlength: '200', placeholder: 'Why (optional)', 'aria-label': 'Why give it back' });
    const release = h('button', { id: 'release', type: 'button', class: 'secondary small', text: 'Give back to the agent' });
    release.title = 'Nobody holds the lead: the agent re-engages it; when it writes with interest again, a rep gets it';
    release.addEventListener('click', () => {
      release.disabled = true;
      // The newest message the page shows: interest after it goes to a person again.
      const body = why.value.trim() ? { reason: why.value.trim() } : {};
      const conversation = document.getElementById('lead-conversation');
      const seen = conversation && conversation.dataset ? conversation.dataset.seenMessageId : null;
      if (seen) body.seenMessageId = seen;
      api(path + 'release', { method: 'POST', body: asked(body) })
        .then(() => { toast('Given back to the agent'); refresh(); })
        .catch((e) => { release.disabled = false; reportError(e); });
    });
    box.appendChild(why);
    box.appendChild(release);
  }
  const s = l.repSnooze && typeof l.repSnooze === 'object' ? l.repSnooze : null;
  if (s && l.repSnoozed) {
    box.appendChild(h('span', { id: 'lead-snoozed', class: 'meta', text: 'Snoozed until ' + fmtDateTime(s.until) + ' · ' + str(s.by) }));
    const wake = h('button', { id: 'unsnooze', type: 'button', class: 'secondary small', text: 'End snooze' });
    wake.addEventListener('click', () => {
      wake.disabled = true;
      const as = document.getElementById('conversation-as');
      api(path + 'snooze' + (as && as.value ? '?byOwnerId=' + encodeURIComponent(as.value) : ''), { method: 'DELETE' })
        .then(() => { toast('Snooze ended'); refresh(); })
        .catch((e) => { wake.disabled = false; reportError(e); });
    });
    box.appendChild(wake);
  } else if (held === 'in_conversation' || held === 'meeting_booked') {
    const until = h('input', { id: 'snooze-until', type: 'datetime-local', 'aria-label': 'Snooze until' });
    const snooze = h('button', { id: 'snooze', type: 'button', class: 'secondary small', text: 'Snooze' });
    snooze.addEventListener('click', () => {
      const when = until.value ? new Date(until.value) : null;
      if (!when || isNaN(when.getTime())) { toast('Choose until when'); return; }
      snooze.disabled = true;
      api(path + 'snooze', { method: 'POST', body: asked({ until: when.toISOString() }) })
        .then(() => { toast('Snoozed until ' + fmtDateTime(when.toISOString())); refresh(); })
        .catch((e) => { snooze.disabled = false; reportError(e); });
    });
    box.appendChild(until);
    box.appendChild(snooze);
  }
  return box;
}

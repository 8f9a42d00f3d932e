/* What an operator does to a lead from its page besides writing to it: set its business outcome,
 * and start a new conversation with it once its run ended (links to the conversations before and
 * after). */
import { h, str, toast, reportError, leadLink } from './util.js';
import { api } from './api.js';

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
    b.addEventListener('click', () => {
      b.disabled = true;
      api('/api/leads/' + encodeURIComponent(String(leadId)) + '/enrol-again', { method: 'POST', body: {} })
        .then((r) => {
          toast('Enrolled again as ' + str(r && r.leadId));
          if (r && r.leadId) window.location.hash = '#/lead/' + encodeURIComponent(String(r.leadId));
        })
        .catch((e) => { b.disabled = false; reportError(e); });
    });
    box.appendChild(b);
  }
  return box.children.length ? box : null;
}

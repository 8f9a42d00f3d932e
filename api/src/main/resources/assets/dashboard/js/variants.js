/* The variants table of a segment, the sample-ratio-mismatch alarm, and enabling/disabling and
 * archiving a variant behind the confirmation dialog. */
import { $, h, clear, qs, num, isNum, pct, str, toast, reportError } from './util.js';
import { api } from './api.js';
import { session } from './state.js';
import { gapsText, disableConfirmText, waitingLine, stateNote, srmNote, variantActionRequest } from './variant-gaps.js';
import { pickInterval, fmtInterval } from './rates.js';

let confirmAction = null;
let seq = 0;


export function loadVariants() {
  if (!session.running) return Promise.resolve();
  const mine = ++seq;
  const segment = $('segment').value || 'default';
  return api('/api/analytics/variants' + qs({ segment: segment })).then((d) => {
    if (mine !== seq || !d) return;
    renderVariants(Array.isArray(d.variants) ? d.variants : []);
    renderReward(d.reward);
    renderSrm(d.sampleRatioMismatch);
  }).catch(reportError);
  // The segments left without a variant of their own, and the leads that wait for one.
  api('/api/variants/gaps').then((g) => {
    if (mine !== seq || !g) return;
    const el = $('variants-gaps');
    const text = [waitingLine(g.waitingForVariant), gapsText(g.warnings)].filter(Boolean).join(' ');
    el.textContent = text;
    el.hidden = !text;
  }).catch(reportError);
}

function renderVariants(variants) {
  const tbody = clear(document.querySelector('#variants-table tbody'));
  let total = 0;
  variants.forEach((v) => { total += num(v.counts && v.counts.assigned); });
  // Archived variants (off for good, history kept) only when asked for.
  const showArchived = $('variants-show-archived') && $('variants-show-archived').checked;
  variants = variants.filter((v) => showArchived || v.archived !== true);
  if (!variants.length) {
    tbody.appendChild(h('tr', null, h('td', { colspan: 14, class: 'muted', text: 'No variants for this segment.' })));
    return;
  }
  /** The modality, and how many of the sent went in it (a voice note only inside the 24 h window). */
  const modalityLabel = (modality, c) => {
    const as = modality === 'voice_note' ? num(c.sent_voice_note) : modality === 'image_card' ? num(c.sent_image) : null;
    const name = modality === 'image_card' ? 'image card' : modality === 'voice_note' ? 'voice note' : str(modality);
    return as == null || !num(c.sent) ? name : name + ' (' + as + ' of ' + num(c.sent) + ' sent so)';
  };
  variants.forEach((v) => {
    const c = v.counts || {};
    const enabled = v.enabled !== false;
    // Auto-disabled in this segment: still enabled globally; "Enable" lifts the auto-disable.
    const auto = enabled && v.autoDisabled === true;
    const btn = h('button', { type: 'button', class: 'toggle' + (enabled && !auto ? ' danger' : ''), text: enabled && !auto ? 'Disable' : 'Enable' });
    btn.addEventListener('click', () => { askToggle(v, !enabled || auto); });
    const archived = v.archived === true;
    const archiveBtn = h('button', { type: 'button', class: 'toggle secondary', text: archived ? 'Unarchive' : 'Archive' });
    archiveBtn.addEventListener('click', () => { askArchive(v, !archived); });
    tbody.appendChild(h('tr', { 'data-variant': v.variantId, class: enabled ? '' : 'is-disabled' }, [
      h('td', { class: 'mono', title: wordingsNote(v) }, [
        h('span', { text: str(v.variantId) }),
        wordingsNote(v) ? h('div', { class: 'muted small wordings', text: wordingsNote(v) }) : null
      ]),
      h('td', { text: str(v.angle) }),
      h('td', { class: 'modality', text: modalityLabel(v.modality, c) }),
      // Leads a rep wrote to before their first reply, and leads the kill switch moved before
      // their first message, are out of the rates (assisted, switched).
      h('td', num(c.assisted) > 0 || num(c.switched) > 0
        ? { class: 'num', text: num(c.assigned) + ' (' + [num(c.assisted) > 0 ? num(c.assisted) + ' assisted' : null, num(c.switched) > 0 ? num(c.switched) + ' switched' : null].filter(Boolean).join(', ') + ')', title: 'out of the rates and the bandit: assisted, a person wrote before the lead\'s first reply; switched, moved to another variant before its first message' }
        : { class: 'num', text: String(num(c.assigned)) }),
      h('td', { class: 'num', text: String(num(c.sent)) }),
      h('td', { class: 'num', text: String(num(c.replied)) }),
      h('td', { class: 'nowrap', text: fmtInterval(pickInterval(v.replyRate)) }),
      h('td', { class: 'num', text: String(num(c.interested)) }),
      h('td', { class: 'nowrap interest-rate', text: fmtInterval(pickInterval(v.interestRate)) }),
      h('td', { class: 'num', text: pct(v.posteriorMean) }),
      h('td', { class: 'num', text: pct(v.probabilityToBeBest) }),
      h('td', { class: 'num', text: total > 0 ? pct(num(c.assigned) / total) : '–' }),
      // Which figures are live: a switched-off row takes no new leads, its in-flight leads still count.
      h('td', { title: stateNote(v) }, [
        h('span', { class: 'pill ' + (enabled && !auto ? 'pill-on' : 'pill-off'), text: archived ? 'archived' : auto ? 'auto-disabled here' : enabled ? 'enabled' : 'disabled' }),
        enabled && !auto ? null : h('div', { class: 'muted small state-note', text: stateNote(v) })
      ]),
      h('td', null, [archived ? null : btn, archiveBtn])
    ]));
  });
}

/** What the posterior and P(best) columns are on: the bandit's reward (agent_configurations). */
function renderReward(reward) {
  const labels = { reply: 'replies', interested: 'interest (replies that show it)', conversion: 'conversions' };
  $('variants-reward').textContent = reward
    ? 'Posterior mean and P(best) on the bandit\'s reward: ' + str(reward) +
      (labels[reward] ? ' – ' + labels[reward] : '') + ' (agent_configurations.reward).'
    : '';
}

function renderSrm(srm) {
  const note = srmNote(srm);
  $('srm-note').textContent = note || '';
  $('srm-note').hidden = !note;
  const el = $('srm-alarm');
  if (srm && srm.alarm === true) {
    el.textContent = 'Sample ratio mismatch: the observed allocation deviates from the expected split' +
      (isNum(srm.pValue) ? ' (p = ' + srm.pValue.toPrecision(2) + ')' : '') + '. Check assignment before trusting results.';
    el.hidden = false;
  } else {
    el.hidden = true;
    el.textContent = '';
  }
}

/**
 * A rewritten variant: its rates and bandit figures are of its current wording alone; the earlier
 * wordings' results, one per revision. Empty for a variant never rewritten.
 */
function wordingsNote(v) {
  const ws = Array.isArray(v.wordings) ? v.wordings : [];
  if (ws.length < 2) return '';
  const past = ws.filter((w) => w.current !== true)
    .map((w) => 'r' + w.revision + ': ' + num(w.replied) + '/' + num(w.assigned) + ' replied');
  return 'wording r' + v.wordingRevision + ' (rates of it alone) · earlier ' + past.join(', ');
}

function askArchive(v, archive) {
  const verb = archive ? 'Archive' : 'Unarchive';
  // The revision the row showed: sent as If-Match, a change since is refused (412), not undone.
  confirmAction = { variantId: String(v.variantId), action: archive ? 'archive' : 'unarchive', revision: v.revision };
  $('confirm-text').textContent = archive
    ? 'Archive variant ' + v.variantId + '? It is switched off (its in-flight leads switch at their next message), gets no new leads and leaves the list; its history stays.'
    : 'Unarchive variant ' + v.variantId + '? It comes back to the list, still disabled.';
  $('confirm-ok').textContent = verb;
  $('confirm').hidden = false;
  $('confirm-ok').focus();
}

function askToggle(v, enable) {
  const verb = enable ? 'Enable' : 'Disable';
  confirmAction = { variantId: String(v.variantId), enable: enable, action: enable ? 'enable' : 'disable' };
  const question = verb + ' variant ' + v.variantId + '?';
  $('confirm-text').textContent = question + (enable ? '' : ' Counting its in-flight leads…');
  $('confirm-ok').textContent = verb;
  $('confirm').hidden = false;
  $('confirm-ok').focus();
  if (!enable) {
    // Counted when asked, not on every refresh: it is the one figure that scans the leads.
    api('/api/variants/' + encodeURIComponent(String(v.variantId)) + '/in-flight').then((r) => {
      if (confirmAction && confirmAction.variantId === String(v.variantId)) {
        $('confirm-text').textContent = disableConfirmText(String(v.variantId), num(r && r.inFlight), r && r.warnings);
      }
    }).catch(() => {
      $('confirm-text').textContent = question + ' Every in-flight lead on it will switch variant.';
    });
  }
}

export function hideConfirm() {
  confirmAction = null;
  $('confirm').hidden = true;
}

function confirmToggle() {
  const action = confirmAction;
  hideConfirm();
  if (!action) return;
  const request = variantActionRequest(action);
  api(request.path, request.options).then((r) => {
    r = r || {};
    const id = r.variantId || action.variantId;
    const done = { enable: ' enabled', disable: ' disabled', archive: ' archived', unarchive: ' unarchived (still disabled)' };
    let msg = 'Variant ' + id + done[action.action];
    if (r.alreadyArchived) {
      msg = 'Variant ' + id + ' was already archived: nothing changed';
    } else if (r.alreadyDisabled) {
      msg = 'Variant ' + id + ' was already disabled: nothing changed' +
        (r.killSwitch ? ' (its kill-switch: ' + r.killSwitch.workflowId + ')' : '');
    } else if (r.killSwitch) {
      msg += ' · its ' + num(r.killSwitch.switching) + ' leads on it switch at their next message' +
        (num(r.killSwitch.inFlight) > 0 ? ', ' + num(r.killSwitch.inFlight) + ' message(s) of it in their call to WhatsApp now' : '') +
        ' (kill-switch ' + r.killSwitch.workflowId + ')';
    }
    const gaps = gapsText(r.warnings);
    toast(msg + '.' + (gaps ? ' Warning: ' + gaps : ''), !!gaps);
  }).catch(reportError).then(loadVariants);
}

export function bindVariants() {
  $('segment').addEventListener('change', loadVariants);
  if ($('variants-show-archived')) $('variants-show-archived').addEventListener('change', loadVariants);
  $('confirm-ok').addEventListener('click', confirmToggle);
  $('confirm-cancel').addEventListener('click', hideConfirm);
  $('confirm').addEventListener('click', (e) => { if (e.target === $('confirm')) hideConfirm(); });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('confirm').hidden) hideConfirm();
  });
}

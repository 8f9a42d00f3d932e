/* The lead page's conversation box: what a person may send the lead now (free text inside the
 * 24 h window, the re-engagement template to a live lead, a voice note), as which rep (Writing as),
 * naming the lead message the page showed so another rep's answer since is told (collision), and a
 * failed request sent again as the same request. */
import { $, h, clear, str, toDate, fmtDateTime, toast, reportError } from './util.js';
import { waitsForResumeLine } from './paused.js';
import { api } from './api.js';

/** The latest lead message the page showed (its messageId), named by each reply. */
const seen = { messageId: null };

/** Another lead opened: nothing seen yet, no collision note of the last one. */
export function resetConversation() {
  seen.messageId = null;
  hideCollision();
}

/** When free text can reach the lead: 24 h after its latest reply (the server checks the rule). */
function windowNote(feedback, numberWrote) {
  let last = toDate(numberWrote) || null; // the window is the number's: it may have written to another of its leads
  feedback.forEach((r) => {
    const at = toDate(r.receivedAt || r.at);
    if (at && (!last || at > last)) last = at;
  });
  if (!last) return { open: false, text: 'The lead has not written yet: only the re-engagement template can go.' };
  const until = new Date(last.getTime() + 24 * 3600 * 1000);
  return until > new Date()
    ? { open: true, text: 'The lead last wrote ' + fmtDateTime(last) + ': free text until ' + fmtDateTime(until) + '.' }
    : { open: false, text: 'The lead last wrote ' + fmtDateTime(last) + ', more than 24 h ago: only the re-engagement template can go.' };
}

/* Who writes from this browser (an owner id, kept in localStorage): the dashboard shares one token,
 * so without it every rep writes as the lead's owner and two reps look like one person. */
const WRITING_AS = 'salesAgentWritingAs';

function writingAs() {
  try { return window.localStorage.getItem(WRITING_AS) || ''; } catch (e) { return ''; }
}

/** The owners in Writing as, the one this browser chose selected. */
function fillWritingAs() {
  const select = $('conversation-as');
  api('/api/owners').then((d) => {
    const chosen = writingAs();
    while (select.options.length > 1) select.remove(1);
    (d && Array.isArray(d.owners) ? d.owners : []).forEach((o) => {
      select.appendChild(h('option', { value: str(o.ownerId), text: str(o.name) + ' (' + str(o.ownerId) + ')' }));
    });
    select.value = chosen;
    if (select.value !== chosen) select.value = '';
  }).catch(reportError);
  select.addEventListener('change', () => {
    try { window.localStorage.setItem(WRITING_AS, select.value); } catch (e) { /* kept for this page only */ }
  });
}

/** The body with the chosen owner as ownerId (none chosen: the lead's owner, as before). */
function asChosen(body) {
  const owner = $('conversation-as').value;
  return owner && body.ownerId === undefined ? Object.assign({ ownerId: owner }, body) : body;
}

/** The messageId of the lead's latest message, or null: by when it was stored (what the server
 * weighs answers by; Meta's receivedAt has whole seconds), else when it was written. */
function latestMessageId(feedback) {
  let latest = null;
  let at = null;
  feedback.forEach((r) => {
    const when = toDate(r.storedAt || r.receivedAt || r.at);
    if (r.messageId && when && (!at || when >= at)) { at = when; latest = String(r.messageId); }
  });
  return latest;
}

function hideCollision() {
  const box = $('conversation-collision');
  if (box) { clear(box); box.hidden = true; }
}

/** Whether the refusal is another person's answer after the lead message this page showed. */
function isCollision(e) {
  return e && e.status === 409 && e.data && Array.isArray(e.data.errors) &&
    e.data.errors.some((x) => x && x.field === 'seenMessageId');
}

/** Who answered and when, and Send anyway (the same request with force: true). */
function showCollision(e, again) {
  const box = clear($('conversation-collision'));
  const who = e.data.answeredBy ? str(e.data.answeredBy) : 'Another person';
  const when = e.data.answeredAt ? ' at ' + fmtDateTime(e.data.answeredAt) : '';
  box.appendChild(h('p', { text: who + ' answered the lead' + when +
    ', after the lead\'s message you saw. Read their answer in Messages; nothing was sent.' }));
  const anyway = h('button', { id: 'conversation-send-anyway', type: 'button', class: 'secondary small', text: 'Send anyway' });
  anyway.addEventListener('click', () => { hideCollision(); again(); });
  box.appendChild(anyway);
  box.hidden = false;
}

/**
 * A person writes to the lead (through its workflow's send path) while its lifecycle runs, and,
 * once it ended, free text inside the 24 h window to a lead that wrote (no template: a new
 * conversation starts with a new enrolment). Never to a number that opted out.
 */
/**
 * A 202 that says the message waits for the lead's resume (an operator paused its run): said, not
 * left as "queued".
 */
function waitsForResume(queued) {
  const line = waitsForResumeLine(queued, fmtDateTime);
  if (line) toast(line);
}

export function renderConversation(l, feedback, page) {
  const box = $('lead-conversation');
  const ended = page.ended.indexOf(l.stage) >= 0;
  const w = windowNote(feedback, l.numberLastWroteAt);
  seen.messageId = latestMessageId(feedback);
  // The newest message the page shows, for the lead's other actions (a release names it).
  if (seen.messageId) box.dataset.seenMessageId = seen.messageId;
  else delete box.dataset.seenMessageId;
  // Enrolled again: the live lead is the number's conversation (its run times the follow-ups).
  const elsewhere = ended && l.liveLeadOfNumber ? String(l.liveLeadOfNumber) : null;
  box.hidden = !l.stage || l.stage === 'opted_out' || (ended && !w.open && !elsewhere);
  if (box.hidden) return;
  $('conversation-template').hidden = ended;
  // An operator paused the lead: what a rep writes is queued and goes only once it is resumed.
  $('conversation-paused').hidden = l.stage !== 'paused';
  $('conversation-window').textContent = elsewhere
    ? 'The lead\'s run ended (' + str(l.stage) + '); the number\'s conversation is lead ' + elsewhere + ' now: write from its page.'
    : ended
      ? 'The lead\'s run ended (' + str(l.stage) + '); it wrote since. ' + w.text.replace(/: only the re-engagement template can go\.$/, '.')
      : w.text;
  ['conversation-send', 'conversation-voice', 'conversation-recording', 'conversation-record'].forEach((x) => { $(x).disabled = !w.open || !!elsewhere; });
  if (box.dataset.bound) return;
  box.dataset.bound = '1';
  fillWritingAs();
  // Names the lead message the page shows: another person's answer since is a 409 (who, when),
  // then Send anyway repeats the request (same requestId) with force.
  const send = (body, done) => {
    ['conversation-send', 'conversation-template'].forEach((x) => { $(x).disabled = true; });
    const again = () => { ['conversation-send', 'conversation-template'].forEach((x) => { $(x).disabled = false; }); };
    hideCollision();
    body = asChosen(body);
    if (seen.messageId && body.seenMessageId === undefined) body = Object.assign({ seenMessageId: seen.messageId }, body);
    api('/api/leads/' + encodeURIComponent(String(page.id())) + '/replies', { method: 'POST', body: body })
      .then((queued) => { done(); again(); page.refresh(); waitsForResume(queued); })
      .catch((e) => {
        again();
        if (!isCollision(e)) { reportError(e); return; }
        showCollision(e, () => send(Object.assign({}, body, { force: true }), done));
        page.refresh();
      });
  };
  const requestId = () => 'ui-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
  // A request that failed (an error, a lost answer) is sent again with its first requestId while
  // the text is the same, so the server takes it as the same message: Temporal may have taken the
  // first one although the answer was an error, and the lead must not get it twice.
  const attempts = new Map();
  const attemptId = (kind, text) => {
    const key = kind + '\u0000' + text;
    if (!attempts.has(key)) attempts.set(key, requestId());
    return attempts.get(key);
  };
  const attemptDone = (kind, text) => { attempts.delete(kind + '\u0000' + text); };
  $('conversation-send').addEventListener('click', () => {
    const text = $('conversation-text').value.trim();
    if (!text) { toast('Write a message first', true); return; }
    const draftId = $('conversation-text').dataset.draftId;
    send(Object.assign({ text: text, requestId: attemptId('text', text) }, draftId ? { draftId: draftId } : {}),
      () => { attemptDone('text', text); $('conversation-text').value = ''; delete $('conversation-text').dataset.draftId; toast('Message queued'); });
  });
  const voicePath = () => '/api/leads/' + encodeURIComponent(String(page.id())) + '/replies/voice-note';
  // A recording's query: its request id, the owner chosen in Writing as, and the lead message the
  // page showed (a voice note is checked for another person's answer as a text is); the draft in
  // the box, when there is one (a recording of it is the draft sent, as with Send).
  const voiceQuery = () => '?requestId=' + requestId() +
    ($('conversation-as').value ? '&ownerId=' + encodeURIComponent($('conversation-as').value) : '') +
    (seen.messageId ? '&seenMessageId=' + encodeURIComponent(seen.messageId) : '') +
    ($('conversation-text').dataset.draftId ? '&draftId=' + encodeURIComponent($('conversation-text').dataset.draftId) : '');
  // The same request with force: the spoken form's body, or the recording's query.
  const forced = (options) => options.body
    ? Object.assign({}, options, { body: Object.assign({}, options.body, { force: true }) })
    : Object.assign({}, options, { path: options.path + '&force=true' });
  // On another person's answer since (409): who and when, and Send anyway, as for a text.
  const sendVoice = (options, done) => {
    ['conversation-voice', 'conversation-recording'].forEach((x) => { $(x).disabled = true; });
    const again = () => { ['conversation-voice', 'conversation-recording'].forEach((x) => { $(x).disabled = false; }); };
    hideCollision();
    api(options.path, options)
      .then(() => { done(); again(); page.refresh(); })
      .catch((e) => {
        again();
        if (!isCollision(e)) { reportError(e); return; }
        showCollision(e, () => sendVoice(forced(options), done));
        page.refresh();
      });
  };
  $('conversation-voice').addEventListener('click', () => {
    const text = $('conversation-text').value.trim();
    if (!text) { toast('Write what the voice note says first', true); return; }
    let body = asChosen({ text: text, requestId: attemptId('voice', text) });
    if (seen.messageId) body = Object.assign({ seenMessageId: seen.messageId }, body);
    // A drafted answer spoken is the draft sent, as with Send: used, or refused once superseded.
    const draftId = $('conversation-text').dataset.draftId;
    if (draftId) body = Object.assign(body, { draftId: draftId });
    sendVoice({ path: voicePath(), method: 'POST', body: body },
      () => { attemptDone('voice', text); $('conversation-text').value = ''; delete $('conversation-text').dataset.draftId; toast('Voice note queued'); });
  });
  // Recorded here: MediaRecorder's Ogg Opus (Firefox) or WebM Opus (Chrome), rewrapped by the
  // server; the microphone is released as soon as the recording stops.
  let recorder = null;
  $('conversation-record').addEventListener('click', () => {
    const button = $('conversation-record');
    if (recorder && recorder.state === 'recording') { recorder.stop(); return; }
    if (!navigator.mediaDevices || !window.MediaRecorder) {
      toast('This browser cannot record here (recording needs https or localhost)', true);
      return;
    }
    const type = ['audio/ogg;codecs=opus', 'audio/webm;codecs=opus'].find((t) => MediaRecorder.isTypeSupported(t));
    if (!type) { toast('This browser cannot record Opus audio: upload a recording instead', true); return; }
    navigator.mediaDevices.getUserMedia({ audio: true }).then((stream) => {
      const chunks = [];
      recorder = new MediaRecorder(stream, { mimeType: type, audioBitsPerSecond: 32000 });
      const limit = setTimeout(() => { if (recorder && recorder.state === 'recording') recorder.stop(); }, 5 * 60 * 1000);
      recorder.ondataavailable = (e) => { if (e.data && e.data.size) chunks.push(e.data); };
      recorder.onstop = () => {
        clearTimeout(limit);
        stream.getTracks().forEach((t) => t.stop());
        button.textContent = 'Record a voice note';
        button.classList.remove('danger');
        const blob = new Blob(chunks, { type: type.split(';')[0] });
        if (!blob.size) { toast('Nothing was recorded', true); return; }
        sendVoice({ path: voicePath() + voiceQuery(), method: 'POST', raw: blob, contentType: blob.type },
          () => { delete $('conversation-text').dataset.draftId; toast('Recorded voice note queued'); });
      };
      recorder.start(1000);
      button.textContent = 'Stop and send';
      button.classList.add('danger');
    }, (e) => { toast('No microphone: ' + str(e && e.message), true); });
  });
  $('conversation-recording').addEventListener('click', () => {
    const file = $('conversation-recording-file').files[0];
    if (!file) { toast('Choose a recording first (Ogg Opus or WAV)', true); return; }
    sendVoice({ path: voicePath() + voiceQuery(), method: 'POST', raw: file, contentType: file.type || 'application/octet-stream' },
      () => { $('conversation-recording-file').value = ''; delete $('conversation-text').dataset.draftId; toast('Recording queued as a voice note'); });
  });
  $('meeting-book').addEventListener('click', () => {
    const value = $('meeting-at').value;
    const when = value ? new Date(value) : null;
    if (!when || isNaN(when.getTime())) { toast('Pick the meeting\'s date and time first', true); return; }
    api('/api/leads/' + encodeURIComponent(String(page.id())) + '/meeting',
      { method: 'POST', body: { at: when.toISOString(), source: 'operator' } })
      .then(() => { toast('Meeting recorded'); page.refresh(); })
      .catch(reportError);
  });
  $('conversation-template').addEventListener('click', () => {
    send({ template: 're_engagement', requestId: attemptId('template', '') },
      () => { attemptDone('template', ''); toast('Re-engagement template queued'); });
  });
}

// Why a message went without its media, said once (no DOM: the lead page renders the lines).

const text = (v) => (v == null || v === '' ? '–' : String(v));

/**
 * The lines naming media a message was made with but did not carry: "the voice note did not go: ..."
 * or "the image card did not go: ..." (the media record's reason), and the older "no voice note:
 * ..." (the message's voiceNote.why) only when no voice-note line already said it (a voice note that
 * went as a template outside the 24 h window carries both records, with the same reason).
 */
export function mediaNotSentLines(m) {
  const lines = [];
  if (!m || typeof m !== 'object') return lines;
  const media = m.media && typeof m.media === 'object' ? m.media : null;
  const notSent = media !== null && media.sentAs === 'not_sent';
  if (notSent) {
    lines.push('the ' + (media.kind === 'audio' ? 'voice note' : 'image card') + ' did not go: ' + text(media.notSentBecause));
  }
  const why = m.voiceNote && typeof m.voiceNote === 'object' ? m.voiceNote.why : null;
  if (why && !(notSent && media.kind === 'audio')) lines.push('no voice note: ' + text(why));
  return lines;
}

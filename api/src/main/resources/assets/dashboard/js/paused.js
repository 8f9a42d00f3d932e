// What a rep is told when a message waits for a paused lead's resume (no DOM: the page shows it).

/**
 * The line for a reply's 202 body that says it waits for the lead's resume (`waitsForResume: true`,
 * `pausedAt` when the run recorded the pause, ISO-8601); null for a message that goes as usual.
 * `fmt` formats the time (the page's fmtDateTime), else the ISO text is shown.
 */
export function waitsForResumeLine(queued, fmt) {
  if (!queued || typeof queued !== 'object' || queued.waitsForResume !== true) return null;
  const at = typeof queued.pausedAt === 'string' && queued.pausedAt ? queued.pausedAt : null;
  const when = at ? (typeof fmt === 'function' ? fmt(at) : at) : null;
  return 'Queued: the lead is paused' + (when ? ' (since ' + when + ')' : '') +
    ', so it waits until an operator resumes the lead.';
}

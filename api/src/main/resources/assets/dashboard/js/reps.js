/* The sales reps card: who takes interested leads now, how full each rep is, who is away. Pure
 * helpers first (run in node by RepsScriptTest), then the card. */

/** Where a rep stands now, in words: inactive, on time off, at work, or out of working hours. */
export function repStatus(o) {
  if (!o || typeof o !== 'object') return '–';
  if (!o.active) return 'inactive';
  if (o.offNow) return 'on time off' + (backOn(o.timeOff, new Date()) ? ', back ' + backOn(o.timeOff, new Date()) : '');
  return o.workingNow ? 'at work' : 'outside working hours';
}

/** The day after the time-off range that holds today (ISO dates, UTC day), or null. */
export function backOn(ranges, now) {
  if (!Array.isArray(ranges)) return null;
  const today = now.toISOString().slice(0, 10);
  for (const r of ranges) {
    if (r && typeof r.from === 'string' && typeof r.to === 'string' && r.from <= today && today <= r.to) {
      const d = new Date(r.to + 'T00:00:00Z');
      if (isNaN(d.getTime())) return null;
      d.setUTCDate(d.getUTCDate() + 1);
      return d.toISOString().slice(0, 10);
    }
  }
  return null;
}

/** "3 / 20" and whether the rep is full (takes no lead now). */
export function repLoad(o) {
  const load = o && Number.isFinite(o.load) ? o.load : 0;
  const cap = o && Number.isFinite(o.capacity) ? o.capacity : 0;
  return { text: load + ' / ' + cap, full: cap > 0 && load >= cap };
}

/** Whether a new lead may go to the rep now (active, not away, room left). */
export function takesLeadsNow(o) {
  return !!(o && o.active && !o.offNow && !repLoad(o).full);
}

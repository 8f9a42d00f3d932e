// Whether the lead's number is one we know, said in one line (no DOM: the lead page renders it).

/**
 * The line for a lead whose number had an earlier lead that converted or replied (the contact's
 * `returning`: {relationship, leadId}, kept when its variant was assigned): why it is no stranger,
 * the earlier lead, and whether its first contact greeted it as one we know (`v-returning`); null
 * for a number we did not know.
 */
export function returningLine(l) {
  const r = l && typeof l === 'object' && l.returning && typeof l.returning === 'object' ? l.returning : null;
  if (!r) return null;
  const why = r.relationship === 'customer'
    ? 'an earlier lead of this number converted'
    : 'an earlier lead of this number replied';
  const earlier = r.leadId ? ' (lead ' + String(r.leadId) + ')' : '';
  const greeted = l.variantId === 'v-returning'
    ? '; greeted as one we know (v-returning)'
    : '; v-returning not used: greeted by ' + (l.variantId ? String(l.variantId) : 'no variant yet');
  return 'Returning contact: ' + why + earlier + greeted;
}

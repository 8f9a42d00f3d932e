/* A lead's next action in words (the workflow stores a code: re_engage, remind_owner...). No
 * imports, so node runs it in the script tests. */

const ACTIONS = {
  send_first_contact: 'send the first message',
  follow_up: 'follow up',
  follow_up_unread: 'follow up (first message not read)',
  follow_up_read: 'follow up (read, no reply)',
  close_no_response: 'close as no response',
  re_engage: 'send a re-engagement if not converted',
  close_lost: 'close as lost if not converted',
  close_conversation: 'close as replied if the conversation stays quiet',
  hand_off: 'hand to a sales rep',
  remind_owner: 'remind the owner (half the SLA)',
  reassign_owner: 'hand to another owner (SLA deadline)',
  resume: 'wait for an operator to resume the lead',
  resume_sequence: 'resume the sequence (snoozed: "not now")',
  reconcile: 'find out whether the last send went out',
  operator_decides_delivery: 'an operator decides whether the last send went out',
  retry_after_rate_limit: "send again after WhatsApp's rate limit",
  retry_marketing_limit: "send again after Meta's marketing-message limit",
  retry_when_sender_resumes: 'send once the business number resumes',
  awaiting_transcript: "read the voice note's transcript"
};

const SENDS = {
  first_contact: 'the first message',
  follow_up_unread: 'a follow-up (first message not read)',
  follow_up_read: 'a follow-up (read, no reply)',
  re_engagement: 'a re-engagement'
};

/** The words for a next-action code; an unknown code with its underscores as spaces; null: '–'. */
export function nextActionText(code) {
  if (code == null || code === '') return '–';
  const c = String(code);
  if (Object.prototype.hasOwnProperty.call(ACTIONS, c)) return ACTIONS[c];
  if (c.startsWith('approval_default_')) {
    return 'wait for approval (' + c.slice('approval_default_'.length).replace(/_/g, ' ') + ' by default)';
  }
  if (c.startsWith('send_')) {
    const what = c.slice('send_'.length);
    return 'send ' + (Object.prototype.hasOwnProperty.call(SENDS, what) ? SENDS[what] : what.replace(/_/g, ' '));
  }
  return c.replace(/_/g, ' ');
}

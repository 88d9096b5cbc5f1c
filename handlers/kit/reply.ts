import type { RespondFn } from '@slack/bolt';
import type { LookupMessage } from '../../bot/views/lookups/message.ts';

/** Answers only the user who asked (look-ups are never posted to the channel). */
export const respondEphemeral = (respond: RespondFn, answer: LookupMessage) =>
  respond({ response_type: 'ephemeral', replace_original: false, text: answer.text, blocks: answer.blocks });

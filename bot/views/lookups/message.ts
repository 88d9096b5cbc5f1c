import type { types } from '@slack/bolt';
import { escapeMrkdwn } from '../../i18n/locale.ts';

export type KnownBlock = types.KnownBlock;

/** An ephemeral answer: Block Kit plus the plain fallback text Slack shows in notifications. */
export type LookupMessage = { readonly text: string; readonly blocks: KnownBlock[] };

/** Section text is cut by Slack at 3,000 characters; stay below with a marker. */
const SECTION_LIMIT = 2900;

/** User- or database-derived text, escaped so that it can never become a mention, link or markup. */
export const esc = (text: string): string => escapeMrkdwn(text);

/** Text shown as inline code: escaped, and a backtick cannot end the span. */
export const code = (text: string): string => `\`${escapeMrkdwn(text.replaceAll('`', "'")) || ' '}\``;

/** A preformatted block (copyable), escaped. */
export const codeBlock = (text: string): string =>
  `\`\`\`${escapeMrkdwn(text.replaceAll('```', "'''"))}\`\`\``;

const cut = (text: string): string =>
  text.length > SECTION_LIMIT ? `${text.slice(0, SECTION_LIMIT)}…` : text;

export const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: cut(text) },
});

export const fields = (pairs: readonly (readonly [string, string])[]): KnownBlock => ({
  type: 'section',
  fields: pairs.slice(0, 10).map(([label, value]) => ({ type: 'mrkdwn', text: cut(`*${label}*\n${value}`) })),
});

export const context = (...texts: string[]): KnownBlock => ({
  type: 'context',
  elements: texts.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: cut(text) })),
});

export const divider = (): KnownBlock => ({ type: 'divider' });

/** A one-paragraph answer (refusals, confirmations). */
export const textMessage = (text: string): LookupMessage => ({ text: plain(text), blocks: [section(text)] });

/** The fallback text: the mrkdwn without its emphasis markers. */
export const plain = (text: string): string => text.replace(/(^|\s)\*([^*\n]+)\*/g, '$1$2');

/** Builds a message from blocks, its fallback text taken from the first block's text. */
export const message = (fallback: string, blocks: KnownBlock[]): LookupMessage => ({
  text: plain(fallback),
  blocks: blocks.slice(0, 50),
});

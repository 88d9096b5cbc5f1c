import { escapeMrkdwn } from '../i18n/locale.ts';

/** Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks). */
export const BLOCK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3_000,
  sectionFieldText: 2_000,
  sectionFields: 10,
  contextElements: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2_000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

/** `text` cut to at most `max` characters (code points), with an ellipsis when cut. */
export function limitText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Data from users or the database shown as inline code: escaped so that it can never become a
 * mention, link or markup; backticks and line breaks, which would end the code span, are replaced.
 */
export function codeSpan(text: string, max = 255): string {
  const flat = withoutControlCharacters(text).replaceAll('`', 'ˋ');
  return `\`${escapeMrkdwn(limitText(flat, max))}\``;
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/** A user mention, only for a well-formed user id: never `<!channel>`, never text from elsewhere. */
export function mention(userId: string): string | null {
  return SLACK_USER_ID.test(userId) ? `<@${userId}>` : null;
}

/** Mentions of the users, deduplicated, separated by spaces, within `max` characters (whole mentions). */
export function mentionList(userIds: readonly string[], max: number): string {
  let line = '';
  for (const id of new Set(userIds)) {
    const m = mention(id);
    if (m === null) continue;
    const next = line === '' ? m : `${line} ${m}`;
    if (next.length > max) break;
    line = next;
  }
  return line;
}

/** Line breaks, tabs and other control characters as spaces: data stays on its line. */
export function withoutControlCharacters(text: string): string {
  return [...text].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c)).join('');
}

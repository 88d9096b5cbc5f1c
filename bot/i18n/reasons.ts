import type { DomainNameReason, SlackMarkupKind } from '../../domain/index.ts';

// Domain reason codes (`name.*`) in the user's language. Parameters come from the domain and are
// already sanitised (`excerpt` has no markup characters); the views still escape what they show.

type Params = Readonly<Record<string, string | number | boolean | null>>;
type Text = string | ((p: Params) => string);

const str = (p: Params, key: string): string => String(p[key] ?? '');

const markupJa: Record<SlackMarkupKind, string> = {
  user_mention: 'ユーザーのメンション',
  channel_mention: 'チャンネルのメンション',
  special_mention: '@here などの特殊メンション',
  mailto: 'メールアドレスのリンク',
  link: 'リンク',
  escaped_character: 'エスケープされた記号',
  formatting: '太字などの書式',
  code: 'コード書式',
};
const markupEn: Record<SlackMarkupKind, string> = {
  user_mention: 'a user mention',
  channel_mention: 'a channel mention',
  special_mention: 'a special mention such as @here',
  mailto: 'an e-mail link',
  link: 'a link',
  escaped_character: 'an escaped character',
  formatting: 'formatting such as bold',
  code: 'code formatting',
};

const ja = {
  'name.empty': 'コモンネーム (FQDN) を指定してください。例: www.example.jp',
  'name.too_long': (p) =>
    `名前が長すぎます (${str(p, 'length')} 文字)。ドメイン名は ${str(p, 'max')} 文字までです。`,
  'name.label_too_long': (p) =>
    `ラベル「${str(p, 'label')}」が長すぎます (${str(p, 'length')} 文字)。ドットで区切られた各部分は ${str(p, 'max')} 文字までです。`,
  'name.empty_label': '空のラベルがあります (ドットが連続しているか、先頭がドットです)。',
  'name.control_character': '制御文字が含まれています。名前だけを入力してください。',
  'name.whitespace': '名前に空白が含まれています。名前は1つだけ指定してください。',
  'name.slack_markup': (p) =>
    `Slack の${markupJa[str(p, 'markup') as SlackMarkupKind] ?? '書式'}が含まれています。ドメイン名をそのまま入力してください。`,
  'name.is_ip_address': 'IP アドレスは指定できません。証明書のコモンネームはドメイン名 (FQDN) です。',
  'name.is_email_address': 'メールアドレスではなく、ドメイン名 (FQDN) を指定してください。',
  'name.invalid_character': 'ドメイン名に使えない文字が含まれています (使えるのは英数字、ハイフン、ドット)。',
  'name.invalid_idn': '国際化ドメイン名として正しくありません。',
  'name.wildcard_position': 'ワイルドカード (*) は先頭のラベルにだけ使えます。例: *.example.jp',
  'name.single_label': 'ドットを含む完全なドメイン名 (FQDN) を指定してください。例: www.example.jp',
  'name.public_suffix': (p) =>
    `「${str(p, 'suffix')}」は公開サフィックスで、登録できるドメイン名ではありません。`,
  'name.unknown_tld': (p) => `トップレベルドメイン「${str(p, 'tld')}」は存在しません。`,
} satisfies Record<DomainNameReason, Text>;

const en: typeof ja = {
  'name.empty': 'Give a common name (FQDN), e.g. www.example.jp',
  'name.too_long': (p) =>
    `The name is too long (${str(p, 'length')} characters); a domain name has at most ${str(p, 'max')}.`,
  'name.label_too_long': (p) =>
    `The label "${str(p, 'label')}" is too long (${str(p, 'length')} characters); each part between dots has at most ${str(p, 'max')}.`,
  'name.empty_label': 'The name has an empty label (two dots in a row, or a leading dot).',
  'name.control_character': 'The name contains control characters. Type the name only.',
  'name.whitespace': 'The name contains spaces. Give one name only.',
  'name.slack_markup': (p) =>
    `The name contains Slack markup (${markupEn[str(p, 'markup') as SlackMarkupKind] ?? 'formatting'}). Type the domain name as plain text.`,
  'name.is_ip_address':
    'An IP address cannot be used: the common name of a certificate is a domain name (FQDN).',
  'name.is_email_address': 'Give a domain name (FQDN), not an e-mail address.',
  'name.invalid_character':
    'The name contains characters a domain name cannot have (letters, digits, hyphens and dots only).',
  'name.invalid_idn': 'The name is not a valid internationalised domain name.',
  'name.wildcard_position': 'A wildcard (*) is only allowed as the whole first label, e.g. *.example.jp',
  'name.single_label': 'Give a fully qualified domain name with a dot, e.g. www.example.jp',
  'name.public_suffix': (p) => `"${str(p, 'suffix')}" is a public suffix, not a registrable domain name.`,
  'name.unknown_tld': (p) => `The top-level domain "${str(p, 'tld')}" does not exist.`,
};

export const reasonText = { ja, en } as const;

/** The message for a domain reason code, in the user's language (the code itself if unknown). */
export function reasonMessage(locale: 'ja' | 'en', reason: string, params: Params = {}): string {
  const catalog = reasonText[locale] as Record<string, Text>;
  const text = catalog[reason];
  if (text === undefined) return reason;
  return typeof text === 'function' ? text(params) : text;
}

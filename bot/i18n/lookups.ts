import type {
  ApplicationKind,
  Ca,
  CsrMethod,
  CycleState,
  LookupFailureReason,
  Product,
} from '../../domain/index.ts';
import type { LookupReason } from '../../domain/ports/lookups.ts';
import type { Locale } from './locale.ts';
import { reasonMessage } from './reasons.ts';

// `/cert` look-ups (dn, dcv, status, help) and the approver button, in Japanese and English.
// Parameters that come from users or the database arrive here already escaped/as code by the views.

const caNameJa: Record<Ca, string> = {
  digicert: 'デジサート (DigiCert)',
  cybertrust: 'サイバートラスト (Cybertrust)',
  globalsign: 'グローバルサイン (GlobalSign)',
};
const caNameEn: Record<Ca, string> = {
  digicert: 'DigiCert',
  cybertrust: 'Cybertrust',
  globalsign: 'GlobalSign',
};

const ja = {
  // --- common ---
  caName: (p: { ca: Ca }) => caNameJa[p.ca],
  notVisible: (p: { name: string }) =>
    `${p.name} の契約は見つからないか、参照する権限がありません。契約のサービスグループのメンバーだけが参照できます。`,
  notVisibleDcvHint: '契約前の名前なら `/cert dcv <FQDN> <CA>` で確認できます。',
  badName: (p: { excerpt: string; why: string }) =>
    p.excerpt === '' ? `名前を確認してください。${p.why}` : `「${p.excerpt}」は使えません。${p.why}`,
  missingName: (p: { usage: string }) => `コモンネームを指定してください。使い方: ${p.usage}`,
  tooManyArguments: (p: { usage: string }) => `引数が多すぎます。使い方: ${p.usage}`,
  unknownCa: (p: { excerpt: string; cas: string }) =>
    `CA「${p.excerpt}」は指定できません。次のいずれかを指定してください: ${p.cas}`,
  apology: '申し訳ありません。処理中にエラーが発生しました。しばらくしてからもう一度お試しください。',
  none: '(なし)',
  yes: 'あり',
  no: 'なし',

  // --- dn ---
  dnTitle: (p: { cn: string }) => `*前回の申請情報 (DN)* — ${p.cn}`,
  dnProduct: (p: { product: string; ca: string }) => `品目: ${p.product} (${p.ca})`,
  dnLastApplication: (p: { kind: string; at: string }) => `前回の申請: ${p.kind} (${p.at})`,
  applicationKind: (p: { kind: ApplicationKind }) =>
    ({ new: '新規', renewal: '更新', auto_renewal: '自動更新', reissue: '再発行' })[p.kind],
  dnFieldC: '国 (C)',
  dnFieldSt: '都道府県 (ST)',
  dnFieldL: '市区町村 (L)',
  dnFieldO: '組織名 (O)',
  dnFieldOu: '部署名 (OU)',
  dnFieldCn: 'コモンネーム (CN)',
  applicantTitle: '*申請責任者*',
  applicantName: '氏名',
  applicantEmail: 'メールアドレス',
  applicantPhone: '電話番号',
  applicantDepartment: '部署',
  applicantTitleField: '役職',
  periodLabel: '有効期間',
  period: (p: { months: number }) => (p.months % 12 === 0 ? `${p.months / 12}年` : `${p.months}か月`),
  csrMethodLabel: 'CSR作成方法',
  csrMethod: (p: { method: CsrMethod }): string =>
    p.method === 'customer' ? 'お客様がCSRを作成' : '当社が鍵とCSRを生成',
  wwwOptionLabel: 'www オプション',
  opensslTitle: '*CSR を作る場合 (`openssl req -subj`)*',
  noPreviousApplication: (p: { cn: string }) => `${p.cn} には前回の申請情報がありません。`,
  byoTitle: (p: { cn: string }) => `*登録済みの証明書 (持ち込み)* — ${p.cn}`,
  byoRegisteredAt: (p: { at: string }) => `登録日時: ${p.at}`,
  byoSubject: 'サブジェクト',
  byoSans: 'SAN (サブジェクト代替名)',
  byoIssuer: '発行者',
  byoValidity: '有効期間 (日本時間)',
  byoValidityRange: (p: { from: string; to: string }) => `${p.from} 〜 ${p.to}`,
  byoFingerprint: 'SHA-256 フィンガープリント',
  byoNoKey: '秘密鍵は表示しません。',
  noRegisteredCertificate: (p: { cn: string }) => `${p.cn} には登録済みの証明書がありません。`,

  // --- dcv ---
  dcvTitle: (p: { name: string; ca: string; on: string }) =>
    `*DCV メールの宛先* — ${p.name} (${p.ca}、${p.on} 時点)`,
  dcvByo: (p: { cn: string }) =>
    `${p.cn} は持ち込み証明書の契約で、CA が決まっていません。申し込む CA で確認するには \`/cert dcv <FQDN> <CA>\` を使ってください。`,
  dcvUncontracted: '契約前の名前として確認しました (承認者アドレスの設定はできません)。',
  dcvValidationDomain: (p: { domain: string; base: string }) =>
    `認証されるドメイン: ${p.domain} (ベースドメイン: ${p.base})`,
  dcvDiscouraged: (p: { since: string; endsOn: string; dnsName: string; br: string }) =>
    `:warning: メールによるドメイン認証は ${p.since} から非推奨となり、*${p.endsOn} に終了します*。DNS によるドメイン認証 (BR ${p.br}、例: ${p.dnsName} の TXT レコード。正確なレコードは CA が指定します) への切り替えをお勧めします。`,
  dcvEnded: (p: { since: string; dnsName: string; br: string }) =>
    `:no_entry: メールによるドメイン認証は ${p.since} に終了しました。DNS によるドメイン認証 (BR ${p.br}、例: ${p.dnsName} の TXT レコード) を使ってください。`,
  dcvDigicertIntro: '*DigiCert は次のすべての宛先に DCV メールを送ります:*',
  dcvCybertrustIntro: '*Cybertrust は DNS TXT の連絡先に DCV メールを送ります:*',
  dcvCybertrustNoTxt: '(まだ連絡先がありません。下の TXT レコードを登録してください)',
  dcvCybertrustOther: 'WHOIS に代わるその他の認証方法は、ご依頼に応じて当社からご案内します。',
  dcvGlobalsignIntro: '*GlobalSign では次のうち 1 つを承認者アドレスとして選びます:*',
  dcvGlobalsignChosen: (p: { address: string }) => `今回の更新申請の承認者アドレス: ${p.address}`,
  dcvChooseButton: 'この宛先にする',
  dcvChooseConfirmTitle: '承認者アドレスの設定',
  dcvChooseConfirmText: (p: { address: string }) => `${p.address} を今回の更新申請の承認者アドレスにします。`,
  dcvChooseConfirmYes: '設定する',
  dcvChooseConfirmNo: 'やめる',
  dcvNoAddresses: '(宛先はありません)',
  dcvSourceTxt: 'DNS TXT',
  dcvSourceConstructed: '定型アドレス',
  dcvSourceConstructedBase: '定型アドレス (ベースドメイン)',
  dcvMoreChoices: (p: { count: number }) => `ほか ${p.count} 件 (表示しきれません)`,
  dcvTxtTitle: (p: { name: string }) => `*TXT レコード* ${p.name}`,
  dcvTxtValid: (p: { address: string }) => `${p.address}`,
  dcvTxtInvalid: (p: { excerpt: string }) => `${p.excerpt} (メールアドレスではないため使えません)`,
  dcvTxtNone: 'レコードはありません。',
  dcvTxtToAdd: (p: { name: string; type: string; value: string }) =>
    `次のレコードを登録してください:\n名前: ${p.name}\nタイプ: ${p.type}\n値 (例): ${p.value}`,
  dcvTxtFailed: (p: { reason: string }) =>
    `:x: TXT レコードの検索に失敗しました (${p.reason})。レコードがないという意味ではありません。しばらくしてからもう一度お試しください。`,
  lookupFailure: (p: { reason: LookupFailureReason }) =>
    ({
      timeout: 'タイムアウト',
      servfail: 'DNS サーバーのエラー (SERVFAIL)',
      refused: '問い合わせ拒否 (REFUSED)',
      error: 'エラー',
    })[p.reason],
  dcvWithdrawnTitle: '*使えなくなった方法*',
  dcvWithdrawnWhois: (p: { since: string; br: string; ca: string; caStopped: string }) =>
    `WHOIS の連絡先: ${p.since} から使えません (BR ${p.br}。${p.ca} は ${p.caStopped} に停止)`,
  dcvWithdrawnSoa: (p: { since: string; br: string }) =>
    `SOA の RNAME: ${p.since} から使えません (BR ${p.br})`,
  dcvSoaFound: (p: { mailbox: string; zone: string }) => `見つかった RNAME: ${p.mailbox} (ゾーン ${p.zone})`,
  dcvSoaFoundNoMailbox: (p: { zone: string }) => `ゾーン ${p.zone} の RNAME はメールアドレスになりません`,
  dcvSoaNone: 'SOA は見つかりませんでした',
  dcvSoaFailed: (p: { reason: string }) => `:x: SOA の検索に失敗しました (${p.reason})`,

  // --- approver button ---
  approverSet: (p: { address: string; cn: string }) =>
    `${p.cn} の今回の更新申請の承認者アドレスを ${p.address} に設定しました。`,
  approverUnchanged: (p: { address: string; cn: string }) =>
    `${p.cn} の今回の更新申請の承認者アドレスは、すでに ${p.address} です。`,
  approverNoOpenRenewal: (p: { cn: string }) =>
    `${p.cn} にはまだ更新申請がありません。更新を申し込むときに承認者アドレスを選べます。`,
  approverNotGroupAdmin:
    '承認者アドレスを設定できるのは、サービスグループの運用管理担当者 (グループ管理者) だけです。',
  approverDataDeadlinePassed: (p: { deadline: string }) =>
    `データ期限 (${p.deadline}) を過ぎたため、承認者アドレスは変更できません。`,
  approverCycleClosed: 'この更新サイクルは終了しているため、承認者アドレスは変更できません。',
  approverOptedOut: 'この契約は解約予定のため、承認者アドレスは設定できません。',
  approverNotAChoice: (p: { cn: string }) =>
    `この宛先は現在の選択肢にありません。\`/cert dcv ${p.cn}\` でもう一度確認してください。`,
  approverNotGlobalsign: '承認者アドレスを選ぶのは GlobalSign の品目だけです。',
  invalidAction: 'この操作は無効です。もう一度コマンドを実行してください。',

  // --- status ---
  statusTitle: '*このチャンネルの契約*',
  statusTitleOne: (p: { cn: string }) => `*契約の状況* — ${p.cn}`,
  statusNone: 'このチャンネルには、あなたが参照できる契約はありません。',
  statusMore: (p: { count: number }) =>
    `ほか ${p.count} 件あります。\`/cert status <CN>\` で 1 件ずつ確認できます。`,
  statusByo: '持ち込み証明書',
  statusExpiry: '有効期限',
  statusNoCertificate: '(証明書の登録なし)',
  statusState: '状態',
  statusNoCycle: '更新サイクルはまだありません',
  cycleState: (p: { state: CycleState }) =>
    ({
      scheduled: '通知前',
      noticed: '通知済み・判断待ち',
      renewal_requested: '更新申込済み',
      opted_out: '解約予定',
      auto_renewal_requested: '自動更新',
      completed: '完了',
      expired_registered: '期限切れ (契約は継続)',
      cancelled: '解約済み',
    })[p.state],
  statusDecisionDeadline: '判断期限',
  statusDataDeadline: 'データ期限',
  statusDecision: '判断',
  statusDecided: (p: { decision: string; by: string; at: string }) => `${p.decision} (${p.by}、${p.at})`,
  statusUndecided: '未決定',
  decision: (p: { decision: 'renew' | 'opt_out' }): string => (p.decision === 'renew' ? '更新' : '解約'),
  statusChosenPeriod: '更新後の期間',

  // --- help ---
  helpTitle: '*`/cert` の使い方*',
  helpDn:
    '`/cert dn <CN>` — 前回の申請情報 (DN、申請責任者、期間、CSR作成方法)。持ち込み証明書は登録済みの証明書の内容',
  helpDcv: '`/cert dcv <CN>` — DCV メールの宛先 (DNS を確認します)。GlobalSign は承認者アドレスを選べます',
  helpDcvNew:
    '`/cert dcv <FQDN> <CA>` — 契約前の名前の DCV メールの宛先 (CA: digicert, cybertrust, globalsign)',
  helpStatus: '`/cert status [CN]` — このチャンネルの契約 (または 1 件) の有効期限、状態、期限、判断',
  helpHelp: '`/cert help` — この説明',
  helpFooter:
    '回答はあなたにだけ表示されます。契約のサービスグループのメンバーだけが契約の情報を参照できます。',
  helpUnknown: (p: { excerpt: string }) => `サブコマンド「${p.excerpt}」はありません。`,
};

const en: typeof ja = {
  caName: (p) => caNameEn[p.ca],
  notVisible: (p) =>
    `No contract for ${p.name} was found, or you may not see it. Only members of the contract's service group can look it up.`,
  notVisibleDcvHint: 'For a name that is not under contract yet, use `/cert dcv <FQDN> <CA>`.',
  badName: (p) => (p.excerpt === '' ? `Check the name. ${p.why}` : `"${p.excerpt}" cannot be used. ${p.why}`),
  missingName: (p) => `Give a common name. Usage: ${p.usage}`,
  tooManyArguments: (p) => `Too many arguments. Usage: ${p.usage}`,
  unknownCa: (p) => `"${p.excerpt}" is not a CA you can choose. Give one of: ${p.cas}`,
  apology: 'Sorry, something went wrong while handling this. Please try again in a moment.',
  none: '(none)',
  yes: 'yes',
  no: 'no',

  dnTitle: (p) => `*Previous application data (DN)* — ${p.cn}`,
  dnProduct: (p) => `Product: ${p.product} (${p.ca})`,
  dnLastApplication: (p) => `Last application: ${p.kind} (${p.at})`,
  applicationKind: (p) =>
    ({ new: 'new', renewal: 'renewal', auto_renewal: 'auto-renewal', reissue: 're-issue' })[p.kind],
  dnFieldC: 'Country (C)',
  dnFieldSt: 'State/prefecture (ST)',
  dnFieldL: 'Locality (L)',
  dnFieldO: 'Organisation (O)',
  dnFieldOu: 'Organisational unit (OU)',
  dnFieldCn: 'Common name (CN)',
  applicantTitle: '*Applicant-responsible person*',
  applicantName: 'Name',
  applicantEmail: 'E-mail',
  applicantPhone: 'Phone',
  applicantDepartment: 'Department',
  applicantTitleField: 'Title',
  periodLabel: 'Period',
  period: (p) =>
    p.months % 12 === 0 ? `${p.months / 12} year${p.months === 12 ? '' : 's'}` : `${p.months} months`,
  csrMethodLabel: 'CSR method',
  csrMethod: (p) => (p.method === 'customer' ? 'you make the CSR' : 'the provider generates key and CSR'),
  wwwOptionLabel: 'www option',
  opensslTitle: '*To make a CSR (`openssl req -subj`)*',
  noPreviousApplication: (p) => `There is no previous application for ${p.cn}.`,
  byoTitle: (p) => `*Registered certificate (bring-your-own)* — ${p.cn}`,
  byoRegisteredAt: (p) => `Registered: ${p.at}`,
  byoSubject: 'Subject',
  byoSans: 'SANs (subject alternative names)',
  byoIssuer: 'Issuer',
  byoValidity: 'Validity (JST)',
  byoValidityRange: (p) => `${p.from} – ${p.to}`,
  byoFingerprint: 'SHA-256 fingerprint',
  byoNoKey: 'Private keys are never shown.',
  noRegisteredCertificate: (p) => `No certificate is registered for ${p.cn}.`,

  dcvTitle: (p) => `*DCV e-mail addresses* — ${p.name} (${p.ca}, as of ${p.on})`,
  dcvByo: (p) =>
    `${p.cn} is a bring-your-own contract, with no CA of ours. To check for the CA you will apply to, use \`/cert dcv <FQDN> <CA>\`.`,
  dcvUncontracted: 'Checked as a name not under contract (no approver address can be set).',
  dcvValidationDomain: (p) => `Validated domain: ${p.domain} (base domain: ${p.base})`,
  dcvDiscouraged: (p) =>
    `:warning: E-mail domain validation is discouraged since ${p.since} and *ends on ${p.endsOn}*. Move to DNS-based validation (BR ${p.br}, e.g. a TXT record at ${p.dnsName}; the CA gives the exact record).`,
  dcvEnded: (p) =>
    `:no_entry: E-mail domain validation ended on ${p.since}. Use DNS-based validation (BR ${p.br}, e.g. a TXT record at ${p.dnsName}).`,
  dcvDigicertIntro: '*DigiCert sends the DCV mail to all of these addresses:*',
  dcvCybertrustIntro: '*Cybertrust sends the DCV mail to the DNS TXT contact:*',
  dcvCybertrustNoTxt: '(no contact yet: register the TXT record below)',
  dcvCybertrustOther: 'Other validation methods (instead of WHOIS) are offered by the provider on request.',
  dcvGlobalsignIntro: '*With GlobalSign you choose one of these as the approver address:*',
  dcvGlobalsignChosen: (p) => `Approver address of the current renewal: ${p.address}`,
  dcvChooseButton: 'Use this address',
  dcvChooseConfirmTitle: 'Approver address',
  dcvChooseConfirmText: (p) => `Make ${p.address} the approver address of the current renewal?`,
  dcvChooseConfirmYes: 'Set it',
  dcvChooseConfirmNo: 'Cancel',
  dcvNoAddresses: '(no addresses)',
  dcvSourceTxt: 'DNS TXT',
  dcvSourceConstructed: 'constructed',
  dcvSourceConstructedBase: 'constructed (base domain)',
  dcvMoreChoices: (p) => `${p.count} more (not shown)`,
  dcvTxtTitle: (p) => `*TXT records* at ${p.name}`,
  dcvTxtValid: (p) => `${p.address}`,
  dcvTxtInvalid: (p) => `${p.excerpt} (not an e-mail address: not used)`,
  dcvTxtNone: 'No record.',
  dcvTxtToAdd: (p) => `Register this record:\nName: ${p.name}\nType: ${p.type}\nValue (example): ${p.value}`,
  dcvTxtFailed: (p) =>
    `:x: The TXT look-up failed (${p.reason}). This does not mean there is no record; please try again in a moment.`,
  lookupFailure: (p) =>
    ({
      timeout: 'timed out',
      servfail: 'DNS server error (SERVFAIL)',
      refused: 'refused (REFUSED)',
      error: 'error',
    })[p.reason],
  dcvWithdrawnTitle: '*Methods no longer allowed*',
  dcvWithdrawnWhois: (p) =>
    `WHOIS contacts: not allowed since ${p.since} (BR ${p.br}; ${p.ca} stopped on ${p.caStopped})`,
  dcvWithdrawnSoa: (p) => `SOA RNAME: not allowed since ${p.since} (BR ${p.br})`,
  dcvSoaFound: (p) => `RNAME found: ${p.mailbox} (zone ${p.zone})`,
  dcvSoaFoundNoMailbox: (p) => `the RNAME of zone ${p.zone} is not an e-mail address`,
  dcvSoaNone: 'no SOA found',
  dcvSoaFailed: (p) => `:x: the SOA look-up failed (${p.reason})`,

  approverSet: (p) => `The approver address of the current renewal of ${p.cn} is now ${p.address}.`,
  approverUnchanged: (p) => `The approver address of the current renewal of ${p.cn} is already ${p.address}.`,
  approverNoOpenRenewal: (p) =>
    `There is no renewal application for ${p.cn} yet. You can choose the approver address when you renew.`,
  approverNotGroupAdmin: 'Only group admins of the service group can set the approver address.',
  approverDataDeadlinePassed: (p) =>
    `The data deadline (${p.deadline}) has passed: the approver address can no longer be changed.`,
  approverCycleClosed: 'This renewal cycle is over: the approver address can no longer be changed.',
  approverOptedOut: 'This contract is opted out: no approver address can be set.',
  approverNotAChoice: (p) =>
    `This address is not among the current choices. Check again with \`/cert dcv ${p.cn}\`.`,
  approverNotGlobalsign: 'Only GlobalSign products have an approver address to choose.',
  invalidAction: 'This action is not valid. Please run the command again.',

  statusTitle: '*Contracts of this channel*',
  statusTitleOne: (p) => `*Contract status* — ${p.cn}`,
  statusNone: 'There is no contract in this channel that you can look up.',
  statusMore: (p) => `${p.count} more. Look them up one by one with \`/cert status <CN>\`.`,
  statusByo: 'bring-your-own certificate',
  statusExpiry: 'Expiry',
  statusNoCertificate: '(no certificate registered)',
  statusState: 'State',
  statusNoCycle: 'no renewal cycle yet',
  cycleState: (p) =>
    ({
      scheduled: 'scheduled (no notice yet)',
      noticed: 'noticed, waiting for a decision',
      renewal_requested: 'renewal requested',
      opted_out: 'opted out',
      auto_renewal_requested: 'auto-renewal',
      completed: 'completed',
      expired_registered: 'expired (contract continues)',
      cancelled: 'cancelled',
    })[p.state],
  statusDecisionDeadline: 'Decision deadline',
  statusDataDeadline: 'Data deadline',
  statusDecision: 'Decision',
  statusDecided: (p) => `${p.decision} (${p.by}, ${p.at})`,
  statusUndecided: 'not decided',
  decision: (p) => (p.decision === 'renew' ? 'renew' : 'opt out'),
  statusChosenPeriod: 'Period after renewal',

  helpTitle: '*How to use `/cert`*',
  helpDn:
    '`/cert dn <CN>` — previous application data (DN, applicant, period, CSR method); for a bring-your-own certificate, the registered certificate',
  helpDcv:
    '`/cert dcv <CN>` — where the DCV mail goes (checked in DNS); for GlobalSign, choose the approver address',
  helpDcvNew:
    '`/cert dcv <FQDN> <CA>` — the same for a name not under contract yet (CA: digicert, cybertrust, globalsign)',
  helpStatus:
    '`/cert status [CN]` — expiry, state, deadlines and decision of the contracts of this channel (or one)',
  helpHelp: '`/cert help` — this help',
  helpFooter: 'Answers are shown to you only. Only members of a contract’s service group see its data.',
  helpUnknown: (p) => `There is no sub-command "${p.excerpt}".`,
};

export const lookupText = { ja, en } as const;
export type LookupText = typeof ja;

/** A refusal's parameters as the view shows them (names and excerpts already as code). */
export type LookupReasonShown = {
  readonly usage: string;
  readonly name: string;
  readonly cn: string;
  readonly excerpt: string;
  readonly cas: string;
};

/**
 * The one vocabulary of the look-ups' refusals (domain/ports/lookups.ts `LookupReason`) in the user's
 * language. A `name.*` reason says what was typed and why it is not a name (bot/i18n/reasons.ts).
 */
export function lookupReasonMessage(
  locale: Locale,
  reason: LookupReason,
  shown: LookupReasonShown,
  params: Readonly<Record<string, string | number | boolean | null>> = {},
): string {
  const t = lookupText[locale];
  switch (reason) {
    case 'lookup.missing_name':
      return t.missingName({ usage: shown.usage });
    case 'lookup.too_many_arguments':
      return t.tooManyArguments({ usage: shown.usage });
    case 'lookup.unknown_ca':
      return t.unknownCa({ excerpt: shown.excerpt, cas: shown.cas });
    case 'lookup.not_visible':
      return t.notVisible({ name: shown.name });
    case 'lookup.byo_has_no_ca':
      return t.dcvByo({ cn: shown.cn });
    case 'dn.no_previous_application':
      return t.noPreviousApplication({ cn: shown.cn });
    case 'dn.no_registered_certificate':
      return t.noRegisteredCertificate({ cn: shown.cn });
    default:
      return t.badName({ excerpt: shown.excerpt, why: reasonMessage(locale, reason, params) });
  }
}

/** A catalogue product's name in the user's language. */
export const productName = (locale: Locale, product: Product): string =>
  locale === 'ja' ? product.nameJa : product.nameEn;

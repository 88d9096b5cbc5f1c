import type { CertificateParseReason, CsrCheckReason, CycleState } from '../../domain/index.ts';

/**
 * Texts of the decisions taken from a renewal notice: refusals and confirmations shown to the user
 * who clicked (ephemeral), the modals, their field errors, and the thread replies the channel sees.
 * Parameters from users or the database arrive escaped for mrkdwn (or as plain text for plain_text
 * fields); dates arrive formatted for the locale; `who` is a mention built by the view.
 */

type WhoWhen = { who: string; at: string };

const ja = {
  // --- refusals (ephemeral) -------------------------------------------------------------------------
  notGroupAdmin: (p: { admins: string }) =>
    `この操作ができるのは、このサービスグループの運用管理担当者（グループ管理者）だけです: ${p.admins}。何も変更していません。`,
  noGroupAdmins: '（グループ管理者が登録されていません。プロバイダの担当者にご連絡ください）',
  contractGone: 'この契約は見つかりません（解約済みか削除されています）。何も変更していません。',
  invalidRequest: 'この操作は無効です。通知のボタンからやり直してください。何も変更していません。',
  decisionDeadlinePassed: (p: { deadline: string }) =>
    `判断の期限（${p.deadline}）を過ぎたため、更新・期間の変更・解約はできません。何も変更していません。`,
  dataDeadlinePassed: (p: { deadline: string }) =>
    `申請情報の期限（${p.deadline}）を過ぎたため、申請情報は受け付けられません。何も変更していません。`,
  alreadyRenewed: (p: WhoWhen) => `${p.who} が ${p.at} に更新を申し込み済みです。何も変更していません。`,
  alreadyOptedOut: (p: WhoWhen) => `${p.who} が ${p.at} に解約を選んでいます。何も変更していません。`,
  alreadyDecided: 'この更新についてはすでに判断が行われています。何も変更していません。',
  cycleClosed: (p: { state: string }) =>
    `この更新はすでに終わっています（${p.state}）。何も変更していません。`,
  notOptedOut: '解約は選ばれていないため、取り消すものはありません。',
  optedOutFirst: '解約が選ばれています。この操作の前に、通知の「解約を取り消す」で解約を取り消してください。',
  notForByo: '持ち込み証明書の契約にはこの操作はありません。通知の「更新した証明書を登録」をお使いください。',
  notForProxy: 'この操作は持ち込み証明書の契約だけのものです。',
  periodNotAllowed: (p: { allowed: string }) => `選べる期間は ${p.allowed} です。`,
  unknownProduct: 'この契約の品目が分からないため、操作できません。プロバイダの担当者にご連絡ください。',
  noPreviousApplication:
    '前回の申請情報が見つからないため、この画面では更新を申し込めません。プロバイダの担当者にご連絡ください。',
  // --- confirmations (ephemeral) --------------------------------------------------------------------
  optOutDone: (p: { cn: string; deadline: string }) =>
    `${p.cn} の解約を受け付けました。契約期間の終了時に解約されます。判断の期限（${p.deadline}）までは、通知の「解約を取り消す」で取り消せます。`,
  undoDone: (p: { cn: string }) => `${p.cn} の解約を取り消しました。更新の判断をもう一度お選びください。`,
  periodDone: (p: { cn: string; period: string }) =>
    `${p.cn} の次回の期間を ${p.period} にしました。手動でも自動でも、この期間で更新されます。`,
  periodUnchanged: (p: { period: string }) => `次回の期間はすでに ${p.period} です。何も変更していません。`,
  renewDone: (p: { cn: string }) =>
    `${p.cn} の更新を申し込みました。このあとの流れは通知のスレッドをご覧ください。`,
  byoDone: (p: { cn: string; notAfter: string }) =>
    `${p.cn} の更新した証明書（有効期限 ${p.notAfter}）を登録しました。次回の更新の予定も作成しました。`,
  byoAlreadyRegistered: 'この証明書はすでに登録されています。何も変更していません。',
  // --- thread replies (channel language) ------------------------------------------------------------
  replyOptOut: (p: WhoWhen & { expiry: string; deadline: string }) =>
    `*解約:* ${p.who} が ${p.at} に解約を選びました。契約は期間の終了（${p.expiry}）に解約され、証明書は更新されません。` +
    `判断の期限（${p.deadline}）までは取り消せます。`,
  replyUndo: (p: WhoWhen) =>
    `*解約の取り消し:* ${p.who} が ${p.at} に解約を取り消しました。何もしない場合は自動更新されます。`,
  replyPeriod: (p: WhoWhen & { period: string }) =>
    `*期間の変更:* ${p.who} が ${p.at} に次回の期間を ${p.period} にしました。手動でも自動でも、この期間で更新されます。`,
  replyRenew: (p: WhoWhen & { period: string; estimate: string }) =>
    `*更新の申し込み:* ${p.who} が ${p.at} に更新を申し込みました（期間 ${p.period}、有効期限の見込み ${p.estimate}）。`,
  replyRenewProviderCsr:
    '鍵ペアとCSRはプロバイダが新しく生成しました（秘密鍵は暗号化して保管し、Slack には出しません）。',
  replyRenewReusedKey: ':warning: 前回と同じ鍵ペアのCSRが、確認のうえ使われています。',
  replyByo: (p: WhoWhen & { notAfter: string }) =>
    `*更新した証明書の登録:* ${p.who} が ${p.at} に新しい証明書（有効期限 ${p.notAfter}）を登録しました。次回の更新の予定を作成しました。`,
  replyByoSansChanged: 'SAN（追加のドメイン名）が前回の証明書と異なります。',
  // R-VETTING-1: what the CA may do next.
  vettingTitle: '*このあとの流れ（1〜2週間以内）:*',
  vettingDcvAfterApplication: '• 申請直後に、認証局からドメイン名使用権確認（DCV）のメールが届きます。',
  vettingDcvWithin: '• 認証局からドメイン名使用権確認（DCV）のメールが届くことがあります。',
  vettingDcvApprover: (p: { address: string }) => `  宛先（承認者アドレス）: ${p.address}`,
  vettingDcvLookup: (p: { cn: string }) => `  宛先は \`/cert dcv ${p.cn}\` で確認できます。`,
  vettingPhone:
    '• 申請意思の確認の電話が、帝国データバンクまたは東京商工リサーチに登録された電話番号にかかることがあります。',
  vettingEmail: '• 申請意思の確認のメールが届くことがあります。',
  vettingDocumentsProvider: '• 書類の提出を求められた場合は、プロバイダの営業担当にお送りください。',
  vettingSkipped: '認証局の判断で、これらの確認が省かれることもあります。',
  // --- modals -----------------------------------------------------------------------------------------
  modalClose: '閉じる',
  renewTitle: '証明書の更新',
  renewSubmit: '更新を申し込む',
  periodTitle: '期間の変更',
  periodSubmit: '変更する',
  byoTitle: '更新した証明書の登録',
  byoSubmit: '登録する',
  resultTitle: 'Kigen',
  fieldCn: 'コモンネーム',
  fieldProduct: '品目',
  fixedFields:
    'コモンネーム・品目・対応サービスは更新では変更できません。変更するには新しい契約をお申し込みください。',
  labelPeriod: '期間',
  periodOption: (p: { period: string }) => p.period,
  periodEstimate: (p: { date: string }) => `有効期限の見込み: ${p.date}`,
  periodEstimateLowerBound: (p: { date: string }) => `有効期限の見込み: ${p.date} 以降`,
  periodEstimateCapped: (p: { date: string; end: string }) =>
    `証明書は ${p.date} まで（業界ルールの上限）、契約は ${p.end} まで`,
  periodHint: '選んだ期間は、手動の更新にも自動更新にも使われます。',
  labelC: '国 (C)',
  labelSt: '都道府県 (ST)',
  labelL: '市区町村 (L)',
  labelO: '組織名 (O)',
  labelOu: '部署名 (OU)',
  labelApplicantName: '申請責任者の氏名',
  labelApplicantEmail: '申請責任者のメールアドレス',
  labelApplicantPhone: '申請責任者の電話番号',
  labelCsrMethod: 'CSRの作成方法',
  csrMethodCustomer: 'CSRを貼り付ける（お客様が作成）',
  csrMethodProvider: 'プロバイダが鍵ペアとCSRを生成する',
  labelCsr: 'CSR（PEM）',
  csrHint:
    '「CSRを貼り付ける」を選んだ場合に、-----BEGIN CERTIFICATE REQUEST----- から貼り付けてください。秘密鍵は貼り付けないでください。',
  labelReuse: '前回と同じ鍵のCSR',
  reuseConfirm: '前回と同じ鍵ペアのCSRであることを理解したうえで使う（推奨しません）',
  labelWww: 'wwwオプション',
  wwwOption: (p: { name: string }) => `${p.name} も証明書に含める`,
  wwwHint: '対応サービスでは、追加された名前ではなく契約のコモンネームをお使いください。',
  labelApprover: '承認者アドレス（DCV）',
  approverLoading: '承認者アドレスの候補を DNS で確認しています…',
  approverLookupFailed: (p: { cn: string }) =>
    `承認者アドレスの候補を確認できませんでした。\`/cert dcv ${p.cn}\` で確認してください。`,
  labelCertificate: '更新した証明書（PEM）',
  certificateHint: '-----BEGIN CERTIFICATE----- から貼り付けてください。',
  labelChain: '中間証明書（PEM、任意）',
  byoIntro: (p: { cn: string }) =>
    `${p.cn} の更新した証明書を貼り付けてください。コモンネームが契約と同じで、今の証明書より新しいものだけを登録できます。`,
  // --- field errors (plain text) -------------------------------------------------------------------
  errorRequired: '入力してください。',
  errorTooLong: (p: { max: number }) => `長すぎます（${p.max} 文字まで）。`,
  errorCountry: '2文字の国コードを入力してください（例: JP）。',
  errorEmail: 'メールアドレスとして正しくありません。',
  errorControl: '改行などの制御文字は使えません。',
  errorCsrRequired: 'CSRを貼り付けるか、「プロバイダが鍵ペアとCSRを生成する」を選んでください。',
  errorReuseConfirm:
    'このCSRは前回と同じ鍵ペアです。新しい鍵ペアで作り直すか、確認のチェックを入れてください。',
  errorApproverRequired: '承認者アドレスを選んでください。',
  errorApproverNotAChoice: '選べる承認者アドレスではありません。',
  errorMasterKey:
    'プロバイダによる鍵の生成は、この環境では設定されていません（KIGEN_MASTER_KEY）。CSRを貼り付けてください。',
  errorKeyGeneration: '申請情報からCSRを作れませんでした。組織名などの入力を確認してください。',
  errorDataDeadline: (p: { deadline: string }) => `申請情報の期限（${p.deadline}）を過ぎています。`,
  csr: {
    'csr.empty': 'CSRが空です。',
    'csr.too_large': 'CSRとしては大きすぎます。CSRだけを貼り付けてください。',
    'csr.not_pem': 'PEM形式のCSRではありません（-----BEGIN CERTIFICATE REQUEST----- が見つかりません）。',
    'csr.not_a_csr': 'CSRではありません。-----BEGIN CERTIFICATE REQUEST----- から貼り付けてください。',
    'csr.malformed': 'CSRが壊れていて読めません。作り直してください。',
    'csr.multiple': 'CSRが複数あります。1つだけ貼り付けてください。',
    'csr.private_key_included':
      '秘密鍵が含まれています。秘密鍵は漏えいしたものとして扱い、新しい鍵ペアでCSRを作り直してください。',
    'csr.bad_signature': 'CSRの署名が正しくありません（改ざんされたか壊れています）。作り直してください。',
    'csr.cn_mismatch': 'CSRのコモンネームが契約のコモンネームと違います。',
    'csr.weak_key': '鍵が弱すぎます。RSA 2048ビット以上か、ECの P-256 / P-384 で作り直してください。',
    'csr.unsupported_key':
      'この鍵の種類は使えません。RSA 2048ビット以上か、ECの P-256 / P-384 で作り直してください。',
  } satisfies Record<CsrCheckReason, string>,
  certificate: {
    'certificate.empty': '証明書が空です。',
    'certificate.too_large': '証明書としては大きすぎます。',
    'certificate.not_pem': 'PEM形式の証明書ではありません（-----BEGIN CERTIFICATE----- が見つかりません）。',
    'certificate.not_a_certificate':
      '証明書ではありません。-----BEGIN CERTIFICATE----- から貼り付けてください。',
    'certificate.malformed': '証明書が壊れていて読めません。',
    'certificate.too_many': '証明書が多すぎます。サーバー証明書と中間証明書だけを貼り付けてください。',
    'certificate.no_leaf': 'サーバー証明書が見つかりません（中間証明書だけが貼り付けられています）。',
    'certificate.private_key_included':
      '秘密鍵が含まれています。秘密鍵は漏えいしたものとして扱い、鍵を作り直してください。',
    'renewal.byo_cn_mismatch': 'この証明書のコモンネームは契約のコモンネームと違います。',
    'renewal.byo_certificate_expired': 'この証明書はすでに有効期限が切れています。',
    'renewal.byo_certificate_not_newer': 'この証明書は、今の証明書より新しくありません。',
  } satisfies Record<CertificateParseReason | ByoReason, string>,
  state: {
    scheduled: '予定',
    noticed: '通知済み',
    renewal_requested: '更新申し込み済み',
    opted_out: '解約済み',
    auto_renewal_requested: '自動更新申し込み済み',
    completed: '完了',
    expired_registered: '期限切れ（契約継続）',
    cancelled: '解約',
  } satisfies Record<CycleState, string>,
  // --- notice parent: the Undo button ------------------------------------------------------------------
  buttonUndoOptOut: '解約を取り消す',
};

type ByoReason =
  | 'renewal.byo_cn_mismatch'
  | 'renewal.byo_certificate_expired'
  | 'renewal.byo_certificate_not_newer';

const en: typeof ja = {
  notGroupAdmin: (p) =>
    `Only the group admins of this service group can do this: ${p.admins}. Nothing was changed.`,
  noGroupAdmins: '(no group admin is registered; please contact your provider)',
  contractGone: 'This contract no longer exists (it was cancelled or removed). Nothing was changed.',
  invalidRequest:
    'This action is not valid. Please start again from the notice buttons. Nothing was changed.',
  decisionDeadlinePassed: (p) =>
    `The decision deadline (${p.deadline}) has passed: you can no longer renew, change the period or opt out. Nothing was changed.`,
  dataDeadlinePassed: (p) =>
    `The data deadline (${p.deadline}) has passed: application data is no longer accepted. Nothing was changed.`,
  alreadyRenewed: (p) => `${p.who} already asked to renew on ${p.at}. Nothing was changed.`,
  alreadyOptedOut: (p) => `${p.who} already opted out on ${p.at}. Nothing was changed.`,
  alreadyDecided: 'A decision has already been taken for this renewal. Nothing was changed.',
  cycleClosed: (p) => `This renewal is already over (${p.state}). Nothing was changed.`,
  notOptedOut: 'The contract is not opted out: there is nothing to undo.',
  optedOutFirst: 'The contract is opted out. Undo the opt-out first ("Undo opt-out" on the notice).',
  notForByo:
    'Bring-your-own contracts do not have this action. Use "Register renewed certificate" on the notice.',
  notForProxy: 'This action is for bring-your-own contracts only.',
  periodNotAllowed: (p) => `The periods you can choose are ${p.allowed}.`,
  unknownProduct:
    'The product of this contract is unknown, so this cannot be done. Please contact your provider.',
  noPreviousApplication:
    'The previous application data is missing, so the renewal cannot be requested here. Please contact your provider.',
  optOutDone: (p) =>
    `The opt-out of ${p.cn} is recorded: the contract ends at the end of its term. You can undo it with "Undo opt-out" on the notice until the decision deadline (${p.deadline}).`,
  undoDone: (p) => `The opt-out of ${p.cn} is undone. Please choose again what to do.`,
  periodDone: (p) =>
    `The next period of ${p.cn} is now ${p.period}. It applies to the renewal, manual or automatic.`,
  periodUnchanged: (p) => `The next period is already ${p.period}. Nothing was changed.`,
  renewDone: (p) => `The renewal of ${p.cn} is requested. What happens next is in the notice's thread.`,
  byoDone: (p) =>
    `The renewed certificate of ${p.cn} (expires ${p.notAfter}) is registered, and the next renewal is planned.`,
  byoAlreadyRegistered: 'This certificate is already registered. Nothing was changed.',
  replyOptOut: (p) =>
    `*Opt-out:* ${p.who} opted out on ${p.at}. The contract ends at the end of its term (${p.expiry}) and the certificate is not renewed. ` +
    `This can be undone until the decision deadline (${p.deadline}).`,
  replyUndo: (p) =>
    `*Opt-out undone:* ${p.who} undid the opt-out on ${p.at}. If nobody acts, the certificate is renewed automatically.`,
  replyPeriod: (p) =>
    `*Period changed:* ${p.who} set the next period to ${p.period} on ${p.at}. It applies to the renewal, manual or automatic.`,
  replyRenew: (p) =>
    `*Renewal requested:* ${p.who} asked to renew on ${p.at} (period ${p.period}, estimated expiry ${p.estimate}).`,
  replyRenewProviderCsr:
    'The provider generated a new key pair and CSR (the private key is stored encrypted and never posted to Slack).',
  replyRenewReusedKey: ':warning: A CSR with the same key pair as last time is used, as confirmed.',
  replyByo: (p) =>
    `*Renewed certificate registered:* ${p.who} registered a new certificate (expires ${p.notAfter}) on ${p.at}. The next renewal is planned.`,
  replyByoSansChanged: 'Its SANs (additional names) differ from the previous certificate.',
  vettingTitle: '*What happens next (within 1–2 weeks):*',
  vettingDcvAfterApplication:
    '• Right after the application, the CA sends the domain control validation (DCV) e-mail.',
  vettingDcvWithin: '• The CA may send a domain control validation (DCV) e-mail.',
  vettingDcvApprover: (p) => `  To (approver address): ${p.address}`,
  vettingDcvLookup: (p) => `  See where it goes with \`/cert dcv ${p.cn}\`.`,
  vettingPhone:
    '• The CA may phone to confirm the application, at the number registered with Teikoku Databank or Tokyo Shoko Research.',
  vettingEmail: '• The CA may confirm the application by e-mail.',
  vettingDocumentsProvider: "• If the CA asks for documents, send them to the provider's sales contact.",
  vettingSkipped: 'The CA may skip some of these checks.',
  modalClose: 'Close',
  renewTitle: 'Renew certificate',
  renewSubmit: 'Request renewal',
  periodTitle: 'Change period',
  periodSubmit: 'Change',
  byoTitle: 'Register certificate',
  byoSubmit: 'Register',
  resultTitle: 'Kigen',
  fieldCn: 'Common name',
  fieldProduct: 'Product',
  fixedFields:
    'The common name, product and linked services cannot change at renewal. To change them, apply for a new contract.',
  labelPeriod: 'Period',
  periodOption: (p) => p.period,
  periodEstimate: (p) => `Estimated expiry: ${p.date}`,
  periodEstimateLowerBound: (p) => `Estimated expiry: ${p.date} or later`,
  periodEstimateCapped: (p) => `Certificate until ${p.date} (industry cap), contract until ${p.end}`,
  periodHint: 'The period you choose applies to the renewal, manual or automatic.',
  labelC: 'Country (C)',
  labelSt: 'State or prefecture (ST)',
  labelL: 'Locality (L)',
  labelO: 'Organisation (O)',
  labelOu: 'Organisational unit (OU)',
  labelApplicantName: 'Applicant name',
  labelApplicantEmail: 'Applicant e-mail',
  labelApplicantPhone: 'Applicant phone',
  labelCsrMethod: 'CSR method',
  csrMethodCustomer: 'Paste a CSR (made by you)',
  csrMethodProvider: 'The provider generates the key pair and CSR',
  labelCsr: 'CSR (PEM)',
  csrHint:
    'With "Paste a CSR", paste it from -----BEGIN CERTIFICATE REQUEST-----. Never paste a private key.',
  labelReuse: 'CSR with the previous key',
  reuseConfirm: 'I understand this CSR uses the same key pair as last time (not recommended)',
  labelWww: 'www option',
  wwwOption: (p) => `Also include ${p.name} in the certificate`,
  wwwHint: 'Use the contract common name with linked services, not the added name.',
  labelApprover: 'Approver address (DCV)',
  approverLoading: 'Looking up the approver addresses in DNS…',
  approverLookupFailed: (p) => `The approver addresses could not be looked up. Try \`/cert dcv ${p.cn}\`.`,
  labelCertificate: 'Renewed certificate (PEM)',
  certificateHint: 'Paste it from -----BEGIN CERTIFICATE-----.',
  labelChain: 'Intermediate certificates (PEM, optional)',
  byoIntro: (p) =>
    `Paste the renewed certificate of ${p.cn}. Only a certificate for the contract's common name that is newer than the current one can be registered.`,
  errorRequired: 'Please fill this in.',
  errorTooLong: (p) => `Too long (at most ${p.max} characters).`,
  errorCountry: 'Enter a two-letter country code (e.g. JP).',
  errorEmail: 'This is not a valid e-mail address.',
  errorControl: 'Line breaks and other control characters are not allowed.',
  errorCsrRequired: 'Paste a CSR, or choose "The provider generates the key pair and CSR".',
  errorReuseConfirm:
    'This CSR uses the same key pair as last time. Make a new key pair, or tick the confirmation.',
  errorApproverRequired: 'Choose an approver address.',
  errorApproverNotAChoice: 'This is not one of the approver addresses you can choose.',
  errorMasterKey:
    'Key generation by the provider is not configured here (KIGEN_MASTER_KEY). Please paste a CSR.',
  errorKeyGeneration:
    'A CSR could not be made from this data. Please check the organisation and other fields.',
  errorDataDeadline: (p) => `The data deadline (${p.deadline}) has passed.`,
  csr: {
    'csr.empty': 'The CSR is empty.',
    'csr.too_large': 'This is too large for a CSR. Paste the CSR only.',
    'csr.not_pem': 'This is not a PEM CSR (no -----BEGIN CERTIFICATE REQUEST----- found).',
    'csr.not_a_csr': 'This is not a CSR. Paste it from -----BEGIN CERTIFICATE REQUEST-----.',
    'csr.malformed': 'The CSR is damaged and cannot be read. Please make it again.',
    'csr.multiple': 'There is more than one CSR. Paste one only.',
    'csr.private_key_included':
      'A private key is included. Treat that key as exposed and make a new key pair and CSR.',
    'csr.bad_signature': 'The CSR signature is not valid (altered or damaged). Please make it again.',
    'csr.cn_mismatch': "The CSR's common name differs from the contract's common name.",
    'csr.weak_key': 'The key is too weak. Use RSA of at least 2048 bits, or EC P-256 / P-384.',
    'csr.unsupported_key':
      'This key type cannot be used. Use RSA of at least 2048 bits, or EC P-256 / P-384.',
  },
  certificate: {
    'certificate.empty': 'The certificate is empty.',
    'certificate.too_large': 'This is too large for a certificate.',
    'certificate.not_pem': 'This is not a PEM certificate (no -----BEGIN CERTIFICATE----- found).',
    'certificate.not_a_certificate': 'This is not a certificate. Paste it from -----BEGIN CERTIFICATE-----.',
    'certificate.malformed': 'The certificate is damaged and cannot be read.',
    'certificate.too_many': 'Too many certificates. Paste the server certificate and its intermediates only.',
    'certificate.no_leaf': 'No server certificate found (only CA certificates were pasted).',
    'certificate.private_key_included':
      'A private key is included. Treat that key as exposed and make a new one.',
    'renewal.byo_cn_mismatch': "This certificate's common name differs from the contract's common name.",
    'renewal.byo_certificate_expired': 'This certificate has already expired.',
    'renewal.byo_certificate_not_newer': 'This certificate is not newer than the current one.',
  },
  state: {
    scheduled: 'scheduled',
    noticed: 'noticed',
    renewal_requested: 'renewal requested',
    opted_out: 'opted out',
    auto_renewal_requested: 'automatic renewal requested',
    completed: 'completed',
    expired_registered: 'expired, contract continues',
    cancelled: 'cancelled',
  },
  buttonUndoOptOut: 'Undo opt-out',
};

export const decisionText = { ja, en } as const;
export type DecisionText = typeof ja;

import type { ApplicationKind, Ca, CertificateParseReason, CsrMethod } from '../../domain/index.ts';

/**
 * Texts of the hand-over to the provider's back office: the operations-channel message and its
 * buttons and modals (the staff's language, KIGEN_LOCALE, or their Slack locale for what only they
 * see), the replies in the customer's thread (the service group's language), and the refusals.
 * Parameters from users or the database arrive escaped for mrkdwn; dates arrive formatted.
 */

type WhoWhen = { who: string; at: string };

const ja = {
  // --- the operations-channel message -----------------------------------------------------------------
  headerApplication: (p: { kind: string; cn: string }) => `${p.kind}の申請: ${p.cn}`,
  headerOptOut: (p: { cn: string }) => `解約: ${p.cn}`,
  headerOptOutUndone: (p: { cn: string }) => `解約の取り消し: ${p.cn}`,
  kind: { new: '新規', renewal: '更新', auto_renewal: '自動更新', reissue: '再発行' } as Record<
    ApplicationKind,
    string
  >,
  fieldCn: 'コモンネーム',
  fieldProduct: '品目',
  fieldCa: '認証局',
  fieldPeriod: '期間',
  fieldDn: 'DN',
  fieldApplicant: '申請責任者',
  fieldCsrMethod: 'CSR作成方法',
  fieldApprover: '承認者メールアドレス',
  fieldRequested: '申し込み',
  fieldGroup: 'サービスグループ',
  fieldCurrentExpiry: '現在の証明書の有効期限',
  fieldTermEnd: '契約期間の終了',
  fieldDecided: '解約の選択',
  fieldUndone: '取り消し',
  csrMethod: {
    customer: 'お客様がCSRを作成',
    provider: 'プロバイダが鍵とCSRを生成（秘密鍵は暗号化して保管）',
  } as Record<CsrMethod, string>,
  period: (months: number) => (months % 12 === 0 ? `${months / 12}年` : `${months}か月`),
  csrTitle: 'CSR',
  noCsr: '（CSRはありません）',
  none: '—',
  unknownUser: '（不明）',
  optOutBody: '契約期間の終了時に解約されます。証明書は更新しません。',
  optOutUndoneBody: '解約は取り消されました。更新の手続きが続きます。',
  statusSubmitted: (p: WhoWhen) => `:outbox_tray: ${p.who} が ${p.at} に認証局へ申請しました。`,
  statusIssued: (p: WhoWhen & { notAfter: string }) =>
    `:white_check_mark: ${p.who} が ${p.at} に発行済みの証明書を登録しました（有効期限 ${p.notAfter}）。`,
  statusRejected: (p: WhoWhen & { reason: string }) =>
    `:x: ${p.who} が ${p.at} に却下しました。理由: ${p.reason}`,
  buttonSubmitted: '認証局へ申請済み',
  buttonIssued: '証明書が発行された',
  buttonRejected: '却下',
  confirmRejectTitle: '却下しますか',
  // --- modals ----------------------------------------------------------------------------------------
  issuedTitle: '発行された証明書',
  issuedIntro: (p: { cn: string }) =>
    `${p.cn} の発行された証明書を貼り付けてください（中間証明書を含めても構いません）。申請のCNとCSRの公開鍵に一致する必要があります。`,
  issuedLabel: '証明書（PEM）',
  issuedSubmit: '登録',
  rejectedTitle: '申請の却下',
  rejectedIntro: (p: { cn: string }) => `${p.cn} の申請を却下します。理由はお客様のスレッドに伝えます。`,
  rejectedLabel: '理由',
  rejectedSubmit: '却下する',
  cancel: 'キャンセル',
  close: '閉じる',
  resultTitle: '運用',
  errorRequired: '入力してください。',
  errorTooLong: (p: { max: number }) => `${p.max} 文字以内で入力してください。`,
  // --- confirmations and refusals (the staff) ----------------------------------------------------------
  notStaff:
    'この操作ができるのはプロバイダの担当者（運用チャンネルのメンバー）だけです。何も変更していません。',
  applicationGone: 'この申請は見つかりません。何も変更していません。',
  alreadyClosed: (p: { status: string }) => `この申請はすでに「${p.status}」です。何も変更していません。`,
  statusName: { submitted: '申請済み', issued: '発行済み', rejected: '却下' } as Record<string, string>,
  submittedDone: (p: { cn: string }) => `${p.cn} を「認証局へ申請済み」にしました。`,
  issuedDone: (p: { cn: string; notAfter: string }) =>
    `${p.cn} の証明書（有効期限 ${p.notAfter}）を登録しました。更新は完了し、次回の更新の予定も作成しました。`,
  issuedUnchanged: (p: { cn: string }) =>
    `${p.cn} のこの証明書はすでに登録されています。何も変更していません。`,
  rejectedDone: (p: { cn: string }) => `${p.cn} の申請を却下し、お客様のスレッドに理由を伝えました。`,
  // --- why a pasted certificate is refused (on the field) ---------------------------------------------
  issue: {
    'ops.cn_mismatch': (p: { cn: string; certificateCn: string }) =>
      `証明書のCN（${p.certificateCn}）が契約のCN（${p.cn}）と一致しません。`,
    'ops.public_key_mismatch':
      '証明書の公開鍵が申請のCSRの公開鍵と一致しません。別の鍵で発行された証明書です。',
    'ops.certificate_expired': '証明書の有効期限がすでに切れています。',
    'ops.certificate_not_newer': '証明書の有効期限が現在の証明書より後ではありません。',
    'ops.csr_unreadable': '申請のCSRが読めないため、公開鍵を照合できません。',
    'ops.application_rejected': 'この申請は却下されています。',
    'ops.already_issued': 'この申請にはすでに別の証明書が登録されています。',
    'ops.application_not_found': 'この申請は見つかりません。',
    'ops.contract_not_found': (p: { cn: string }) => `契約 ${p.cn} は見つかりません。`,
    'ops.no_open_application': (p: { cn: string }) => `${p.cn} には発行待ちの申請がありません。`,
    cycle: (p: { reason: string }) => `この更新は完了できません（${p.reason}）。`,
  },
  certificate: {
    'certificate.empty': '証明書を貼り付けてください。',
    'certificate.too_large': '貼り付けられた内容が大きすぎます。',
    'certificate.not_pem': 'PEM形式（-----BEGIN CERTIFICATE-----）の証明書ではありません。',
    'certificate.not_a_certificate': '証明書ではありません（CSRや鍵ではなく証明書を貼り付けてください）。',
    'certificate.malformed': '証明書を読み取れません。',
    'certificate.too_many': '証明書が多すぎます。サーバ証明書と中間証明書だけを貼り付けてください。',
    'certificate.no_leaf': 'サーバ証明書が見つかりません（CA証明書だけです）。',
    'certificate.private_key_included':
      '秘密鍵が含まれています。秘密鍵は貼り付けないでください（この内容は保存していません）。',
  } as Record<CertificateParseReason, string>,
  // --- the customer's thread -------------------------------------------------------------------------
  replyIssued: (p: { cn: string; notAfter: string }) =>
    `*証明書の発行:* ${p.cn} の新しい証明書が発行されました（有効期限 ${p.notAfter}）。この更新は完了です。`,
  replyRejected: (p: { cn: string; reason: string }) =>
    `*申請の却下:* ${p.cn} の申請は受け付けられませんでした。理由: ${p.reason}\nプロバイダの担当者からご連絡します。`,
  caName: { digicert: 'DigiCert', cybertrust: 'サイバートラスト', globalsign: 'GlobalSign（GMO）' } as Record<
    Ca,
    string
  >,
};

const en: typeof ja = {
  headerApplication: (p) => `${p.kind} application: ${p.cn}`,
  headerOptOut: (p) => `Opt-out: ${p.cn}`,
  headerOptOutUndone: (p) => `Opt-out undone: ${p.cn}`,
  kind: { new: 'New', renewal: 'Renewal', auto_renewal: 'Auto-renewal', reissue: 'Re-issue' },
  fieldCn: 'Common name',
  fieldProduct: 'Product',
  fieldCa: 'CA',
  fieldPeriod: 'Period',
  fieldDn: 'DN',
  fieldApplicant: 'Applicant',
  fieldCsrMethod: 'CSR method',
  fieldApprover: 'Approver address',
  fieldRequested: 'Requested',
  fieldGroup: 'Service group',
  fieldCurrentExpiry: 'Current certificate expires',
  fieldTermEnd: 'End of the term',
  fieldDecided: 'Opted out',
  fieldUndone: 'Undone',
  csrMethod: {
    customer: 'Customer’s CSR',
    provider: 'Provider-generated key and CSR (private key stored encrypted)',
  },
  period: (months) =>
    months % 12 === 0 ? `${months / 12} year${months === 12 ? '' : 's'}` : `${months} months`,
  csrTitle: 'CSR',
  noCsr: '(no CSR)',
  none: '—',
  unknownUser: '(unknown)',
  optOutBody: 'The contract ends at the end of its term; the certificate is not renewed.',
  optOutUndoneBody: 'The opt-out was undone; the renewal goes on.',
  statusSubmitted: (p) => `:outbox_tray: Submitted to the CA by ${p.who} on ${p.at}.`,
  statusIssued: (p) =>
    `:white_check_mark: Issued certificate registered by ${p.who} on ${p.at} (expires ${p.notAfter}).`,
  statusRejected: (p) => `:x: Rejected by ${p.who} on ${p.at}. Reason: ${p.reason}`,
  buttonSubmitted: 'Submitted to CA',
  buttonIssued: 'Certificate issued',
  buttonRejected: 'Rejected',
  confirmRejectTitle: 'Reject?',
  issuedTitle: 'Issued certificate',
  issuedIntro: (p) =>
    `Paste the certificate issued for ${p.cn} (the chain may come with it). It must match the application: the CN, and the public key of its CSR.`,
  issuedLabel: 'Certificate (PEM)',
  issuedSubmit: 'Register',
  rejectedTitle: 'Reject the application',
  rejectedIntro: (p) =>
    `The application for ${p.cn} is rejected; the reason is told in the customer’s thread.`,
  rejectedLabel: 'Reason',
  rejectedSubmit: 'Reject',
  cancel: 'Cancel',
  close: 'Close',
  resultTitle: 'Operations',
  errorRequired: 'Required.',
  errorTooLong: (p) => `At most ${p.max} characters.`,
  notStaff: 'Only the provider’s staff (members of the operations channel) can do this. Nothing was changed.',
  applicationGone: 'This application no longer exists. Nothing was changed.',
  alreadyClosed: (p) => `This application is already “${p.status}”. Nothing was changed.`,
  statusName: { submitted: 'submitted', issued: 'issued', rejected: 'rejected' },
  submittedDone: (p) => `${p.cn} is marked as submitted to the CA.`,
  issuedDone: (p) =>
    `The certificate of ${p.cn} (expires ${p.notAfter}) is registered. The renewal is complete and the next one is planned.`,
  issuedUnchanged: (p) => `This certificate of ${p.cn} was registered before. Nothing was changed.`,
  rejectedDone: (p) => `The application for ${p.cn} is rejected; the customer’s thread was told why.`,
  issue: {
    'ops.cn_mismatch': (p) => `The certificate’s CN (${p.certificateCn}) is not the contract’s CN (${p.cn}).`,
    'ops.public_key_mismatch':
      'The certificate’s public key is not the key of the application’s CSR: it was issued for another key.',
    'ops.certificate_expired': 'The certificate has already expired.',
    'ops.certificate_not_newer': 'The certificate does not expire later than the current one.',
    'ops.csr_unreadable': 'The application’s CSR cannot be read, so its public key cannot be compared.',
    'ops.application_rejected': 'This application was rejected.',
    'ops.already_issued': 'Another certificate is already registered for this application.',
    'ops.application_not_found': 'This application no longer exists.',
    'ops.contract_not_found': (p) => `No contract ${p.cn}.`,
    'ops.no_open_application': (p) => `${p.cn} has no application waiting for a certificate.`,
    cycle: (p) => `This renewal cannot be completed (${p.reason}).`,
  },
  certificate: {
    'certificate.empty': 'Paste the certificate.',
    'certificate.too_large': 'What was pasted is too large.',
    'certificate.not_pem': 'This is not a PEM certificate (-----BEGIN CERTIFICATE-----).',
    'certificate.not_a_certificate': 'This is not a certificate (paste the certificate, not a CSR or a key).',
    'certificate.malformed': 'The certificate cannot be read.',
    'certificate.too_many': 'Too many certificates: paste the server certificate and its intermediates only.',
    'certificate.no_leaf': 'No server certificate found (only CA certificates).',
    'certificate.private_key_included':
      'A private key was pasted. Never paste private keys (nothing was stored).',
  },
  replyIssued: (p) =>
    `*Certificate issued:* the new certificate of ${p.cn} was issued (expires ${p.notAfter}). This renewal is complete.`,
  replyRejected: (p) =>
    `*Application rejected:* the application for ${p.cn} was not accepted. Reason: ${p.reason}\nThe provider’s staff will contact you.`,
  caName: { digicert: 'DigiCert', cybertrust: 'Cybertrust', globalsign: 'GlobalSign (GMO)' },
};

export const operationsText = { ja, en } as const;

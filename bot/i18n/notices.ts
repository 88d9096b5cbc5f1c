import type { Ca, NoticeKind, NoticeLateness, PeriodMonths } from '../../domain/index.ts';

/**
 * Texts of the renewal notice: the cycle's parent message, its thread replies and the dry-run
 * print-out. Parameters that come from users or the database (CN, product names) arrive already
 * escaped for mrkdwn; dates arrive formatted for the locale. Every text is plain mrkdwn, no mentions:
 * mentions are built by the view from Slack ids, never from text.
 */

type DecidedBy = { who: string; at: string };

const ja = {
  // --- parent message --------------------------------------------------------------------------
  headerProxy: 'サーバー証明書の更新のお知らせ',
  headerByo: '持ち込み証明書の有効期限のお知らせ',
  headerReissue: 'サーバー証明書の再発行のお知らせ',
  fallbackProxy: (p: { cn: string; expiry: string }) =>
    `サーバー証明書 ${p.cn} の有効期限は ${p.expiry} です。更新・期間の変更・解約を選んでください。`,
  fallbackByo: (p: { cn: string; expiry: string }) =>
    `持ち込み証明書 ${p.cn} の有効期限は ${p.expiry} です。更新した証明書を登録してください。`,
  fallbackReissue: (p: { cn: string; expiry: string }) =>
    `サーバー証明書 ${p.cn} は ${p.expiry} に期限切れになります。再発行が必要です。`,
  introPreNotice: '証明書の有効期限が近づいています（35日前の事前通知）。',
  introNotice: '証明書の有効期限が近づいています（30日前の通知）。',
  introByo: '持ち込み証明書の有効期限が近づいています（90日前の通知）。',
  introLater: '証明書の更新についてのお知らせです。経過はこのスレッドに記録されます。',
  recipients: '宛先',
  fieldCn: 'コモンネーム',
  fieldProduct: '品目 / 認証局',
  fieldByoProduct: '種別',
  byoProduct: '持ち込み証明書',
  fieldExpiry: '有効期限',
  fieldPeriod: '契約期間',
  fieldDecisionDeadline: '判断の期限（更新・期間変更・解約）',
  fieldDataDeadline: '申請情報の期限（DN・CSR・承認者）',
  noDeadlines: 'なし（持ち込み証明書には期限はありません）',
  expiryWithDaysLeft: (p: { date: string; days: number }) => `${p.date}（あと${p.days}日）`,
  expiryPassed: (p: { date: string }) => `${p.date}（期限切れ）`,
  periodWithChoice: (p: { current: string; chosen: string }) => `${p.current} → 次回 ${p.chosen}`,
  unknownProduct: '（品目不明）',
  ifNobodyActsProxy: (p: { dataDeadline: string }) =>
    `*何もしない場合:* 申請情報の期限（${p.dataDeadline}）に、前回と同じ申請情報・同じ期間で自動更新されます。` +
    'CSR作成方法が「お客様」の場合は「プロバイダ」に切り替わり、新しい鍵ペアが生成されます。' +
    '契約は何もしなくても解約されません。解約するには判断の期限までに「解約する」を押してください。',
  ifNobodyActsByo:
    '*何もしない場合:* 持ち込み証明書は自動では更新されず、契約はそのまま継続します。' +
    '更新した証明書を入手したら「更新した証明書を登録」から登録してください。',
  whoDecides: 'ボタンを操作できるのはサービスグループの運用管理担当者だけです。',
  // --- buttons -----------------------------------------------------------------------------------
  buttonRenew: '更新する',
  buttonChangePeriod: '期間を変更',
  buttonOptOut: '解約する',
  buttonByoRegister: '更新した証明書を登録',
  optOutConfirmTitle: '解約しますか？',
  optOutConfirmText: (p: { cn: string }) =>
    `${p.cn} の契約を解約します。契約期間の終了時に解約され、証明書は更新されません。判断の期限までは取り消せます。`,
  optOutConfirmYes: '解約する',
  optOutConfirmNo: 'やめる',
  // --- closed parent: context line instead of buttons ----------------------------------------------
  closedDecisionDeadline: (p: { deadline: string }) =>
    `判断の期限（${p.deadline}）を過ぎたため、ボタンは使えません。`,
  decidedRenew: (p: DecidedBy) => `${p.who} が ${p.at} に更新を申し込みました。`,
  decidedOptOut: (p: DecidedBy) => `${p.who} が ${p.at} に解約を選びました。契約期間の終了時に解約されます。`,
  stateAutoRenewal: '申請情報の期限を過ぎたため、自動更新を申し込みました。',
  stateCompleted: '更新された証明書が登録されました。',
  stateExpiredRegistered: '証明書の有効期限を過ぎました。契約は継続しています。',
  stateCancelled: '契約は解約されました。',
  systemActor: 'Kigen',
  reissueNoAction: 'この通知にボタンはありません。再発行の手続きは担当者までご連絡ください。',
  // --- thread replies ------------------------------------------------------------------------------
  replyNotice: (p: { expiry: string; days: number; decisionDeadline: string }) =>
    `*更新のお知らせ（30日前）:* 有効期限（${p.expiry}）まであと${p.days}日です。判断の期限は ${p.decisionDeadline} です。`,
  replyReminderProxy: (p: { deadline: string; days: number }) =>
    `*リマインダー:* 判断の期限（${p.deadline}）まであと${p.days}日です。`,
  replyReminderByo: (p: { expiry: string; days: number }) =>
    `*リマインダー:* 証明書の有効期限（${p.expiry}）まであと${p.days}日です。更新した証明書を登録してください。`,
  replyDecisionDeadlineOpen: (p: { deadline: string; dataDeadline: string }) =>
    `*判断の期限（${p.deadline}）を過ぎました。* ボタンは使えなくなりました。` +
    `申請情報の期限（${p.dataDeadline}）までに申請情報が揃わない場合は、前回と同じ申請情報で自動更新されます。`,
  replyDecisionDeadlineRenew: (p: { deadline: string; dataDeadline: string }) =>
    `*判断の期限（${p.deadline}）を過ぎました。* 更新の申し込みは受け付け済みです。` +
    `申請情報は ${p.dataDeadline} までに揃えてください。揃わない場合は前回と同じ申請情報で自動更新されます。`,
  replyDecisionDeadlineOptOut: (p: { deadline: string; expiry: string }) =>
    `*判断の期限（${p.deadline}）を過ぎました。* 解約が確定しました。契約は ${p.expiry} に終了します。`,
  replyDataDeadlineAuto: (p: { deadline: string; period: string }) =>
    `*申請情報の期限（${p.deadline}）を過ぎたため、自動更新を申し込みました。* ` +
    `前回と同じ申請情報（DN）で、期間は ${p.period} です。`,
  replyPeriodShortened: (p: { previous: string; period: string }) =>
    `前回の期間（${p.previous}）は認証局が販売を終了したため、${p.period} に短縮しました。`,
  replyPeriodChanged: (p: { previous: string; period: string }) =>
    `前回の期間（${p.previous}）は現在販売されていないため、${p.period} になります。`,
  replyCsrSwitched:
    'CSR作成方法を「お客様」から「プロバイダ」に切り替え、新しい鍵ペアとCSRを生成しました。' +
    'ご自身で作成したCSRで、後から再発行できます。',
  replyDataDeadlineRenew: (p: { deadline: string }) =>
    `*申請情報の期限（${p.deadline}）になりました。* 受け付けた申請情報で更新を進めます。`,
  replyDataDeadlineOptOut: (p: { deadline: string }) =>
    `*申請情報の期限（${p.deadline}）になりました。* 解約が選ばれているため、更新は行いません。`,
  replyByoExpiry: (p: { expiry: string }) =>
    `*持ち込み証明書の有効期限（${p.expiry}）を過ぎました。* 自動では何も更新されません。契約はそのまま継続します。` +
    '更新した証明書を入手したら登録してください。',
  replyReissue: (p: { expiry: string; days: number }) =>
    `*証明書の再発行が必要です。* この証明書は ${p.expiry} に期限切れになります（あと${p.days}日）。` +
    '契約期間は続いていますが、証明書の有効期間には業界ルール（CA/Browser Forum）の上限があるため、' +
    '契約期間中に再発行が必要です。この通知に対して選ぶものはありません。',
  replyTermEnd: (p: { expiry: string }) =>
    `*契約期間が終了しました（${p.expiry}）。* 解約が選ばれていたため、この契約は解約されました。証明書は更新されていません。`,
  late: {
    delivered_after_due: (p: { due: string; planned: string }) =>
      `:warning: この通知は予定（${p.due}）より遅れて配信されました。ボットが停止していた間に予定時刻を過ぎたためです。`,
    planned_after_due: (p: { due: string; planned: string }) =>
      `:warning: この通知は予定（${p.due}）より遅れて配信されました。予定日時を過ぎた後（${p.planned}）に通知が登録されたためです（予定日時より後に取り込まれた契約など）。`,
  } satisfies Record<NonNullable<NoticeLateness>, (p: { due: string; planned: string }) => string>,
  // --- dry-run print-out ------------------------------------------------------------------------------
  dryRunTitle: '[dry-run] 配信されるはずの通知（Slack には投稿していません）',
  dryRunKind: '種類',
  dryRunDue: '予定',
  dryRunChannel: 'チャンネル',
  dryRunThread: 'スレッド',
  dryRunMentions: 'メンション',
  dryRunButtons: 'ボタン',
  dryRunNone: 'なし',
  dryRunLate: {
    delivered_after_due: '遅延: ボットの停止中に予定時刻を過ぎた',
    planned_after_due: (p: { planned: string }) => `遅延: 予定日時を過ぎた後（${p.planned}）に登録`,
  },
  // --- kinds and vocabulary --------------------------------------------------------------------------
  kind: {
    pre_notice: '事前通知（35日前）',
    notice: '通知（30日前）',
    byo_notice: '持ち込み証明書の通知（90日前）',
    reminder_14: 'リマインダー（14日前）',
    reminder_7: 'リマインダー（7日前）',
    reminder_3: 'リマインダー（3日前）',
    reminder_1: 'リマインダー（1日前）',
    decision_deadline: '判断の期限',
    data_deadline: '申請情報の期限',
    byo_expiry: '持ち込み証明書の有効期限',
    reissue_due: '再発行',
    term_end: '契約期間の終了',
  } satisfies Record<NoticeKind, string>,
  ca: {
    digicert: 'デジサート',
    cybertrust: 'サイバートラスト',
    globalsign: 'GMOグローバルサイン',
  } satisfies Record<Ca, string>,
  period: (months: PeriodMonths) => (months % 12 === 0 ? `${months / 12}年` : `${months}か月`),
};

const en: typeof ja = {
  headerProxy: 'Server certificate renewal',
  headerByo: 'Bring-your-own certificate expiry',
  headerReissue: 'Server certificate re-issue',
  fallbackProxy: (p) =>
    `The server certificate ${p.cn} expires on ${p.expiry}. Choose to renew, change the period or opt out.`,
  fallbackByo: (p) =>
    `The bring-your-own certificate ${p.cn} expires on ${p.expiry}. Please register the renewed certificate.`,
  fallbackReissue: (p) => `The server certificate ${p.cn} expires on ${p.expiry}. A re-issue is due.`,
  introPreNotice: 'This certificate expires soon (advance notice, 35 days before).',
  introNotice: 'This certificate expires soon (notice, 30 days before).',
  introByo: 'This bring-your-own certificate expires soon (notice, 90 days before).',
  introLater: 'About the renewal of this certificate. Its history is kept in this thread.',
  recipients: 'To',
  fieldCn: 'Common name',
  fieldProduct: 'Product / CA',
  fieldByoProduct: 'Type',
  byoProduct: 'Bring-your-own certificate',
  fieldExpiry: 'Expires',
  fieldPeriod: 'Contract period',
  fieldDecisionDeadline: 'Decision deadline (renew, change period, opt out)',
  fieldDataDeadline: 'Data deadline (DN, CSR, approver)',
  noDeadlines: 'None (bring-your-own certificates have no deadlines)',
  expiryWithDaysLeft: (p) => `${p.date} (${p.days} ${p.days === 1 ? 'day' : 'days'} left)`,
  expiryPassed: (p) => `${p.date} (expired)`,
  periodWithChoice: (p) => `${p.current} → next ${p.chosen}`,
  unknownProduct: '(unknown product)',
  ifNobodyActsProxy: (p) =>
    `*If nobody acts:* at the data deadline (${p.dataDeadline}) the certificate is renewed automatically ` +
    'with the same application data and the same period. A CSR method of "customer" switches to "provider" ' +
    'and a new key pair is generated. The contract is never cancelled for lack of action: to opt out, press ' +
    '"Opt out" before the decision deadline.',
  ifNobodyActsByo:
    '*If nobody acts:* nothing is renewed automatically and the contract stays. When you have the renewed ' +
    'certificate, register it with "Register renewed certificate".',
  whoDecides: 'Only the group admins of the service group can use these buttons.',
  buttonRenew: 'Renew',
  buttonChangePeriod: 'Change period',
  buttonOptOut: 'Opt out',
  buttonByoRegister: 'Register renewed certificate',
  optOutConfirmTitle: 'Opt out?',
  optOutConfirmText: (p) =>
    `The contract for ${p.cn} ends at the end of its term and the certificate is not renewed. You can undo this until the decision deadline.`,
  optOutConfirmYes: 'Opt out',
  optOutConfirmNo: 'Cancel',
  closedDecisionDeadline: (p) => `The decision deadline (${p.deadline}) has passed: the buttons are closed.`,
  decidedRenew: (p) => `${p.who} asked to renew on ${p.at}.`,
  decidedOptOut: (p) => `${p.who} opted out on ${p.at}. The contract ends at the end of its term.`,
  stateAutoRenewal: 'The data deadline has passed: an automatic renewal was applied for.',
  stateCompleted: 'The renewed certificate is registered.',
  stateExpiredRegistered: 'The certificate has expired. The contract stays.',
  stateCancelled: 'The contract is cancelled.',
  systemActor: 'Kigen',
  reissueNoAction: 'This notice has no buttons. Contact your provider for the re-issue.',
  replyNotice: (p) =>
    `*Renewal notice (30 days before):* the certificate expires on ${p.expiry}, in ${p.days} ${p.days === 1 ? 'day' : 'days'}. The decision deadline is ${p.decisionDeadline}.`,
  replyReminderProxy: (p) =>
    `*Reminder:* the decision deadline (${p.deadline}) is in ${p.days} ${p.days === 1 ? 'day' : 'days'}.`,
  replyReminderByo: (p) =>
    `*Reminder:* the certificate expires on ${p.expiry}, in ${p.days} ${p.days === 1 ? 'day' : 'days'}. Please register the renewed certificate.`,
  replyDecisionDeadlineOpen: (p) =>
    `*The decision deadline (${p.deadline}) has passed.* The buttons are closed. Unless complete application data arrives by the data deadline (${p.dataDeadline}), the certificate is renewed automatically with the previous data.`,
  replyDecisionDeadlineRenew: (p) =>
    `*The decision deadline (${p.deadline}) has passed.* The renewal request is recorded. Please complete the application data by ${p.dataDeadline}; otherwise it is renewed automatically with the previous data.`,
  replyDecisionDeadlineOptOut: (p) =>
    `*The decision deadline (${p.deadline}) has passed.* The opt-out is final: the contract ends on ${p.expiry}.`,
  replyDataDeadlineAuto: (p) =>
    `*The data deadline (${p.deadline}) has passed, so an automatic renewal was applied for,* with the previous application data (DN) and a period of ${p.period}.`,
  replyPeriodShortened: (p) =>
    `The previous period (${p.previous}) is no longer sold by the CA, so it was shortened to ${p.period}.`,
  replyPeriodChanged: (p) =>
    `The previous period (${p.previous}) is not sold today, so the period is ${p.period}.`,
  replyCsrSwitched:
    'The CSR method was switched from "customer" to "provider": a new key pair and CSR were generated. ' +
    'You can re-issue later with a CSR of your own.',
  replyDataDeadlineRenew: (p) =>
    `*The data deadline (${p.deadline}) is here.* The renewal goes ahead with the application data received.`,
  replyDataDeadlineOptOut: (p) =>
    `*The data deadline (${p.deadline}) is here.* The contract was opted out, so nothing is renewed.`,
  replyByoExpiry: (p) =>
    `*The bring-your-own certificate expired on ${p.expiry}.* Nothing is renewed automatically, and the contract stays. ` +
    'Please register the renewed certificate when you have it.',
  replyReissue: (p) =>
    `*A re-issue of this certificate is due.* It expires on ${p.expiry}, in ${p.days} ${p.days === 1 ? 'day' : 'days'}. ` +
    'The contract period goes on, but the validity of certificates is capped by industry rules (CA/Browser Forum), ' +
    'so a re-issue is needed within the contract period. There is nothing to choose in this notice.',
  replyTermEnd: (p) =>
    `*The contract term ended on ${p.expiry}.* It was opted out, so the contract is cancelled and the certificate was not renewed.`,
  late: {
    delivered_after_due: (p) =>
      `:warning: This notice is delivered later than planned (${p.due}): the bot was stopped when it was due.`,
    planned_after_due: (p) =>
      `:warning: This notice is delivered later than planned (${p.due}): it was only planned after that, on ${p.planned} (for example, a contract imported after the date).`,
  },
  dryRunTitle: '[dry-run] notice that would be delivered (nothing was posted to Slack)',
  dryRunKind: 'kind',
  dryRunDue: 'due',
  dryRunChannel: 'channel',
  dryRunThread: 'thread',
  dryRunMentions: 'mentions',
  dryRunButtons: 'buttons',
  dryRunNone: 'none',
  dryRunLate: {
    delivered_after_due: 'late: the bot was stopped when it was due',
    planned_after_due: (p) => `late: planned only after it was due, on ${p.planned}`,
  },
  kind: {
    pre_notice: 'advance notice (35 days)',
    notice: 'notice (30 days)',
    byo_notice: 'bring-your-own notice (90 days)',
    reminder_14: 'reminder (14 days)',
    reminder_7: 'reminder (7 days)',
    reminder_3: 'reminder (3 days)',
    reminder_1: 'reminder (1 day)',
    decision_deadline: 'decision deadline',
    data_deadline: 'data deadline',
    byo_expiry: 'bring-your-own expiry',
    reissue_due: 're-issue due',
    term_end: 'end of term',
  },
  ca: {
    digicert: 'DigiCert',
    cybertrust: 'Cybertrust',
    globalsign: 'GlobalSign',
  },
  period: (months) =>
    months % 12 === 0 ? `${months / 12} ${months === 12 ? 'year' : 'years'}` : `${months} months`,
};

export const noticeText = { ja, en } as const;

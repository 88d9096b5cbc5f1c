import type { types as slack } from '@slack/bolt';
import { decisionText } from '../../i18n/decisions.ts';
import type { Locale } from '../../i18n/locale.ts';
import { codeSpan } from '../mrkdwn.ts';
import { DECISION_VIEWS, mrkdwnSection, plain, textInput } from './modal-parts.ts';

/** Slack's limit for one text input: the leaf goes in one field, its intermediates in the other. */
export const BYO_FIELD_LIMITS = { certificate: 3_000, chain: 3_000 } as const;

/** R-CHANGE-3: the renewed certificate of a BYO contract, pasted as PEM (a chain is fine). */
export function byoRegisterModal(input: {
  readonly locale: Locale;
  readonly cn: string;
  readonly privateMetadata: string;
}): slack.ModalView {
  const t = decisionText[input.locale];
  return {
    type: 'modal',
    callback_id: DECISION_VIEWS.byoRegister,
    private_metadata: input.privateMetadata,
    title: plain(t.byoTitle, 24),
    submit: plain(t.byoSubmit, 24),
    close: plain(t.modalClose, 24),
    blocks: [
      mrkdwnSection(t.byoIntro({ cn: codeSpan(input.cn) })),
      textInput({
        blockId: 'certificate',
        label: t.labelCertificate,
        maxLength: BYO_FIELD_LIMITS.certificate,
        multiline: true,
        hint: t.certificateHint,
        placeholder: '-----BEGIN CERTIFICATE-----',
      }),
      textInput({
        blockId: 'chain',
        label: t.labelChain,
        maxLength: BYO_FIELD_LIMITS.chain,
        multiline: true,
        optional: true,
      }),
    ],
  };
}

import type { types as slack } from '@slack/bolt';
import type { PeriodMonths } from '../../../domain/index.ts';
import { decisionText } from '../../i18n/decisions.ts';
import type { Locale } from '../../i18n/locale.ts';
import { codeSpan } from '../mrkdwn.ts';
import {
  contextBlock,
  DECISION_VIEWS,
  mrkdwnSection,
  type PeriodChoice,
  periodInput,
  plain,
} from './modal-parts.ts';

/** R-CHANGE-1: the allowed periods with their estimates; the choice applies to any renewal. */
export function changePeriodModal(input: {
  readonly locale: Locale;
  readonly cn: string;
  readonly productName: string;
  readonly choices: readonly PeriodChoice[];
  readonly current: PeriodMonths | null;
  readonly privateMetadata: string;
}): slack.ModalView {
  const t = decisionText[input.locale];
  return {
    type: 'modal',
    callback_id: DECISION_VIEWS.changePeriod,
    private_metadata: input.privateMetadata,
    title: plain(t.periodTitle, 24),
    submit: plain(t.periodSubmit, 24),
    close: plain(t.modalClose, 24),
    blocks: [
      mrkdwnSection(`*${t.fieldCn}:* ${codeSpan(input.cn)}\n*${t.fieldProduct}:* ${input.productName}`),
      periodInput(input.choices, input.current, input.locale),
      contextBlock(t.periodHint),
    ],
  };
}

import type { types as slack } from '@slack/bolt';
import type { PeriodMonths, Product, ValidityEstimate } from '../../../domain/index.ts';
import { decisionText } from '../../i18n/decisions.ts';
import { escapeMrkdwn, formatTokyoDate, type Locale } from '../../i18n/locale.ts';
import { noticeText } from '../../i18n/notices.ts';
import { limitText } from '../mrkdwn.ts';

/** callback_ids of the decision modals. */
export const DECISION_VIEWS = {
  renew: 'renewal.renew_modal',
  changePeriod: 'renewal.change_period_modal',
  byoRegister: 'renewal.byo_register_modal',
} as const;

/** One action_id per input block: the block_id names the field. */
export const FIELD_ACTION = 'value';

/** A period the product sells today, with the estimated expiry of the renewed certificate. */
export type PeriodChoice = { readonly period: PeriodMonths; readonly estimate: ValidityEstimate | null };

export const plain = (text: string, max = 75): slack.PlainTextElement => ({
  type: 'plain_text',
  text: limitText(text, max),
});

export const mrkdwnSection = (text: string): slack.SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: limitText(text, 3_000) },
});

export const contextBlock = (text: string): slack.ContextBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: limitText(text, 3_000) }],
});

/** The estimate shown under a period (R-VALID-1, R-VALID-2 lower bound, R-CABF-1 cap). */
export function estimateLine(choice: PeriodChoice, locale: Locale): string | null {
  const t = decisionText[locale];
  const e = choice.estimate;
  if (!e) return null;
  const date = formatTokyoDate(e.estimatedNotAfter, locale);
  if (e.capped) return t.periodEstimateCapped({ date, end: formatTokyoDate(e.contractPeriodEnd, locale) });
  return e.isLowerBound ? t.periodEstimateLowerBound({ date }) : t.periodEstimate({ date });
}

/** Radio buttons of the allowed periods with their estimates; `initial` is pre-selected when allowed. */
export function periodInput(
  choices: readonly PeriodChoice[],
  initial: PeriodMonths | null,
  locale: Locale,
): slack.InputBlock {
  const t = decisionText[locale];
  const options: slack.Option[] = choices.map((c) => {
    const line = estimateLine(c, locale);
    return {
      text: plain(noticeText[locale].period(c.period)),
      value: String(c.period),
      ...(line ? { description: plain(line) } : {}),
    };
  });
  const selected = options.find((o) => o.value === String(initial));
  return {
    type: 'input',
    block_id: 'period',
    label: plain(t.labelPeriod),
    hint: plain(t.periodHint, 2_000),
    element: {
      type: 'radio_buttons',
      action_id: FIELD_ACTION,
      options,
      ...(selected ? { initial_option: selected } : {}),
    },
  };
}

export function textInput(input: {
  readonly blockId: string;
  readonly label: string;
  readonly initial?: string | undefined;
  readonly maxLength: number;
  readonly optional?: boolean;
  readonly multiline?: boolean;
  readonly hint?: string;
  readonly placeholder?: string;
}): slack.InputBlock {
  const initial = input.initial?.slice(0, input.maxLength);
  return {
    type: 'input',
    block_id: input.blockId,
    optional: input.optional ?? false,
    label: plain(input.label, 2_000),
    ...(input.hint ? { hint: plain(input.hint, 2_000) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: FIELD_ACTION,
      max_length: input.maxLength,
      multiline: input.multiline ?? false,
      ...(initial ? { initial_value: initial } : {}),
      ...(input.placeholder ? { placeholder: plain(input.placeholder, 150) } : {}),
    },
  };
}

/** A modal that only says something (a refusal, or the outcome), replacing the form. */
export function messageModal(locale: Locale, text: string): slack.ModalView {
  const t = decisionText[locale];
  return {
    type: 'modal',
    title: plain(t.resultTitle, 24),
    close: plain(t.modalClose, 24),
    blocks: [mrkdwnSection(text)],
  };
}

/** The product's name in the user's language, escaped for mrkdwn. */
export const productNameOf = (product: Product, locale: Locale): string =>
  escapeMrkdwn(locale === 'ja' ? product.nameJa : product.nameEn);

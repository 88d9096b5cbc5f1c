import type { Ca, CycleState, Decision, PeriodMonths } from '../../../domain/index.ts';
import { formatTokyoDateTime, type Locale } from '../../i18n/locale.ts';
import { lookupText } from '../../i18n/lookups.ts';
import {
  code,
  context,
  divider,
  esc,
  fields,
  type KnownBlock,
  type LookupMessage,
  message,
  section,
} from './message.ts';

export type ContractStatus = {
  readonly cn: string;
  readonly category: 'proxy' | 'byo';
  readonly ca: Ca | null;
  readonly productName: string | null;
  /** Expiry of the current certificate (or of the open cycle's period). */
  readonly expiresAt: Date | null;
  readonly cycle: {
    readonly state: CycleState;
    readonly decisionDeadline: Date | null;
    readonly dataDeadline: Date | null;
    readonly chosenPeriod: PeriodMonths | null;
    readonly decision: Decision | null;
    readonly decidedBy: string | null;
    readonly decidedAt: Date | null;
  } | null;
};

/** Contracts beyond this are counted, not shown: a message holds 50 blocks at most. */
export const MAX_STATUS_CONTRACTS = 15;

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** A user id from the database as a mention (ephemeral answers notify nobody), anything else escaped. */
const who = (userId: string): string => (SLACK_USER_ID.test(userId) ? `<@${userId}>` : esc(userId));

/** `/cert status [CN]`: expiry, cycle state, deadlines and who decided, per contract. */
export function statusMessage(input: {
  readonly locale: Locale;
  readonly contracts: readonly ContractStatus[];
  /** Set when one CN was asked for. */
  readonly single?: string;
}): LookupMessage {
  const { locale, contracts, single } = input;
  const t = lookupText[locale];
  const title = single ? t.statusTitleOne({ cn: code(single) }) : t.statusTitle;
  if (contracts.length === 0) return message(t.statusNone, [section(t.statusNone)]);
  const blocks: KnownBlock[] = [section(title)];
  for (const c of contracts.slice(0, MAX_STATUS_CONTRACTS)) {
    blocks.push(divider(), ...contractBlocks(c, locale));
  }
  if (contracts.length > MAX_STATUS_CONTRACTS) {
    blocks.push(context(t.statusMore({ count: contracts.length - MAX_STATUS_CONTRACTS })));
  }
  return message(title, blocks);
}

function contractBlocks(c: ContractStatus, locale: Locale): KnownBlock[] {
  const t = lookupText[locale];
  const kind =
    c.category === 'byo' ? t.statusByo : `${c.productName ?? ''} (${c.ca ? t.caName({ ca: c.ca }) : ''})`;
  const pairs: [string, string][] = [
    [t.statusExpiry, c.expiresAt ? formatTokyoDateTime(c.expiresAt, locale) : t.statusNoCertificate],
    [t.statusState, c.cycle ? t.cycleState({ state: c.cycle.state }) : t.statusNoCycle],
  ];
  const cycle = c.cycle;
  if (cycle) {
    if (cycle.decisionDeadline) {
      pairs.push([t.statusDecisionDeadline, formatTokyoDateTime(cycle.decisionDeadline, locale)]);
    }
    if (cycle.dataDeadline)
      pairs.push([t.statusDataDeadline, formatTokyoDateTime(cycle.dataDeadline, locale)]);
    if (c.category === 'proxy') {
      pairs.push([
        t.statusDecision,
        cycle.decision && cycle.decidedBy && cycle.decidedAt
          ? t.statusDecided({
              decision: t.decision({ decision: cycle.decision }),
              by: who(cycle.decidedBy),
              at: formatTokyoDateTime(cycle.decidedAt, locale),
            })
          : t.statusUndecided,
      ]);
    }
    if (cycle.chosenPeriod) pairs.push([t.statusChosenPeriod, t.period({ months: cycle.chosenPeriod })]);
  }
  return [section(`*${code(c.cn)}*  ${esc(kind)}`), fields(pairs)];
}

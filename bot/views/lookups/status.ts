import type { ContractStatus, StatusLookup } from '../../../domain/ports/lookups.ts';
import { formatTokyoDateTime, type Locale } from '../../i18n/locale.ts';
import { lookupText, productName } from '../../i18n/lookups.ts';
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
import { refusalMessage } from './refusal.ts';

/** Contracts beyond this are counted, not shown: a message holds 50 blocks at most. */
export const MAX_STATUS_CONTRACTS = 15;

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** A user id from the database as a mention (ephemeral answers notify nobody), anything else escaped. */
const who = (userId: string): string => (SLACK_USER_ID.test(userId) ? `<@${userId}>` : esc(userId));

/** `/cert status [CN]`: expiry, cycle state, deadlines and who decided, per contract. */
export function statusMessage(locale: Locale, lookup: StatusLookup): LookupMessage {
  if (!lookup.ok) return refusalMessage(locale, lookup, 'status');
  const { contracts, single } = lookup;
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
  const { cn, category, ca } = c.contract;
  const kind =
    category === 'byo'
      ? t.statusByo
      : `${c.product ? productName(locale, c.product) : ''} (${ca ? t.caName({ ca }) : ''})`;
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
    if (category === 'proxy') {
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
  return [section(`*${code(cn)}*  ${esc(kind)}`), fields(pairs)];
}

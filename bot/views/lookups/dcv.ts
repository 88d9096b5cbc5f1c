import type { DcvAddress, DcvAnswer } from '../../../domain/index.ts';
import type { DcvLookup } from '../../../domain/ports/lookups.ts';
import { formatTokyoDate, type Locale } from '../../i18n/locale.ts';
import { lookupText } from '../../i18n/lookups.ts';
import {
  code,
  codeBlock,
  context,
  divider,
  type KnownBlock,
  type LookupMessage,
  message,
  section,
} from './message.ts';
import { refusalMessage } from './refusal.ts';

export const CHOOSE_APPROVER_ACTION_ID = 'dcv.choose_approver';

/** What the approver button carries: contract, open cycle (when there was one) and address. */
export type ChooseApproverValue = { readonly c: string; readonly y: string | null; readonly a: string };

export type DcvMessageInput = {
  readonly locale: Locale;
  readonly answer: DcvAnswer;
  readonly on: Date;
  /** The name as the user reads it (U-label form). */
  readonly displayName: string;
  /** Set for a contract: GlobalSign choices get a button; absent for `/cert dcv <FQDN> <CA>`. */
  readonly contract?: {
    readonly id: string;
    readonly openCycleId: string | null;
    readonly currentApprover: string | null;
  };
};

/** Buttons beyond this stay a list: a message holds 50 blocks at most. */
const MAX_CHOICE_BUTTONS = 20;
const MAX_LISTED = 40;

const day = (utcDay: string, locale: Locale): string =>
  formatTokyoDate(new Date(`${utcDay}T00:00:00Z`), locale);

/** `/cert dcv`: the look-up's answer on the day asked (R-CABF-3), or why there is none. */
export function dcvLookupMessage(locale: Locale, lookup: DcvLookup, on: Date): LookupMessage {
  if (!lookup.ok) return refusalMessage(locale, lookup, 'dcv');
  return dcvMessage({
    locale,
    answer: lookup.answer,
    on,
    displayName: lookup.name.unicode,
    ...(lookup.contract ? { contract: lookup.contract } : {}),
  });
}

/** R-CABF-3: the DCV e-mail answer for one name, CA and day, with the live DNS findings. */
export function dcvMessage({ locale, answer, on, displayName, contract }: DcvMessageInput): LookupMessage {
  const t = lookupText[locale];
  const sourceLabel = (a: DcvAddress) =>
    a.source === 'txt'
      ? t.dcvSourceTxt
      : a.source === 'constructed'
        ? t.dcvSourceConstructed
        : t.dcvSourceConstructedBase;
  const line = (a: DcvAddress) => `• ${code(a.address)} (${sourceLabel(a)})`;
  const list = (addresses: readonly DcvAddress[]) => {
    if (addresses.length === 0) return t.dcvNoAddresses;
    const shown = addresses.slice(0, MAX_LISTED).map(line);
    if (addresses.length > MAX_LISTED) shown.push(t.dcvMoreChoices({ count: addresses.length - MAX_LISTED }));
    return shown.join('\n');
  };
  const nameShown =
    displayName === answer.fqdn ? code(answer.fqdn) : `${code(displayName)} (${code(answer.fqdn)})`;
  const title = t.dcvTitle({
    name: nameShown,
    ca: t.caName({ ca: answer.ca }),
    on: formatTokyoDate(on, locale),
  });

  const blocks: KnownBlock[] = [section(title)];
  const intro: string[] = [
    t.dcvValidationDomain({ domain: code(answer.validationDomain), base: code(answer.baseDomain) }),
  ];
  if (!contract) intro.push(t.dcvUncontracted);
  blocks.push(context(...intro));

  const dnsName = code(answer.dnsBasedValidation.exampleTxtName);
  const br = answer.dnsBasedValidation.brSection;
  for (const warning of answer.warnings) {
    blocks.push(
      section(
        warning.code === 'email_dcv_discouraged'
          ? t.dcvDiscouraged({
              since: day(warning.since, locale),
              endsOn: day(warning.endsOn, locale),
              dnsName,
              br,
            })
          : t.dcvEnded({ since: day(warning.since, locale), dnsName, br }),
      ),
    );
  }
  const emailEnded = answer.warnings.some((w) => w.code === 'email_dcv_ended');

  if (!emailEnded) {
    switch (answer.delivery) {
      case 'all_addresses':
        blocks.push(section(`${t.dcvDigicertIntro}\n${list(answer.willWriteTo)}`));
        break;
      case 'txt_contact':
        blocks.push(
          section(
            `${t.dcvCybertrustIntro}\n${answer.willWriteTo.length === 0 ? t.dcvCybertrustNoTxt : list(answer.willWriteTo)}`,
          ),
          context(t.dcvCybertrustOther),
        );
        break;
      case 'chosen_address':
        blocks.push(...globalsignChoices(answer.choices, contract, locale, line, list));
        break;
    }
  }

  blocks.push(divider(), section(txtSection(answer, locale)));
  blocks.push(section(withdrawnSection(answer, locale)));
  return message(title, blocks);
}

function globalsignChoices(
  choices: readonly DcvAddress[],
  contract: DcvMessageInput['contract'],
  locale: Locale,
  line: (a: DcvAddress) => string,
  list: (a: readonly DcvAddress[]) => string,
): KnownBlock[] {
  const t = lookupText[locale];
  const blocks: KnownBlock[] = [];
  if (!contract || choices.length === 0) {
    blocks.push(section(`${t.dcvGlobalsignIntro}\n${list(choices)}`));
  } else {
    blocks.push(section(t.dcvGlobalsignIntro));
    choices.slice(0, MAX_CHOICE_BUTTONS).forEach((choice, i) => {
      const value: ChooseApproverValue = { c: contract.id, y: contract.openCycleId, a: choice.address };
      blocks.push({
        type: 'section',
        block_id: `dcv.approver.${i}`,
        text: { type: 'mrkdwn', text: line(choice) },
        accessory: {
          type: 'button',
          action_id: CHOOSE_APPROVER_ACTION_ID,
          text: { type: 'plain_text', text: t.dcvChooseButton },
          value: JSON.stringify(value),
          confirm: {
            title: { type: 'plain_text', text: t.dcvChooseConfirmTitle },
            text: { type: 'mrkdwn', text: t.dcvChooseConfirmText({ address: code(choice.address) }) },
            confirm: { type: 'plain_text', text: t.dcvChooseConfirmYes },
            deny: { type: 'plain_text', text: t.dcvChooseConfirmNo },
          },
        },
      });
    });
    if (choices.length > MAX_CHOICE_BUTTONS) {
      blocks.push(section(list(choices.slice(MAX_CHOICE_BUTTONS))));
    }
  }
  if (contract?.currentApprover) {
    blocks.push(context(t.dcvGlobalsignChosen({ address: code(contract.currentApprover) })));
  }
  return blocks;
}

function txtSection(answer: DcvAnswer, locale: Locale): string {
  const t = lookupText[locale];
  const head = t.dcvTxtTitle({ name: code(answer.txtRecordName) });
  const failure = answer.lookupFailures.find((f) => f.lookup === 'txt');
  // R-DCV-5: a failed look-up is shown as failed, never as "no record".
  if (failure) return `${head}\n${t.dcvTxtFailed({ reason: t.lookupFailure({ reason: failure.reason }) })}`;
  const lines = answer.txtRecords.map((r) =>
    r.status === 'valid'
      ? `• ${t.dcvTxtValid({ address: code(r.address) })}`
      : `• ${t.dcvTxtInvalid({ excerpt: code(r.excerpt) })}`,
  );
  if (lines.length === 0) lines.push(t.dcvTxtNone);
  const toAdd = answer.txtRecordToAdd;
  if (toAdd) {
    lines.push(
      t.dcvTxtToAdd({ name: code(toAdd.name), type: code(toAdd.type), value: code(toAdd.exampleValue) }),
      codeBlock(`${toAdd.name}. IN TXT "${toAdd.exampleValue}"`),
    );
  }
  return `${head}\n${lines.join('\n')}`;
}

function withdrawnSection(answer: DcvAnswer, locale: Locale): string {
  const t = lookupText[locale];
  const lines = answer.withdrawn.map((w) => {
    if (w.method === 'whois') {
      return `• ${t.dcvWithdrawnWhois({
        since: day(w.notAllowedSince, locale),
        br: w.brSection,
        ca: t.caName({ ca: answer.ca }),
        caStopped: day(w.caStoppedOn, locale),
      })}`;
    }
    const found =
      w.lookup === 'found'
        ? w.mailbox
          ? t.dcvSoaFound({ mailbox: code(w.mailbox), zone: code(w.zone ?? '') })
          : t.dcvSoaFoundNoMailbox({ zone: code(w.zone ?? '') })
        : w.lookup === 'none'
          ? t.dcvSoaNone
          : t.dcvSoaFailed({
              reason: t.lookupFailure({
                reason: answer.lookupFailures.find((f) => f.lookup === 'soa')?.reason ?? 'error',
              }),
            });
    return `• ${t.dcvWithdrawnSoa({ since: day(w.notAllowedSince, locale), br: w.brSection })}\n    ${found}`;
  });
  return `${t.dcvWithdrawnTitle}\n${lines.join('\n')}`;
}

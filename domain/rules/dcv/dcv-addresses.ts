import type { LookupFailureReason, LookupResult, SoaRecord } from '../../ports/dns.ts';
import {
  CA_WHOIS_STOPPED_ON,
  DNS_CHANGE_BR_SECTION,
  dcvMethodRule,
  dcvMethodStatus,
} from '../cabf-limits.ts';
import type { Ca } from '../contract-terms.ts';
import { type DomainName, sanitisedExcerpt } from '../domain-name.ts';
import { parseMailbox } from './mailbox.ts';
import { rnameToMailbox } from './rname.ts';

export type DcvAddressSource = 'txt' | 'constructed' | 'constructed_base';
export type DcvAddress = { readonly address: string; readonly source: DcvAddressSource };

/** How the CA uses the addresses: DigiCert writes to all, Cybertrust to the TXT contact, GlobalSign to the one chosen. */
export type DcvDelivery = 'all_addresses' | 'txt_contact' | 'chosen_address';

/** A TXT value at `_validation-contactemail.<domain>`: an address, or something else (shown sanitised, not used). */
export type DcvTxtRecord =
  | { readonly status: 'valid'; readonly address: string }
  | { readonly status: 'invalid'; readonly excerpt: string };

/** R-DCV-3 / R-CABF-3: a method no longer allowed, with the day it ended. */
export type WithdrawnDcvMethod =
  | {
      readonly method: 'whois';
      readonly notAllowedSince: string;
      readonly brSection: string;
      /** The day this CA stopped WHOIS-based mail on its own. */
      readonly caStoppedOn: string;
    }
  | {
      readonly method: 'soa_rname';
      readonly notAllowedSince: string;
      readonly brSection: string;
      /** How the SOA look-up went; `mailbox` is the RNAME found (null if none, failed or not a mailbox). */
      readonly lookup: 'found' | 'none' | 'failed';
      readonly mailbox: string | null;
      readonly zone: string | null;
    };

export type DcvLookupFailure = {
  readonly lookup: 'txt' | 'soa';
  readonly name: string;
  readonly reason: LookupFailureReason;
  readonly detail?: string;
};

export type DcvWarning =
  | { readonly code: 'email_dcv_discouraged'; readonly since: string; readonly endsOn: string }
  | { readonly code: 'email_dcv_ended'; readonly since: string };

export type DcvAnswer = {
  readonly ca: Ca;
  readonly fqdn: string;
  /** R-DCV-4: what DCV validates (the wildcard's parent) and its registrable domain. */
  readonly validationDomain: string;
  readonly baseDomain: string;
  readonly delivery: DcvDelivery;
  /** Where the CA will send the DCV mail (empty for GlobalSign until an address is chosen). */
  readonly willWriteTo: readonly DcvAddress[];
  /** R-DCV-GLOBALSIGN: the addresses the customer may choose one of. Empty for the other CAs. */
  readonly choices: readonly DcvAddress[];
  /** R-DCV-CYBERTRUST: the provider offers other methods on request. */
  readonly otherMethodsOnRequest: boolean;
  readonly withdrawn: readonly WithdrawnDcvMethod[];
  readonly txtRecordName: string;
  /** The TXT values found (none when the look-up found nothing or failed). */
  readonly txtRecords: readonly DcvTxtRecord[];
  /** R-DCV-1: the record to register when the look-up answered and no valid address is there. */
  readonly txtRecordToAdd: {
    readonly name: string;
    readonly type: 'TXT';
    readonly exampleValue: string;
  } | null;
  /** R-DCV-5: look-ups that failed, so their absence of data is not read as "no record". */
  readonly lookupFailures: readonly DcvLookupFailure[];
  readonly warnings: readonly DcvWarning[];
  /** R-DCV-3: where to go instead of e-mail (the CA gives the exact record, e.g. DigiCert's `_dnsauth` TXT or a CNAME). */
  readonly dnsBasedValidation: { readonly brSection: string; readonly exampleTxtName: string };
};

export type DcvAddressesInput = {
  readonly name: DomainName;
  readonly ca: Ca;
  readonly on: Date;
  /** TXT look-up at `txtContactRecordName(name)`. */
  readonly txt: LookupResult<readonly string[]>;
  /** SOA of the zone holding the validation domain (see `findZoneSoa`). */
  readonly soa: LookupResult<SoaRecord & { readonly zone?: string }>;
};

/** R-DCV-2: the local parts of the constructed addresses. */
export const CONSTRUCTED_PREFIXES = [
  'admin',
  'administrator',
  'hostmaster',
  'postmaster',
  'webmaster',
] as const;

/** R-DCV-1 + R-DCV-4: the TXT contact record name (on the wildcard's parent, in A-label form). */
export const txtContactRecordName = (name: DomainName): string =>
  `_validation-contactemail.${name.validationDomain}`;

const constructed = (domain: string, source: DcvAddressSource): DcvAddress[] =>
  CONSTRUCTED_PREFIXES.map((prefix) => ({ address: `${prefix}@${domain}`, source }));

const dedupe = (addresses: readonly DcvAddress[]): DcvAddress[] => {
  const seen = new Set<string>();
  return addresses.filter(({ address }) => {
    const key = address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** A rule's instant as the UTC day the BR names (`2028-03-15`). */
const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

const withdrawnMethods = (ca: Ca, soa: DcvAddressesInput['soa']): WithdrawnDcvMethod[] => [
  {
    method: 'whois',
    notAllowedSince: utcDay(dcvMethodRule('whois_email').notAllowedFrom),
    brSection: dcvMethodRule('whois_email').brSection,
    caStoppedOn: CA_WHOIS_STOPPED_ON[ca],
  },
  {
    method: 'soa_rname',
    notAllowedSince: utcDay(dcvMethodRule('soa_rname').notAllowedFrom),
    brSection: dcvMethodRule('soa_rname').brSection,
    lookup: soa.status,
    mailbox: soa.status === 'found' ? rnameToMailbox(soa.value.rname) : null,
    zone: soa.status === 'found' ? (soa.value.zone ?? null) : null,
  },
];

const emailDcvWarnings = (on: Date): DcvWarning[] => {
  const rule = dcvMethodRule('txt_contact');
  const endsOn = utcDay(rule.notAllowedFrom);
  switch (dcvMethodStatus('txt_contact', on)) {
    case 'allowed':
      return [];
    case 'discouraged':
      return [
        {
          code: 'email_dcv_discouraged',
          since: rule.discouragedFrom ? utcDay(rule.discouragedFrom) : '',
          endsOn,
        },
      ];
    case 'not_allowed':
      return [{ code: 'email_dcv_ended', since: endsOn }];
  }
};

const DELIVERY: Readonly<Record<Ca, DcvDelivery>> = {
  digicert: 'all_addresses',
  cybertrust: 'txt_contact',
  globalsign: 'chosen_address',
};

/**
 * The DCV e-mail answer for one common name, CA and day (R-CABF-3), from the TXT and SOA look-ups.
 * Pure: the look-ups are inputs, so every case (failed look-ups, dates) is a table row in a test.
 */
export const dcvAddresses = ({ name, ca, on, txt, soa }: DcvAddressesInput): DcvAnswer => {
  const txtRecordName = txtContactRecordName(name);
  const domain = name.validationDomain;
  const emailEnded = dcvMethodStatus('txt_contact', on) === 'not_allowed';

  // R-DCV-1: each value is one address; anything else is listed as invalid and never used.
  const txtRecords: DcvTxtRecord[] =
    txt.status === 'found'
      ? txt.value.map((value) => {
          const address = parseMailbox(value);
          return address === null
            ? { status: 'invalid', excerpt: sanitisedExcerpt(value) }
            : { status: 'valid', address };
        })
      : [];
  const txtContacts: DcvAddress[] = txtRecords.flatMap((record) =>
    record.status === 'valid' ? [{ address: record.address, source: 'txt' as const }] : [],
  );
  const ownConstructed = constructed(domain, 'constructed');
  const baseConstructed = constructed(name.baseDomain, 'constructed_base');
  const isSubDomain = domain !== name.baseDomain;
  const startsWithWww = domain.split('.')[0] === 'www';

  let willWriteTo: DcvAddress[] = [];
  let choices: DcvAddress[] = [];
  switch (ca) {
    case 'digicert':
      // R-DCV-DIGICERT: all addresses; the base domain's constructed ones only behind `www.`.
      willWriteTo = [
        ...txtContacts,
        ...ownConstructed,
        ...(startsWithWww && isSubDomain ? baseConstructed : []),
      ];
      break;
    case 'cybertrust':
      // R-DCV-CYBERTRUST: WHOIS mail is withdrawn; the TXT contact is the method to use now.
      willWriteTo = txtContacts;
      break;
    case 'globalsign':
      // R-DCV-GLOBALSIGN: one address, chosen; base-domain addresses for any sub-domain.
      choices = [...txtContacts, ...ownConstructed, ...(isSubDomain ? baseConstructed : [])];
      break;
  }

  const lookupFailures: DcvLookupFailure[] = [];
  // R-DCV-5: a failed look-up is reported, and no "add a record" advice is made from it.
  if (txt.status === 'failed') {
    lookupFailures.push({ lookup: 'txt', name: txtRecordName, reason: txt.reason, ...detail(txt.detail) });
  }
  if (soa.status === 'failed') {
    lookupFailures.push({ lookup: 'soa', name: domain, reason: soa.reason, ...detail(soa.detail) });
  }

  const needsTxtRecord = txt.status !== 'failed' && txtContacts.length === 0 && !emailEnded;

  return {
    ca,
    fqdn: name.fqdn,
    validationDomain: domain,
    baseDomain: name.baseDomain,
    delivery: DELIVERY[ca],
    // R-DCV-3: from 2028-03-15 no e-mail address can be used at all.
    willWriteTo: emailEnded ? [] : dedupe(willWriteTo),
    choices: emailEnded ? [] : dedupe(choices),
    otherMethodsOnRequest: ca === 'cybertrust',
    withdrawn: withdrawnMethods(ca, soa),
    txtRecordName,
    txtRecords,
    txtRecordToAdd: needsTxtRecord
      ? { name: txtRecordName, type: 'TXT', exampleValue: `admin@${name.baseDomain}` }
      : null,
    lookupFailures,
    warnings: emailDcvWarnings(on),
    dnsBasedValidation: { brSection: DNS_CHANGE_BR_SECTION, exampleTxtName: `_dnsauth.${domain}` },
  };
};

const detail = (value: string | undefined): { detail?: string } =>
  value === undefined ? {} : { detail: value };

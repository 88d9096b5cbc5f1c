import type { Ca, PreviousApplicationView, RegisteredCertificateView } from '../../../domain/index.ts';
import type { DnLookup } from '../../../domain/ports/lookups.ts';
import { formatTokyoDateTime, type Locale } from '../../i18n/locale.ts';
import { lookupText, productName } from '../../i18n/lookups.ts';
import {
  code,
  codeBlock,
  context,
  divider,
  fields,
  type LookupMessage,
  message,
  section,
} from './message.ts';
import { refusalMessage } from './refusal.ts';

/** `/cert dn <CN>`: what the look-up found (R-DN-1, R-DN-2), or why it found nothing. */
export function dnMessage(locale: Locale, lookup: DnLookup): LookupMessage {
  if (!lookup.ok) return refusalMessage(locale, lookup, 'dn');
  const cn = lookup.contract.cn;
  if (lookup.kind === 'byo') return byoDnMessage({ locale, cn, certificate: lookup.certificate });
  return proxyDnMessage({
    locale,
    cn,
    ca: lookup.ca,
    productName: lookup.product ? productName(locale, lookup.product) : (lookup.contract.productId ?? ''),
    previous: lookup.previous,
  });
}

export type ProxyDnInput = {
  readonly locale: Locale;
  readonly cn: string;
  readonly ca: Ca;
  readonly productName: string;
  readonly previous: PreviousApplicationView;
};

/** A value for `openssl -subj` inside single quotes in a POSIX shell. */
const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/** A file name for the key and CSR: the CN, a wildcard spelled out. */
const fileStem = (cn: string): string => cn.replace(/^\*\./, 'wildcard.').replace(/[^a-z0-9.-]/gi, '_');

/** The `openssl req` line that makes a new key and a CSR with the previous DN (R-DN-1). */
export const opensslCommand = (cn: string, subj: string): string => {
  const stem = fileStem(cn);
  return `openssl req -new -newkey rsa:2048 -nodes -keyout ${stem}.key -out ${stem}.csr -subj ${shellQuote(subj)}`;
};

/** R-DN-1: the DN and applicant of the last application of a proxy contract, ready to copy. */
export function proxyDnMessage({ locale, cn, ca, productName, previous }: ProxyDnInput): LookupMessage {
  const t = lookupText[locale];
  const value = (v: string | undefined) => (v === undefined || v === '' ? t.none : code(v));
  const { dn, applicant } = previous;
  const title = t.dnTitle({ cn: code(cn) });
  const applicantFields: [string, string][] = [
    [t.applicantName, value(applicant.name)],
    [t.applicantEmail, value(applicant.email)],
  ];
  if (applicant.phone) applicantFields.push([t.applicantPhone, value(applicant.phone)]);
  if (applicant.department) applicantFields.push([t.applicantDepartment, value(applicant.department)]);
  if (applicant.title) applicantFields.push([t.applicantTitleField, value(applicant.title)]);
  return message(title, [
    section(title),
    context(
      t.dnProduct({ product: productName, ca: t.caName({ ca }) }),
      t.dnLastApplication({
        kind: t.applicationKind({ kind: previous.kind }),
        at: formatTokyoDateTime(previous.appliedAt, locale),
      }),
    ),
    fields([
      [t.dnFieldC, value(dn.c)],
      [t.dnFieldSt, value(dn.st)],
      [t.dnFieldL, value(dn.l)],
      [t.dnFieldO, value(dn.o)],
      [t.dnFieldOu, value(dn.ou)],
      [t.dnFieldCn, value(dn.cn)],
    ]),
    section(t.applicantTitle),
    fields(applicantFields),
    fields([
      [t.periodLabel, t.period({ months: previous.periodMonths })],
      [t.csrMethodLabel, t.csrMethod({ method: previous.csrMethod })],
      [t.wwwOptionLabel, previous.wwwOption ? t.yes : t.no],
    ]),
    divider(),
    section(`${t.opensslTitle}\n${codeBlock(opensslCommand(cn, previous.opensslSubj))}`),
  ]);
}

export type ByoDnInput = {
  readonly locale: Locale;
  readonly cn: string;
  readonly certificate: RegisteredCertificateView;
};

/** R-DN-2: what the last registered BYO certificate says. Never a private key. */
export function byoDnMessage({ locale, cn, certificate }: ByoDnInput): LookupMessage {
  const t = lookupText[locale];
  const title = t.byoTitle({ cn: code(cn) });
  return message(title, [
    section(title),
    context(t.byoRegisteredAt({ at: formatTokyoDateTime(certificate.registeredAt, locale) })),
    section(`*${t.byoSubject}*\n${code(certificate.subjectDn)}`),
    section(
      `*${t.byoSans}*\n${certificate.sans.length === 0 ? t.none : certificate.sans.map(code).join(' ')}`,
    ),
    section(`*${t.byoIssuer}*\n${code(certificate.issuerDn)}`),
    fields([
      [
        t.byoValidity,
        t.byoValidityRange({
          from: formatTokyoDateTime(certificate.notBefore, locale),
          to: formatTokyoDateTime(certificate.notAfter, locale),
        }),
      ],
    ]),
    section(`*${t.byoFingerprint}*\n${code(certificate.sha256Fingerprint)}`),
    context(t.byoNoKey),
  ]);
}

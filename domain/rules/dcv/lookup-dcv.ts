import type { DnsResolver } from '../../ports/dns.ts';
import type { Ca } from '../contract-terms.ts';
import type { DomainName } from '../domain-name.ts';
import { type DcvAnswer, dcvAddresses, txtContactRecordName } from './dcv-addresses.ts';
import { findZoneSoa } from './zone-soa.ts';

/**
 * `/cert dcv`: where the DCV mail for a common name goes with a CA on a day (R-CABF-3).
 * The TXT contact (R-DCV-1) and the zone's SOA (for its RNAME, listed as withdrawn) are looked up live,
 * in parallel (R-DCV-5).
 */
export const lookUpDcv = async (
  resolver: DnsResolver,
  { name, ca, on }: { readonly name: DomainName; readonly ca: Ca; readonly on: Date },
): Promise<DcvAnswer> => {
  const [txt, soa] = await Promise.all([
    resolver.txt(txtContactRecordName(name)),
    findZoneSoa(resolver, name.validationDomain, name.baseDomain),
  ]);
  return dcvAddresses({ name, ca, on, txt, soa });
};

import type { DnsResolver, LookupResult, SoaRecord } from '../../ports/dns.ts';

/**
 * The SOA of the zone that holds `name`: SOA at `name`, then at each parent up to `baseDomain`.
 * Node does not expose the SOA in the authority section of a NODATA answer, so the walk finds the apex.
 * A failed look-up on the way ends the walk as failed (R-DCV-5).
 */
export const findZoneSoa = async (
  resolver: DnsResolver,
  name: string,
  baseDomain: string,
): Promise<LookupResult<SoaRecord & { readonly zone: string }>> => {
  const labels = name.split('.');
  const baseLabelCount = baseDomain.split('.').length;
  let last: LookupResult<never> = { status: 'none', kind: 'nxdomain' };
  for (let i = 0; labels.length - i >= baseLabelCount; i++) {
    const zone = labels.slice(i).join('.');
    const result = await resolver.soa(zone);
    if (result.status === 'found') return { status: 'found', value: { ...result.value, zone } };
    if (result.status === 'failed') return result;
    last = result;
    if (zone === baseDomain) break;
  }
  return last;
};

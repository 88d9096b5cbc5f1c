// The DNS look-ups DCV needs (R-DCV-5), as the domain sees them. The resolver on node:dns is an adapter
// (bot/dns/node-dns-resolver.ts); tests may use a loopback DNS server or a fake.

/**
 * The outcome of one DNS look-up. R-DCV-5: a look-up that failed is `failed`, never `none`:
 * "no record" is only said when a server answered so.
 */
export type LookupResult<T> =
  | { readonly status: 'found'; readonly value: T }
  | { readonly status: 'none'; readonly kind: 'nxdomain' | 'nodata' }
  | { readonly status: 'failed'; readonly reason: LookupFailureReason; readonly detail?: string };

export type LookupFailureReason = 'timeout' | 'servfail' | 'refused' | 'error';

export type SoaRecord = { readonly mname: string; readonly rname: string };

/** Live DNS: each query is tried once with a short timeout (2 s in production, R-DCV-5). */
export type DnsResolver = {
  /** TXT records at exactly `name`, one string per record (its character-strings joined). */
  txt(name: string): Promise<LookupResult<string[]>>;
  /** The SOA record at exactly `name` (`none` unless `name` is a zone apex). */
  soa(name: string): Promise<LookupResult<SoaRecord>>;
};

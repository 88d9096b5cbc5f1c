import { Resolver } from 'node:dns/promises';
import type { DnsResolver, LookupFailureReason, LookupResult } from '../../domain/ports/dns.ts';

// The DNS port (domain/ports/dns.ts) on node:dns: the adapter `/cert dcv` and the approver button use.

export type NodeDnsResolverOptions = {
  /** Name servers as 'ip' or 'ip:port' ('[ipv6]:port'); the system's when absent. */
  readonly servers?: readonly string[];
  /** Per-query timeout; the whole look-up is also cut off shortly after it. */
  readonly timeoutMs?: number;
};

const NONE_CODES: Readonly<Record<string, 'nxdomain' | 'nodata'>> = {
  ENOTFOUND: 'nxdomain',
  ENODATA: 'nodata',
};
const FAILURE_CODES: Readonly<Record<string, LookupFailureReason>> = {
  ETIMEOUT: 'timeout',
  ECANCELLED: 'timeout',
  ESERVFAIL: 'servfail',
  EREFUSED: 'refused',
};

const fromError = (error: unknown): LookupResult<never> => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const none = NONE_CODES[code];
    if (none !== undefined) return { status: 'none', kind: none };
    const reason = FAILURE_CODES[code];
    if (reason !== undefined) return { status: 'failed', reason, detail: code };
    return { status: 'failed', reason: 'error', detail: code };
  }
  return {
    status: 'failed',
    reason: 'error',
    detail: error instanceof Error ? error.message : String(error),
  };
};

/** Extra time given to c-ares before the guard cancels the query itself. */
const GUARD_MARGIN_MS = 200;

/**
 * A `DnsResolver` on `node:dns/promises`: one try per query with a short timeout (R-DCV-5), and a guard
 * that cancels the query if c-ares overruns. Each look-up gets its own `Resolver`, because `cancel()`
 * cancels every query of a resolver and parallel look-ups must not cancel each other.
 */
export const createNodeDnsResolver = (options: NodeDnsResolverOptions = {}): DnsResolver => {
  const timeoutMs = options.timeoutMs ?? 2000;

  const lookUp = async <T>(query: (resolver: Resolver) => Promise<T>): Promise<LookupResult<T>> => {
    const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
    if (options.servers !== undefined) resolver.setServers([...options.servers]);
    const guard = setTimeout(() => resolver.cancel(), timeoutMs + GUARD_MARGIN_MS);
    try {
      return { status: 'found', value: await query(resolver) };
    } catch (error) {
      return fromError(error);
    } finally {
      clearTimeout(guard);
    }
  };

  return {
    txt: async (name) => {
      const result = await lookUp((r) => r.resolveTxt(name));
      // A record's character-strings are one value (as RFC 7208 3.3 does for SPF); R-DCV-1 reads the whole value.
      if (result.status !== 'found') return result;
      if (result.value.length === 0) return { status: 'none', kind: 'nodata' };
      return { status: 'found', value: result.value.map((chunks) => chunks.join('')) };
    },
    soa: async (name) => {
      const result = await lookUp((r) => r.resolveSoa(name));
      if (result.status !== 'found') return result;
      return { status: 'found', value: { mname: result.value.nsname, rname: result.value.hostmaster } };
    },
  };
};

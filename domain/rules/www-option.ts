/**
 * R-WWW-1: the www option adds the other name of the pair as a SAN: the base name for a `www.` CN,
 * else `www.` + CN. Every generated CSR of a www contract carries it (renewal, auto-renewal, re-issue).
 */
export const wwwNameOf = (cn: string): string => (cn.startsWith('www.') ? cn.slice(4) : `www.${cn}`);

/** The SANs besides the CN that a provider-generated CSR of this contract carries. */
export const generatedCsrSans = (contract: { readonly cn: string; readonly wwwOption: boolean }): string[] =>
  contract.wwwOption ? [wwwNameOf(contract.cn)] : [];

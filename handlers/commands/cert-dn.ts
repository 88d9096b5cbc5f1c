import { lookupText } from '../../bot/i18n/lookups.ts';
import { byoDnMessage, proxyDnMessage } from '../../bot/views/lookups/dn.ts';
import { code, type LookupMessage, textMessage } from '../../bot/views/lookups/message.ts';
import { recentApplications, recentCertificates } from '../../db/queries/lookup-queries.ts';
import { findProduct, previousByoCertificate, previousProxyApplication } from '../../domain/index.ts';
import { type LookupContext, visibleContract } from '../kit/lookup-context.ts';

export const DN_USAGE = '`/cert dn <CN>`';

/** `/cert dn <CN>`: the previous DN data of a contract (R-DN-1 proxy, R-DN-2 BYO). */
export async function certDn(ctx: LookupContext, args: readonly string[]): Promise<LookupMessage> {
  const t = lookupText[ctx.locale];
  if (args.length > 1) return textMessage(t.tooManyArguments({ usage: DN_USAGE }));
  const visible = await visibleContract(ctx, args[0], DN_USAGE);
  if (!visible.ok) return visible.answer;
  const { contract } = visible.value;
  const cn = contract.cn;

  if (contract.category === 'byo') {
    const certificate = previousByoCertificate(await recentCertificates(ctx.deps.db, contract.id));
    if (!certificate.ok) return textMessage(t.noRegisteredCertificate({ cn: code(cn) }));
    return byoDnMessage({ locale: ctx.locale, cn, certificate: certificate.value });
  }

  const previous = previousProxyApplication(await recentApplications(ctx.deps.db, contract.id));
  if (!previous.ok || contract.ca === null) return textMessage(t.noPreviousApplication({ cn: code(cn) }));
  const product = findProduct(contract.productId ?? '');
  const productName = product.ok
    ? ctx.locale === 'ja'
      ? product.value.nameJa
      : product.value.nameEn
    : (contract.productId ?? '');
  return proxyDnMessage({ locale: ctx.locale, cn, ca: contract.ca, productName, previous: previous.value });
}

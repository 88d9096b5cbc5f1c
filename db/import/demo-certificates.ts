import type { webcrypto as WebCrypto } from 'node:crypto';
import { webcrypto, x509 } from '../../domain/rules/x509/peculiar.ts';

type CryptoKeyPair = WebCrypto.CryptoKeyPair;

const DAY = 86_400_000;
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface DemoIssuer {
  readonly name: string;
  readonly keys: CryptoKeyPair;
}

/** A throw-away CA for demo certificates; its key lives only in memory. */
export async function createDemoIssuer(): Promise<DemoIssuer> {
  const keys = (await webcrypto.subtle.generateKey(EC, false, ['sign', 'verify'])) as CryptoKeyPair;
  return { name: 'CN=Kigen Demo CA, O=Kigen Demo, C=JP', keys };
}

/** A leaf certificate for `cn` that expires `expiresInDays` from `now` (demo and test data only). */
export async function issueDemoCertificate(
  issuer: DemoIssuer,
  options: { cn: string; now: Date; expiresInDays: number; validityDays: number; sans?: string[] },
): Promise<string> {
  const leafKeys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notAfter = new Date(options.now.getTime() + options.expiresInDays * DAY);
  const names = [options.cn, ...(options.sans ?? [])].map((value) => ({ type: 'dns' as const, value }));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(12)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject: `CN=${options.cn}`,
    issuer: issuer.name,
    notBefore: new Date(notAfter.getTime() - options.validityDays * DAY),
    notAfter,
    signingAlgorithm: EC,
    publicKey: leafKeys.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions: [new x509.SubjectAlternativeNameExtension(names)],
  });
  return cert.toString('pem');
}

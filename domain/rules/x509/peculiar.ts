/**
 * The one entry point to @peculiar/x509 in Kigen: its tsyringe container needs the Reflect metadata
 * API loaded first, and the library must be pointed at Node's WebCrypto. Import `x509` from here,
 * never from '@peculiar/x509' directly, or the library may load without either.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export { webcrypto, x509 };

// The only entry point to @peculiar/x509 in certs/: it loads the Reflect
// metadata polyfill first, because the library throws at import without
// one, and selects Node's WebCrypto as the library's crypto provider.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** Node's WebCrypto, typed as the DOM Crypto that @peculiar/x509 expects. */
export const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

export { x509 };

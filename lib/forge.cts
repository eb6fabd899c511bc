// A CommonJS shim so that both builds can load node-forge synchronously and only on
// first use: ESM has no synchronous `require`, and `Rsa.from` is synchronous.
import type * as Forge from 'node-forge';

/** Loads `node-forge` (PKCS#12 support) on demand. */
export = function loadForge(): typeof Forge {
  return require('node-forge');
};

// A CommonJS shim so that both builds load msw synchronously and only on first use of
// `sandbox.handlers`: msw is an optional peer, and the real server must work without it.
import type * as Msw from 'msw';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Loads msw's CommonJS build by its file path. `require('msw')` would pick msw's ESM build
 * through its `module-sync` condition (Node ≥ 20.19), which fails to link under tsx while the
 * importer is loading msw's ESM build itself. A fresh `createRequire`: the `require` of a module
 * that an ESM loader (tsx) translated is not Node's full one. Throws `MODULE_NOT_FOUND` when msw is absent.
 */
export = function loadMsw(): typeof Msw {
  const load = createRequire(__filename);
  const manifest = load.resolve('msw/package.json');
  const { main } = load(manifest) as { main: string };
  return load(join(dirname(manifest), main));
};

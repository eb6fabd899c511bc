// A CommonJS shim so that both builds load msw synchronously and only on first use of
// `sandbox.handlers`: msw is an optional peer, and the real server must work without it.
import type * as Msw from 'msw';

/** Loads `msw` on demand. */
export = function loadMsw(): typeof Msw {
  return require('msw');
};

/**
 * The sandbox in-process, as msw request handlers: every request under the base URL goes to the
 * core. msw is loaded here, lazily, and nowhere else.
 */
import { ArgumentError } from '../errors.js';
import type { GatewayFetch } from './gateway.js';
import loadMsw from './msw.cjs';

/**
 * An msw request handler. Typed loosely so that `wechatpay-ts/testing`'s declarations compile
 * without msw installed (it is an optional peer); `setupServer(...sandbox.handlers)` accepts it.
 */
export type SandboxHandler = any;

function msw(): ReturnType<typeof loadMsw> {
  try {
    return loadMsw();
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new ArgumentError('ERR_CONFIG', 'sandbox.handlers needs msw, an optional peer dependency: install it (npm install --save-dev msw@2), or use `await sandbox.listen()`, which needs nothing');
  }
}

/** msw handlers that answer every method under `baseURL` from `gateway`. */
export function mswHandlers(gateway: GatewayFetch, baseURL: string): SandboxHandler[] {
  const { http } = msw();
  const base = baseURL.endsWith('/') ? baseURL : `${baseURL}/`;
  const basePath = new URL(base).pathname;
  // msw ships ESM and CJS twins; the shim loads the CJS one, which ESM users' setupServer accepts
  // (msw tells handlers apart by a kind tag, not instanceof).
  return [http.all(`${base}*`, ({ request }) => gateway(request, { basePath }))];
}

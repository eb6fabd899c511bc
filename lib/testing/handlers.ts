/**
 * The sandbox in-process, as msw request handlers: every request under the base URL goes to the
 * core. msw is loaded here, lazily, and nowhere else.
 */
import type { RequestHandler } from 'msw';
import type { GatewayFetch } from './gateway.js';
import loadMsw from './msw.cjs';

/** msw handlers that answer every method under `baseURL` from `gateway`. */
export function mswHandlers(gateway: GatewayFetch, baseURL: string): RequestHandler[] {
  const { http } = loadMsw();
  const base = baseURL.endsWith('/') ? baseURL : `${baseURL}/`;
  const basePath = new URL(base).pathname;
  // msw ships ESM and CJS twins; the shim loads the CJS one, which ESM users' setupServer accepts
  // (msw tells handlers apart by a kind tag, not instanceof), so the public type is the importer's.
  return [http.all(`${base}*`, ({ request }) => gateway(request, { basePath }))] as unknown as RequestHandler[];
}

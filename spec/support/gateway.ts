// One msw server per spec file, in front of a sandbox, recording what reached the wire.
import { http, type RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import { Sandbox, type SandboxKeys } from '../../lib/testing/index.js';

/** What one request looked like when it reached the gateway. */
export interface Seen {
  method: string;
  url: string;
  body: string;
  headers: Headers;
}

let shared: SandboxKeys | undefined;
/** One set of RSA keys for every spec: generating them costs ~100 ms each. */
export function sharedKeys(): SandboxKeys {
  shared ??= Sandbox.generateKeys();
  return shared;
}

/**
 * msw in front of a fresh sandbox, for the enclosing `describe`: listening before its tests,
 * handlers, faults and records reset after each, closed after all. `use` adds handlers that run first.
 */
export function mswGateway(mode: 'pubkey' | 'certificate' = 'pubkey') {
  const sandbox = new Sandbox({ keys: sharedKeys(), mode });
  const seen: Seen[] = [];
  const recorder = http.all('*', async ({ request }) => {
    seen.push({ method: request.method, url: request.url, body: await request.clone().text(), headers: request.headers });
  });
  const server = setupServer(recorder, ...sandbox.handlers);
  before(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    sandbox.faults.clear();
    seen.length = 0;
  });
  after(() => server.close());
  return {
    sandbox,
    seen,
    server,
    use: (...handlers: RequestHandler[]) => server.use(recorder, ...handlers),
  };
}

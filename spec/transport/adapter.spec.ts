// The client's own node:http adapter (lib/transport/adapter.ts), against real 127.0.0.1 servers in
// front of the sandbox (which checks every signature): compressed answers decoded before they are
// verified, the size cap counted on decoded bytes, and the calls it does not carry (an environment
// proxy, progress callbacks) handed to axios's adapter with the same result.
import { createServer, request, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { AxiosError, AxiosHeaders } from 'axios';
import { expect } from 'chai';
import { Builder, TransportError, type WechatpayConfig } from '../../lib/index.js';
import { Sandbox, type ListeningSandbox } from '../../lib/testing/index.js';
import { sharedKeys } from '../support/gateway.js';
import { rejection } from '../support/rejection.js';

const TEMPLATE = 'v3/businesscircle/user-authorizations/{openid}';
const OPENID = 'oWmnN4xxxxxxxxxxe92NHIGf1xd8';
const APPID = 'wx1234567890abcdef';

interface Front {
  url: string;
  seen: IncomingMessage[];
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** A server that forwards to `upstream` (its path, or the absolute URL a proxy is sent) and lets `answer` rewrite the reply. */
async function front(upstream: string, answer: (status: number, headers: OutgoingHttpHeaders, body: Buffer, res: ServerResponse) => void): Promise<Front> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = new URL(req.url!, upstream);
      const { hostname, port } = new URL(upstream);
      const headers = { ...req.headers, 'accept-encoding': 'identity' };
      const out = request({ hostname, port, method: req.method, path: target.pathname + target.search, headers }, (reply) => {
        const body: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => body.push(chunk));
        // Framing is the front's own: the body may change length.
        const { 'transfer-encoding': _te, 'content-length': _cl, connection: _c, ...kept } = reply.headers;
        reply.on('end', () => answer(reply.statusCode ?? 502, kept, Buffer.concat(body), res));
        reply.on('error', () => res.destroy());
      });
      // A forward still under way when a test ends (its client gave up first) meets the upstream
      // closing: that ends this connection, and must not crash the run as an unhandled error.
      out.on('error', () => res.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  const url = await listen(server);
  return {
    url,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const ENCODERS = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, br: zlib.brotliCompressSync } as const;

describe('the client adapter (127.0.0.1)', () => {
  let upstream: ListeningSandbox;
  let sandbox: Sandbox;
  const servers: Front[] = [];
  const client = (baseURL: string, more: Partial<WechatpayConfig> = {}) => Builder.factory(sandbox.clientConfig({ baseURL, ...more }));
  const get = (wxpay: ReturnType<typeof client>, more: Record<string, unknown> = {}) => wxpay.chain(TEMPLATE).get({ openid: OPENID, query: { appid: APPID }, ...more });
  const started = async (server: Promise<Front>) => {
    servers.push(await server);
    return servers.at(-1)!;
  };

  beforeEach(async () => {
    sandbox = new Sandbox({ keys: sharedKeys() });
    upstream = await sandbox.listen();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await upstream.close();
  });

  for (const encoding of Object.keys(ENCODERS) as (keyof typeof ENCODERS)[]) {
    it(`decodes a ${encoding} answer, then verifies the signature over the decoded bytes`, async () => {
      const compressing = await started(front(upstream.url, (status, headers, body, res) => {
        const encoded = ENCODERS[encoding](body);
        res.writeHead(status, { ...headers, 'content-encoding': encoding, 'content-length': String(encoded.length) }).end(encoded);
      }));
      const response = await get(client(compressing.url));
      expect(response.data).to.include({ openid: OPENID });
      expect(response.headers['content-encoding']).to.equal(undefined);
      expect(compressing.seen[0]!.headers['accept-encoding']).to.equal('gzip, deflate, br');
    });
  }

  it('hands the answer’s headers over as axios’s own adapter does: AxiosHeaders, lowercase names, repeated ones kept', async () => {
    const extra = { 'X-Mixed-Case': 'Value', 'Set-Cookie': ['a=1', 'b=2'], 'X-Spaced': '  padded\tvalue ' };
    const adding = await started(front(upstream.url, (status, headers, body, res) => res.writeHead(status, { ...headers, ...extra }).end(body)));
    const own = await get(client(adding.url));
    // A progress callback sends the same call through axios's http adapter.
    const viaAxios = await get(client(adding.url), { onDownloadProgress: () => {} });
    expect(own.headers).to.be.instanceOf(AxiosHeaders);
    expect(Object.keys(own.headers)).to.deep.equal(Object.keys(viaAxios.headers));
    for (const name of ['x-mixed-case', 'set-cookie', 'x-spaced', 'content-type']) expect(own.headers[name], name).to.deep.equal(viaAxios.headers[name]);
    expect(own.headers['set-cookie']).to.deep.equal(['a=1', 'b=2']);
  });

  it('counts the size cap on decoded bytes: a small gzip of a large answer is ERR_RESPONSE_TOO_LARGE', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x20));
    const compressing = await started(front(upstream.url, (status, headers, _body, res) => {
      res.writeHead(status, { ...headers, 'content-encoding': 'gzip', 'content-length': String(bomb.length) }).end(bomb);
    }));
    expect(bomb.length).to.be.below(64 * 1024);
    const error = await rejection(get(client(compressing.url, { maxContentLength: 256 * 1024 })));
    expect(error).to.be.instanceOf(TransportError).and.include({ code: 'ERR_RESPONSE_TOO_LARGE', answered: true });
  });

  it('leaves an encoding it does not know as sent: the signature then fails closed', async () => {
    const mangling = await started(front(upstream.url, (status, headers, body, res) => {
      const encoded = Buffer.from(body.toString('base64'));
      res.writeHead(status, { ...headers, 'content-encoding': 'x-base64', 'content-length': String(encoded.length) }).end(encoded);
    }));
    expect(await rejection(get(client(mangling.url)))).to.include({ code: 'ERR_RESPONSE_SIGNATURE' });
  });

  describe('one deadline for the whole call, whichever adapter sends it', () => {
    const stalling = () => started(front(upstream.url, () => {}));
    const timeout = 150;

    it('its own adapter: a stall is ERR_TIMEOUT within the deadline, not an idle timer', async () => {
      const stall = await stalling();
      const begun = performance.now();
      const error = await rejection(get(client(stall.url, { timeout })));
      expect(error).to.be.instanceOf(TransportError).and.include({ code: 'ERR_TIMEOUT', message: `no complete answer within ${timeout} ms` });
      // Never early; the loose ceiling (a busy machine delays a timer, never by seconds) still
      // catches the 10 s default deadline standing in for the call's own.
      expect(performance.now() - begun).to.be.within(timeout - 5, timeout + 5_000);
    });

    it('axios’s adapter (a progress callback): the same ERR_TIMEOUT', async () => {
      const stall = await stalling();
      const error = await rejection(get(client(stall.url, { timeout }), { onDownloadProgress: () => {} }));
      expect(error).to.be.instanceOf(TransportError).and.include({ code: 'ERR_TIMEOUT', message: `no complete answer within ${timeout} ms` });
    });

    it('the caller’s own adapter that never answers: ERR_TIMEOUT through the abort signal it is given', async () => {
      const seen: (AbortSignal | undefined)[] = [];
      const never = (config: { signal?: unknown }) => {
        seen.push(config.signal as AbortSignal | undefined);
        return new Promise<never>((_resolve, reject) => (config.signal as AbortSignal).addEventListener('abort', () => reject(new AxiosError('canceled', 'ERR_CANCELED'))));
      };
      const error = await rejection(get(client(upstream.url, { timeout, adapter: never })));
      expect(error).to.be.instanceOf(TransportError).and.include({ code: 'ERR_TIMEOUT', message: `no complete answer within ${timeout} ms` });
      expect(seen[0]!.aborted).to.equal(true);
    });

    it('a caller’s abort still cancels, before the deadline: ERR_CANCELED', async () => {
      const stall = await stalling();
      const error = await rejection(get(client(stall.url, { timeout: 5000 }), { signal: AbortSignal.timeout(80) }));
      expect(error).to.be.instanceOf(TransportError).and.include({ code: 'ERR_CANCELED' });
    });
  });

  describe('hands to axios’s adapter what it does not carry', () => {
    const saved: Record<string, string | undefined> = {};
    const NAMES = ['HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];
    beforeEach(() => {
      for (const name of NAMES) saved[name] = process.env[name];
      for (const name of NAMES) delete process.env[name];
    });
    afterEach(() => {
      for (const name of NAMES) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    });

    it('an HTTP proxy named in the environment carries the call (absolute-form request line), signature intact', async () => {
      const proxy = await started(front(upstream.url, (status, headers, body, res) => res.writeHead(status, headers).end(body)));
      process.env.HTTP_PROXY = proxy.url;
      // The environment is read when the client is made.
      const response = await get(client(upstream.url));
      expect(response.data).to.include({ openid: OPENID });
      expect(proxy.seen).to.have.length(1);
      expect(proxy.seen[0]!.url).to.equal(`${upstream.url}v3/businesscircle/user-authorizations/${OPENID}?appid=${APPID}`);
      // `proxy: false` goes direct, as with axios.
      await get(client(upstream.url, { proxy: false }));
      expect(proxy.seen).to.have.length(1);
    });

    it('a progress callback is called, and the answer verifies the same', async () => {
      const events: number[] = [];
      const response = await get(client(upstream.url), { onDownloadProgress: (event: { loaded: number }) => events.push(event.loaded) });
      expect(response.data).to.include({ openid: OPENID });
      expect(events.length).to.be.above(0);
    });
  });
});

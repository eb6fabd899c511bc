// A WeChat Pay stand-in on 127.0.0.1 that answers `GET /v3/faults/{fault}` signed by the sandbox's
// platform key, spoiled as the path asks: for the answer-side limits and the soak test. It does not
// check the request's signature (the sandbox specs do); it only shapes answers.
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Formatter } from '../../lib/crypto/formatter.js';
import { Rsa } from '../../lib/crypto/rsa.js';
import { Sandbox } from '../../lib/testing/index.js';
import { sharedKeys } from './gateway.js';

/** What the server can do to an answer. */
export const ANSWER_FAULTS = [
  'ok', 'tamper', 'unknown-serial', 'stale', 'probe', 'garbage-signature', '4xx', '5xx', 'non-json',
  'reset-before-headers', 'reset-mid-body', 'trickle', 'oversized',
] as const;
export type AnswerFault = (typeof ANSWER_FAULTS)[number];

export interface FaultServer {
  url: string;
  /** The client config (keys of the shared sandbox), pointed at this server. */
  config: ReturnType<Sandbox['clientConfig']>;
  /** Trickle: pieces sent `gapMs` apart. Oversized: bytes of the signed body. */
  tune: { pieces: number; gapMs: number; oversizedBytes: number };
  close(): Promise<void>;
}

export async function faultServer(): Promise<FaultServer> {
  const sandbox = new Sandbox({ keys: sharedKeys() });
  const platform = sharedKeys().platform;
  const id = sandbox.platform.id;
  const tune = { pieces: 8, gapMs: 100, oversizedBytes: 9 * 1024 * 1024 };

  const signedHeaders = (body: Buffer, change: { serial?: string; stale?: boolean; signature?: string } = {}) => {
    const timestamp = Formatter.timestamp() - (change.stale ? 600 : 0);
    const nonce = Formatter.nonce();
    return {
      'Content-Type': 'application/json',
      'Content-Length': String(body.length),
      'Request-ID': randomBytes(8).toString('hex'),
      'Wechatpay-Timestamp': String(timestamp),
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': change.serial ?? id,
      'Wechatpay-Signature': change.signature ?? Rsa.sign(Formatter.response(timestamp, nonce, body), platform),
    };
  };

  const answer = (fault: AnswerFault, res: ServerResponse) => {
    const body = Buffer.from(JSON.stringify({ fault, ok: true }));
    switch (fault) {
      case 'ok': return res.writeHead(200, signedHeaders(body)).end(body);
      case 'tamper': {
        const headers = signedHeaders(body);
        return res.writeHead(200, headers).end(Buffer.from(body.toString().replace('true', 'fals')));
      }
      case 'unknown-serial': return res.writeHead(200, signedHeaders(body, { serial: 'PUB_KEY_ID_0000000000000000000000000000' })).end(body);
      case 'stale': return res.writeHead(200, signedHeaders(body, { stale: true })).end(body);
      case 'probe': return res.writeHead(200, signedHeaders(body, { signature: `WECHATPAY/SIGNTEST/${randomBytes(32).toString('base64')}` })).end(body);
      case 'garbage-signature': return res.writeHead(200, signedHeaders(body, { signature: randomBytes(256).toString('base64') })).end(body);
      case '4xx': return res.writeHead(400, { 'Content-Type': 'application/json', 'Request-ID': 'r4' }).end('{"code":"PARAM_ERROR","message":"bad"}');
      case '5xx': return res.writeHead(500, { 'Content-Type': 'application/json', 'Request-ID': 'r5' }).end('{"code":"SYSTEM_ERROR","message":"busy"}');
      case 'non-json': {
        const text = Buffer.from('<html>not json</html>');
        return res.writeHead(200, signedHeaders(text)).end(text);
      }
      case 'reset-before-headers': return res.socket?.destroy();
      case 'reset-mid-body': {
        res.writeHead(200, signedHeaders(Buffer.alloc(4096, 'x')));
        res.write(Buffer.alloc(1024, 'x'));
        return setTimeout(() => res.socket?.destroy(), 5);
      }
      case 'trickle': {
        const big = Buffer.from(JSON.stringify({ fault, pad: 'x'.repeat(tune.pieces * 8) }));
        res.writeHead(200, signedHeaders(big));
        const size = Math.ceil(big.length / tune.pieces);
        let sent = 0;
        const timer = setInterval(() => {
          if (res.destroyed) return clearInterval(timer);
          res.write(big.subarray(sent, sent + size));
          sent += size;
          if (sent >= big.length) {
            clearInterval(timer);
            res.end();
          }
        }, tune.gapMs);
        return res.on('close', () => clearInterval(timer));
      }
      case 'oversized': {
        const huge = Buffer.from(JSON.stringify({ fault, pad: 'x'.repeat(tune.oversizedBytes) }));
        return res.writeHead(200, signedHeaders(huge)).end(huge);
      }
    }
  };

  const server = createServer((req, res) => {
    const fault = /^\/v3\/faults\/([\w-]+)/.exec(req.url ?? '')?.[1] as AnswerFault | undefined;
    req.resume();
    if (!fault || !ANSWER_FAULTS.includes(fault)) return res.writeHead(404).end('{"code":"NOT_FOUND","message":"no such fault"}');
    answer(fault, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    tune,
    config: sandbox.clientConfig({ baseURL: url }),
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

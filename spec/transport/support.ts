// A scripted stand-in for WeChat Pay on 127.0.0.1: each request takes the next step of a script
// (a fault, or `pass` to the real loopback sandbox, which checks the signature and the nonce);
// every request that arrived is recorded with its time and its Authorization's nonce and timestamp.
import { createServer as createHttpsServer } from 'node:https';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sandbox, type ListeningSandbox } from '../../lib/testing/index.js';
import { selfSignedCertificate } from '../../lib/testing/certificate.js';
import { sharedKeys } from '../support/gateway.js';

/** What the server does with one request. */
export type Step = 'pass' | 'reset-before-headers' | 'reset-mid-body' | 'stall' | 500 | 503 | 429 | 400;

export interface Arrival {
  at: number;
  method: string;
  url: string;
  nonce: string | undefined;
  timestamp: string | undefined;
}

export interface Scripted {
  url: string;
  sandbox: Sandbox;
  /** Steps for the coming requests; once spent, every request passes. */
  script: Step[];
  arrivals: Arrival[];
  close(): Promise<void>;
}

const field = (authorization: string | undefined, name: string) => new RegExp(`${name}="([^"]*)"`).exec(authorization ?? '')?.[1];

function forward(upstream: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  const { hostname, port } = new URL(upstream);
  const out = request({ hostname, port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  // A forward still under way when a test ends (its client gave up first) meets the upstream
  // closing: that ends this connection, and must not crash the run as an unhandled error.
  out.on('error', () => res.destroy());
  out.end(body);
}

function step(next: Step, req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: string): void {
  switch (next) {
    case 'pass': return forward(upstream, req, body, res);
    case 'reset-before-headers': return void req.socket.destroy();
    case 'reset-mid-body': {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '4096' });
      res.write('{"partial":');
      return void setTimeout(() => req.socket.destroy(), 5);
    }
    case 'stall': return; // never answers; the client's timeout ends it
    default: {
      const code = next === 429 ? 'FREQUENCY_LIMITED' : next === 400 ? 'PARAM_ERROR' : 'SYSTEM_ERROR';
      return void res.writeHead(next, { 'Content-Type': 'application/json', 'Request-ID': `rid-${next}` }).end(JSON.stringify({ code, message: `scripted ${next}` }));
    }
  }
}

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** The scripted server, in front of a fresh sandbox (shared keys) listening on 127.0.0.1. */
export async function scripted(): Promise<Scripted> {
  const sandbox = new Sandbox({ keys: sharedKeys() });
  const upstream: ListeningSandbox = await sandbox.listen();
  const script: Step[] = [];
  const arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const authorization = req.headers.authorization;
      arrivals.push({ at: performance.now(), method: req.method ?? '', url: req.url ?? '', nonce: field(authorization, 'nonce_str'), timestamp: field(authorization, 'timestamp') });
      step(script.shift() ?? 'pass', req, res, Buffer.concat(chunks), upstream.url);
    });
  });
  const url = await listening(server);
  return {
    url,
    sandbox,
    script,
    arrivals,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
    },
  };
}

/** A base URL where nothing listens: a port just freed. */
export async function refusedURL(): Promise<string> {
  const server = createServer();
  const url = await listening(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return url;
}

/** An https server whose certificate nobody trusts (self-signed): the handshake fails. */
export async function untrustedTls(): Promise<{ url: string; close(): Promise<void> }> {
  const privateKey = sharedKeys().platform;
  const cert = selfSignedCertificate({ privateKey, serial: Buffer.from([0x41, 1, 2, 3]), commonName: '127.0.0.1' });
  const server = createHttpsServer({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }), cert }, (_req, res) => res.end('{}'));
  const url = (await listening(server as unknown as Server)).replace('http:', 'https:');
  return { url, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

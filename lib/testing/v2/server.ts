/**
 * The APIv2 sandbox on the loopback interface: plain HTTP, or HTTPS asking every client for a
 * certificate (mutual TLS). A connection without a valid client certificate is still served, as
 * WeChat Pay serves most APIv2 operations; the operations that need one (refunds) refuse it.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { v2Request, type V2GatewayAnswer, type V2GatewayRequest } from './gateway.js';

/** The server's TLS material: its certificate and key, and the CA client certificates must chain to. */
export interface V2ServerTls {
  cert: string | Buffer;
  key: string | Buffer;
  /** The CA that issued the merchants' client certificates. */
  ca: string | Buffer;
}

/** A running APIv2 sandbox server. */
export interface ListeningSandboxV2 {
  /** The base URL, e.g. `https://127.0.0.1:53124/`. */
  url: string;
  /** Stops accepting, drops open connections, resolves once closed. */
  close(): Promise<void>;
}

async function serve(core: (request: V2GatewayRequest) => V2GatewayAnswer, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const socket = incoming.socket as Partial<TLSSocket>;
  const path = new URL(incoming.url ?? '/', 'http://127.0.0.1').pathname.replace(/^\/+/, '');
  const answer = core(await v2Request(incoming.method ?? 'GET', path, incoming.headers['content-type'] ?? null, Buffer.concat(chunks), socket.authorized === true));
  outgoing.writeHead(answer.status, answer.headers);
  outgoing.end(answer.body);
}

/** Serves `core` on 127.0.0.1 (HTTPS with client-certificate checks when `tls` is given). */
export function listenV2(core: (request: V2GatewayRequest) => V2GatewayAnswer, options: { port?: number; tls?: V2ServerTls } = {}): Promise<ListeningSandboxV2> {
  const listener = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    serve(core, incoming, outgoing).catch((error: unknown) => {
      if (outgoing.headersSent) return incoming.socket.destroy();
      outgoing.writeHead(500, { 'Content-Type': 'text/plain' });
      outgoing.end(`sandbox error: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  const { tls } = options;
  const server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: false }, listener)
    : createHttpServer(listener);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      resolve({
        url: `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: () => new Promise<void>((done, failed) => {
          server.close((error) => (error ? failed(error) : done()));
          server.closeAllConnections();
        }),
      });
    });
  });
}

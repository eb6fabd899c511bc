/**
 * The sandbox as a real HTTP server on the loopback interface: node:http bytes in, the core's
 * Fetch `Response` bytes out. The raw request-target and body go to the core untouched, since
 * the signature check must see exactly what the client signed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayFetch } from './gateway.js';
import { isLoopbackAddress } from './loopback.js';

/** A running sandbox server. */
export interface ListeningSandbox {
  /** The base URL to give the client, e.g. `http://127.0.0.1:53124/`. */
  url: string;
  /** Stops accepting, drops every open connection (keep-alive ones too) and resolves once closed. */
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Node's view of a request as a Fetch `Request`, aborted if the client goes away before the answer. */
function toFetchRequest(incoming: IncomingMessage, body: Buffer<ArrayBuffer>, origin: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) headers.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
  const method = incoming.method ?? 'GET';
  // Fetch forbids a body on GET and HEAD; WeChat Pay's GETs have none, and an unexpected one fails the signature check.
  const withBody = method !== 'GET' && method !== 'HEAD';
  return new Request(origin + (incoming.url ?? '/'), { method, headers, signal, ...(withBody ? { body } : {}) });
}

async function respond(gateway: GatewayFetch, incoming: IncomingMessage, outgoing: ServerResponse, origin: string): Promise<void> {
  const body = await readBody(incoming);
  const aborted = new AbortController();
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) aborted.abort();
  });
  const loopback = isLoopbackAddress(incoming.socket.remoteAddress);
  const response = await gateway(toFetchRequest(incoming, body, origin, aborted.signal), { target: incoming.url ?? '/', loopback });
  if (response.type === 'error') {
    incoming.socket.destroy();
    return;
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (outgoing.destroyed) return;
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  outgoing.end(bytes);
}

/** Serves `gateway` on 127.0.0.1 only, on `port` or, by default, a free one. */
export function listen(gateway: GatewayFetch, port = 0): Promise<ListeningSandbox> {
  return new Promise((resolve, reject) => {
    let origin = '';
    const server = createServer((incoming, outgoing) => {
      respond(gateway, incoming, outgoing, origin).catch((error: unknown) => {
        // A sandbox bug must not pass for a `reset` fault: say so, unsigned, when still possible.
        if (outgoing.headersSent) return incoming.socket.destroy();
        outgoing.writeHead(500, { 'Content-Type': 'application/json' });
        outgoing.end(JSON.stringify({ code: 'SANDBOX_ERROR', message: error instanceof Error ? error.message : String(error) }));
      });
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        url: `${origin}/`,
        close: () => new Promise<void>((done, fail) => {
          server.close((error) => (error ? fail(error) : done()));
          server.closeAllConnections();
        }),
      });
    });
  });
}

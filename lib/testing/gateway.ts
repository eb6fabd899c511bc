/**
 * The sandbox's core: one Fetch `Request` in, one signed Fetch `Response` out. The node:http
 * server and the msw handlers are thin adapters around it, so both behave the same.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Formatter } from '../crypto/formatter.js';
import { Rsa } from '../crypto/rsa.js';
import { AuthorizationCheck, type MerchantIdentity } from './authorization.js';
import { answer, notFound, type Answer, type Capability, type SandboxState } from './endpoints.js';
import type { Fault, Faults } from './faults.js';
import { isLoopbackHost } from './loopback.js';
import { readUpload, type ReceivedUpload } from './upload.js';
import { isV2Path, v2Response, type V2GatewayAnswer, type V2GatewayRequest } from './v2/gateway.js';

/** Everything the core needs: who may call, which key signs answers, what state answers come from. */
export interface GatewayConfig {
  merchant: MerchantIdentity;
  /** The platform key that signs answers, and the id (`PUB_KEY_ID_…` or certificate serial) it is known by. */
  platform: { id: string; privateKey: KeyObject };
  capabilities: ReadonlySet<Capability>;
  state: SandboxState;
  faults: Faults;
  /** Extra endpoints (e.g. `/v3/certificates`), tried before the documented ones. */
  routes?: readonly Route[];
  /** The unsigned control routes under `sandbox/`, tried in order, served to loopback callers only. */
  control?: readonly ControlRoute[];
  /** Tried last, when neither the routes nor the documented endpoints serve a request (synthetic answers). */
  fallback?: Route;
  /** The APIv2 core: paths outside the APIv3 trees (`pay/micropay`) are signed the APIv2 way, and answered by it. */
  v2?: (request: V2GatewayRequest) => V2GatewayAnswer;
}

/** What else an endpoint may need of a request: its headers, and the base URL it reached (for links such as `download_url`). */
export interface RouteRequest {
  headers: Headers;
  /** The base URL the request came through, ending in `/`. */
  base: string;
  /** For a multipart upload, the form field its file came in. */
  uploadField?: string | undefined;
  /** For a multipart upload, its text fields besides `meta`. */
  uploadFields?: Record<string, string> | undefined;
}

/** An extra endpoint: an answer for an authorized request by its `path` below the base URL, or `undefined` to pass. */
export type Route = (method: string, path: string, query: URLSearchParams, body: Buffer, request: RouteRequest) => Answer | undefined;

/** A control route: `path` is below `sandbox/`; the answer goes out unsigned. */
export type ControlRoute = (method: string, path: string, body: Buffer) => Promise<Answer | undefined>;

/** How a request reached the core, when `request.url` alone does not say. */
export interface Received {
  /** The request-target (path and query) as received on the wire; the URL parser may have normalised `request.url`. */
  target?: string;
  /** The path the endpoints sit under, from the base URL; default `/`. */
  basePath?: string;
  /** Whether the caller is on the loopback interface: only then are the `sandbox/` control routes served. */
  loopback?: boolean;
}

/** Maps a request to its signed answer. */
export type GatewayFetch = (request: Request, received?: Received) => Promise<Response>;

/** How far back the `stale-timestamp` fault dates an answer: twice the five minutes a client allows. */
const STALE_SECONDS = 600;
const PROBE_PREFIX = 'WECHATPAY/SIGNTEST/';

/** Another id of the same shape, so that `wrong-serial` looks plausible yet names no key the client has. */
function otherId(id: string): string {
  return id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
}

/**
 * Signs an answer as WeChat Pay does, then lets the drawn faults spoil it. Callbacks
 * (`Sandbox.notification`) are signed by this same function.
 */
export function signed({ status, body }: Answer, platform: GatewayConfig['platform'], faults: ReadonlySet<Fault>): Response {
  const bytes = Buffer.from(body === undefined ? '' : JSON.stringify(body));
  const timestamp = Formatter.timestamp() - (faults.has('stale-timestamp') ? STALE_SECONDS : 0);
  const nonce = Formatter.nonce();
  const signature = faults.has('probe-signature')
    ? PROBE_PREFIX + randomBytes(192).toString('base64')
    : Rsa.sign(Formatter.response(timestamp, nonce, bytes), platform.privateKey);
  // A 204 cannot carry a body, so there the fault alters what else was signed: the nonce.
  const tamperNonce = faults.has('tamper-body') && body === undefined;
  const sent = faults.has('tamper-body') && !tamperNonce ? Buffer.from(JSON.stringify({ ...body, tampered: true })) : bytes;

  const headers = new Headers({ 'Request-ID': requestId() });
  if (body !== undefined) headers.set('Content-Type', 'application/json; charset=utf-8');
  if (!faults.has('missing-headers')) {
    headers.set('Wechatpay-Timestamp', String(timestamp));
    headers.set('Wechatpay-Nonce', tamperNonce ? otherId(nonce) : nonce);
    headers.set('Wechatpay-Signature', signature);
    headers.set('Wechatpay-Serial', faults.has('wrong-serial') ? otherId(platform.id) : platform.id);
  }
  return new Response(sent.length === 0 ? null : sent, { status, headers });
}

const requestId = () => randomBytes(20).toString('hex').toUpperCase();

/** An answer that WeChat Pay does not sign: a file download, or a control route's JSON. */
function unsigned({ status, body, file }: Answer): Response {
  const headers = new Headers({ 'Request-ID': requestId(), 'Content-Type': file?.contentType ?? 'application/json; charset=utf-8' });
  return new Response(file ? new Uint8Array(file.bytes) : body === undefined ? null : JSON.stringify(body), { status, headers });
}

/** Builds the core; it keeps the nonces it has seen, so make one per sandbox. */
export function createGateway(config: GatewayConfig): GatewayFetch {
  const check = new AuthorizationCheck([config.merchant]);
  const context = { mchid: config.merchant.mchid, capabilities: config.capabilities, state: config.state };
  const route = (request: Request, url: URL, base: string, path: string | undefined, body: Buffer, upload?: ReceivedUpload): Answer => {
    const { method } = request;
    const routeRequest = { headers: request.headers, base: url.origin + base, uploadField: upload?.field, uploadFields: upload?.fields };
    const extra = path === undefined ? undefined : config.routes?.map((route) => route(method, path, url.searchParams, body, routeRequest)).find(Boolean);
    const served = extra ?? (path === undefined ? undefined : answer(method, path, url.searchParams, body, context) ?? config.fallback?.(method, path, url.searchParams, body, routeRequest));
    return served ?? notFound(method, url.pathname);
  };

  return async function gateway(request, { target, basePath = '/', loopback = false } = {}) {
    const url = new URL(request.url);
    const base = basePath.endsWith('/') ? basePath : `${basePath}/`;
    const path = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : undefined;
    const body = Buffer.from(await request.arrayBuffer());
    // Control routes come before faults and the signature check: they are the test's hands, not WeChat Pay.
    // The caller's address must be loopback, and so must the Host it named: a page elsewhere that
    // rebinds its own name to 127.0.0.1 (DNS rebinding) still sends its own name as Host.
    if (loopback && config.control && path?.startsWith('sandbox/') && isLoopbackHost(request.headers.get('host') ?? url.host)) {
      for (const control of config.control) {
        const answer = await control(request.method, path.slice('sandbox/'.length), body);
        if (answer) return unsigned(answer);
      }
      return unsigned({ status: 404, body: { code: 'NOT_FOUND', message: `no such sandbox control route: ${request.method} /${path}` } });
    }
    const faults = config.faults.draw();
    if (faults.has('delay')) {
      // An aborted request (client timeout, closed socket) needs no answer: stop waiting for it.
      await sleep(config.faults.delayMs, undefined, { signal: request.signal }).catch(() => undefined);
    }
    if (faults.has('reset')) return Response.error();
    if (config.v2 && path !== undefined && isV2Path(path)) return v2Response(config.v2, request.method, path, request.headers.get('Content-Type'), body);

    // An upload is signed over its meta JSON, not over the multipart body.
    const upload = await readUpload(request.headers.get('Content-Type'), body);
    const signedBody = upload ? upload.meta : body;
    const failure = check.check({
      method: request.method,
      target: target ?? url.pathname + url.search,
      authorization: request.headers.get('Authorization'),
      body: signedBody,
    });
    const result: Answer = failure
      ? { status: 401, body: { code: 'SIGN_ERROR', ...failure } }
      : faults.has('system-error')
        ? { status: 500, body: { code: 'SYSTEM_ERROR', message: 'system error, please retry later' } }
        : upload?.problem !== undefined
          ? { status: 400, body: { code: 'PARAM_ERROR', message: upload.problem } }
          : route(request, url, base, path, signedBody, upload);
    return result.file ? unsigned(result) : signed(result, config.platform, faults);
  };
}

/**
 * The client's axios adapter: one `node:http(s)` request per attempt, doing what a WeChat Pay call
 * needs (a Buffer body, keep-alive, an abort signal, the answer capped and decompressed, a stream
 * for downloads) and none of the per-request work of axios's general adapter that such a call
 * never uses (an environment proxy lookup, redirect plumbing, per-socket keep-alive re-tuning, a
 * second header sanitisation). A call that uses anything else (a proxy, a stream body such as a
 * multipart upload, progress or rate options, a custom transport, HTTP/2, a unix socket, axios's
 * own timeout …) goes to axios's http adapter, so every axios option keeps its meaning.
 *
 * It fails the way axios's adapter fails (the same `AxiosError` codes and messages, `request.res`
 * set once the status line arrived), so `transport/codes.ts` reads both alike.
 */
import http from 'node:http';
import https from 'node:https';
import { finished, pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import axios, { AxiosError, AxiosHeaders, CanceledError, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { DecoratedConfig } from '../decorator.js';
import { urlOf } from './url.js';

const viaAxios = axios.getAdapter('http');

// Options this adapter honours, or that have no effect on a Node request of this shape (browser
// ones; sensitiveHeaders and allowedSocketPaths matter only with redirects or a socket path).
const HONOURED = new Set([
  'url', 'method', 'baseURL', 'headers', 'data', 'signal', 'responseType', 'maxContentLength', 'maxBodyLength', 'maxRedirects',
  'decompress', 'httpAgent', 'httpsAgent', 'family', 'insecureHTTPParser', 'proxy', 'validateStatus', 'timeout', 'allowAbsoluteUrls',
  'transformRequest', 'transformResponse', 'adapter', 'transitional', 'env', 'paramsSerializer', 'responseEncoding', 'timeoutErrorMessage',
  'xsrfCookieName', 'xsrfHeaderName', 'withCredentials', 'withXSRFToken', 'fetchOptions', 'redact', 'sensitiveHeaders', 'allowedSocketPaths',
  'wechatpay',
]);

/** Whether axios's own adapter must carry this request: it uses an option this one does not implement. */
function needsAxios(config: InternalAxiosRequestConfig, url: URL, proxied: ReadonlySet<string>): boolean {
  const { data, proxy, responseType, maxContentLength = -1 } = config;
  if (data !== undefined && data !== null && !Buffer.isBuffer(data) && typeof data !== 'string') return true;
  if (config.timeout || config.maxRedirects !== 0 || config.allowAbsoluteUrls === false || typeof config.validateStatus === 'function') return true;
  if (responseType !== 'arraybuffer' && responseType !== 'stream') return true;
  if (responseType === 'stream' && maxContentLength > -1) return true;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return true;
  if ((config.transitional as { advertiseZstdAcceptEncoding?: boolean } | undefined)?.advertiseZstdAcceptEncoding) return true;
  if (proxy !== false && (proxy !== undefined || proxied.has(url.protocol))) return true;
  for (const key in config) {
    if (!HONOURED.has(key) && (config as unknown as Record<string, unknown>)[key] !== undefined) return true;
  }
  return false;
}

/**
 * The protocols the environment names a proxy for, by the variables axios's proxy lookup
 * (proxy-from-env) reads: calls to them go to axios, which applies `no_proxy` and the rest.
 */
function proxiedProtocols(): ReadonlySet<string> {
  const { env } = process;
  const any = env.all_proxy || env.ALL_PROXY;
  return new Set(['http', 'https'].filter((scheme) => any || env[`${scheme}_proxy`] || env[`${scheme.toUpperCase()}_PROXY`]).map((scheme) => `${scheme}:`));
}

const ACCEPT_ENCODING = 'gzip, deflate, br';
const DECODERS: Readonly<Record<string, () => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress>> = {
  gzip: zlib.createGunzip,
  'x-gzip': zlib.createGunzip,
  deflate: zlib.createInflate,
  br: zlib.createBrotliDecompress,
};

/** Request headers as `node:http` takes them: the set ones, names as given (AxiosHeaders holds no case duplicates). */
function headersOf(config: InternalAxiosRequestConfig, body: Buffer | undefined): Record<string, string | string[]> {
  const source = config.headers as unknown as Record<string, unknown>;
  const headers: Record<string, string | string[]> = {};
  let encoding = false;
  let length = false;
  for (const name of Object.keys(source)) {
    const value = source[name];
    if (value === undefined || value === null || value === false) continue;
    headers[name] = Array.isArray(value) ? value.map(String) : String(value);
    const lower = name.toLowerCase();
    encoding ||= lower === 'accept-encoding';
    length ||= lower === 'content-length';
  }
  if (!encoding) headers['Accept-Encoding'] = ACCEPT_ENCODING;
  if (body !== undefined && !length) headers['Content-Length'] = String(body.length);
  return headers;
}

const OWN = new WeakSet<AxiosAdapter>();

/** Whether `adapter` is one {@link createAdapter} made, which keeps `wechatpay.deadline` itself. */
export function keepsDeadline(adapter: unknown): boolean {
  return OWN.has(adapter as AxiosAdapter);
}

/** The message of the error a passed deadline raises, by which `withDeadline` knows it from a socket's own ETIMEDOUT. */
export const DEADLINE_PASSED = 'the whole-call deadline passed';

/** A timeout error as axios gives one (`ETIMEDOUT`), for a call whose deadline passed. */
const timedOut = (config: InternalAxiosRequestConfig, request?: http.ClientRequest) => new AxiosError(DEADLINE_PASSED, AxiosError.ETIMEDOUT, config, request);

/**
 * A client's adapter (see the module's note); a request it cannot carry goes to axios's http
 * adapter. The environment's proxy variables are read once, here: reading `process.env` costs
 * microseconds a call, and a proxy is set before a process starts, not while it runs.
 */
export function createAdapter(): AxiosAdapter {
  const proxied = proxiedProtocols();
  const adapter: AxiosAdapter = (config) => {
    const url = urlOf(config);
    const deadline = (config as Partial<DecoratedConfig>).wechatpay?.deadline;
    return needsAxios(config, url, proxied) ? viaAxiosBy(config, deadline) : send(config, url, deadline);
  };
  OWN.add(adapter);
  return adapter;
}

/** axios's adapter, the deadline turned into an abort signal (joined to the caller's). */
async function viaAxiosBy(config: InternalAxiosRequestConfig, deadline: number | undefined): Promise<AxiosResponse> {
  if (deadline === undefined) return viaAxios(config);
  const expiry = new AbortController();
  const timer = setTimeout(() => expiry.abort(), Math.max(0, deadline - performance.now()));
  timer.unref();
  try {
    return await viaAxios({ ...config, signal: config.signal ? AbortSignal.any([expiry.signal, config.signal as AbortSignal]) : expiry.signal });
  } catch (error) {
    throw expiry.signal.aborted ? timedOut(config, (error as AxiosError).request) : error;
  } finally {
    clearTimeout(timer);
  }
}

function send(config: InternalAxiosRequestConfig, url: URL, deadline: number | undefined): Promise<AxiosResponse> {
  return new Promise<AxiosResponse>((resolve, reject) => {
    const { signal, responseType, maxContentLength = -1, maxBodyLength = -1 } = config;
    const body = config.data === undefined || config.data === null ? undefined : Buffer.isBuffer(config.data) ? config.data : Buffer.from(config.data as string);
    if (body !== undefined && maxBodyLength > -1 && body.length > maxBodyLength) {
      reject(new AxiosError('Request body larger than maxBodyLength limit', AxiosError.ERR_BAD_REQUEST, config));
      return;
    }
    if (signal?.aborted) {
      reject(new CanceledError(undefined, config));
      return;
    }
    const left = deadline === undefined ? undefined : deadline - performance.now();
    if (left !== undefined && left <= 0) {
      reject(timedOut(config));
      return;
    }
    const method = (config.method ?? 'get').toUpperCase();
    const secure = url.protocol === 'https:';
    let request: http.ClientRequest;
    let answer: Readable | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener?.('abort', onAbort);
    };
    const fail = (error: Error) => {
      if (settled) return;
      settle();
      reject(error);
    };
    function onAbort() {
      const canceled = new CanceledError(undefined, config, request);
      if (answer && settled) answer.destroy(canceled);
      fail(canceled);
      request.destroy();
    }
    try {
      request = (secure ? https : http).request({
        protocol: url.protocol,
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers: headersOf(config, body),
        agent: (secure ? config.httpsAgent : config.httpAgent) as http.Agent | undefined,
        family: config.family,
        insecureHTTPParser: Boolean(config.insecureHTTPParser),
      });
    } catch (error) {
      // node:http refuses a header value it cannot send, before any byte leaves.
      reject(AxiosError.from(error as Error, undefined, config));
      return;
    }
    signal?.addEventListener?.('abort', onAbort, { once: true });
    if (left !== undefined) {
      // The socket keeps the process alive while a call is pending; the timer need not.
      timer = setTimeout(() => {
        fail(timedOut(config, request));
        request.destroy();
      }, left);
      timer.unref();
    }
    request.on('error', (error) => fail(AxiosError.from(error, undefined, config, request)));
    request.on('response', (res) => {
      const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
      const decoder = config.decompress !== false && method !== 'HEAD' && res.statusCode !== 204 ? DECODERS[encoding] : undefined;
      if (decoder) delete res.headers['content-encoding'];
      const stream: Readable = decoder ? pipeline(res, decoder(), () => {}) : res;
      answer = stream;
      // Handed over as AxiosHeaders already: axios would otherwise build them twice from Node's
      // object (for its response transform, then for the response), each header normalised and
      // sanitised each time; Node's names are lowercase and unique, and axios still normalises
      // these once, so the headers that come out are the same.
      const headers = Object.assign(new AxiosHeaders(), res.headers);
      const response: AxiosResponse = { status: res.statusCode!, statusText: res.statusMessage ?? '', headers, config, request, data: undefined };
      if (responseType === 'stream') {
        settled = true;
        // The deadline covers a stream's headers; the caller times its body (lib/files/download.ts).
        clearTimeout(timer);
        response.data = stream;
        // The caller's signal still reaches the body until it has been read or dropped.
        finished(stream, () => signal?.removeEventListener?.('abort', onAbort));
        resolve(response);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (maxContentLength > -1 && size > maxContentLength) {
          fail(new AxiosError(`maxContentLength size of ${maxContentLength} exceeded`, AxiosError.ERR_BAD_RESPONSE, config, request));
          stream.destroy();
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', (error) => fail(AxiosError.from(error, undefined, config, request, response)));
      stream.on('end', () => {
        if (settled) return;
        if (!res.complete) {
          fail(new AxiosError('stream has been aborted', AxiosError.ERR_BAD_RESPONSE, config, request, response));
          return;
        }
        settle();
        response.data = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        resolve(response);
      });
    });
    request.end(body);
  });
}

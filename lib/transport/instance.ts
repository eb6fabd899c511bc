/**
 * The client's axios instance. axios merges the instance's defaults into every request, key by
 * key, copying objects and arrays; most of what `axios.create` puts there never changes a WeChat
 * Pay call. Those defaults are left out once here, so that every call merges only what matters.
 */
import axios, { type AxiosInstance, type CreateAxiosDefaults } from 'axios';

/**
 * Defaults that make no difference to any call of this client when absent, by the value they
 * hold. Judged by what the value does, not by whether it is axios's own, so that one set on
 * axios globally that matters is kept.
 */
const INERT: Readonly<Record<string, (value: unknown) => boolean>> = {
  // Every call carries its own deadline and sends axios no timeout of its own (lib/deadline.ts).
  timeout: () => true,
  // No limit either way.
  maxBodyLength: (value) => value === -1,
  // axios reads the XSRF cookie in a browser only.
  xsrfCookieName: () => true,
  xsrfHeaderName: () => true,
  // FormData and Blob serve browser forms and `data:` blobs, never a call of this client; a
  // caller's own fetch (for `adapter: 'fetch'`) stays.
  env: (value) => value !== null && typeof value === 'object' && Object.keys(value).every((key) => key === 'FormData' || key === 'Blob'),
  // Of axios's transitional flags only the zstd Accept-Encoding changes a call of this client; the
  // others concern transforms, socket timeouts, the order of several request interceptors and
  // basic auth, none of which it uses.
  transitional: (value) => (value as { advertiseZstdAcceptEncoding?: unknown } | undefined)?.advertiseZstdAcceptEncoding !== true,
};

/**
 * axios keeps default headers per method (`common`, `get`, `post` … twelve objects) and merges all
 * of them into every request. Unless someone set per-method headers on axios globally they hold
 * nothing but `common`, so they are folded into one flat object once: the same headers sent,
 * twelve fewer merges a call. Headers set to `undefined` (axios's `Content-Type`) are not sent
 * either way and are dropped.
 */
function flattenHeaders(defaults: Record<string, unknown>): void {
  const headers = defaults.headers as Record<string, unknown>;
  const nested = Object.entries(headers).filter(([, value]) => value !== null && typeof value === 'object') as [string, object][];
  if (nested.some(([name, value]) => name !== 'common' && Object.keys(value).length > 0)) return;
  const own = Object.entries(headers).filter(([, value]) => value === null || typeof value !== 'object');
  defaults.headers = Object.fromEntries([...Object.entries(headers.common as object), ...own].filter(([, value]) => value !== undefined));
}

/**
 * An axios instance made from `defaults`, its per-request merge kept to what a call uses.
 * `transformRequest` and `transformResponse` go too: the bytes signed are the bytes sent and
 * the bytes verified are the bytes received, so there is no transform at all (absent and `[]` do
 * the same, without an array copied twice a call); `validateStatus` goes (absent and `null` both
 * resolve every status: the response interceptor judges it).
 */
export function createInstance(defaults: CreateAxiosDefaults): AxiosInstance {
  const instance = axios.create({ ...defaults, transformRequest: [], transformResponse: [], validateStatus: null });
  const merged = instance.defaults as unknown as Record<string, unknown>;
  flattenHeaders(merged);
  for (const [key, inert] of Object.entries(INERT)) if (key in merged && inert(merged[key])) delete merged[key];
  delete merged.transformRequest;
  delete merged.transformResponse;
  delete merged.validateStatus;
  return instance;
}

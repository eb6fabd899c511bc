/**
 * The client's axios instance. axios merges the instance's defaults into every request, key by
 * key, copying objects and arrays; most of what `axios.create` puts there never changes a WeChat
 * Pay call. Those defaults are left out once here, so that every call merges only what matters.
 */
import axios, { type AxiosInstance, type CreateAxiosDefaults } from 'axios';

// Defaults that make no difference to a call of this client when absent, as long as they hold
// axios's own value: `transitional` (axios reads `config.transitional || its defaults`), `env`
// (FormData and Blob classes, for browser forms and `data:` blobs), the browser's XSRF cookie
// names, `timeout` 0 (the client keeps its own deadline; absent is no timeout too),
// `maxBodyLength` -1 (absent is no limit too).
const INERT = ['transitional', 'env', 'xsrfCookieName', 'xsrfHeaderName', 'timeout', 'maxBodyLength'] as const;

/** Whether `value` is axios's own default for `key` (an object: the same entries). */
function isAxiosDefault(key: string, value: unknown): boolean {
  const own = (axios.defaults as unknown as Record<string, unknown>)[key];
  if (value === own) return true;
  if (value === null || typeof value !== 'object' || own === null || typeof own !== 'object') return false;
  const entries = Object.entries(value);
  return entries.length === Object.keys(own).length && entries.every(([name, inner]) => (own as Record<string, unknown>)[name] === inner);
}

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
  for (const key of INERT) if (isAxiosDefault(key, merged[key])) delete merged[key];
  delete merged.transformRequest;
  delete merged.transformResponse;
  delete merged.validateStatus;
  return instance;
}

import type { AxiosRequestConfig, RawAxiosRequestHeaders, ResponseType } from 'axios';
import { ArgumentError } from './errors.js';
import { expand, variablesOf } from './template.js';
import { isUnsigned } from './verifier.js';

/** A query string's values: arrays repeat the key, `undefined` and `null` are left out. */
export type QueryValue = string | number | boolean | null | undefined;

/** Options every call takes, whatever the endpoint; unknown axios options pass through. */
export interface CallOptions extends Omit<AxiosRequestConfig, 'url' | 'method' | 'data' | 'params' | 'headers' | 'responseType' | 'transformRequest' | 'transformResponse' | 'paramsSerializer'> {
  /** Extra request headers; `Authorization` is the client's own. */
  headers?: RawAxiosRequestHeaders;
  /** How the verified body is handed over: parsed JSON (default), `text`, `arraybuffer`; `stream` only for unsigned downloads. */
  responseType?: ResponseType;
}

/** Options of an untyped call: template variables at the top level, as in wechatpay-php. */
export interface RequestOptions extends CallOptions {
  /** Serialized as `k=v&…`, RFC 3986 percent-encoded. */
  query?: Record<string, QueryValue | readonly QueryValue[]>;
  /** Serialized once with `JSON.stringify`; those bytes are signed and sent. */
  json?: unknown;
  /** Sent and signed byte for byte. */
  body?: string | Buffer;
  /** Template variables, e.g. `openid`. */
  [variable: string]: unknown;
}

/** What the decorator hands to the interceptors, beside the axios options. */
export interface WechatpayRequestMeta {
  /** The URI template the call named. */
  readonly template: string;
  /** The body format the caller asked for (the wire format is always raw bytes). */
  readonly responseType: ResponseType;
}

/** An axios request config carrying the decorator's {@link WechatpayRequestMeta}. */
export interface DecoratedConfig extends AxiosRequestConfig {
  wechatpay: WechatpayRequestMeta;
}

// axios options that would let bytes change after signing, or that the decorator owns.
const OWNED = ['url', 'method', 'data', 'params', 'paramsSerializer', 'transformRequest', 'transformResponse', 'validateStatus', 'wechatpay'];
const RESPONSE_TYPES: readonly ResponseType[] = ['json', 'text', 'arraybuffer', 'stream'];

/** `k=v&…` with RFC 3986 encoding (`%20`, never `+`), in the caller's key order. */
export function queryString(query: RequestOptions['query']): string {
  if (query === undefined) return '';
  if (query === null || typeof query !== 'object' || Array.isArray(query)) {
    throw new ArgumentError('ERR_OPTIONS', '"query" must be an object of strings, numbers or booleans');
  }
  const pairs: string[] = [];
  for (const [key, raw] of Object.entries(query)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (value === undefined || value === null) continue;
      if (!['string', 'number', 'boolean'].includes(typeof value)) {
        throw new ArgumentError('ERR_OPTIONS', `query "${key}" must be a string, number or boolean`);
      }
      pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
    }
  }
  return pairs.join('&');
}

function bodyOf(options: RequestOptions): Buffer | undefined {
  const { json, body } = options;
  if (json !== undefined && body !== undefined) {
    throw new ArgumentError('ERR_OPTIONS', 'give either "json" or "body", not both');
  }
  if (json !== undefined) {
    const text = JSON.stringify(json);
    if (text === undefined) throw new ArgumentError('ERR_OPTIONS', '"json" does not serialize to JSON');
    return Buffer.from(text);
  }
  if (body === undefined) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (Buffer.isBuffer(body)) return body;
  throw new ArgumentError('ERR_OPTIONS', '"body" must be a string or a Buffer');
}

/**
 * Turns a call's options into an axios request config: expands the template, builds the
 * query string, serializes the body once (as a Buffer, so axios sends it untouched).
 * Throws an {@link ArgumentError} on bad input, before anything is sent.
 */
export function decorate(method: string, template: string, options: RequestOptions = {}): DecoratedConfig {
  if (options === null || typeof options !== 'object') {
    throw new ArgumentError('ERR_OPTIONS', `options of ${method.toUpperCase()} ${template} must be an object`);
  }
  const owned = OWNED.find((name) => name in options);
  if (owned) {
    const hint = owned === 'data' ? ' (use "json" or "body")' : owned === 'params' ? ' (use "query")' : '';
    throw new ArgumentError('ERR_OPTIONS', `option "${owned}" is not accepted${hint}`);
  }
  const { query, json: _json, body: _body, headers, responseType = 'json', ...rest } = options;
  if (!RESPONSE_TYPES.includes(responseType)) {
    throw new ArgumentError('ERR_OPTIONS', `responseType "${responseType}" is not one of ${RESPONSE_TYPES.join(', ')}`);
  }
  const path = expand(template, rest);
  // A stream is handed over before it could be verified: only answers signed by nobody may stream.
  if (responseType === 'stream' && !isUnsigned(path)) {
    throw new ArgumentError('ERR_OPTIONS', `responseType "stream" is only for unsigned downloads, not ${template}`);
  }
  const search = queryString(query);
  const data = bodyOf(options);
  // Top-level keys that are not template variables are axios options (timeout, signal, …).
  const variables = variablesOf(template);
  const axiosOptions = Object.fromEntries(Object.entries(rest).filter(([key]) => !variables.has(key)));
  return {
    ...axiosOptions,
    method: method.toUpperCase(),
    url: search ? `${path}?${search}` : path,
    data,
    headers: { ...(data !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    // Answers arrive as raw bytes: they are verified before they are parsed.
    responseType: responseType === 'stream' ? 'stream' : 'arraybuffer',
    wechatpay: { template, responseType },
  };
}


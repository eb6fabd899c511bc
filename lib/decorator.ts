import type { AxiosRequestConfig, RawAxiosRequestHeaders, ResponseType } from 'axios';
import { ArgumentError } from './errors.js';
import type { RetryOptions } from './transport/retry.js';
import { compiledOf, expand, hasLoneSurrogate } from './template.js';
import { isUnsigned } from './verifier.js';
import { multipartOf, type PreparedUpload, type Upload } from './files/upload.js';
import { UPLOADS } from './endpoints/uploads.js';
import { checkSealed } from './crypto/sealed-fields.js';
import { SEALED_BYTES } from './crypto/sealed.js';

/** A query string's values: arrays repeat the key, `undefined` and `null` are left out. */
export type QueryValue = string | number | boolean | null | undefined;

/**
 * The axios options a call may carry: those that change how, not what, is sent. One list for the
 * type and the runtime check ({@link KNOWN_OPTIONS}); a `Pick` of known keys also keeps the
 * checker's work small, where an `Omit` of AxiosRequestConfig made it walk all of axios's keys.
 */
const AXIOS_OPTIONS = [
  'timeout', 'signal', 'baseURL', 'adapter', 'cancelToken', 'decompress', 'env', 'family', 'fetchOptions', 'httpAgent', 'httpsAgent', 'httpVersion',
  'insecureHTTPParser', 'lookup', 'maxBodyLength', 'maxContentLength', 'maxRate', 'onDownloadProgress', 'onUploadProgress',
  'proxy', 'redact', 'responseEncoding', 'sensitiveHeaders', 'socketPath', 'allowedSocketPaths',
  'timeoutErrorMessage', 'transitional', 'transport', 'withCredentials', 'withXSRFToken', 'xsrfCookieName', 'xsrfHeaderName',
] as const;

/** Options every call takes, whatever the endpoint. */
export interface CallOptions extends Pick<AxiosRequestConfig, (typeof AXIOS_OPTIONS)[number]> {
  /** Extra request headers; `Authorization` is the client's own. */
  headers?: RawAxiosRequestHeaders;
  /** How the verified body is handed over: parsed JSON (default), `text`, `arraybuffer`; `stream` only for unsigned downloads. */
  responseType?: ResponseType;
  /** This call's retry policy, laid over the client's; `false` turns retries off for it. */
  retry?: RetryOptions | boolean;
}

/** Options of an untyped call: template variables at the top level, as in wechatpay-php. */
export interface RequestOptions extends CallOptions {
  /** Serialized as `k=v&…`, RFC 3986 percent-encoded. */
  query?: Record<string, QueryValue | readonly QueryValue[]>;
  /** Serialized once with `JSON.stringify`; those bytes are signed and sent. */
  json?: unknown;
  /** Sent and signed byte for byte. */
  body?: string | Buffer;
  /** A multipart upload (media endpoints): the meta JSON is what gets signed. */
  upload?: Upload;
  /** Template variables, e.g. `openid`. */
  [variable: string]: unknown;
}

/** What the decorator hands to the interceptors, beside the axios options. */
export interface WechatpayRequestMeta {
  /** The URI template the call named. */
  readonly template: string;
  /** The body format the caller asked for (the wire format is always raw bytes). */
  readonly responseType: ResponseType;
  /** A multipart upload's body, built (file read and hashed) when the request is signed. */
  readonly multipart?: () => Promise<PreparedUpload>;
  /**
   * When the whole call must have ended (`performance.now()` ms), for the client's own adapter,
   * which keeps the deadline with a timer instead of an abort signal (lib/deadline.ts).
   */
  readonly deadline?: number;
}

/** An axios request config carrying the decorator's {@link WechatpayRequestMeta}. */
export interface DecoratedConfig extends AxiosRequestConfig {
  wechatpay: WechatpayRequestMeta;
}

// axios options that would let bytes change after signing (auth replaces the signed Authorization,
// redirects send requests nobody signed), or that the decorator owns.
const OWNED = ['url', 'method', 'data', 'params', 'paramsSerializer', 'transformRequest', 'transformResponse', 'validateStatus', 'wechatpay', 'auth', 'maxRedirects', 'beforeRedirect', 'allowAbsoluteUrls'];
/**
 * Every top-level option a call may carry besides its template's variables: ours, then the axios
 * options that change how, not what, is sent. Anything else (a typo such as `jsno`) is refused,
 * since a dropped option would send a request the caller did not mean.
 */
export const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['query', 'json', 'body', 'upload', 'headers', 'responseType', 'retry', ...AXIOS_OPTIONS]);
const RESPONSE_TYPES: readonly ResponseType[] = ['json', 'text', 'arraybuffer', 'stream'];
/** The default cap on an answer that is not a file download: 8 MB. */
export const DEFAULT_MAX_CONTENT_LENGTH = 8 * 1024 * 1024;

/** `k=v&…` with RFC 3986 encoding (`%20`, never `+`), in the caller's key order. */
export function queryString(query: RequestOptions['query']): string {
  if (query === undefined) return '';
  if (query === null || typeof query !== 'object' || Array.isArray(query)) {
    throw new ArgumentError('ERR_OPTIONS', '"query" must be an object of strings, numbers or booleans');
  }
  let out = '';
  const add = (key: string, value: unknown) => {
    if (value === undefined || value === null) return;
    const type = typeof value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean') {
      throw new ArgumentError('ERR_OPTIONS', `query "${key}" must be a string, number or boolean`);
    }
    if (hasLoneSurrogate(key) || (type === 'string' && hasLoneSurrogate(value as string))) {
      throw new ArgumentError('ERR_OPTIONS', `query "${key}" holds a lone UTF-16 surrogate, which has no UTF-8 bytes`);
    }
    out += `${out === '' ? '' : '&'}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
  };
  for (const key of Object.keys(query)) {
    const raw = (query as Record<string, unknown>)[key];
    if (Array.isArray(raw)) for (const value of raw) add(key, value);
    else add(key, raw);
  }
  return out;
}

function bodyOf(options: RequestOptions): Buffer | undefined {
  const { json, body } = options;
  if (json !== undefined && body !== undefined) {
    throw new ArgumentError('ERR_OPTIONS', 'give either "json" or "body", not both');
  }
  if (json !== undefined) {
    // WeChat Pay's bodies are objects (a few are arrays); a bare 42 or "text" is a mistake.
    if (json === null || typeof json !== 'object') throw new ArgumentError('ERR_OPTIONS', `"json" must be an object or an array, not ${json === null ? 'null' : `a ${typeof json}`}`);
    let text: string | undefined;
    try {
      text = JSON.stringify(json);
    } catch (error) {
      // A BigInt or a cycle: JSON.stringify's TypeError says which, and quotes no value.
      throw new ArgumentError('ERR_OPTIONS', `"json" does not serialize to JSON: ${(error as Error).message.split('\n')[0]}`);
    }
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
 * query string, serializes the body once (as a Buffer, so axios sends it untouched), and checks
 * that every encrypted field holds a ciphertext of `sealedBytes()` bytes (the client's WeChat Pay key).
 * Throws an {@link ArgumentError} on bad input, before anything is sent.
 */
export function decorate(method: string, template: string, options: RequestOptions = {}, sealedBytes: () => number = () => SEALED_BYTES): DecoratedConfig {
  if (options === null || typeof options !== 'object') {
    throw new ArgumentError('ERR_OPTIONS', `options of ${method.toUpperCase()} ${template} must be an object`);
  }
  const owned = OWNED.find((name) => name in options);
  if (owned) {
    const hint = owned === 'data' ? ' (use "json" or "body")' : owned === 'params' ? ' (use "query")' : '';
    throw new ArgumentError('ERR_OPTIONS', `option "${owned}" is not accepted${hint}`);
  }
  const compiled = compiledOf(template);
  const variables = compiled.names;
  const unknown = Object.keys(options).find((key) => !KNOWN_OPTIONS.has(key) && !variables.has(key));
  if (unknown !== undefined) {
    throw new ArgumentError('ERR_OPTIONS', `option "${unknown}" is neither a known option nor a variable of "${template}"`);
  }
  const { query, json: _json, body: _body, upload, headers, responseType = 'json', timeout, ...rest } = options;
  if (!RESPONSE_TYPES.includes(responseType)) {
    throw new ArgumentError('ERR_OPTIONS', `responseType "${responseType}" is not one of ${RESPONSE_TYPES.join(', ')}`);
  }
  if (timeout !== undefined) checkTimeout(timeout, 'ERR_OPTIONS', 'timeout');
  checkHeaders(headers, 'ERR_OPTIONS', 'headers');
  const path = expand(template, rest, compiled);
  const mark = path.indexOf('?');
  const download = isUnsigned(mark === -1 ? path : path.slice(0, mark));
  // A stream is handed over before it could be verified: only answers signed by nobody may stream.
  if (responseType === 'stream' && !download) {
    throw new ArgumentError('ERR_OPTIONS', `responseType "stream" is only for unsigned downloads, not ${template}`);
  }
  const search = queryString(query);
  const data = bodyOf(options);
  // Clear text where WeChat Pay wants a ciphertext (a transfer's user_name, …) never leaves. The
  // bytes about to be sent are what is read (a raw body as well), not the object they came from.
  checkSealed(template, method, () => ({ json: data === undefined ? undefined : jsonOf(data), query, meta: upload?.meta }), sealedBytes);
  if (upload !== undefined) {
    if (data !== undefined) throw new ArgumentError('ERR_OPTIONS', 'give either "upload" or "json"/"body", not both');
  }
  // A few endpoints take the file under another field (`submission_file`, `due_diligence_file`).
  const multipart = upload === undefined ? undefined : multipartOf(upload, UPLOADS[template]);
  // Built key by key: axios merges every key a config holds, so none is there for nothing (no
  // `data: undefined`, no empty `headers`).
  const request = {} as DecoratedConfig;
  // Files are as large as they are; any other answer is capped (the client's default, or this call's).
  if (download) request.maxContentLength = -1;
  // Top-level keys that are not template variables are axios options (signal, httpsAgent, …).
  for (const key of Object.keys(rest)) if (!variables.has(key)) (request as unknown as Record<string, unknown>)[key] = rest[key];
  if (timeout !== undefined) request.timeout = timeout;
  request.method = method.toUpperCase();
  // A template may hold a query already (`v3/x?a=1`): the caller's query continues it.
  request.url = search ? `${path}${mark === -1 ? '?' : '&'}${search}` : path;
  if (data !== undefined) request.data = data;
  if (data !== undefined || headers !== undefined) request.headers = { ...(data !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers };
  // Answers arrive as raw bytes: they are verified before they are parsed.
  request.responseType = responseType === 'stream' ? 'stream' : 'arraybuffer';
  request.wechatpay = multipart ? { template, responseType, multipart } : { template, responseType };
  return request;
}

/** The JSON a raw body carries, or undefined when it carries none (WeChat Pay refuses that itself). */
function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A timeout is a finite number of milliseconds, 0 meaning none. */
export function checkTimeout(timeout: unknown, code: 'ERR_OPTIONS' | 'ERR_CONFIG', field: string): void {
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0) {
    throw new ArgumentError(code, `${field} must be a finite number of milliseconds (0 for none), not ${typeof timeout === 'number' ? timeout : `a ${typeof timeout}`}`);
  }
}

// RFC 9110 field names are tokens; values hold tabs and visible bytes only: CR or LF would end a
// header early and start another, and a character beyond Latin-1 has no one byte to go out as.
// axios strips such characters silently (node:http throws): they are refused here, named, not sent.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const UNSENDABLE = /[^\t\x20-\x7e\x80-\xff]/;

/** Refuses header names that are not tokens and values holding a control character or one beyond Latin-1. */
export function checkHeaders(headers: unknown, code: 'ERR_OPTIONS' | 'ERR_CONFIG', field: string): void {
  if (headers === undefined || headers === null) return;
  if (typeof headers !== 'object' || Array.isArray(headers)) throw new ArgumentError(code, `${field} must be an object of header names and values`);
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new ArgumentError(code, `${field}: header name ${JSON.stringify(name)} is not an HTTP token`);
    for (const each of Array.isArray(value) ? value : [value]) {
      if (each !== undefined && each !== null && UNSENDABLE.test(String(each))) {
        throw new ArgumentError(code, `${field}: header "${name}" holds a control character (CR, LF, NUL …) or a character beyond Latin-1, which HTTP cannot carry as written`);
      }
    }
  }
}

import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { AxiosInstance, InternalAxiosRequestConfig } from 'axios';
import type { DecoratedConfig } from './decorator.js';
import { ArgumentError } from './errors.js';
import { Formatter } from './crypto/formatter.js';
import { Rsa } from './crypto/rsa.js';
import { fullUrl, urlOf } from './transport/url.js';
import { attachForm } from './files/upload.js';

/** What the signer needs; the private key stays in this closure, never on a config. */
export interface SignerOptions {
  mchid: string;
  /** The merchant API certificate's serial, sent as `serial_no`. */
  serial: string;
  privateKey: KeyObject;
  /** The WeChat Pay keys the client verifies with; the preferred one is named in `Wechatpay-Serial`. */
  keys: ReadonlyMap<string, KeyObject>;
}

/**
 * The WeChat Pay key a client names in `Wechatpay-Serial` and encrypts sensitive fields with:
 * a `PUB_KEY_ID_…` key when there is one (WeChat Pay is moving merchants to them), else the
 * first certificate still held. Read per request, so a key ring's rotation is followed.
 */
export function preferredKeyId(keys: ReadonlyMap<string, KeyObject>): string | undefined {
  let first: string | undefined;
  for (const id of keys.keys()) {
    if (id.startsWith('PUB_KEY_ID_')) return id;
    first ??= id;
  }
  return first;
}

/**
 * The request-target on the wire: `pathname + search` of the full URL (see {@link fullUrl}).
 * (`instance.getUri` gives the same but re-merges the whole config: 20× slower.)
 */
export function requestTarget(baseURL: string | undefined, url: string): string {
  const { pathname, search } = fullUrl(baseURL, url);
  return `${pathname}${search}`;
}

// libuv's pool runs 4 signatures at once however many cores there are; on a smaller machine a
// burst then starves the event loop. No more signatures in flight than cores: the rest queue here.
const SLOTS = Math.max(1, availableParallelism());
let busy = 0;
const queue: (() => void)[] = [];

/** A waiting signature takes the slot over; only an idle slot is given back. */
function release(): void {
  const next = queue.shift();
  if (next) next();
  else busy -= 1;
}

function held<T>(work: () => Promise<T>): Promise<T> {
  let running: Promise<T>;
  try {
    running = work();
  } catch (error) {
    release();
    return Promise.reject(error);
  }
  return running.then(
    (value) => {
      release();
      return value;
    },
    (error: unknown) => {
      release();
      throw error;
    },
  );
}

/**
 * Runs `work` (a signature) once fewer than one per core are running, and settles as it does;
 * while a slot is free, with no promise of its own in between.
 */
export function inSlot<T>(work: () => Promise<T>): Promise<T> {
  if (busy < SLOTS) {
    busy += 1;
    return held(work);
  }
  return new Promise<void>((resolve) => queue.push(resolve)).then(() => held(work));
}

/**
 * The request interceptor: signs `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n` over the
 * request-target exactly as axios will put it on the wire and the body bytes as sent.
 * The RSA work runs on libuv's thread pool, off the event loop.
 */
export function signer(instance: AxiosInstance, options: SignerOptions) {
  const { mchid, serial, privateKey, keys } = options;
  // Plain functions returning the signing's promise: an async function would add a promise and a
  // microtask at each of its layers. axios calls the interceptor inside a promise chain, so what
  // it throws rejects the call as a rejection would.
  return (config: InternalAxiosRequestConfig): Promise<InternalAxiosRequestConfig> => {
    // Options the decorator refuses (params, allowAbsoluteUrls) can still come from a user's own
    // interceptor; then axios's own, slower, URL builder decides.
    const { pathname, search } = config.params || config.allowAbsoluteUrls === false ? fullUrl(undefined, instance.getUri(config)) : urlOf(config);
    const target = `${pathname}${search}`;
    // A multipart upload is signed over its meta JSON, the bytes its `meta` part carries.
    const multipart = (config as Partial<DecoratedConfig>).wechatpay?.multipart;
    if (multipart) {
      return multipart().then(({ form, meta }) => {
        attachForm(config, form);
        return sign(config, target, meta);
      });
    }
    const { data } = config;
    // Only bytes can be signed as they are sent; anything else fails here, before the network.
    if (data !== undefined && typeof data !== 'string' && !Buffer.isBuffer(data)) {
      throw new ArgumentError('ERR_OPTIONS', 'the request body must be a string or a Buffer by the time it is signed');
    }
    return sign(config, target, data === undefined ? '' : data);
  };
  function sign(config: InternalAxiosRequestConfig, target: string, body: string | Buffer): Promise<InternalAxiosRequestConfig> {
    const nonce = Formatter.nonce();
    const timestamp = Formatter.timestamp();
    const method = config.method ?? 'GET';
    // Formatter.request's overloads answer a string for a string and a Buffer for a Buffer: narrow first.
    const message = typeof body === 'string' ? Formatter.request(method, target, timestamp, nonce, body) : Formatter.request(method, target, timestamp, nonce, body);
    return inSlot(() => Rsa.signAsync(message, privateKey)).then((signature) => {
      config.headers.set('Authorization', Formatter.authorization(mchid, nonce, signature, timestamp, serial));
      // A caller who encrypted under a key of their choosing names it themselves; else the preferred
      // key (none only while a key ring makes its first download).
      const platformSerial = config.headers.has('Wechatpay-Serial') ? undefined : preferredKeyId(keys);
      if (platformSerial) config.headers.set('Wechatpay-Serial', platformSerial);
      return config;
    });
  }
}

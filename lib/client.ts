import type { KeyObject } from 'node:crypto';
import axios, { type AxiosInstance, type CreateAxiosDefaults } from 'axios';
import { createChain, type Dispatch } from './chain.js';
import { checkHeaders, checkTimeout, decorate, DEFAULT_MAX_CONTENT_LENGTH, type DecoratedConfig, type RequestOptions } from './decorator.js';
import { checkHosts, routeOf } from './hosts.js';
import { withDeadline } from './deadline.js';
import { createAdapter } from './transport/adapter.js';
import { createInstance } from './transport/instance.js';
import { attempter } from './transport/attempts.js';
import type { Hooks } from './transport/hooks.js';
import { retryPolicyOf, type RetryOptions } from './transport/retry.js';
import { ArgumentError, WechatpayError } from './errors.js';
import { Rsa } from './crypto/rsa.js';
import { SEALED_BYTES, type Sealed } from './crypto/sealed.js';
import { KeyRing } from './keyring.js';
import { preferredKeyId, signer } from './signer.js';
import { verifier } from './verifier.js';
import { downloader, type Download } from './files/download.js';
import type { WechatpayClient } from './types.js';
import { isV2, isV2Only, v2Decorator, type V2Config } from './v2/client.js';

/** Anything `Rsa.from` loads: a `KeyObject`, PEM, `file://` path, prefixed base64, PKCS#12. */
export type KeyInput = Parameters<typeof Rsa.from>[0];

/**
 * What both configurations hold besides their keys: axios defaults, hosts, retries, hooks, the
 * APIv2 options. Written as a base interface rather than an `Omit` of `WechatpayConfig`: a mapped
 * type there made every `Builder.factory(config)` call resolve it, the costliest check in a
 * consumer's first call (bench/results/types.md).
 */
export interface ClientOptions extends Omit<CreateAxiosDefaults, 'headers' | 'transformRequest' | 'transformResponse' | 'validateStatus' | 'responseType' | 'params' | 'data'>, V2Config {
  /** Default `https://api.mch.weixin.qq.com/`. */
  baseURL?: string;
  /**
   * Where other WeChat Pay hosts are reached, by host name: operations served elsewhere (the
   * `v3/global/…` and `global/v3/customs/…` families and the overseas payscore on
   * `apihk.mch.weixin.qq.com`, a few APIv2 ones) go to their own host by default, or to the URL
   * given here.
   */
  hosts?: Record<string, string>;
  /** Extra default headers. */
  headers?: Record<string, string>;
  /** Retries (off by default): `{ attempts, minDelay, maxDelay, methods }`, or `true` for the defaults. */
  retry?: RetryOptions | boolean;
  /** A second host (e.g. `https://api2.mch.weixin.qq.com/`) for the next attempt when `baseURL` cannot be reached. */
  backupBaseURL?: string;
  /** Told of every attempt: method, template, URL without query values, status, Request-ID, attempt, ms. */
  hooks?: Hooks;
}

/** The configuration of a client (see `Builder.factory`). */
export interface WechatpayConfig extends ClientOptions {
  /** The merchant id (商户号). */
  mchid: string;
  /** The serial number of the merchant API certificate (商户API证书序列号). */
  serial: string;
  /** The merchant API private key (`apiclient_key.pem`). */
  privateKey: KeyInput;
  /**
   * Every key that may sign an answer: platform certificate serials and `PUB_KEY_ID_…` ids; or a
   * {@link KeyRing}, which downloads platform certificates and learns new ones as answers name them.
   */
  certs: Record<string, KeyInput> | KeyRing;
}

/** A client for APIv2 only: the APIv2 key, no APIv3 keys (a `v3/…` call then fails with `ERR_CONFIG`). */
export interface WechatpayV2Config extends ClientOptions {
  /** The merchant id; when given, `mch_id` in `xml` must equal it. */
  mchid?: string;
  /** The APIv2 key (API密钥). */
  secret: string;
  serial?: undefined;
  privateKey?: undefined;
  certs?: undefined;
}

const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com/';

function keyOf(field: string, input: unknown, type: typeof Rsa.KEY_TYPE_PRIVATE | typeof Rsa.KEY_TYPE_PUBLIC): KeyObject {
  if (input === undefined || input === null || input === '') throw new ArgumentError('ERR_CONFIG', `config.${field} is missing`);
  try {
    return Rsa.from(input as KeyInput, type);
  } catch (error) {
    const reason = error instanceof WechatpayError ? error.message : 'it does not parse';
    throw new ArgumentError('ERR_CONFIG', `config.${field} is not a usable ${type} key: ${reason}`);
  }
}

// These go into the Authorization header between quotes (mchid, serial) or into Wechatpay-Serial
// (key ids): a quote, comma, CR or LF would add or split a field.
const UNSAFE = /["\r\n,\0]/;

function safeId(value: string, field: string): string {
  if (UNSAFE.test(value)) throw new ArgumentError('ERR_CONFIG', `config.${field} holds a quote, comma, CR, LF or NUL, which would change the Authorization header`);
  return value;
}

function requireString(config: Record<string, unknown>, field: string): string {
  const value = config[field];
  if (typeof value !== 'string' || value.trim() === '') throw new ArgumentError('ERR_CONFIG', `config.${field} is missing or not a string`);
  return safeId(value, field);
}

/** A base URL is absolute http(s): `api.mch.weixin.qq.com` alone would be taken as a path. */
function checkBaseURL(value: unknown, field: string): void {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ArgumentError('ERR_CONFIG', `${field} must be an absolute http(s) URL such as https://api.mch.weixin.qq.com/`);
  }
}

/** A key ring's live keys: the client follows them as they rotate. */
function ringOf(ring: KeyRing, serial: string) {
  if (ring.keys.size === 0) throw new ArgumentError('ERR_CONFIG', 'config.certs is a KeyRing that holds no key yet: make it with `await KeyRing.create(…)`');
  if (ring.keys.has(serial)) throw new ArgumentError('ERR_CONFIG', `config.certs holds the merchant's own serial ${serial}: certs are WeChat Pay's keys, not the merchant's`);
  return { keys: ring.keys, ring };
}

/** Checks a configuration and loads its keys into `KeyObject`s, once. */
function load(config: WechatpayConfig) {
  if (config === null || typeof config !== 'object') throw new ArgumentError('ERR_CONFIG', 'config must be an object');
  const mchid = requireString(config as unknown as Record<string, unknown>, 'mchid');
  const serial = requireString(config as unknown as Record<string, unknown>, 'serial');
  const privateKey = keyOf('privateKey', config.privateKey, Rsa.KEY_TYPE_PRIVATE);
  const { certs } = config;
  if (KeyRing.is(certs)) return { mchid, serial, privateKey, ...ringOf(certs, serial) };
  if (certs === null || typeof certs !== 'object' || Object.keys(certs).length === 0) {
    throw new ArgumentError('ERR_CONFIG', 'config.certs must name at least one WeChat Pay key (platform certificate serial or PUB_KEY_ID_…)');
  }
  if (serial in certs) {
    throw new ArgumentError('ERR_CONFIG', `config.certs holds the merchant's own serial ${serial}: certs are WeChat Pay's keys, not the merchant's`);
  }
  const keys = new Map(Object.entries(certs).map(([id, input]) => [safeId(id, 'certs key'), keyOf(`certs["${id}"]`, input, Rsa.KEY_TYPE_PUBLIC)] as const));
  return { mchid, serial, privateKey, keys, ring: undefined };
}

const VERSION = '0.1.0';
/** The default timeout of a whole call, answer body included: 10 s. */
export const DEFAULT_TIMEOUT = 10_000;

/**
 * Makes a client. Throws an {@link ArgumentError} (`ERR_CONFIG`) at once on a bad config.
 * Keys live in this closure and in the interceptors, never on axios's config.
 */
function createClient(config: WechatpayConfig | WechatpayV2Config): WechatpayClient {
  if (config === null || typeof config !== 'object') throw new ArgumentError('ERR_CONFIG', 'config must be an object');
  const v3 = isV2Only(config) ? undefined : load(config as WechatpayConfig);
  const { mchid: _m, serial: _s, privateKey: _p, certs: _c, secret: _k, merchant: _t, headers, hosts: hostsInput, baseURL = DEFAULT_BASE_URL, timeout = DEFAULT_TIMEOUT, maxContentLength = DEFAULT_MAX_CONTENT_LENGTH, retry, backupBaseURL, hooks, ...axiosDefaults } = config;
  const mchid = v3?.mchid ?? (config.mchid === undefined ? undefined : requireString(config as unknown as Record<string, unknown>, 'mchid'));
  checkTimeout(timeout, 'ERR_CONFIG', 'config.timeout');
  checkBaseURL(baseURL, 'config.baseURL');
  if (backupBaseURL !== undefined) checkBaseURL(backupBaseURL, 'config.backupBaseURL');
  if (hooks !== undefined && (hooks === null || typeof hooks !== 'object')) throw new ArgumentError('ERR_CONFIG', 'config.hooks must be an object { request, response, error }');
  checkHeaders(headers, 'ERR_CONFIG', 'config.headers');
  const hosts = checkHosts(hostsInput);
  const defaults: CreateAxiosDefaults = {
    // A lean node:http adapter; any call it cannot carry goes to axios's own (lib/transport/adapter.ts).
    adapter: createAdapter(),
    ...axiosDefaults,
    baseURL,
    maxContentLength,
    // Redirects would send a request nobody signed for; WeChat Pay does not redirect.
    maxRedirects: 0,
    headers: {
      Accept: 'application/json',
      'User-Agent': `wechatpay-ts/${VERSION} axios/${axios.VERSION} node/${process.versions.node} (${process.platform}; ${process.arch})`,
      ...headers,
    },
  };
  const policy = retryPolicyOf(retry, 'ERR_CONFIG', 'config.retry');
  const sender = (instance: AxiosInstance) => attempter({ instance, timeout, baseURL, backupBaseURL, retry: policy, hooks });
  /** Routes a call to its host, decorates it (throwing before anything is sent), and sends it. */
  const dispatcher =
    (send: ReturnType<typeof attempter>, decorator: (method: string, template: string, options?: RequestOptions) => DecoratedConfig): Dispatch =>
    (method, template, options) => {
      try {
        const route = routeOf(template, hosts);
        const request = decorator(method, route.template, options);
        // Another host's operation goes there (and never fails over), unless the call names its own baseURL.
        if (route.baseURL !== undefined && !(options && 'baseURL' in options)) request.baseURL = route.baseURL;
        return send(request);
      } catch (error) {
        return Promise.reject(error);
      }
    };

  const { onFulfilled, onRejected } = verifier(v3?.keys ?? new Map());
  // APIv2 calls go through an instance of their own: no RSA signer, their own answer check.
  const v2Instance = createInstance(defaults);
  const dispatchV2 = dispatcher(sender(v2Instance), v2Decorator({ ...config, mchid }, v2Instance, onRejected));
  const noV3 = () => new ArgumentError('ERR_CONFIG', 'this client has no APIv3 keys (serial, privateKey, certs): only v2/… calls are possible');
  let dispatchV3: Dispatch = () => Promise.reject(noV3());
  let encrypt = (_text: string): Sealed => {
    throw noV3();
  };
  let decrypt = (_value: string): string => {
    throw noV3();
  };
  let download = (() => Promise.reject(noV3())) as Download;
  if (v3) {
    const { serial, privateKey, keys, ring } = v3;
    const instance = createInstance(defaults);
    instance.interceptors.request.use(signer(instance, { mchid: v3.mchid, serial, privateKey, keys }));
    // With a key ring, an answer naming an unknown serial may trigger one (rate-limited) download and a second try.
    instance.interceptors.response.use(ring ? (response) => ring.verifying(() => onFulfilled(response)) : onFulfilled, onRejected);
    // Encrypted fields must hold ciphertexts the size of the key `encrypt` uses.
    const sealedBytes = () => Math.floor((keys.get(preferredKeyId(keys) ?? '')?.asymmetricKeyDetails?.modulusLength ?? SEALED_BYTES * 8) / 8);
    dispatchV3 = dispatcher(sender(instance), (method, template, options) => decorate(method, template, options, sealedBytes));
    // `encrypt` uses the key `Wechatpay-Serial` names on every request (preferredKeyId), so the two always match.
    encrypt = (text: string): Sealed => {
      const id = preferredKeyId(keys);
      if (id === undefined) throw new ArgumentError('ERR_CONFIG', 'no WeChat Pay key is held: every configured certificate has expired');
      return Rsa.encrypt(text, keys.get(id)!);
    };
    // Answers' encrypted fields are sealed under the merchant's own key, which signs every request.
    decrypt = (value: string): string => Rsa.decrypt(value, privateKey);
    // A download URL may point at either origin.
    download = downloader({
      baseURLs: [baseURL, backupBaseURL],
      timeout,
      send: (request, defaultTimeout) => withDeadline(instance, request, defaultTimeout),
      privateKey,
    });
  }
  const dispatch: Dispatch = (method, template, options) => (isV2(template) ? dispatchV2(method, template, options) : dispatchV3(method, template, options));
  return createChain(dispatch, `[Wechatpay mchid=${mchid ?? '-'} ${baseURL}]`, undefined, { encrypt, decrypt, download }) as WechatpayClient;
}

/** The client class, for those coming from wechatpay-axios-plugin: `new Wechatpay(config)`. */
export const Wechatpay = function Wechatpay(this: unknown, config: WechatpayConfig | WechatpayV2Config) {
  return createClient(config);
} as unknown as new (config: WechatpayConfig | WechatpayV2Config) => WechatpayClient;

/** Builds clients, as wechatpay-php's `Builder::factory`. */
export const Builder = {
  /** Makes a client from a config; throws `ERR_CONFIG` on a bad one. */
  factory: createClient,
};

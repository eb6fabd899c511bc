import type { KeyObject } from 'node:crypto';
import type { AxiosInstance, InternalAxiosRequestConfig } from 'axios';
import { ArgumentError } from './errors.js';
import { Formatter } from './crypto/formatter.js';
import { Rsa } from './crypto/rsa.js';

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
 * The request interceptor: signs `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n` over the
 * request-target exactly as axios will put it on the wire and the body bytes as sent.
 * The RSA work runs on libuv's thread pool, off the event loop.
 */
export function signer(instance: AxiosInstance, options: SignerOptions) {
  const { mchid, serial, privateKey, keys } = options;
  return async (config: InternalAxiosRequestConfig): Promise<InternalAxiosRequestConfig> => {
    // axios's http adapter sends `pathname + search` of the WHATWG-parsed full URL: sign the same.
    const { pathname, search } = new URL(instance.getUri(config));
    const { data } = config;
    // Only bytes can be signed as they are sent; anything else fails here, before the network.
    if (data !== undefined && typeof data !== 'string' && !Buffer.isBuffer(data)) {
      throw new ArgumentError('ERR_OPTIONS', 'the request body must be a string or a Buffer by the time it is signed');
    }
    const body = data === undefined ? '' : data;
    const nonce = Formatter.nonce();
    const timestamp = Formatter.timestamp();
    const signature = await Rsa.signAsync(Formatter.request(config.method ?? 'GET', `${pathname}${search}`, timestamp, nonce, body), privateKey);
    config.headers.set('Authorization', Formatter.authorization(mchid, nonce, signature, timestamp, serial));
    // A caller who encrypted under a key of their choosing names it themselves; else the preferred
    // key (none only while a key ring makes its first download).
    const platformSerial = config.headers.has('Wechatpay-Serial') ? undefined : preferredKeyId(keys);
    if (platformSerial) config.headers.set('Wechatpay-Serial', platformSerial);
    return config;
  };
}

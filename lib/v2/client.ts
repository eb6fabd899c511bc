/**
 * The APIv2 side of a client: its own axios instance (no RSA signer, no APIv3 verifier), the
 * APIv2 key, and the mutual-TLS agent for `security: true` calls. Sending (retries, backup
 * host, hooks, the whole-call deadline) is the client's, shared with APIv3.
 */
import type { Agent } from 'node:https';
import type { AxiosInstance } from 'axios';
import type { RequestOptions } from '../decorator.js';
import { ArgumentError } from '../errors.js';
import { attachForm } from '../files/upload.js';
import { v2Answer } from './answer.js';
import { decorateV2, type V2DecoratedConfig, type V2Options } from './request.js';
import { merchantAgent, type MerchantTls } from './tls.js';

/** The APIv2 fields of a client's configuration. */
export interface V2Config {
  /** The APIv2 key (API密钥), for MD5 and HMAC-SHA256 signs. Kept in a closure, never shown. */
  secret?: string;
  /** The merchant API certificate for `security: true` calls: `{ cert, key }` (PEM, `file://`) or `{ pfx, passphrase }`. */
  merchant?: MerchantTls;
}

const V3_FIELDS = ['serial', 'privateKey', 'certs'] as const;

/** Whether `config` is for APIv2 only: an APIv2 key and none of the APIv3 key fields. */
export function isV2Only(config: object & V2Config): boolean {
  return config.secret !== undefined && V3_FIELDS.every((field) => (config as Record<string, unknown>)[field] === undefined);
}

/** Whether a template goes the APIv2 way. */
export function isV2(template: string): boolean {
  return template.startsWith('v2/');
}

/**
 * Prepares `instance` (a bare axios instance with the client's defaults) for APIv2 answers and
 * returns the decorator of `v2/…` calls. `httpsAgent` is the client's own, whose options the
 * mutual-TLS agent extends.
 *
 * @throws ArgumentError `ERR_CONFIG` at once for a `secret` that is not a non-empty string or a `merchant` that does not load.
 */
export function v2Decorator(config: V2Config & { mchid?: string | undefined; httpsAgent?: Agent | undefined }, instance: AxiosInstance, onRejected: (error: unknown) => never) {
  const { secret, merchant, mchid, httpsAgent } = config;
  if (secret !== undefined && (typeof secret !== 'string' || secret.trim() === '')) throw new ArgumentError('ERR_CONFIG', 'config.secret (the APIv2 key) must be a non-empty string');
  const agent = merchant === undefined ? undefined : merchantAgent(merchant, httpsAgent);
  if (secret !== undefined) instance.interceptors.response.use(v2Answer(secret), onRejected);
  // An upload's form is built as the request goes out (each attempt gets a fresh one over the same
  // bytes); other calls skip the interceptor, and with it axios's asynchronous interceptor path.
  const formOf = (request: object) => (request as Partial<V2DecoratedConfig>).wechatpay?.form;
  instance.interceptors.request.use(
    async (request) => {
      attachForm(request, await formOf(request)!());
      return request;
    },
    undefined,
    { runWhen: (request) => formOf(request) !== undefined },
  );

  /** @throws ArgumentError before anything is sent. */
  return (method: string, template: string, options: RequestOptions & V2Options = {}): V2DecoratedConfig => {
    if (secret === undefined) throw new ArgumentError('ERR_CONFIG', `config.secret (the APIv2 key) is missing: ${template} is an APIv2 call`);
    const security = options?.security;
    if (security !== undefined && typeof security !== 'boolean') throw new ArgumentError('ERR_OPTIONS', '"security" must be true or false');
    if (security && agent === undefined) throw new ArgumentError('ERR_CONFIG', 'config.merchant is missing: "security: true" calls need the merchant API certificate and key');
    const decorated = decorateV2(method, template, options, { mchid, secret });
    return security ? { ...decorated, httpsAgent: agent } : decorated;
  };
}

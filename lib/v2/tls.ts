/**
 * Mutual TLS for APIv2's `security: true` calls (refunds, red packets, transfers, …): the merchant
 * API certificate and key, loaded and checked once, held only inside a native `SecureContext`.
 */
import { readFileSync } from 'node:fs';
import { Agent, type AgentOptions } from 'node:https';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { Rsa, filePathOf } from '../crypto/rsa.js';
import { ArgumentError, WechatpayError } from '../errors.js';

/** PEM text, its bytes, or a `file://` path to it. */
export type PemInput = string | Buffer;

/** The merchant API certificate and its key (`apiclient_cert.pem`, `apiclient_key.pem`). */
export interface MerchantPem {
  /** The certificate: PEM, a Buffer of it, or `file://` path. */
  cert: PemInput;
  /** The private key: anything `Rsa.from` takes (PEM, `file://`, KeyObject, encrypted PKCS#8 with `passphrase`). */
  key: Parameters<typeof Rsa.from>[0];
  /** The key's passphrase, when it is encrypted. */
  passphrase?: string;
  /** CAs to trust instead of Node's (tests against a local gateway). */
  ca?: PemInput | PemInput[];
}

/** The merchant API certificate as PKCS#12 (`apiclient_cert.p12`). */
export interface MerchantPkcs12 {
  /** The PKCS#12 bytes or a `file://` path to them. */
  pfx: PemInput;
  /** Its password (WeChat Pay sets it to the merchant id). */
  passphrase?: string;
  /** CAs to trust instead of Node's (tests against a local gateway). */
  ca?: PemInput | PemInput[];
}

/** The merchant side of mutual TLS: `{ cert, key }` or `{ pfx, passphrase }`. */
export type MerchantTls = MerchantPem | MerchantPkcs12;

function bytesOf(input: unknown, field: string): Buffer {
  if (Buffer.isBuffer(input)) return input;
  if (typeof input !== 'string' || input.trim() === '') throw new ArgumentError('ERR_CONFIG', `config.merchant.${field} is missing`);
  const text = input.trim();
  if (!text.startsWith('file://')) return Buffer.from(text);
  try {
    return readFileSync(filePathOf(text));
  } catch {
    // The path is not quoted: a PEM pasted after `file://` by mistake must not be printed.
    throw new ArgumentError('ERR_CONFIG', `config.merchant.${field} names a file that cannot be read`);
  }
}

/** The TLS material of `merchant`, read and checked (does it load, do certificate and key match). */
function materialOf(merchant: MerchantTls): SecureContextOptions {
  if (merchant === null || typeof merchant !== 'object') throw new ArgumentError('ERR_CONFIG', 'config.merchant must be { cert, key } or { pfx, passphrase }');
  const ca = merchant.ca === undefined ? {} : { ca: (Array.isArray(merchant.ca) ? merchant.ca : [merchant.ca]).map((each) => bytesOf(each, 'ca')) };
  if ('pfx' in merchant && merchant.pfx !== undefined) {
    return { pfx: bytesOf(merchant.pfx, 'pfx'), ...(merchant.passphrase !== undefined ? { passphrase: merchant.passphrase } : {}), ...ca };
  }
  const { cert, key, passphrase } = merchant as MerchantPem;
  let privateKey: string;
  try {
    privateKey = Rsa.from(key, Rsa.KEY_TYPE_PRIVATE, passphrase).export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch (error) {
    throw new ArgumentError('ERR_CONFIG', `config.merchant.key is not a usable private key: ${error instanceof WechatpayError ? error.message : 'it does not parse'}`);
  }
  return { cert: bytesOf(cert, 'cert'), key: privateKey, ...ca };
}

/**
 * The agent `security: true` calls go through: the options of `base` (the client's `httpsAgent`,
 * if any) plus the merchant certificate. Server trust stays Node's (`NODE_EXTRA_CA_CERTS` works)
 * unless `merchant.ca` or `base`'s `ca` says otherwise.
 *
 * @throws ArgumentError `ERR_CONFIG` when the material does not load or certificate and key do not match; the message quotes none of it.
 */
export function merchantAgent(merchant: MerchantTls, base?: Agent): Agent {
  const options: AgentOptions = { ...(base?.options ?? {}) };
  let secureContext: SecureContext;
  try {
    secureContext = createSecureContext({ ...options, ...materialOf(merchant) });
  } catch (error) {
    if (error instanceof ArgumentError) throw error;
    // OpenSSL's reason (bad decrypt, key values mismatch, unsupported) names no secret.
    const reason = (error as { reason?: unknown }).reason ?? (error as Error).message;
    throw new ArgumentError('ERR_CONFIG', `config.merchant does not load as a TLS certificate and key: ${String(reason)}`);
  }
  // The context carries certificate, key and trust; the agent's own options keep no key material.
  for (const field of ['cert', 'key', 'pfx', 'passphrase', 'ca'] as const) delete options[field];
  return new Agent({ ...options, secureContext });
}

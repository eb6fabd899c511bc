/**
 * Signed, encrypted callbacks (回调通知) as WeChat Pay POSTs them, for testing a merchant's
 * callback handler offline. The envelope is signed by the gateway's own answer signer, so the
 * fault switches that spoil answers spoil callbacks the same way.
 */
import { randomUUID } from 'node:crypto';
import { AesGcm } from '../crypto/aes-gcm.js';
import { Formatter } from '../crypto/formatter.js';
import { beijingTime } from './beijing-time.js';
import type { Fault } from './faults.js';
import { signed, type GatewayConfig } from './gateway.js';

/** An event to send; only `event_type` and `resource` are needed, the rest has WeChat Pay's defaults. */
export interface SandboxEvent {
  /** E.g. `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, `MCHTRANSFER.BILL.FINISHED`. */
  event_type: string;
  /** The plaintext of `resource`: an object (sent as JSON) or text. */
  resource: object | string;
  /** Default a random UUID. */
  id?: string;
  /** Default now, in `+08:00`. */
  create_time?: string;
  /** Default `encrypt-resource`. */
  resource_type?: string;
  /** Default `支付成功`. */
  summary?: string;
  /** `resource.original_type`; default `transaction`. */
  original_type?: string;
  /** `resource.associated_data`; default `transaction`; `null` leaves the field out. */
  associated_data?: string | null;
  /** `resource.algorithm`; default `AEAD_AES_256_GCM` (set another to test refusal). */
  algorithm?: string;
}

/** How to spoil a callback on purpose. */
export interface SandboxEventOptions {
  /** Answer faults applied to this callback: `tamper-body`, `wrong-serial`, `stale-timestamp`, `missing-headers`, `probe-signature`. */
  faults?: readonly Fault[];
  /** Encrypt with this key instead of the sandbox's APIv3 key (a merchant with the wrong key). */
  apiv3Key?: string | Buffer;
}

/** A callback as it arrives: the raw body and the headers to POST with it. */
export interface SandboxNotification {
  body: string;
  headers: Record<string, string>;
}

/** Builds one signed, encrypted callback. */
export async function notificationOf(
  event: SandboxEvent,
  platform: GatewayConfig['platform'],
  apiv3Key: string | Buffer,
  options: SandboxEventOptions = {},
): Promise<SandboxNotification> {
  if (!event || typeof event.event_type !== 'string' || event.resource === undefined) {
    throw new TypeError('a sandbox event needs event_type and resource');
  }
  const plaintext = typeof event.resource === 'string' ? event.resource : JSON.stringify(event.resource);
  const nonce = Formatter.nonce(12);
  const aad = event.associated_data === undefined ? 'transaction' : event.associated_data;
  const envelope = {
    id: event.id ?? randomUUID(),
    create_time: event.create_time ?? beijingTime(new Date()),
    resource_type: event.resource_type ?? 'encrypt-resource',
    event_type: event.event_type,
    summary: event.summary ?? '支付成功',
    resource: {
      original_type: event.original_type ?? 'transaction',
      algorithm: event.algorithm ?? 'AEAD_AES_256_GCM',
      ciphertext: AesGcm.encrypt(plaintext, options.apiv3Key ?? apiv3Key, nonce, aad ?? ''),
      ...(aad === null ? {} : { associated_data: aad }),
      nonce,
    },
  };
  const response = signed({ status: 200, body: envelope }, platform, new Set(options.faults ?? []));
  const headers: Record<string, string> = { 'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048' };
  response.headers.forEach((value, name) => {
    // A callback is a request: it carries no Request-ID of its own.
    if (name !== 'request-id') headers[name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())] = value;
  });
  return { body: await response.text(), headers };
}

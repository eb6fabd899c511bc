/**
 * Callbacks (回调通知): WeChat Pay POSTs a signed JSON envelope whose `resource` is encrypted
 * with the merchant's APIv3 key. A callback is verified exactly as an answer is (the same
 * {@link verifySigned}), then decrypted with {@link AesGcm.decrypt}.
 */
import type { KeyObject } from 'node:crypto';
import { AesGcm } from './crypto/aes-gcm.js';
import { Rsa, type RsaKeyLike } from './crypto/rsa.js';
import { ArgumentError, VerificationError, WechatpayError } from './errors.js';
import { KeyRing } from './keyring.js';
import { headerOf, verifySigned, type HeaderSource } from './verifier.js';
import type { NotificationEvent, WechatpayEvent } from './events.js';
import { readV2Notification, v2ReplyBody } from './v2/notification.js';
import type { XmlFields } from './v2/xml.js';

/** The one algorithm WeChat Pay encrypts callbacks and certificates with. */
const ALGORITHM = 'AEAD_AES_256_GCM';

/**
 * Codes of callback failures besides the {@link VerificationError} ones (`ERR_RESPONSE_HEADERS`,
 * `ERR_RESPONSE_TIMESTAMP`, `ERR_RESPONSE_SERIAL`, `ERR_RESPONSE_SIGNATURE`, `ERR_SIGNATURE_PROBE`):
 * `ERR_NOTIFICATION` (the body is not a callback envelope), `ERR_ALGORITHM` (not AEAD_AES_256_GCM),
 * `ERR_DECRYPT` (wrong APIv3 key, altered or cut ciphertext or tag).
 */
export type NotificationErrorCode = 'ERR_NOTIFICATION' | 'ERR_ALGORITHM' | 'ERR_DECRYPT';

export type { NotificationEvent } from './events.js';

/** Options of {@link Notifications}: the APIv3 fields, the APIv2 `secret`, or both. */
export interface NotificationOptions {
  /** The APIv3 key (32 bytes). Kept in a private field; never shown in a message. */
  apiv3Key?: string | Buffer;
  /** WeChat Pay keys by id, as the client's `certs`; or a {@link KeyRing}, which learns new certificates. */
  certs?: Record<string, RsaKeyLike> | KeyRing;
  /** The APIv2 key, for {@link Notifications.v2} and {@link Notifications.handlerV2}. Kept in a private field. */
  secret?: string;
}

/** A reply to WeChat Pay: write `status`, `headers` and `body` as they are. */
export interface NotificationReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The request side of a callback handler: node:http's `IncomingMessage`, or Express's `req` (then `body` is set). */
export interface CallbackRequest extends AsyncIterable<unknown> {
  headers: HeaderSource;
  /** Set by body parsers: it must be the raw bytes (`express.raw`), a parsed object cannot be verified. */
  body?: unknown;
  readableEnded?: boolean;
}

/** The response side: node:http's `ServerResponse`, which Express's `res` extends. */
export interface CallbackResponse {
  writeHead(status: number, headers?: Record<string, string>): unknown;
  end(body?: string): unknown;
}

/** Options of {@link Notifications.handler}. */
export interface CallbackHandlerOptions {
  /** Told of every failed callback (verification, decryption, or your `onEvent` throwing), for logging. */
  onError?: (error: unknown) => void;
}

const malformed = (message: string) => new WechatpayError('ERR_NOTIFICATION', `callback: ${message}`);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Raw body bytes, refusing anything a body parser already turned into an object. */
function bytesOf(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  throw new ArgumentError('ERR_ARGUMENT', 'callback: the body must be the raw string or Buffer as received (with Express, mount express.raw({ type: "application/json" }), not express.json())');
}

async function readAll(request: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

/**
 * Verifies and decrypts WeChat Pay callbacks, and makes the replies it expects.
 *
 * ```ts
 * const notifications = new Notifications({ apiv3Key, certs });   // certs as the client's, or a KeyRing
 * const event = await notifications.verify(rawBody, req.headers); // string or Buffer, exactly as received
 * ```
 *
 * With node:http, `notifications.handler(onEvent)` is the whole request listener. With Express,
 * mount it behind the raw body parser, since verification needs the bytes as sent:
 *
 * ```ts
 * app.post('/notify', express.raw({ type: 'application/json' }), notifications.handler(async (event) => {
 *   if (event.event_type === 'TRANSACTION.SUCCESS') await markPaid(event.resource.out_trade_no);
 * }));
 * ```
 *
 * A body already parsed by `express.json()` cannot be verified (re-serialising changes bytes):
 * the handler answers 500 and reports an `ERR_ARGUMENT` to `onError`.
 */
export class Notifications {
  /** The reply for a callback handled: `204 No Content`, no body. */
  static success(): NotificationReply {
    return { status: 204, headers: {}, body: '' };
  }

  /** The reply for a callback not handled (WeChat Pay will retry it): a 4xx/5xx with `{"code":"FAIL","message":…}`. */
  static failure(message: string, status = 500): NotificationReply {
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new ArgumentError('ERR_ARGUMENT', 'Notifications.failure: status must be 4xx or 5xx');
    return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: 'FAIL', message: String(message) }) };
  }

  /** Writes a reply to a node:http `ServerResponse` or an Express `res`. */
  static send(res: CallbackResponse, reply: NotificationReply): void {
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  }

  readonly #apiv3Key: Buffer | undefined;
  readonly #keys: ReadonlyMap<string, KeyObject> = new Map();
  readonly #ring: KeyRing | undefined;
  readonly #secret: string | undefined;

  /**
   * @throws ArgumentError `ERR_CONFIG` for an APIv3 key that is not 32 bytes, no usable WeChat Pay key,
   * or an APIv2 `secret` that is not a non-empty string. With only `secret`, the APIv3 fields may be left out.
   */
  constructor(options: NotificationOptions) {
    const { apiv3Key, certs, secret } = options ?? ({} as NotificationOptions);
    if (secret !== undefined && (typeof secret !== 'string' || secret === '')) throw new ArgumentError('ERR_CONFIG', 'Notifications: secret (the APIv2 key) must be a non-empty string');
    this.#secret = secret;
    if (secret !== undefined && apiv3Key === undefined && certs === undefined) return;
    const key = Buffer.isBuffer(apiv3Key) ? Buffer.from(apiv3Key) : typeof apiv3Key === 'string' ? Buffer.from(apiv3Key, 'utf8') : undefined;
    if (!key || key.length !== 32) throw new ArgumentError('ERR_CONFIG', `Notifications: the APIv3 key must be 32 bytes, got ${key ? key.length : typeof apiv3Key}`);
    this.#apiv3Key = key;
    if (certs instanceof KeyRing) {
      this.#ring = certs;
      this.#keys = certs.keys;
    } else {
      if (!isObject(certs) || Object.keys(certs).length === 0) throw new ArgumentError('ERR_CONFIG', 'Notifications: certs must name at least one WeChat Pay key');
      this.#keys = new Map(Object.entries(certs).map(([id, input]) => {
        try {
          return [id, Rsa.from(input, Rsa.KEY_TYPE_PUBLIC)] as const;
        } catch (error) {
          throw new ArgumentError('ERR_CONFIG', `Notifications: certs["${id}"] ${error instanceof WechatpayError ? error.message : 'does not parse'}`);
        }
      }));
    }
  }

  /**
   * Verifies a callback over its raw body (four `Wechatpay-*` headers, ±300 s, known serial,
   * signature, probes refused), then decrypts and parses its `resource`.
   *
   * @param body the raw body, exactly as received.
   * @param headers node:http's `req.headers`, a Fetch `Headers`, or a plain object.
   * @throws VerificationError with the same codes as answers.
   * @throws WechatpayError `ERR_NOTIFICATION`, `ERR_ALGORITHM` or `ERR_DECRYPT` (see {@link NotificationErrorCode}).
   * @throws ArgumentError `ERR_ARGUMENT` when `body` is not a string or Buffer.
   */
  async verify(body: string | Buffer, headers: HeaderSource): Promise<WechatpayEvent>;
  /** As {@link Notifications.verify}, with the resource's type named by the caller. */
  async verify<T>(body: string | Buffer, headers: HeaderSource): Promise<NotificationEvent<T>>;
  async verify(body: string | Buffer, headers: HeaderSource): Promise<NotificationEvent<unknown>> {
    if (this.#apiv3Key === undefined) throw new ArgumentError('ERR_CONFIG', 'Notifications: no APIv3 key and certs were given, only the APIv2 secret: use notifications.v2()');
    const bytes = bytesOf(body);
    if (headers === null || typeof headers !== 'object') throw new ArgumentError('ERR_ARGUMENT', 'callback: headers must be an object or a Headers');
    const context = { requestId: headerOf(headers, 'Request-ID') };
    const check = () => verifySigned(headers, bytes, this.#keys, context);
    await (this.#ring ? this.#ring.verifying(check) : check());
    return this.#decrypted(bytes);
  }

  #decrypted(bytes: Buffer): NotificationEvent<unknown> {
    let envelope: unknown;
    try {
      envelope = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw malformed('the body is not JSON');
    }
    if (!isObject(envelope) || !isObject(envelope.resource)) throw malformed('the body has no resource object');
    const { algorithm, ciphertext, nonce, associated_data: aad } = envelope.resource;
    if (algorithm !== ALGORITHM) throw new WechatpayError('ERR_ALGORITHM', `callback: resource.algorithm ${JSON.stringify(algorithm)} is not ${ALGORITHM}`);
    if (typeof ciphertext !== 'string' || typeof nonce !== 'string' || nonce === '') throw malformed('resource lacks ciphertext or nonce');
    if (aad !== undefined && aad !== null && typeof aad !== 'string') throw malformed('resource.associated_data is not a string');
    const plaintext = AesGcm.decrypt(ciphertext, this.#apiv3Key!, nonce, aad ?? '');
    let resource: unknown;
    try {
      resource = JSON.parse(plaintext);
    } catch {
      resource = plaintext;
    }
    const field = (name: string) => (typeof envelope[name] === 'string' ? envelope[name] : '');
    return {
      id: field('id'),
      create_time: field('create_time'),
      event_type: field('event_type'),
      resource_type: field('resource_type'),
      summary: field('summary'),
      resource,
    };
  }

  /**
   * A request handler for node:http (`createServer(handler)`) and Express (after `express.raw`):
   * reads the raw body, verifies, decrypts, awaits `onEvent`, and replies 204; on failure it
   * replies `{"code":"FAIL"}` with 401 (verification), 400 (malformed, undecryptable) or 500
   * (`onEvent` threw, or the body was pre-parsed), so that WeChat Pay retries.
   */
  handler(onEvent: (event: WechatpayEvent) => unknown, options?: CallbackHandlerOptions): (req: CallbackRequest, res: CallbackResponse) => Promise<void>;
  /** As {@link Notifications.handler}, with the resource's type named by the caller. */
  handler<T>(onEvent: (event: NotificationEvent<T>) => unknown, options?: CallbackHandlerOptions): (req: CallbackRequest, res: CallbackResponse) => Promise<void>;
  handler(onEvent: (event: WechatpayEvent) => unknown, options: CallbackHandlerOptions = {}) {
    return this.#serve((raw, req) => this.verify(raw, req.headers), onEvent, options, { success: Notifications.success, failure: Notifications.failure });
  }

  /**
   * One callback round for {@link Notifications.handler} and {@link Notifications.handlerV2}: the raw
   * body read, `read` (verify and decrypt), `onEvent` awaited, and the reply written; a failure is
   * 401 (verification), 400 (malformed, undecryptable) or 500 (`onEvent` threw, or the body was pre-parsed).
   */
  #serve<E>(
    read: (raw: string | Buffer, req: CallbackRequest) => E | Promise<E>,
    onEvent: (event: E) => unknown,
    options: CallbackHandlerOptions,
    replies: { success: () => NotificationReply; failure: (message: string, status: number) => NotificationReply },
  ) {
    return async (req: CallbackRequest, res: CallbackResponse): Promise<void> => {
      const fail = (error: unknown, reply: NotificationReply) => {
        options.onError?.(error);
        Notifications.send(res, reply);
      };
      let event: E;
      try {
        const raw = req.body !== undefined ? req.body : req.readableEnded ? undefined : await readAll(req);
        event = await read(raw as string | Buffer, req);
      } catch (error) {
        const code = error instanceof WechatpayError ? error.code : 'ERR_CALLBACK';
        const status = error instanceof VerificationError ? 401 : error instanceof ArgumentError ? 500 : 400;
        return fail(error, replies.failure(`callback rejected: ${code}`, status));
      }
      try {
        await onEvent(event);
      } catch (error) {
        return fail(error, replies.failure('the merchant could not process the callback', 500));
      }
      Notifications.send(res, replies.success());
    };
  }

  /**
   * Reads an APIv2 callback (XML): a pay result's `sign` verified; a refund result's `req_info`
   * decrypted (AES-256-ECB, key = MD5 of the APIv2 key) and put back in place as an object.
   *
   * @param body the raw body, exactly as received.
   * @throws ArgumentError `ERR_CONFIG` without `secret`; `ERR_ARGUMENT` when `body` is not a string or Buffer.
   * @throws VerificationError `ERR_NOTIFICATION` (missing or wrong sign), `ERR_RESPONSE_XML` (not plain XML: DOCTYPE, entities, malformed).
   * @throws WechatpayError `ERR_DECRYPT` for a `req_info` that does not decrypt.
   */
  v2<T extends XmlFields = XmlFields>(body: string | Buffer): T {
    if (this.#secret === undefined) throw new ArgumentError('ERR_CONFIG', 'Notifications: APIv2 callbacks need the APIv2 key: new Notifications({ secret })');
    return readV2Notification(bytesOf(body), this.#secret) as T;
  }

  /**
   * A node:http / Express (after `express.raw({ type: 'text/xml' })`) handler for APIv2 callbacks:
   * reads the raw body, {@link Notifications.v2}, awaits `onEvent`, and replies `SUCCESS`; on
   * failure, `FAIL` with a short message, with 401 (sign), 400 (malformed, undecryptable) or 500
   * (`onEvent` threw), so that WeChat Pay sends it again.
   */
  handlerV2<T extends XmlFields = XmlFields>(onEvent: (fields: T) => unknown, options: CallbackHandlerOptions = {}) {
    const xml = (status: number, success: boolean, message?: string): NotificationReply => ({ status, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body: v2ReplyBody(success, message) });
    return this.#serve((raw) => this.v2<T>(raw), onEvent, options, { success: () => xml(200, true), failure: (message, status) => xml(status, false, message) });
  }
}

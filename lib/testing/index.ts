/**
 * `wechatpay-ts/testing`: a local WeChat Pay gateway for demos and tests. It makes its own keys,
 * checks every request's `Authorization` as WeChat Pay does, serves the documented endpoints
 * with their documented errors, signs every answer, and misbehaves on request (fault switches).
 */
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Rsa, type RsaKeyLike } from '../crypto/rsa.js';
import { selfSignedCertificate } from './certificate.js';
import { DEFAULT_SEED, stateFrom, type Capability, type SandboxSeed, type SandboxState } from './endpoints.js';
import { Faults } from './faults.js';
import { createGateway, type GatewayFetch } from './gateway.js';
import { Formatter } from '../crypto/formatter.js';
import { HOST_NAMES } from '../hosts.js';
import { certificatesRoute } from './certificates.js';
import { notificationOf, type SandboxEvent, type SandboxEventOptions, type SandboxNotification } from './notification.js';
import { mswHandlers, type SandboxHandler } from './handlers.js';
import { dashboardRoute } from './dashboard/routes.js';
import { listen, type ListeningSandbox } from './server.js';
import { factsRoutes } from './facts/route.js';
import { generatedOperations, type FactOperation } from './facts/operations.js';
import {
  CallbackSender, confirmTransfer, controlRoute, flowsRoute, FlowState, pay, settleRefund,
  type CallbackRecord, type ConfirmTransferOptions, type PayOptions, type PayResult, type RefundOptions,
} from './flows/index.js';
import { SandboxV2, type SandboxV2Options } from './v2/index.js';

export { DEFAULT_SEED } from './endpoints.js';
export type { Capability, SandboxSeed, SandboxState, SeedAuthorization, SeedCard } from './endpoints.js';
export { FAULTS, Faults } from './faults.js';
export type { Fault } from './faults.js';
export type { GatewayFetch, Received } from './gateway.js';
export { generatedOperations } from './facts/operations.js';
export type { FactOperation, FactSchema } from './facts/operations.js';
export type { ListeningSandbox } from './server.js';
export type { SandboxHandler } from './handlers.js';
export type { SandboxEvent, SandboxEventOptions, SandboxNotification } from './notification.js';
export { DEFAULT_CALLBACK_RETRY_DELAYS, SandboxStateError } from './flows/index.js';
export type {
  CallbackRecord, CallbackTry, ConfirmTransferOptions, FlowState, PayOptions, PayResult, RefundOptions, RefundStatus, SandboxTransaction, TradeState, TransferState,
} from './flows/index.js';
export { SandboxV2 } from './v2/index.js';
export type { SandboxV2Options, V2Callback, V2NotificationOptions, ListeningSandboxV2, V2ServerTls, V2Order, V2Refund, V2State, V2GatewayRequest, V2GatewayAnswer } from './v2/index.js';

/** The two private keys a sandbox runs on; public halves, ids and certificates derive from them. */
export interface SandboxKeys {
  /** The merchant's API key: the client signs requests with it. */
  merchant: KeyObject;
  /** The platform key: the sandbox signs answers with it. */
  platform: KeyObject;
}

/** How a sandbox names the key that signs its answers, as WeChat Pay does in either era. */
export type SandboxMode = 'pubkey' | 'certificate';

/** Options of {@link Sandbox}; every one has a default. */
export interface SandboxOptions {
  /**
   * Keys to reuse (KeyObjects, or anything `Rsa.from` reads). Making RSA-2048 keys takes about
   * 100 ms, so suites share one set: `new Sandbox({ keys: Sandbox.generateKeys() })` or `{ keys: other.keys }`.
   */
  keys?: { merchant: RsaKeyLike; platform: RsaKeyLike };
  /** `pubkey` (default): answers signed by a `PUB_KEY_ID_…` key. `certificate`: by a self-signed platform certificate, named by its serial. */
  mode?: SandboxMode;
  /** The merchant id; default `1900000109`. */
  mchid?: string;
  /** The base URL the msw handlers answer and {@link Sandbox.clientConfig} uses; default `https://api.mch.weixin.qq.com/`. */
  baseURL?: string;
  /** The starting state; default {@link DEFAULT_SEED}. */
  seed?: SandboxSeed;
  /** Products the merchant has opened; both by default. A closed one answers `403 NO_AUTH`. */
  capabilities?: Partial<Record<Capability, boolean>>;
  /** How long the `delay` fault holds an answer back, in ms; default 1000. */
  delayMs?: number;
  /** The APIv3 key (32 ASCII characters) that `/v3/certificates` and callbacks are encrypted with; default a random one. */
  apiv3Key?: string;
  /**
   * Waits between a callback's tries after a non-2xx reply, in ms: WeChat Pay's schedule
   * compressed; default {@link DEFAULT_CALLBACK_RETRY_DELAYS} (1 s, 2 s, 4 s … 128 s).
   */
  callbackRetryDelays?: readonly number[];
  /** How long refunds and profit-sharing orders stay `PROCESSING`, in ms; default 1000; `null`: until `sandbox.refund`. */
  refundDelay?: number | null;
  /**
   * The facts of the operations to serve; default every operation of the registry
   * ({@link generatedOperations}). Every JSON request to one of them is checked against its
   * facts first (`400 PARAM_ERROR` naming the field), and one that no flow serves gets a
   * schema-valid answer made up from the facts. `false` serves the stateful flows and the
   * hand-written endpoints only, unchecked.
   */
  operations?: readonly FactOperation[] | false;
  /** Makes the made-up answers: the same seed, the same answers; default `sandbox`. */
  answerSeed?: string;
  /** Options of the APIv2 side ({@link Sandbox.v2}); `mchid` and `baseURL` default to this sandbox's. */
  v2?: SandboxV2Options;
}

/** What {@link Sandbox.clientConfig} returns: ready for `Builder.factory`. */
export interface SandboxClientConfig {
  mchid: string;
  serial: string;
  privateKey: KeyObject;
  certs: Record<string, KeyObject>;
  baseURL: string;
  /** Every other WeChat Pay host, mapped to `baseURL`. */
  hosts: Record<string, string>;
  /** The APIv2 key of {@link Sandbox.v2}: `v2/…` calls work against the same sandbox. */
  secret: string;
}

const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com/';
const pem = (key: KeyObject) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();
const spkiDigest = (key: KeyObject, algorithm: string) => createHash(algorithm).update(createPublicKey(key).export({ type: 'spki', format: 'der' })).digest();

/**
 * A local WeChat Pay gateway. One core ({@link Sandbox.fetch}), served two ways: a real HTTP
 * server on 127.0.0.1 ({@link Sandbox.listen}) or msw handlers ({@link Sandbox.handlers}).
 *
 * Ids derive from the keys (the merchant serial, the `PUB_KEY_ID_…` or certificate serial), so
 * sandboxes sharing keys share ids too.
 */
export class Sandbox {
  /** Makes a fresh pair of RSA-2048 keys for {@link SandboxOptions.keys}. */
  static generateKeys(): SandboxKeys {
    const make = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    return { merchant: make(), platform: make() };
  }

  /** How the platform key is named. */
  readonly mode: SandboxMode;
  /** The merchant id the sandbox accepts. */
  readonly mchid: string;
  /** The base URL of {@link Sandbox.handlers} and the default of {@link Sandbox.clientConfig}. */
  readonly baseURL: string;
  /** The fault switches: `sandbox.faults.next('tamper-body')`, `sandbox.faults.rate('system-error', 0.1)`. */
  readonly faults: Faults;
  /** The live state answers come from; change it between requests to set up a case. */
  readonly state: SandboxState;
  /** The APIv2 side: its own gateway, state, callbacks, server and msw handlers. */
  readonly v2: SandboxV2;
  /**
   * The core: answers one Fetch `Request` as WeChat Pay would, signed. `received.target` is the
   * request-target as received on the wire, when `request.url` may have normalised it (the
   * signature is checked over it); `received.basePath` is the path endpoints sit under (default `/`).
   * A `reset` fault answers `Response.error()`, Fetch's network error.
   */
  readonly fetch: GatewayFetch;

  readonly #keys: SandboxKeys;
  readonly #serial: string;
  readonly #platformId: string;
  readonly #certificate: string | undefined;
  readonly #apiv3Key: string;
  readonly #flows: FlowState;
  #handlers: SandboxHandler[] | undefined;

  constructor(options: SandboxOptions = {}) {
    this.mode = options.mode ?? 'pubkey';
    if (this.mode !== 'pubkey' && this.mode !== 'certificate') throw new TypeError(`unknown sandbox mode: ${String(this.mode)}`);
    this.mchid = options.mchid ?? '1900000109';
    this.baseURL = options.baseURL ?? DEFAULT_BASE_URL;
    this.#keys = options.keys
      ? { merchant: Rsa.from(options.keys.merchant, Rsa.KEY_TYPE_PRIVATE), platform: Rsa.from(options.keys.platform, Rsa.KEY_TYPE_PRIVATE) }
      : Sandbox.generateKeys();
    // A merchant API certificate serial is 40 hex digits; a digest of the key gives a stable one.
    this.#serial = spkiDigest(this.#keys.merchant, 'sha1').toString('hex').toUpperCase();

    if (this.mode === 'certificate') {
      const serial = spkiDigest(this.#keys.platform, 'sha256').subarray(0, 20);
      serial[0] = (serial[0]! & 0x7f) | 0x40; // positive, and a full 20 bytes, like WeChat Pay's serials
      this.#certificate = selfSignedCertificate({ privateKey: this.#keys.platform, serial, commonName: 'Wechatpay sandbox platform' });
      this.#platformId = Rsa.serial(this.#certificate);
    } else {
      const digits = (BigInt(`0x${spkiDigest(this.#keys.platform, 'sha256').toString('hex')}`) % 10n ** 16n).toString().padStart(16, '0');
      this.#certificate = undefined;
      this.#platformId = `PUB_KEY_ID_01${this.mchid}${digits}`;
    }

    this.#apiv3Key = options.apiv3Key ?? Formatter.nonce(32);
    if (Buffer.byteLength(this.#apiv3Key) !== 32) throw new TypeError('the sandbox APIv3 key must be 32 bytes');
    const capabilities = { businesscircle: true, membercard: true, ...options.capabilities };
    this.faults = new Faults(options.delayMs);
    this.v2 = new SandboxV2({ mchid: this.mchid, baseURL: this.baseURL, ...options.v2 });
    this.state = stateFrom(options.seed ?? DEFAULT_SEED, this.mchid);
    const platform = { id: this.#platformId, privateKey: this.#keys.platform };
    const refundDelay = options.refundDelay === undefined ? 1000 : options.refundDelay;
    if (refundDelay !== null && !(Number.isFinite(refundDelay) && refundDelay >= 0)) throw new TypeError('refundDelay must be a non-negative number of ms, or null');
    const callbacks = new CallbackSender((event) => notificationOf(event, platform, this.#apiv3Key), options.callbackRetryDelays);
    this.#flows = new FlowState(this.mchid, callbacks, refundDelay, platform, createPublicKey(this.#keys.merchant));
    const operations = options.operations ?? generatedOperations();
    const facts = operations ? factsRoutes(operations, options.answerSeed ?? 'sandbox', { platform, merchant: createPublicKey(this.#keys.merchant) }) : undefined;
    this.fetch = createGateway({
      merchant: { mchid: this.mchid, serial: this.#serial, publicKey: createPublicKey(this.#keys.merchant) },
      platform: { id: this.#platformId, privateKey: this.#keys.platform },
      capabilities: new Set((Object.keys(capabilities) as Capability[]).filter((name) => capabilities[name])),
      state: this.state,
      faults: this.faults,
      routes: [certificatesRoute(this.#certificate, () => this.#apiv3Key), ...(facts ? [facts.check] : []), flowsRoute(this.#flows)],
      control: [controlRoute(this.#flows), dashboardRoute(this.#flows)],
      ...(facts ? { fallback: facts.answer } : {}),
      v2: this.v2.fetch,
    });
  }

  /**
   * Settles an unpaid order as its payer would (`trade_state` default `SUCCESS`). A payment
   * POSTs TRANSACTION.SUCCESS to the order's `notify_url`; the promise resolves once that
   * callback's first try is over, with the order as the query now answers it.
   * @throws SandboxStateError for an unknown order, or one already paid or closed.
   */
  pay(out_trade_no: string, options?: PayOptions): Promise<PayResult> {
    return pay(this.#flows, out_trade_no, options);
  }

  /** Concludes a `PROCESSING` refund now (`status` default `SUCCESS`, or `ABNORMAL`, `CLOSED`), with its REFUND.* callback. */
  refund(out_refund_no: string, options?: RefundOptions): Promise<{ refund: object; callback?: CallbackRecord }> {
    return settleRefund(this.#flows, out_refund_no, options);
  }

  /** Concludes a transfer waiting for its user (`state` default `SUCCESS`, or `FAIL`), with MCHTRANSFER.BILL.FINISHED. */
  confirmTransfer(out_bill_no: string, options?: ConfirmTransferOptions): Promise<{ transfer: object; callback?: CallbackRecord }> {
    return confirmTransfer(this.#flows, out_bill_no, options);
  }

  /** Every callback sent or refused so far, in order, with its tries. */
  get callbacks(): readonly CallbackRecord[] {
    return this.#flows.callbacks.records;
  }

  /** The books of the stateful flows: orders, refunds, transfers, profit sharing, the fund flow and `balance` (fen). */
  get books(): FlowState {
    return this.#flows;
  }

  /** Cancels pending refund completions and callback retries (servers from {@link Sandbox.listen} close on their own). */
  close(): void {
    this.#flows.close();
  }

  /** The keys in use, to share with another sandbox. */
  get keys(): SandboxKeys {
    return { ...this.#keys };
  }

  /** The merchant side, in PEM: what a real merchant would download from the merchant platform. */
  get merchant(): { mchid: string; serial: string; privateKey: string; publicKey: string } {
    return { mchid: this.mchid, serial: this.#serial, privateKey: pem(this.#keys.merchant), publicKey: pem(createPublicKey(this.#keys.merchant)) };
  }

  /** The platform side: the id answers are signed under, its public key in PEM, and in certificate mode the certificate. */
  get platform(): { id: string; publicKey: string; certificate?: string } {
    const publicKey = pem(createPublicKey(this.#keys.platform));
    return this.#certificate ? { id: this.#platformId, publicKey, certificate: this.#certificate } : { id: this.#platformId, publicKey };
  }

  /** The APIv3 key, for the merchant side of a test (`Notifications`, `downloadCertificates`). Kept off `util.inspect`. */
  get apiv3Key(): string {
    return this.#apiv3Key;
  }

  /**
   * A callback (回调通知) for any event, encrypted with {@link Sandbox.apiv3Key} and signed as the
   * sandbox signs answers: `{ body, headers }` to hand to a callback handler, or to POST to one.
   */
  notification(event: SandboxEvent, options?: SandboxEventOptions): Promise<SandboxNotification> {
    return notificationOf(event, { id: this.#platformId, privateKey: this.#keys.platform }, this.#apiv3Key, options);
  }

  /**
   * A configuration for `Builder.factory`, pointing at `baseURL` (default {@link Sandbox.baseURL}),
   * with every other WeChat Pay host (`hosts`) pointed there too; `more` is merged in.
   */
  clientConfig<T extends object = object>(more?: T & { baseURL?: string }): SandboxClientConfig & T {
    const baseURL = more?.baseURL ?? this.baseURL;
    return {
      mchid: this.mchid,
      serial: this.#serial,
      privateKey: this.#keys.merchant,
      certs: { [this.#platformId]: createPublicKey(this.#keys.platform) },
      secret: this.v2.secret,
      ...more,
      baseURL,
      hosts: Object.fromEntries(HOST_NAMES.map((host) => [host, baseURL])),
    } as SandboxClientConfig & T;
  }

  /** Starts a real HTTP server on 127.0.0.1, on `port` or a free one. Each call starts another server. */
  listen({ port }: { port?: number } = {}): Promise<ListeningSandbox> {
    return listen(this.fetch, port);
  }

  /**
   * msw handlers answering every request under {@link Sandbox.baseURL}: `setupServer(...sandbox.handlers)`.
   * msw (an optional peer dependency) is loaded on first access only; without it this throws an
   * `ArgumentError` (`ERR_CONFIG`) saying to install msw or use {@link Sandbox.listen}.
   */
  get handlers(): SandboxHandler[] {
    this.#handlers ??= mswHandlers(this.fetch, this.baseURL);
    return this.#handlers;
  }
}

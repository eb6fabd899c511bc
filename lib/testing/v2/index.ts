/**
 * The sandbox's APIv2 side: a stateful gateway for micropay (付款码), unifiedorder, orderquery,
 * closeorder, refund (mutual TLS), refundquery and downloadbill, and the pay and refund callbacks.
 */
import { randomBytes } from 'node:crypto';
import { mswHandlers, type SandboxHandler } from '../handlers.js';
import { createV2Gateway, v2Response, type V2GatewayAnswer, type V2GatewayRequest } from './gateway.js';
import { beijingClock } from '../beijing-time.js';
import { paidFields } from './operations.js';
import { reqInfo, sign, writeXml } from './protocol.js';
import { listenV2, type ListeningSandboxV2, type V2ServerTls } from './server.js';
import type { V2Order, V2State } from './state.js';

export type { V2GatewayAnswer, V2GatewayRequest } from './gateway.js';
export type { ListeningSandboxV2, V2ServerTls } from './server.js';
export type { V2Order, V2Refund, V2State } from './state.js';

/** Options of {@link SandboxV2}. */
export interface SandboxV2Options {
  /** The merchant id; default `1900000109`. */
  mchid?: string;
  /** The AppID answers name when a request gives none; default `wxd930ea5d5a258f4f`. */
  appid?: string;
  /** The APIv2 key (32 characters); default a random one. */
  secret?: string;
  /** The base URL the msw handlers answer; default `https://api.mch.weixin.qq.com/`. */
  baseURL?: string;
  /** How long a micropay with a `1399…` code stays USERPAYING before a query finds it paid, in ms; default 0. */
  userPayingMs?: number;
}

/** One callback the sandbox sent. */
export interface V2Callback {
  kind: 'pay' | 'refund';
  url: string;
  body: string;
  /** The HTTP status the merchant answered, or `undefined` when the request failed. */
  status: number | undefined;
  /** The merchant's reply body. */
  reply: string;
}

/** Spoils a callback on purpose: signed or encrypted with another key. */
export interface V2NotificationOptions {
  secret?: string;
}

// Callbacks go to the test's own server only: nothing leaves the machine.
const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;

/** A local APIv2 gateway (`sandbox.v2`, or on its own). */
export class SandboxV2 {
  readonly mchid: string;
  readonly appid: string;
  readonly baseURL: string;
  /** Orders and refunds; change them between requests to set up a case. */
  readonly state: V2State = { orders: new Map(), refunds: new Map() };
  /** Every callback sent, in order. */
  readonly callbacks: V2Callback[] = [];
  /** The core: one request in, one answer out. */
  readonly fetch: (request: V2GatewayRequest) => V2GatewayAnswer;
  readonly #secret: string;
  #handlers: SandboxHandler[] | undefined;

  constructor(options: SandboxV2Options = {}) {
    this.mchid = options.mchid ?? '1900000109';
    this.appid = options.appid ?? 'wxd930ea5d5a258f4f';
    this.baseURL = options.baseURL ?? 'https://api.mch.weixin.qq.com/';
    this.#secret = options.secret ?? randomBytes(16).toString('hex');
    this.fetch = createV2Gateway({ mchid: this.mchid, appid: this.appid, secret: () => this.#secret, state: this.state, userPayingMs: options.userPayingMs ?? 0 });
  }

  /** The APIv2 key, for the merchant side of a test. */
  get secret(): string {
    return this.#secret;
  }

  /** A v2-only client configuration (`Builder.factory`), `more` merged in. */
  clientConfig<T extends object = object>(more?: T & { baseURL?: string }): { mchid: string; secret: string; baseURL: string } & T {
    return { mchid: this.mchid, secret: this.#secret, ...more, baseURL: more?.baseURL ?? this.baseURL } as { mchid: string; secret: string; baseURL: string } & T;
  }

  /** Serves on 127.0.0.1: HTTPS with client-certificate checks when `tls` is given (refunds need it), plain HTTP otherwise. */
  listen(options: { port?: number; tls?: V2ServerTls } = {}): Promise<ListeningSandboxV2> {
    return listenV2(this.fetch, options);
  }

  /** msw handlers answering every request under {@link SandboxV2.baseURL}. In-process there is no TLS: refunds are refused. */
  get handlers(): SandboxHandler[] {
    this.#handlers ??= mswHandlers(async (request, { basePath = '/' } = {}) => {
      const path = new URL(request.url).pathname.slice(basePath.length);
      return v2Response(this.fetch, request.method, path, request.headers.get('Content-Type'), Buffer.from(await request.arrayBuffer()));
    }, this.baseURL);
    return this.#handlers;
  }

  /** The pay result callback of a paid order, signed with its order's sign type (or spoiled with `options.secret`). */
  payNotification(out_trade_no: string, options: V2NotificationOptions = {}): string {
    const order = this.#order(out_trade_no);
    const fields = { return_code: 'SUCCESS', appid: order.appid, mch_id: this.mchid, nonce_str: randomBytes(8).toString('hex'), result_code: 'SUCCESS', ...paidFields(order) };
    return writeXml({ ...fields, sign: sign(fields, order.sign_type, options.secret ?? this.#secret) });
  }

  /** The refund result callback of a refund, its `req_info` encrypted (with `options.secret` instead, to spoil it). */
  refundNotification(out_refund_no: string, options: V2NotificationOptions = {}): string {
    const refund = this.state.refunds.get(out_refund_no);
    if (!refund) throw new TypeError(`no refund ${out_refund_no}`);
    const order = this.#order(refund.out_trade_no);
    const info = {
      transaction_id: order.transaction_id, out_trade_no: order.out_trade_no, refund_id: refund.refund_id, out_refund_no: refund.out_refund_no,
      total_fee: order.total_fee, refund_fee: refund.refund_fee, settlement_refund_fee: refund.refund_fee, refund_status: refund.refund_status,
      ...(refund.succeeded_at ? { success_time: beijingClock(refund.succeeded_at) } : {}),
      refund_recv_accout: '支付用户的零钱', refund_account: 'REFUND_SOURCE_RECHARGE_FUNDS', refund_request_source: 'API',
    };
    return writeXml({ return_code: 'SUCCESS', appid: order.appid, mch_id: this.mchid, nonce_str: randomBytes(8).toString('hex'), req_info: reqInfo(info, options.secret ?? this.#secret) });
  }

  /** Settles a NOTPAY or USERPAYING order as paid and POSTs its callback to its `notify_url` (if any); resolves with the delivery. */
  pay(out_trade_no: string): Promise<V2Callback | undefined> {
    const order = this.#order(out_trade_no);
    if (order.trade_state !== 'NOTPAY' && order.trade_state !== 'USERPAYING') throw new TypeError(`order ${out_trade_no} is ${order.trade_state}`);
    order.trade_state = 'SUCCESS';
    order.paid_at = new Date();
    return this.#deliver('pay', order.notify_url, this.payNotification(out_trade_no));
  }

  /** Turns a PROCESSING refund SUCCESS and POSTs its callback to its `notify_url` (if any); resolves with the delivery. */
  completeRefund(out_refund_no: string): Promise<V2Callback | undefined> {
    const refund = this.state.refunds.get(out_refund_no);
    if (!refund || refund.refund_status !== 'PROCESSING') throw new TypeError(`no processing refund ${out_refund_no}`);
    refund.refund_status = 'SUCCESS';
    refund.succeeded_at = new Date();
    return this.#deliver('refund', refund.notify_url, this.refundNotification(out_refund_no));
  }

  #order(out_trade_no: string): V2Order {
    const order = this.state.orders.get(out_trade_no);
    if (!order) throw new TypeError(`no order ${out_trade_no}`);
    return order;
  }

  async #deliver(kind: V2Callback['kind'], url: string | undefined, body: string): Promise<V2Callback | undefined> {
    if (url === undefined) return undefined;
    if (!LOOPBACK.test(url)) throw new TypeError(`the sandbox sends callbacks to 127.0.0.1 or localhost only, not ${url}`);
    const callback: V2Callback = { kind, url, body, status: undefined, reply: '' };
    this.callbacks.push(callback);
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body });
      callback.status = response.status;
      callback.reply = await response.text();
    } catch {
      // Unreachable: recorded with no status, as WeChat Pay would record a failed try.
    }
    return callback;
  }
}

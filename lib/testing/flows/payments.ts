/**
 * Payment (基础支付), direct and partner (服务商): prepay for JSAPI and Mini Program (one
 * endpoint), APP, H5 and Native; query by `out_trade_no` or `transaction_id`; close; and
 * {@link pay}, which stands in for the payer and settles an order, firing its callback.
 */
import { randomBytes } from 'node:crypto';
import { beijingCompact, beijingTime } from '../beijing-time.js';
import { amountOf, Fields, jsonBody, paramError, pathValue, queryFields, refuse } from './answers.js';
import type { CallbackRecord } from './callbacks.js';
import type { FlowRoute } from './routes.js';
import { fingerprint, keyOf, type FlowState, type Order, type TradeState, type TradeType } from './state.js';

const KINDS = { jsapi: 'JSAPI', app: 'APP', h5: 'MWEB', native: 'NATIVE' } as const satisfies Record<string, TradeType>;
type Kind = keyof typeof KINDS;

/** `trade_state_desc` for each state. */
const STATE_DESC: Record<TradeState, string> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '订单未支付',
  CLOSED: '订单已关闭',
  REVOKED: '已撤销',
  USERPAYING: '用户支付中',
  PAYERROR: '支付失败',
};

/** The states {@link pay} may move an unpaid order to. */
export const PAYABLE_STATES: readonly TradeState[] = ['SUCCESS', 'NOTPAY', 'CLOSED', 'PAYERROR', 'USERPAYING', 'REVOKED'];

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;

/** Checks a merchant number (`out_trade_no`, `out_refund_no` …): 6–32 letters, digits and `_-|*`. */
export function merchantNumber(fields: Fields, name: string): string {
  const value = fields.text(name, 32);
  if (!OUT_TRADE_NO.test(value)) throw paramError(name, `${name} must be 6 to 32 characters of letters, digits and _-|*`);
  return value;
}

/** Checks that the merchant named in a request is the one that signed it. */
export function sameMerchant(state: FlowState, fields: Fields, name: string): string {
  const mchid = fields.text(name, 32);
  if (mchid !== state.mchid) throw paramError(name, `${name} ${mchid} is not the merchant of the Authorization header`, fields.location);
  return mchid;
}

function notifyUrl(fields: Fields): string {
  const url = fields.text('notify_url', 256);
  if (!/^https?:\/\/[^/\s]+/.test(url)) throw paramError('notify_url', 'notify_url must be an http(s) URL');
  return url;
}

function prepayAnswer(kind: Kind): Record<string, string> {
  const stamp = beijingCompact(new Date());
  const prepay_id = `wx${stamp}${randomBytes(10).toString('hex')}`;
  if (kind === 'h5') return { h5_url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${prepay_id}&package=${randomBytes(5).readUInt32BE()}` };
  if (kind === 'native') return { code_url: `weixin://wxpay/bizpayurl?pr=${randomBytes(5).toString('base64url').slice(0, 7)}` };
  return { prepay_id };
}

function prepay(state: FlowState, kind: Kind, partner: boolean, body: Buffer) {
  const json = jsonBody(body);
  const fields = new Fields(json);
  const order: Partial<Order> = {};
  if (partner) {
    order.appid = fields.text('sp_appid', 32);
    order.mchid = sameMerchant(state, fields, 'sp_mchid');
    order.sub_appid = fields.optionalText('sub_appid', 32);
    order.sub_mchid = fields.text('sub_mchid', 32);
  } else {
    order.appid = fields.text('appid', 32);
    order.mchid = sameMerchant(state, fields, 'mchid');
  }
  order.description = fields.text('description', 127);
  order.out_trade_no = merchantNumber(fields, 'out_trade_no');
  order.attach = fields.optionalText('attach', 128);
  order.notify_url = notifyUrl(fields);
  order.total = amountOf(fields).total;
  const payer = fields.nested('payer', kind === 'jsapi');
  if (kind === 'jsapi') {
    if (partner) {
      const sp_openid = payer!.optionalText('sp_openid', 128);
      const sub_openid = payer!.optionalText('sub_openid', 128);
      if (!sp_openid && !sub_openid) throw paramError('payer.sp_openid', 'payer.sp_openid or payer.sub_openid is required');
      if (sub_openid && !order.sub_appid) throw paramError('sub_appid', 'sub_appid is required with payer.sub_openid');
      order.payer = { ...(sp_openid ? { sp_openid } : {}), ...(sub_openid ? { sub_openid } : {}) };
    } else {
      order.payer = { openid: payer!.text('openid', 128) };
    }
  } else {
    order.payer = {};
  }
  const scene = fields.nested('scene_info', kind === 'h5');
  if (kind === 'h5') {
    scene!.text('payer_client_ip', 45);
    scene!.nested('h5_info')!.text('type', 32);
  }
  order.profit_sharing = fields.nested('settle_info', false)?.boolean('profit_sharing') ?? false;

  const key = keyOf(order.sub_mchid, order.out_trade_no);
  const print = fingerprint({ kind, json });
  const known = state.orders.get(key);
  if (known) {
    if (known.fingerprint !== print) throw refuse('INVALID_REQUEST', '商户订单号重复');
    if (known.trade_state === 'CLOSED') throw refuse('ORDER_CLOSED', '订单已关闭');
    if (known.trade_state === 'SUCCESS' || known.trade_state === 'REFUND') throw refuse('ORDERPAID', '该订单已支付');
    return { status: 200, body: known.prepay };
  }
  const created: Order = {
    ...(order as Order),
    trade_type: KINDS[kind],
    fingerprint: print,
    prepay: prepayAnswer(kind),
    trade_state: 'NOTPAY',
    trade_state_desc: STATE_DESC.NOTPAY,
    created: new Date(),
    refunded: 0,
    unsplit: 0,
    sharingFinished: false,
  };
  state.orders.set(key, created);
  return { status: 200, body: created.prepay };
}

/** An order as the query answers it and the TRANSACTION.SUCCESS callback carries it. */
export interface SandboxTransaction {
  appid?: string;
  mchid?: string;
  sp_appid?: string;
  sp_mchid?: string;
  sub_appid?: string;
  sub_mchid?: string;
  out_trade_no: string;
  /** Set once paid. */
  transaction_id?: string;
  trade_type: TradeType;
  trade_state: TradeState;
  trade_state_desc: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer: Order['payer'];
  amount: { total: number; payer_total?: number; currency: 'CNY'; payer_currency: 'CNY' };
}

/** The order as {@link SandboxTransaction}. */
export function transactionView(order: Order): SandboxTransaction {
  const paid = order.transaction_id !== undefined;
  const owner = order.sub_mchid === undefined
    ? { appid: order.appid, mchid: order.mchid }
    : { sp_appid: order.appid, sp_mchid: order.mchid, ...(order.sub_appid ? { sub_appid: order.sub_appid } : {}), sub_mchid: order.sub_mchid };
  return {
    ...owner,
    out_trade_no: order.out_trade_no,
    ...(paid ? { transaction_id: order.transaction_id } : {}),
    trade_type: order.trade_type,
    trade_state: order.trade_state,
    trade_state_desc: order.trade_state_desc,
    ...(paid ? { bank_type: 'OTHERS' } : {}),
    ...(order.attach === undefined ? {} : { attach: order.attach }),
    ...(order.success_time ? { success_time: beijingTime(order.success_time) } : {}),
    payer: order.payer,
    amount: paid
      ? { total: order.total, payer_total: order.total, currency: 'CNY', payer_currency: 'CNY' }
      : { total: order.total, currency: 'CNY', payer_currency: 'CNY' },
  };
}

/** The owner fields of a query or close: `mchid`, or `sp_mchid` and `sub_mchid`. */
function ownerOf(state: FlowState, fields: Fields, partner: boolean): string | undefined {
  if (!partner) {
    sameMerchant(state, fields, 'mchid');
    return undefined;
  }
  sameMerchant(state, fields, 'sp_mchid');
  return fields.text('sub_mchid', 32);
}

/** The order a merchant names, or `404 ORDER_NOT_EXIST`. */
export function findOrder(state: FlowState, sub_mchid: string | undefined, by: { out_trade_no?: string; transaction_id?: string }): Order {
  const order = by.transaction_id !== undefined
    ? state.transactions.get(by.transaction_id)
    : state.orders.get(keyOf(sub_mchid, by.out_trade_no!));
  if (!order || order.sub_mchid !== sub_mchid) throw refuse('ORDER_NOT_EXIST', '订单不存在');
  return order;
}

function close(state: FlowState, out_trade_no: string, partner: boolean, body: Buffer) {
  const order = findOrder(state, ownerOf(state, new Fields(jsonBody(body)), partner), { out_trade_no });
  if (order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND') throw refuse('ORDERPAID', '该订单已支付');
  order.trade_state = 'CLOSED';
  order.trade_state_desc = STATE_DESC.CLOSED;
  return { status: 204 };
}

/** Routes of one family: `v3/pay/transactions/…` or `v3/pay/partner/transactions/…`. */
function routesOf(partner: boolean): FlowRoute[] {
  const base = partner ? 'v3/pay/partner/transactions' : 'v3/pay/transactions';
  return [
    {
      method: 'POST',
      path: new RegExp(`^${base}/(jsapi|app|h5|native)$`),
      handle: (state, [kind], _query, body) => prepay(state, kind as Kind, partner, body),
    },
    {
      method: 'GET',
      path: new RegExp(`^${base}/id/([^/]+)$`),
      handle: (state, [id], query) => {
        const sub = ownerOf(state, queryFields(query), partner);
        return { status: 200, body: transactionView(findOrder(state, sub, { transaction_id: pathValue(id!, 'transaction_id') })) };
      },
    },
    {
      method: 'GET',
      path: new RegExp(`^${base}/out-trade-no/([^/]+)$`),
      handle: (state, [number], query) => {
        const sub = ownerOf(state, queryFields(query), partner);
        return { status: 200, body: transactionView(findOrder(state, sub, { out_trade_no: pathValue(number!, 'out_trade_no') })) };
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^${base}/out-trade-no/([^/]+)/close$`),
      handle: (state, [number], _query, body) => close(state, pathValue(number!, 'out_trade_no'), partner, body),
    },
  ];
}

/** Every payment route, direct then partner. */
export const PAYMENT_ROUTES: readonly FlowRoute[] = [...routesOf(false), ...routesOf(true)];

/** Options of `sandbox.pay`. */
export interface PayOptions {
  /** Where the order goes; default `SUCCESS`. */
  trade_state?: TradeState;
  /** The sub-merchant of a partner order, when two sub-merchants used the same `out_trade_no`. */
  sub_mchid?: string;
}

/** What `sandbox.pay` resolves to: the order as the query answers it, and its callback (for `SUCCESS`). */
export interface PayResult {
  transaction: SandboxTransaction;
  callback?: CallbackRecord;
}

/** Thrown by `sandbox.pay` and friends for a request the books cannot honour. */
export class SandboxStateError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
    this.name = 'SandboxStateError';
  }
}

function locate(state: FlowState, out_trade_no: string, sub_mchid: string | undefined): Order {
  if (sub_mchid !== undefined || state.orders.has(keyOf(undefined, out_trade_no))) {
    const order = state.orders.get(keyOf(sub_mchid, out_trade_no));
    if (order) return order;
  } else {
    const matches = [...state.orders.values()].filter((order) => order.out_trade_no === out_trade_no);
    if (matches.length > 1) throw new SandboxStateError('INVALID_REQUEST', `out_trade_no ${out_trade_no} is used by several sub-merchants: name sub_mchid`);
    if (matches[0]) return matches[0];
  }
  throw new SandboxStateError('ORDER_NOT_EXIST', `no order ${out_trade_no}`, 404);
}

/**
 * Settles an unpaid order as the payer would: `SUCCESS` gives it a `transaction_id`, credits
 * the merchant and POSTs TRANSACTION.SUCCESS to its `notify_url` (resolving once the first try
 * is over); the other states only change `trade_state`.
 */
export async function pay(state: FlowState, out_trade_no: string, options: PayOptions = {}): Promise<PayResult> {
  const target = options.trade_state ?? 'SUCCESS';
  if (!PAYABLE_STATES.includes(target)) throw new SandboxStateError('PARAM_ERROR', `trade_state must be one of ${PAYABLE_STATES.join(', ')}`);
  const order = locate(state, out_trade_no, options.sub_mchid);
  if (['SUCCESS', 'REFUND', 'CLOSED', 'REVOKED'].includes(order.trade_state)) {
    throw new SandboxStateError('INVALID_REQUEST', `order ${out_trade_no} is already ${order.trade_state}`);
  }
  order.trade_state = target;
  order.trade_state_desc = STATE_DESC[target];
  if (target !== 'SUCCESS') return { transaction: transactionView(order) };

  order.transaction_id = state.id('4200000', 28);
  order.success_time = new Date();
  order.unsplit = order.profit_sharing ? order.total : 0;
  state.transactions.set(order.transaction_id, order);
  state.book({ business_no: order.transaction_id, name: '交易', type: '交易', income: true, amount: order.total, remark: '', voucher: order.out_trade_no });
  const transaction = transactionView(order);
  const callback = await state.callbacks.send(order.notify_url, {
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    original_type: 'transaction',
    associated_data: 'transaction',
    resource: transaction,
  }, order.out_trade_no);
  return { transaction, callback };
}

/** Marks an order refunded, as its query then shows it. */
export function markRefunded(order: Order): void {
  order.trade_state = 'REFUND';
  order.trade_state_desc = STATE_DESC.REFUND;
}

/**
 * The APIv2 operations the sandbox serves, with WeChat Pay's documented error codes. Each gets
 * the request's fields (already checked for `mch_id`, `nonce_str` and `sign`) and returns the
 * answer's business fields, or a failure.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { beijingClock, beijingCompact } from '../beijing-time.js';
import type { Fields, SignType } from './protocol.js';
import type { V2Order, V2Refund, V2State } from './state.js';

/** An operation's outcome: business fields (`result_code` SUCCESS), a business failure, or a raw file. */
export type Outcome =
  | { fields: Record<string, string | number> }
  | { error: string; description: string }
  | { file: Buffer; contentType: string }
  | { fail: Record<string, string> };

/** What an operation may use besides the request. */
export interface OperationContext {
  state: V2State;
  signType: SignType;
  /** Whether the request came with a verified client certificate. */
  clientCertificate: boolean;
  /** How long a USERPAYING order waits before it settles, in ms. */
  userPayingMs: number;
}

type Operation = (fields: Fields, context: OperationContext) => Outcome;

const error = (code: string, description: string): Outcome => ({ error: code, description });
const digits = (size: number) => Array.from(randomBytes(size), (byte) => String(byte % 10)).join('');

function required(fields: Fields, names: readonly string[]): Outcome | undefined {
  const missing = names.find((name) => !fields[name]);
  return missing ? error('PARAM_ERROR', `missing ${missing}`) : undefined;
}

function amount(value: string | undefined): number | undefined {
  return value !== undefined && /^[1-9]\d{0,11}$/.test(value) ? Number(value) : undefined;
}

function findOrder(fields: Fields, state: V2State): V2Order | undefined {
  if (fields.out_trade_no) return state.orders.get(fields.out_trade_no);
  return [...state.orders.values()].find((order) => order.transaction_id === fields.transaction_id);
}

/** The fields every answer about a paid order carries. */
export function paidFields(order: V2Order): Record<string, string | number> {
  return {
    openid: order.openid, is_subscribe: 'N', trade_type: order.trade_type, bank_type: 'OTHERS', fee_type: 'CNY',
    total_fee: order.total_fee, cash_fee: order.total_fee, transaction_id: order.transaction_id,
    out_trade_no: order.out_trade_no, time_end: beijingCompact(order.paid_at ?? new Date()),
  };
}

function newOrder(fields: Fields, total: number, tradeType: V2Order['trade_type'], signType: SignType): V2Order {
  return {
    appid: fields.appid!, out_trade_no: fields.out_trade_no!, body: fields.body!, total_fee: total, trade_type: tradeType,
    transaction_id: `4200${beijingCompact(new Date()).slice(0, 8)}${digits(16)}`, trade_state: 'NOTPAY',
    openid: fields.openid ?? `oUpF8uMuAJO_M2pxb1Q9zNjW${digits(4)}`, sign_type: signType,
    ...(fields.notify_url ? { notify_url: fields.notify_url } : {}),
  };
}

const micropay: Operation = (fields, { state, signType, userPayingMs }) => {
  const missing = required(fields, ['appid', 'body', 'out_trade_no', 'total_fee', 'spbill_create_ip', 'auth_code']);
  if (missing) return missing;
  const total = amount(fields.total_fee);
  if (total === undefined) return error('PARAM_ERROR', 'total_fee must be a positive integer (fen)');
  if (!/^1[0-5]\d{16}$/.test(fields.auth_code!)) return error('AUTH_CODE_INVALID', 'auth_code is not a payment code');
  const existing = state.orders.get(fields.out_trade_no!);
  if (existing) return existing.trade_state === 'SUCCESS' ? error('ORDERPAID', 'order paid') : error('OUT_TRADE_NO_USED', 'out_trade_no used');
  const order = newOrder(fields, total, 'MICROPAY', signType);
  state.orders.set(order.out_trade_no, order);
  // Codes starting 1399 ask the payer for a password: the order waits, and a later query finds it paid.
  if (fields.auth_code!.startsWith('1399')) {
    order.trade_state = 'USERPAYING';
    order.settles_at = Date.now() + userPayingMs;
    return error('USERPAYING', 'waiting for the payer to enter the password');
  }
  order.trade_state = 'SUCCESS';
  order.paid_at = new Date();
  return { fields: paidFields(order) };
};

const TRADE_TYPES = ['JSAPI', 'NATIVE', 'APP', 'MWEB'] as const;

const unifiedorder: Operation = (fields, { state, signType }) => {
  const missing = required(fields, ['appid', 'body', 'out_trade_no', 'total_fee', 'spbill_create_ip', 'notify_url', 'trade_type']);
  if (missing) return missing;
  const total = amount(fields.total_fee);
  if (total === undefined) return error('PARAM_ERROR', 'total_fee must be a positive integer (fen)');
  const tradeType = TRADE_TYPES.find((type) => type === fields.trade_type);
  if (!tradeType) return error('PARAM_ERROR', 'trade_type must be JSAPI, NATIVE, APP or MWEB');
  if (tradeType === 'JSAPI' && !fields.openid && !fields.sub_openid) return error('PARAM_ERROR', 'JSAPI needs openid');
  const existing = state.orders.get(fields.out_trade_no!);
  if (existing && existing.trade_state === 'SUCCESS') return error('ORDERPAID', 'order paid');
  if (existing && existing.trade_state === 'CLOSED') return error('ORDERCLOSED', 'order closed');
  if (existing && (existing.total_fee !== total || existing.trade_type !== tradeType)) return error('INVALID_REQUEST', 'out_trade_no used with other parameters');
  const order = existing ?? newOrder(fields, total, tradeType, signType);
  order.prepay_id ??= `wx${beijingCompact(new Date())}${randomBytes(12).toString('hex')}`;
  state.orders.set(order.out_trade_no, order);
  return {
    fields: {
      trade_type: tradeType, prepay_id: order.prepay_id,
      ...(tradeType === 'NATIVE' ? { code_url: `weixin://wxpay/bizpayurl?pr=${order.prepay_id.slice(-7)}` } : {}),
      ...(tradeType === 'MWEB' ? { mweb_url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${order.prepay_id}` } : {}),
    },
  };
};

const orderquery: Operation = (fields, { state }) => {
  if (!fields.out_trade_no && !fields.transaction_id) return error('PARAM_ERROR', 'give out_trade_no or transaction_id');
  const order = findOrder(fields, state);
  if (!order) return error('ORDERNOTEXIST', 'order does not exist');
  if (order.trade_state === 'USERPAYING' && Date.now() >= (order.settles_at ?? 0)) {
    order.trade_state = 'SUCCESS';
    order.paid_at = new Date();
  }
  const paid = order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND';
  return {
    fields: {
      trade_state: order.trade_state, out_trade_no: order.out_trade_no, total_fee: order.total_fee,
      ...(paid ? paidFields(order) : {}), trade_state_desc: order.trade_state,
    },
  };
};

const closeorder: Operation = (fields, { state }) => {
  const missing = required(fields, ['out_trade_no']);
  if (missing) return missing;
  const order = state.orders.get(fields.out_trade_no!);
  if (!order) return error('ORDERNOTEXIST', 'order does not exist');
  if (order.trade_state === 'SUCCESS' || order.trade_state === 'REFUND') return error('ORDERPAID', 'order paid');
  if (order.trade_state === 'CLOSED') return error('ORDERCLOSED', 'order closed');
  order.trade_state = 'CLOSED';
  return { fields: {} };
};

function refunded(order: V2Order, state: V2State): number {
  return [...state.refunds.values()].filter((refund) => refund.out_trade_no === order.out_trade_no).reduce((sum, refund) => sum + refund.refund_fee, 0);
}

const refund: Operation = (fields, { state, clientCertificate }) => {
  // WeChat Pay refuses a refund over a connection without the merchant's API certificate.
  if (!clientCertificate) return { fail: { return_code: 'FAIL', return_msg: 'CERT_REQUIRED' } };
  const missing = required(fields, ['appid', 'out_refund_no', 'total_fee', 'refund_fee']);
  if (missing) return missing;
  if (!fields.out_trade_no && !fields.transaction_id) return error('PARAM_ERROR', 'give out_trade_no or transaction_id');
  const order = findOrder(fields, state);
  if (!order) return error('ORDERNOTEXIST', 'order does not exist');
  if (order.trade_state !== 'SUCCESS' && order.trade_state !== 'REFUND') return error('TRADE_STATE_ERROR', 'order not paid');
  const total = amount(fields.total_fee);
  const fee = amount(fields.refund_fee);
  if (total !== order.total_fee) return error('PARAM_ERROR', 'total_fee is not the order amount');
  const previous = state.refunds.get(fields.out_refund_no!);
  if (previous && (previous.out_trade_no !== order.out_trade_no || previous.refund_fee !== fee)) return error('INVALID_REQUEST', 'out_refund_no used with other parameters');
  if (!previous && (fee === undefined || fee > order.total_fee - refunded(order, state))) return error('INVALID_REQUEST', 'refund_fee is more than what is left to refund');
  const entry: V2Refund = previous ?? {
    out_refund_no: fields.out_refund_no!, refund_id: `50000${digits(24)}`, out_trade_no: order.out_trade_no, refund_fee: fee!,
    refund_status: 'PROCESSING', created_at: new Date(), ...(fields.notify_url ? { notify_url: fields.notify_url } : {}),
  };
  state.refunds.set(entry.out_refund_no, entry);
  order.trade_state = 'REFUND';
  return {
    fields: {
      transaction_id: order.transaction_id, out_trade_no: order.out_trade_no, out_refund_no: entry.out_refund_no, refund_id: entry.refund_id,
      refund_fee: entry.refund_fee, total_fee: order.total_fee, cash_fee: order.total_fee, cash_refund_fee: entry.refund_fee,
    },
  };
};

const refundquery: Operation = (fields, { state }) => {
  if (!fields.refund_id && !fields.out_refund_no && !fields.out_trade_no && !fields.transaction_id) return error('PARAM_ERROR', 'give refund_id, out_refund_no, transaction_id or out_trade_no');
  const refunds = [...state.refunds.values()].filter((entry) =>
    fields.refund_id ? entry.refund_id === fields.refund_id
      : fields.out_refund_no ? entry.out_refund_no === fields.out_refund_no
        : fields.out_trade_no ? entry.out_trade_no === fields.out_trade_no
          : fields.transaction_id ? state.orders.get(entry.out_trade_no)?.transaction_id === fields.transaction_id : false);
  if (refunds.length === 0) return error('REFUNDNOTEXIST', 'refund does not exist');
  const order = state.orders.get(refunds[0]!.out_trade_no)!;
  const each = refunds.flatMap((entry, n) => Object.entries({
    [`out_refund_no_${n}`]: entry.out_refund_no, [`refund_id_${n}`]: entry.refund_id, [`refund_fee_${n}`]: entry.refund_fee,
    [`refund_status_${n}`]: entry.refund_status, [`refund_recv_accout_${n}`]: '支付用户的零钱',
    ...(entry.succeeded_at ? { [`refund_success_time_${n}`]: beijingClock(entry.succeeded_at) } : {}),
  }));
  return {
    fields: {
      transaction_id: order.transaction_id, out_trade_no: order.out_trade_no, total_fee: order.total_fee, cash_fee: order.total_fee,
      refund_count: refunds.length, ...Object.fromEntries(each),
    },
  };
};

const yuan = (fen: number) => (fen / 100).toFixed(2);
const BILL_COLUMNS = ['交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类', '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注'];
const BILL_SUMMARY = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'];

function downloadbill(mchid: string): Operation {
  return (fields, { state }) => {
    const missing = required(fields, ['bill_date']);
    if (missing) return missing;
    if (!/^\d{8}$/.test(fields.bill_date!)) return { fail: { return_code: 'FAIL', return_msg: 'invalid bill_date', error_code: '20001' } };
    const type = fields.bill_type ?? 'ALL';
    if (!['ALL', 'SUCCESS', 'REFUND'].includes(type)) return { fail: { return_code: 'FAIL', return_msg: 'invalid bill_type', error_code: '20001' } };
    const day = (date: Date | undefined) => date !== undefined && beijingCompact(date).slice(0, 8) === fields.bill_date;
    const rows: string[][] = [];
    for (const order of state.orders.values()) {
      if (type !== 'REFUND' && day(order.paid_at)) {
        rows.push([beijingClock(order.paid_at!), order.appid, mchid, '0', '', order.transaction_id, order.out_trade_no, order.openid, order.trade_type, 'SUCCESS', 'OTHERS', 'CNY', yuan(order.total_fee), '0.00', '0', '0', '0.00', '0.00', '', '', order.body, '', '0.00000', '0.60%', yuan(order.total_fee), '0.00', '']);
      }
    }
    for (const entry of state.refunds.values()) {
      const order = state.orders.get(entry.out_trade_no)!;
      if (type !== 'SUCCESS' && day(entry.created_at)) {
        rows.push([beijingClock(entry.created_at), order.appid, mchid, '0', '', order.transaction_id, order.out_trade_no, order.openid, order.trade_type, 'REFUND', 'OTHERS', 'CNY', '0.00', '0.00', entry.refund_id, entry.out_refund_no, yuan(entry.refund_fee), '0.00', 'ORIGINAL', entry.refund_status, order.body, '', '0.00000', '0.60%', '0.00', yuan(entry.refund_fee), '']);
      }
    }
    if (rows.length === 0) return { fail: { return_code: 'FAIL', return_msg: 'No Bill Exist', error_code: '20002' } };
    const sum = (column: number) => yuan(Math.round(rows.reduce((total, row) => total + Number(row[column]) * 100, 0)));
    const text = [
      BILL_COLUMNS.join(','),
      ...rows.map((row) => row.map((value) => `\`${value}`).join(',')),
      BILL_SUMMARY.join(','),
      [String(rows.length), sum(12), sum(16), '0.00', '0.00000', sum(24), sum(25)].map((value) => `\`${value}`).join(','),
    ].join('\r\n');
    const bytes = Buffer.from(`${text}\r\n`, 'utf8');
    return fields.tar_type === 'GZIP' ? { file: gzipSync(bytes), contentType: 'application/x-gzip' } : { file: bytes, contentType: 'text/plain; charset=utf-8' };
  };
}

/** The served operations, by path below the base URL (as WeChat Pay serves them: no `v2` segment). */
export function operations(mchid: string): ReadonlyMap<string, Operation> {
  return new Map<string, Operation>([
    ['pay/micropay', micropay],
    ['pay/unifiedorder', unifiedorder],
    ['pay/orderquery', orderquery],
    ['pay/closeorder', closeorder],
    ['secapi/pay/refund', refund],
    ['pay/refundquery', refundquery],
    ['pay/downloadbill', downloadbill(mchid)],
  ]);
}

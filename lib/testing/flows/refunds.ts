/**
 * Refunds (退款), direct and partner: create (full, partial, several per order, never more
 * than was paid nor more than the basic account holds), query, and the asynchronous outcome:
 * `PROCESSING` first, then `SUCCESS` after the processing delay, or whatever
 * `sandbox.refund(out_refund_no, { status })` decides, each with its REFUND.* callback.
 */
import { beijingTime } from '../beijing-time.js';
import { Fields, jsonBody, pathValue, queryFields, refuse, paramError, type Json } from './answers.js';
import type { CallbackRecord } from './callbacks.js';
import { findOrder, markRefunded, merchantNumber, SandboxStateError } from './payments.js';
import type { FlowRoute } from './routes.js';
import { fingerprint, keyOf, type FlowState, type Refund, type RefundStatus } from './state.js';

/** A refund as its create and query answers show it. */
export function refundView(refund: Refund): Json {
  const { order } = refund;
  return {
    refund_id: refund.refund_id,
    out_refund_no: refund.out_refund_no,
    transaction_id: order.transaction_id,
    out_trade_no: order.out_trade_no,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.success_time ? { success_time: beijingTime(refund.success_time) } : {}),
    create_time: beijingTime(refund.created),
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: order.total,
      refund: refund.refund,
      from: [],
      payer_total: order.total,
      payer_refund: refund.refund,
      settlement_refund: refund.refund,
      settlement_total: order.total,
      discount_refund: 0,
      currency: 'CNY',
      refund_fee: 0,
    },
    promotion_detail: [],
  };
}

function create(state: FlowState, body: Buffer) {
  const json = jsonBody(body);
  const fields = new Fields(json);
  const sub_mchid = fields.optionalText('sub_mchid', 32);
  const transaction_id = fields.optionalText('transaction_id', 32);
  const out_trade_no = transaction_id === undefined ? fields.optionalText('out_trade_no', 32) : undefined;
  if (transaction_id === undefined && out_trade_no === undefined) throw paramError('transaction_id', 'transaction_id or out_trade_no is required');
  const out_refund_no = merchantNumber(fields, 'out_refund_no');
  const reason = fields.optionalText('reason', 80);
  const notify_url = fields.optionalText('notify_url', 256);
  const amount = fields.nested('amount')!;
  const refund = amount.integer('refund', 1);
  const total = amount.integer('total', 1);
  amount.oneOf('currency', ['CNY']);

  const key = keyOf(sub_mchid, out_refund_no);
  const print = fingerprint(json);
  const known = state.refunds.get(key);
  if (known) {
    if (known.fingerprint !== print) throw refuse('INVALID_REQUEST', '商户退款单号重复，请核实退款单号或更换新的单号');
    return { status: 200, body: refundView(known) };
  }
  let order;
  try {
    order = findOrder(state, sub_mchid, transaction_id === undefined ? { out_trade_no } : { transaction_id });
  } catch {
    throw refuse('RESOURCE_NOT_EXISTS', '订单不存在');
  }
  // An unpaid order cannot be refunded: WeChat Pay answers as if it did not exist.
  if (order.transaction_id === undefined) throw refuse('RESOURCE_NOT_EXISTS', '订单不存在');
  if (total !== order.total) throw refuse('INVALID_REQUEST', '订单金额与退款请求中的 amount.total 不一致');
  if (order.refunded + refund > order.total) throw refuse('INVALID_REQUEST', '申请退款金额超过订单可退金额');
  if (refund > state.balance) throw refuse('NOT_ENOUGH', '基本账户余额不足，请充值后重新发起');

  const created: Refund = {
    order,
    out_refund_no,
    refund_id: state.id('50300', 29),
    ...(reason === undefined ? {} : { reason }),
    ...(notify_url === undefined ? {} : { notify_url }),
    refund,
    fingerprint: print,
    status: 'PROCESSING',
    created: new Date(),
  };
  state.refunds.set(key, created);
  order.refunded += refund;
  markRefunded(order);
  state.book({ business_no: created.refund_id, name: '退款', type: '退款', income: false, amount: refund, remark: reason ?? '', voucher: out_refund_no });
  if (state.processingDelay !== null) {
    state.later(state.processingDelay, () => {
      if (created.status === 'PROCESSING') void conclude(state, created, 'SUCCESS');
    });
  }
  return { status: 200, body: refundView(created) };
}

/** `status` values `sandbox.refund` may conclude a refund with. */
export const REFUND_OUTCOMES: readonly RefundStatus[] = ['SUCCESS', 'ABNORMAL', 'CLOSED'];

async function conclude(state: FlowState, refund: Refund, status: RefundStatus): Promise<CallbackRecord | undefined> {
  refund.status = status;
  if (status === 'SUCCESS') refund.success_time = new Date();
  if (status === 'CLOSED') {
    // A closed refund gives the money back to the account and the order.
    refund.order.refunded -= refund.refund;
    state.book({ business_no: refund.refund_id, name: '退款', type: '退款', income: true, amount: refund.refund, remark: '退款关闭', voucher: refund.out_refund_no });
    return undefined;
  }
  if (!refund.notify_url) return undefined;
  const { order } = refund;
  return state.callbacks.send(refund.notify_url, {
    event_type: `REFUND.${status}`,
    summary: status === 'SUCCESS' ? '退款成功' : '退款异常',
    original_type: 'refund',
    associated_data: 'refund',
    resource: {
      ...(order.sub_mchid === undefined ? { mchid: order.mchid } : { sp_mchid: order.mchid, sub_mchid: order.sub_mchid }),
      out_trade_no: order.out_trade_no,
      transaction_id: order.transaction_id,
      out_refund_no: refund.out_refund_no,
      refund_id: refund.refund_id,
      refund_status: status,
      ...(refund.success_time ? { success_time: beijingTime(refund.success_time) } : {}),
      user_received_account: '支付用户零钱',
      amount: { total: order.total, refund: refund.refund, payer_total: order.total, payer_refund: refund.refund },
    },
  }, refund.out_refund_no);
}

/** Options of `sandbox.refund`. */
export interface RefundOptions {
  /** The outcome; default `SUCCESS`. */
  status?: RefundStatus;
  /** The sub-merchant of a partner refund. */
  sub_mchid?: string;
}

/** Concludes a `PROCESSING` refund now; resolves once its callback's first try is over. */
export async function settleRefund(state: FlowState, out_refund_no: string, options: RefundOptions = {}): Promise<{ refund: Json; callback?: CallbackRecord }> {
  const status = options.status ?? 'SUCCESS';
  if (!REFUND_OUTCOMES.includes(status)) throw new SandboxStateError('PARAM_ERROR', `status must be one of ${REFUND_OUTCOMES.join(', ')}`);
  const refund = state.refunds.get(keyOf(options.sub_mchid, out_refund_no));
  if (!refund) throw new SandboxStateError('RESOURCE_NOT_EXISTS', `no refund ${out_refund_no}`, 404);
  if (refund.status !== 'PROCESSING') throw new SandboxStateError('INVALID_REQUEST', `refund ${out_refund_no} is already ${refund.status}`);
  const callback = await conclude(state, refund, status);
  return callback ? { refund: refundView(refund), callback } : { refund: refundView(refund) };
}

export const REFUND_ROUTES: readonly FlowRoute[] = [
  { method: 'POST', path: /^v3\/refund\/domestic\/refunds$/, handle: (state, _vars, _query, body) => create(state, body) },
  {
    method: 'GET',
    path: /^v3\/refund\/domestic\/refunds\/([^/]+)$/,
    handle: (state, [number], query) => {
      const sub_mchid = queryFields(query).optionalText('sub_mchid', 32);
      const refund = state.refunds.get(keyOf(sub_mchid, pathValue(number!, 'out_refund_no')));
      if (!refund) throw refuse('RESOURCE_NOT_EXISTS', '退款单不存在');
      return { status: 200, body: refundView(refund) };
    },
  },
];

/**
 * Profit sharing (分账) on a settled transaction placed with `settle_info.profit_sharing`:
 * add receivers, create and query sharing orders (at most 30% of the order, never more than
 * is left unsplit), return orders from merchant receivers, unfreeze the rest, and the unsplit
 * amount. Orders answer `PROCESSING` and finish after the processing delay.
 */
import { beijingTime } from '../beijing-time.js';
import { Fields, jsonBody, paramError, pathValue, queryFields, refuse, type Json } from './answers.js';
import { merchantNumber } from './payments.js';
import type { FlowRoute } from './routes.js';
import { fingerprint, keyOf, type FlowState, type Receiver, type ReturnOrder, type SharingOrder } from './state.js';

/** The share of an order a merchant may give away by default (最大分账比例). */
const MAX_RATIO = 0.3;
const RECEIVER_TYPES = ['MERCHANT_ID', 'PERSONAL_OPENID', 'PERSONAL_SUB_OPENID'] as const;
const RELATION_TYPES = ['STORE', 'STAFF', 'STORE_OWNER', 'PARTNER', 'HEADQUARTER', 'BRAND', 'DISTRIBUTOR', 'USER', 'SUPPLIER', 'CUSTOM'] as const;

const receiverKey = (sub_mchid: string | undefined, type: string, account: string) => `${sub_mchid ?? ''}|${type}|${account}`;

function addReceiver(state: FlowState, body: Buffer) {
  const fields = new Fields(jsonBody(body));
  const sub_mchid = fields.optionalText('sub_mchid', 32);
  fields.text('appid', 32);
  const receiver: Receiver = {
    ...(sub_mchid === undefined ? {} : { sub_mchid }),
    type: fields.oneOf('type', RECEIVER_TYPES),
    account: fields.text('account', 64),
    relation_type: fields.oneOf('relation_type', RELATION_TYPES),
  };
  const name = fields.optionalText('name', 1024);
  if (receiver.type === 'MERCHANT_ID' && !name) throw paramError('name', 'name is required for a MERCHANT_ID receiver');
  if (name) receiver.name = name;
  state.receivers.set(receiverKey(sub_mchid, receiver.type, receiver.account), receiver);
  const { sub_mchid: _owner, ...view } = receiver;
  return { status: 200, body: { ...(sub_mchid === undefined ? {} : { sub_mchid }), ...view } };
}

export function sharingView(sharing: SharingOrder): Json {
  return {
    ...(sharing.order.sub_mchid === undefined ? {} : { sub_mchid: sharing.order.sub_mchid }),
    transaction_id: sharing.order.transaction_id,
    out_order_no: sharing.out_order_no,
    order_id: sharing.order_id,
    state: sharing.state,
    receivers: sharing.receivers.map((receiver) => ({
      amount: receiver.amount,
      description: receiver.description,
      type: receiver.type,
      account: receiver.account,
      result: receiver.result,
      ...(receiver.result === 'CLOSED' ? { fail_reason: 'RECEIVER_HIGH_RISK' } : {}),
      detail_id: receiver.detail_id,
      create_time: beijingTime(receiver.created),
      finish_time: beijingTime(receiver.finished ?? receiver.created),
    })),
  };
}

function finish(sharing: SharingOrder): void {
  sharing.state = 'FINISHED';
  const now = new Date();
  for (const receiver of sharing.receivers) {
    if (receiver.result === 'PENDING') receiver.result = 'SUCCESS';
    receiver.finished ??= now;
  }
}

function createOrder(state: FlowState, body: Buffer) {
  const json = jsonBody(body);
  const fields = new Fields(json);
  const sub_mchid = fields.optionalText('sub_mchid', 32);
  fields.text('appid', 32);
  const transaction_id = fields.text('transaction_id', 32);
  const out_order_no = merchantNumber(fields, 'out_order_no');
  const unfreeze = fields.boolean('unfreeze_unsplit');
  if (unfreeze === undefined) throw paramError('unfreeze_unsplit', 'unfreeze_unsplit is required');
  const receivers = fields.list('receivers', 50).map((item) => ({
    type: item.oneOf('type', RECEIVER_TYPES),
    account: item.text('account', 64),
    name: item.optionalText('name', 1024),
    amount: item.integer('amount', 1),
    description: item.text('description', 80),
  }));

  const key = keyOf(sub_mchid, out_order_no);
  const print = fingerprint(json);
  const known = state.sharing.get(key);
  if (known) {
    if (known.fingerprint !== print) throw refuse('INVALID_REQUEST', '商户分账单号重复');
    return { status: 200, body: sharingView(known) };
  }
  const order = state.transactions.get(transaction_id);
  if (!order || order.sub_mchid !== sub_mchid) throw refuse('RESOURCE_NOT_EXISTS', '订单不存在');
  if (!order.profit_sharing) throw refuse('INVALID_REQUEST', '订单下单时未指定需要分账（settle_info.profit_sharing）');
  if (order.sharingFinished) throw refuse('INVALID_REQUEST', '订单分账已完结');
  for (const [index, receiver] of receivers.entries()) {
    if (!state.receivers.has(receiverKey(sub_mchid, receiver.type, receiver.account))) {
      throw paramError(`receivers[${index}].account`, `receiver ${receiver.account} has not been added (v3/profitsharing/receivers/add)`);
    }
  }
  const sum = receivers.reduce((total, receiver) => total + receiver.amount, 0);
  const shared = order.total - order.unsplit;
  if (shared + sum > Math.floor(order.total * MAX_RATIO)) throw refuse('INVALID_REQUEST', '分账金额超出最大分账比例');
  if (sum > order.unsplit || sum > state.balance) throw refuse('NOT_ENOUGH', '分账金额不足');

  const now = new Date();
  const sharing: SharingOrder = {
    order,
    out_order_no,
    order_id: state.id('3008450740', 32),
    state: 'PROCESSING',
    fingerprint: print,
    receivers: receivers.map((receiver) => ({
      type: receiver.type, account: receiver.account, amount: receiver.amount, description: receiver.description,
      result: 'PENDING', detail_id: state.id('36011111111', 32), created: now, returned: 0,
    })),
  };
  state.sharing.set(key, sharing);
  order.unsplit -= sum;
  state.book({ business_no: sharing.order_id, name: '分账', type: '分账', income: false, amount: sum, remark: '', voucher: out_order_no });
  if (unfreeze) {
    order.sharingFinished = true;
    order.unsplit = 0;
  }
  if (state.processingDelay === null) finish(sharing);
  else state.later(state.processingDelay, () => finish(sharing));
  return { status: 200, body: sharingView(sharing) };
}

function findSharing(state: FlowState, sub_mchid: string | undefined, out_order_no: string): SharingOrder {
  const sharing = state.sharing.get(keyOf(sub_mchid, out_order_no));
  if (!sharing) throw refuse('RESOURCE_NOT_EXISTS', '分账单不存在');
  return sharing;
}

function returnView(item: ReturnOrder): Json {
  return {
    ...(item.sharing.order.sub_mchid === undefined ? {} : { sub_mchid: item.sharing.order.sub_mchid }),
    order_id: item.sharing.order_id,
    out_order_no: item.sharing.out_order_no,
    out_return_no: item.out_return_no,
    return_id: item.return_id,
    return_mchid: item.return_mchid,
    amount: item.amount,
    description: item.description,
    result: 'SUCCESS',
    create_time: beijingTime(item.created),
    finish_time: beijingTime(item.created),
  };
}

function createReturn(state: FlowState, body: Buffer) {
  const fields = new Fields(jsonBody(body));
  const sub_mchid = fields.optionalText('sub_mchid', 32);
  const out_order_no = fields.optionalText('out_order_no', 64);
  const order_id = out_order_no === undefined ? fields.optionalText('order_id', 64) : undefined;
  if (out_order_no === undefined && order_id === undefined) throw paramError('out_order_no', 'out_order_no or order_id is required');
  const out_return_no = merchantNumber(fields, 'out_return_no');
  const return_mchid = fields.text('return_mchid', 32);
  const amount = fields.integer('amount', 1);
  const description = fields.text('description', 80);

  const key = keyOf(sub_mchid, out_return_no);
  const known = state.returns.get(key);
  if (known) return { status: 200, body: returnView(known) };
  const sharing = out_order_no !== undefined
    ? findSharing(state, sub_mchid, out_order_no)
    : [...state.sharing.values()].find((item) => item.order_id === order_id && item.order.sub_mchid === sub_mchid);
  if (!sharing) throw refuse('RESOURCE_NOT_EXISTS', '分账单不存在');
  const receiver = sharing.receivers.find((item) => item.type === 'MERCHANT_ID' && item.account === return_mchid);
  if (!receiver) throw refuse('INVALID_REQUEST', '回退商户号不是该分账单的分账接收方');
  if (receiver.returned + amount > receiver.amount) throw refuse('NOT_ENOUGH', '回退金额超出可回退金额');
  receiver.returned += amount;
  const item: ReturnOrder = { sharing, out_return_no, return_id: state.id('3008450740', 32), return_mchid, amount, description, created: new Date() };
  state.returns.set(key, item);
  state.book({ business_no: item.return_id, name: '分账回退', type: '分账', income: true, amount, remark: description, voucher: out_return_no });
  return { status: 200, body: returnView(item) };
}

function unfreeze(state: FlowState, body: Buffer) {
  const fields = new Fields(jsonBody(body));
  const sub_mchid = fields.optionalText('sub_mchid', 32);
  const transaction_id = fields.text('transaction_id', 32);
  const out_order_no = merchantNumber(fields, 'out_order_no');
  fields.text('description', 80);
  const order = state.transactions.get(transaction_id);
  if (!order || order.sub_mchid !== sub_mchid) throw refuse('RESOURCE_NOT_EXISTS', '订单不存在');
  if (!order.profit_sharing || order.sharingFinished) throw refuse('INVALID_REQUEST', '订单分账已完结');
  order.sharingFinished = true;
  order.unsplit = 0;
  const sharing: SharingOrder = { order, out_order_no, order_id: state.id('3008450740', 32), state: 'FINISHED', receivers: [], fingerprint: '' };
  state.sharing.set(keyOf(sub_mchid, out_order_no), sharing);
  return { status: 200, body: sharingView(sharing) };
}

export const PROFIT_SHARING_ROUTES: readonly FlowRoute[] = [
  { method: 'POST', path: /^v3\/profitsharing\/receivers\/add$/, handle: (state, _vars, _query, body) => addReceiver(state, body) },
  { method: 'POST', path: /^v3\/profitsharing\/orders$/, handle: (state, _vars, _query, body) => createOrder(state, body) },
  { method: 'POST', path: /^v3\/profitsharing\/orders\/unfreeze$/, handle: (state, _vars, _query, body) => unfreeze(state, body) },
  {
    method: 'GET',
    path: /^v3\/profitsharing\/orders\/([^/]+)$/,
    handle: (state, [number], query) => {
      const fields = queryFields(query);
      const sub_mchid = fields.optionalText('sub_mchid', 32);
      const transaction_id = fields.text('transaction_id', 32);
      const sharing = findSharing(state, sub_mchid, pathValue(number!, 'out_order_no'));
      if (sharing.order.transaction_id !== transaction_id) throw refuse('RESOURCE_NOT_EXISTS', '分账单不存在');
      return { status: 200, body: sharingView(sharing) };
    },
  },
  { method: 'POST', path: /^v3\/profitsharing\/return-orders$/, handle: (state, _vars, _query, body) => createReturn(state, body) },
  {
    method: 'GET',
    path: /^v3\/profitsharing\/return-orders\/([^/]+)$/,
    handle: (state, [number], query) => {
      const fields = queryFields(query);
      const sub_mchid = fields.optionalText('sub_mchid', 32);
      const out_order_no = fields.text('out_order_no', 64);
      const item = state.returns.get(keyOf(sub_mchid, pathValue(number!, 'out_return_no')));
      if (!item || item.sharing.out_order_no !== out_order_no) throw refuse('RESOURCE_NOT_EXISTS', '回退单不存在');
      return { status: 200, body: returnView(item) };
    },
  },
  {
    method: 'GET',
    path: /^v3\/profitsharing\/transactions\/([^/]+)\/amounts$/,
    handle: (state, [id]) => {
      const order = state.transactions.get(pathValue(id!, 'transaction_id'));
      if (!order) throw refuse('RESOURCE_NOT_EXISTS', '订单不存在');
      return { status: 200, body: { transaction_id: order.transaction_id, unsplit_amount: order.unsplit } };
    },
  },
];

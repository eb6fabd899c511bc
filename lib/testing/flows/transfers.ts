/**
 * Merchant transfer (商家转账, `v3/fund-app/mch-transfer/transfer-bills`): create, query by
 * `out_bill_no` or `transfer_bill_no`, cancel; `sandbox.confirmTransfer` stands in for the
 * user confirming (or failing) in WeChat. `user_name` comes RSA-OAEP encrypted under the platform
 * key and is answered under the merchant's, as WeChat Pay does with sensitive fields.
 */
import { randomBytes } from 'node:crypto';
import { Rsa } from '../../crypto/rsa.js';
import { beijingTime } from '../beijing-time.js';
import { Fields, jsonBody, paramError, pathValue, refuse, type Json } from './answers.js';
import type { CallbackRecord } from './callbacks.js';
import { SandboxStateError } from './payments.js';
import type { FlowRoute } from './routes.js';
import { fingerprint, type FlowState, type Transfer, type TransferState } from './state.js';

/** From this amount (2,000 yuan) on, `user_name` is required. */
const NAME_REQUIRED_FROM = 200_000;
/** Below this amount (0.3 yuan), `user_name` is not accepted. */
const NAME_ACCEPTED_FROM = 30;
const OUT_BILL_NO = /^[0-9A-Za-z]{5,32}$/;
const BASE = 'v3/fund-app/mch-transfer/transfer-bills';

export function transferView(state: FlowState, transfer: Transfer): Json {
  return {
    mch_id: state.mchid,
    out_bill_no: transfer.out_bill_no,
    transfer_bill_no: transfer.transfer_bill_no,
    appid: transfer.appid,
    state: transfer.state,
    transfer_amount: transfer.transfer_amount,
    transfer_remark: transfer.transfer_remark,
    ...(transfer.fail_reason ? { fail_reason: transfer.fail_reason } : {}),
    openid: transfer.openid,
    ...(transfer.user_name ? { user_name: transfer.user_name } : {}),
    create_time: beijingTime(transfer.created),
    update_time: beijingTime(transfer.updated),
  };
}

/**
 * Opens `user_name` with the platform key. That it came under the key `Wechatpay-Serial` names is
 * the facts check's (lib/testing/facts/sealed.ts); this flow only needs the text, which it seals
 * again under the merchant's key, as WeChat Pay answers it in queries.
 */
function opened(state: FlowState, field: string, ciphertext: string): string {
  try {
    return Rsa.decrypt(ciphertext, state.platform.privateKey);
  } catch {
    throw paramError(field, `${field} does not decrypt with the platform key ${state.platform.id} (RSA-OAEP)`);
  }
}

function create(state: FlowState, body: Buffer) {
  const json = jsonBody(body);
  const fields = new Fields(json);
  const appid = fields.text('appid', 32);
  const out_bill_no = fields.text('out_bill_no', 32);
  if (!OUT_BILL_NO.test(out_bill_no)) throw paramError('out_bill_no', 'out_bill_no must be 5 to 32 letters and digits');
  const transfer_scene_id = fields.text('transfer_scene_id', 36);
  const openid = fields.text('openid', 64);
  const user_name = fields.optionalText('user_name', 2048);
  const transfer_amount = fields.integer('transfer_amount', 1);
  const transfer_remark = fields.text('transfer_remark', 32);
  const notify_url = fields.optionalText('notify_url', 256);
  fields.optionalText('user_recv_perception', 32);
  for (const info of fields.list('transfer_scene_report_infos', 10)) {
    info.text('info_type', 15);
    info.text('info_content', 32);
  }
  if (user_name !== undefined) {
    if (transfer_amount < NAME_ACCEPTED_FROM) throw paramError('user_name', 'user_name is not accepted below 0.3 yuan');
  } else if (transfer_amount >= NAME_REQUIRED_FROM) {
    throw paramError('user_name', 'user_name is required from 2,000 yuan on');
  }

  const name = user_name === undefined ? undefined : opened(state, 'user_name', user_name);
  // RSA-OAEP is randomised: a retry that encrypted the same name again carries other bytes, so the
  // name is compared by what it says.
  const print = fingerprint(name === undefined ? json : { ...json, user_name: name });
  const known = state.transfers.get(out_bill_no);
  if (known) {
    if (known.fingerprint !== print) throw refuse('INVALID_REQUEST', '商户单号重复，请核实后重试');
    return { status: 200, body: created(known) };
  }
  if (transfer_amount > state.balance) throw refuse('NOT_ENOUGH', '资金不足');
  const now = new Date();
  const transfer: Transfer = {
    appid, out_bill_no, transfer_bill_no: state.id('1330000', 34), transfer_scene_id, openid,
    ...(name === undefined ? {} : { user_name: Rsa.encrypt(name, state.merchantKey) }),
    transfer_amount, transfer_remark,
    ...(notify_url === undefined ? {} : { notify_url }),
    fingerprint: print, state: 'WAIT_USER_CONFIRM', package_info: randomBytes(48).toString('base64'), created: now, updated: now,
  };
  state.transfers.set(out_bill_no, transfer);
  state.book({ business_no: transfer.transfer_bill_no, name: '商家转账', type: '转账', income: false, amount: transfer_amount, remark: transfer_remark, voucher: out_bill_no });
  return { status: 200, body: created(transfer) };
}

function created(transfer: Transfer): Json {
  return {
    out_bill_no: transfer.out_bill_no,
    transfer_bill_no: transfer.transfer_bill_no,
    create_time: beijingTime(transfer.created),
    state: transfer.state,
    ...(transfer.state === 'WAIT_USER_CONFIRM' ? { package_info: transfer.package_info } : {}),
  };
}

function find(state: FlowState, by: 'out_bill_no' | 'transfer_bill_no', value: string): Transfer {
  const transfer = by === 'out_bill_no' ? state.transfers.get(value) : [...state.transfers.values()].find((item) => item.transfer_bill_no === value);
  if (!transfer) throw refuse('NOT_FOUND', '记录不存在');
  return transfer;
}

/** Ends a transfer that did not pay out: the money goes back to the account. */
function unwind(state: FlowState, transfer: Transfer, to: TransferState, reason?: string): void {
  transfer.state = to;
  transfer.updated = new Date();
  if (reason) transfer.fail_reason = reason;
  state.book({ business_no: transfer.transfer_bill_no, name: '商家转账', type: '转账', income: true, amount: transfer.transfer_amount, remark: to, voucher: transfer.out_bill_no });
}

const OPEN: readonly TransferState[] = ['ACCEPTED', 'PROCESSING', 'WAIT_USER_CONFIRM', 'TRANSFERING'];

export const TRANSFER_ROUTES: readonly FlowRoute[] = [
  { method: 'POST', path: /^v3\/fund-app\/mch-transfer\/transfer-bills$/, handle: (state, _vars, _query, body) => create(state, body) },
  {
    method: 'GET',
    path: new RegExp(`^${BASE}/out-bill-no/([^/]+)$`),
    handle: (state, [number]) => ({ status: 200, body: transferView(state, find(state, 'out_bill_no', pathValue(number!, 'out_bill_no'))) }),
  },
  {
    method: 'GET',
    path: new RegExp(`^${BASE}/transfer-bill-no/([^/]+)$`),
    handle: (state, [number]) => ({ status: 200, body: transferView(state, find(state, 'transfer_bill_no', pathValue(number!, 'transfer_bill_no'))) }),
  },
  {
    method: 'POST',
    path: new RegExp(`^${BASE}/out-bill-no/([^/]+)/cancel$`),
    handle: (state, [number]) => {
      const transfer = find(state, 'out_bill_no', pathValue(number!, 'out_bill_no'));
      if (!OPEN.includes(transfer.state)) throw refuse('INVALID_REQUEST', `转账单据状态为 ${transfer.state}，不可撤销`);
      unwind(state, transfer, 'CANCELLED');
      return { status: 200, body: { out_bill_no: transfer.out_bill_no, transfer_bill_no: transfer.transfer_bill_no, state: transfer.state, update_time: beijingTime(transfer.updated) } };
    },
  },
];

/** Options of `sandbox.confirmTransfer`. */
export interface ConfirmTransferOptions {
  /** `SUCCESS` (default: the user accepted) or `FAIL`. */
  state?: 'SUCCESS' | 'FAIL';
  /** `fail_reason` of a `FAIL`; default `OVERDUE_CLOSE` (the user did not confirm in time). */
  fail_reason?: string;
}

/** Concludes a transfer as the user would, and POSTs MCHTRANSFER.BILL.FINISHED to its `notify_url`. */
export async function confirmTransfer(state: FlowState, out_bill_no: string, options: ConfirmTransferOptions = {}): Promise<{ transfer: Json; callback?: CallbackRecord }> {
  const to = options.state ?? 'SUCCESS';
  if (to !== 'SUCCESS' && to !== 'FAIL') throw new SandboxStateError('PARAM_ERROR', 'state must be SUCCESS or FAIL');
  const transfer = state.transfers.get(out_bill_no);
  if (!transfer) throw new SandboxStateError('NOT_FOUND', `no transfer ${out_bill_no}`, 404);
  if (!OPEN.includes(transfer.state)) throw new SandboxStateError('INVALID_REQUEST', `transfer ${out_bill_no} is already ${transfer.state}`);
  if (to === 'FAIL') unwind(state, transfer, 'FAIL', options.fail_reason ?? 'OVERDUE_CLOSE');
  else {
    transfer.state = 'SUCCESS';
    transfer.updated = new Date();
  }
  const view = transferView(state, transfer);
  if (!transfer.notify_url) return { transfer: view };
  const { user_name: _encrypted, ...resource } = view;
  const callback = await state.callbacks.send(transfer.notify_url, {
    event_type: 'MCHTRANSFER.BILL.FINISHED',
    summary: '商家转账单据终态通知',
    original_type: 'mch_payment',
    associated_data: 'mch_payment',
    resource,
  }, out_bill_no);
  return { transfer: view, callback };
}

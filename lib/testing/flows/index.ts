/**
 * The sandbox's stateful flows in one place: the gateway route serving payment, refund,
 * transfer, profit-sharing and bill endpoints from one {@link FlowState}, and the unsigned
 * control routes (`POST sandbox/pay`, `POST sandbox/refund`, `POST sandbox/transfer`,
 * `GET sandbox/callbacks`) that let any language's test drive them.
 */
import type { Answer } from '../endpoints.js';
import type { ControlRoute, Route } from '../gateway.js';
import { isObject } from './answers.js';
import { BILL_ROUTES } from './bills.js';
import { pay, PAYMENT_ROUTES, SandboxStateError, type PayOptions } from './payments.js';
import { PROFIT_SHARING_ROUTES } from './profitsharing.js';
import { REFUND_ROUTES, settleRefund, type RefundOptions } from './refunds.js';
import { flowRoute } from './routes.js';
import type { FlowState } from './state.js';
import { confirmTransfer, TRANSFER_ROUTES, type ConfirmTransferOptions } from './transfers.js';

export { DEFAULT_CALLBACK_RETRY_DELAYS, CallbackSender } from './callbacks.js';
export type { CallbackRecord, CallbackTry } from './callbacks.js';
export { FlowState } from './state.js';
export type { TradeState, RefundStatus, TransferState } from './state.js';
export { pay, SandboxStateError, type PayOptions, type PayResult, type SandboxTransaction } from './payments.js';
export { settleRefund, type RefundOptions } from './refunds.js';
export { confirmTransfer, type ConfirmTransferOptions } from './transfers.js';

/** Every stateful endpoint, as one gateway route. */
export function flowsRoute(state: FlowState): Route {
  return flowRoute(state, [...PAYMENT_ROUTES, ...REFUND_ROUTES, ...TRANSFER_ROUTES, ...PROFIT_SHARING_ROUTES, ...BILL_ROUTES]);
}

const plain = (status: number, body: object): Answer => ({ status, body });

/** Reads a control route's JSON body: an object with a string `key`, the rest passed as options. */
function command(body: Buffer, key: string): { subject: string; options: Record<string, unknown> } | Answer {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return plain(400, { code: 'PARAM_ERROR', message: 'the body is not valid JSON' });
  }
  if (!isObject(json) || typeof json[key] !== 'string' || json[key] === '') {
    return plain(400, { code: 'PARAM_ERROR', message: `${key} is required`, detail: { field: key, location: 'body' } });
  }
  const { [key]: subject, ...options } = json;
  return { subject: subject as string, options };
}

async function settled(run: () => Promise<object>): Promise<Answer> {
  try {
    return plain(200, await run());
  } catch (error) {
    if (error instanceof SandboxStateError) return plain(error.status, { code: error.code, message: error.message });
    throw error;
  }
}

/** The unsigned routes under `sandbox/`; the gateway serves them to loopback callers only. */
export function controlRoute(state: FlowState): ControlRoute {
  const actions = new Map<string, [key: string, run: (subject: string, options: never) => Promise<object>]>([
    ['pay', ['out_trade_no', (subject, options: PayOptions) => pay(state, subject, options)]],
    ['refund', ['out_refund_no', (subject, options: RefundOptions) => settleRefund(state, subject, options)]],
    ['transfer', ['out_bill_no', (subject, options: ConfirmTransferOptions) => confirmTransfer(state, subject, options)]],
  ]);
  return async (method, path, body) => {
    if (method === 'GET' && path === 'callbacks') return plain(200, state.callbacks.records);
    const action = method === 'POST' ? actions.get(path) : undefined;
    if (!action) return undefined;
    const parsed = command(body, action[0]);
    if ('status' in parsed) return parsed;
    return settled(() => action[1](parsed.subject, parsed.options as never));
  };
}

/**
 * What the dashboard shows, read from the sandbox's books: orders, refunds, transfers and
 * callback deliveries, newest first, as plain JSON. Keys never appear here: the page can only
 * show what this function hands it.
 */
import { createHash } from 'node:crypto';
import { renderSVG } from 'uqr';
import { BoundedCache } from '../../cache.js';
import { beijingTime } from '../beijing-time.js';
import type { CallbackRecord } from '../flows/callbacks.js';
import type { FlowState, TradeState, RefundStatus, TransferState } from '../flows/state.js';

/** An order row; `qr` is the Native `code_url` or H5 `h5_url` and its QR code as SVG. */
export interface DashboardOrder {
  out_trade_no: string;
  transaction_id?: string;
  sub_mchid?: string;
  trade_type: string;
  trade_state: TradeState;
  amount: { total: number; currency: 'CNY' };
  created_at: string;
  success_time?: string;
  qr?: { text: string; svg: string };
}

/** A refund row. */
export interface DashboardRefund {
  out_refund_no: string;
  out_trade_no: string;
  status: RefundStatus;
  amount: { refund: number; currency: 'CNY' };
  create_time: string;
  success_time?: string;
}

/** A transfer row. */
export interface DashboardTransfer {
  out_bill_no: string;
  transfer_bill_no: string;
  state: TransferState;
  transfer_amount: number;
  create_time: string;
}

/** Everything the page renders; `version` changes whenever anything shown does. */
export interface DashboardState {
  version: string;
  mchid: string;
  orders: DashboardOrder[];
  refunds: DashboardRefund[];
  transfers: DashboardTransfer[];
  callbacks: CallbackRecord[];
}

// A QR code costs about a millisecond to draw and the page asks every second: draw each URL once.
const codes = new BoundedCache<string, string>(256);

const newestFirst = <T extends { created: Date }>(items: Iterable<T>) => [...items].sort((a, b) => b.created.getTime() - a.created.getTime());

/** The dashboard's view of `flows`. */
export function dashboardState(flows: FlowState): DashboardState {
  const orders = newestFirst(flows.orders.values()).map((order): DashboardOrder => {
    const text = order.prepay['code_url'] ?? order.prepay['h5_url'];
    return {
      out_trade_no: order.out_trade_no,
      ...(order.transaction_id ? { transaction_id: order.transaction_id } : {}),
      ...(order.sub_mchid ? { sub_mchid: order.sub_mchid } : {}),
      trade_type: order.trade_type,
      trade_state: order.trade_state,
      amount: { total: order.total, currency: 'CNY' },
      created_at: beijingTime(order.created),
      ...(order.success_time ? { success_time: beijingTime(order.success_time) } : {}),
      ...(text ? { qr: { text, svg: codes.get(text, () => renderSVG(text)) } } : {}),
    };
  });
  const refunds = newestFirst(flows.refunds.values()).map((refund): DashboardRefund => ({
    out_refund_no: refund.out_refund_no,
    out_trade_no: refund.order.out_trade_no,
    status: refund.status,
    amount: { refund: refund.refund, currency: 'CNY' },
    create_time: beijingTime(refund.created),
    ...(refund.success_time ? { success_time: beijingTime(refund.success_time) } : {}),
  }));
  const transfers = newestFirst(flows.transfers.values()).map((transfer): DashboardTransfer => ({
    out_bill_no: transfer.out_bill_no,
    transfer_bill_no: transfer.transfer_bill_no,
    state: transfer.state,
    transfer_amount: transfer.transfer_amount,
    create_time: beijingTime(transfer.created),
  }));
  const callbacks = [...flows.callbacks.records].reverse();
  const shown = { mchid: flows.mchid, orders, refunds, transfers, callbacks };
  const version = createHash('sha1').update(JSON.stringify(shown)).digest('base64url');
  return { version, ...shown };
}

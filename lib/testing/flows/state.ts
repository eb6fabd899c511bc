/**
 * The in-memory books of one sandbox: orders, refunds, transfers, profit sharing, and the
 * merchant's fund flow. Ids come from a counter, so one run numbers its objects the same way
 * each time; times are real, since signatures and bills need them.
 */
import type { KeyObject } from 'node:crypto';
import { beijingTime } from '../beijing-time.js';
import type { CallbackSender } from './callbacks.js';

/** The states of an order, as `trade_state` names them. */
export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';
/** `trade_type`: the five prepay kinds (Mini Program orders are `JSAPI`). */
export type TradeType = 'JSAPI' | 'APP' | 'MWEB' | 'NATIVE';

/** An order from prepay on; `transaction_id` is set once it is paid. */
export interface Order {
  /** Who it belongs to: the direct merchant, or the service provider and its sub-merchant. */
  mchid: string;
  sub_mchid?: string;
  appid: string;
  sub_appid?: string;
  out_trade_no: string;
  trade_type: TradeType;
  description: string;
  notify_url: string;
  attach?: string;
  total: number;
  payer: { openid?: string; sp_openid?: string; sub_openid?: string };
  profit_sharing: boolean;
  /** The request body, canonical, to tell a retry from a different order under the same number. */
  fingerprint: string;
  prepay: Record<string, string>;
  trade_state: TradeState;
  trade_state_desc: string;
  transaction_id?: string;
  success_time?: Date;
  created: Date;
  /** Fen refunded or being refunded. */
  refunded: number;
  /** Fen not yet shared nor unfrozen; 0 when the order was not placed for profit sharing. */
  unsplit: number;
  sharingFinished: boolean;
}

/** `status` of a refund. */
export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'ABNORMAL' | 'CLOSED';

export interface Refund {
  order: Order;
  out_refund_no: string;
  refund_id: string;
  reason?: string;
  notify_url?: string;
  refund: number;
  fingerprint: string;
  status: RefundStatus;
  created: Date;
  success_time?: Date;
}

/** `state` of a merchant transfer (商家转账). */
export type TransferState = 'ACCEPTED' | 'PROCESSING' | 'WAIT_USER_CONFIRM' | 'TRANSFERING' | 'SUCCESS' | 'FAIL' | 'CANCELING' | 'CANCELLED';

export interface Transfer {
  appid: string;
  out_bill_no: string;
  transfer_bill_no: string;
  transfer_scene_id: string;
  openid: string;
  /** Still encrypted, as received; the sandbox only proves it decrypts. */
  user_name?: string;
  transfer_amount: number;
  transfer_remark: string;
  notify_url?: string;
  fingerprint: string;
  state: TransferState;
  /** What the merchant's app hands to WeChat for the user to confirm. */
  package_info: string;
  fail_reason?: string;
  created: Date;
  updated: Date;
}

/** A profit-sharing receiver added with `receivers/add`. */
export interface Receiver {
  sub_mchid?: string;
  type: 'MERCHANT_ID' | 'PERSONAL_OPENID' | 'PERSONAL_SUB_OPENID';
  account: string;
  name?: string;
  relation_type: string;
}

export interface SharingReceiver {
  type: string;
  account: string;
  amount: number;
  description: string;
  result: 'PENDING' | 'SUCCESS' | 'CLOSED';
  detail_id: string;
  created: Date;
  finished?: Date;
  /** Fen returned so far with return orders. */
  returned: number;
}

export interface SharingOrder {
  order: Order;
  out_order_no: string;
  order_id: string;
  state: 'PROCESSING' | 'FINISHED';
  receivers: SharingReceiver[];
  fingerprint: string;
}

export interface ReturnOrder {
  sharing: SharingOrder;
  out_return_no: string;
  return_id: string;
  return_mchid: string;
  amount: number;
  description: string;
  created: Date;
}

/** One line of the fund flow bill: money in or out of the merchant's basic account. */
export interface LedgerEntry {
  at: Date;
  /** The WeChat Pay number of the business (transaction, refund, transfer …). */
  business_no: string;
  flow_no: string;
  /** 业务名称 / 业务类型. */
  name: string;
  type: string;
  income: boolean;
  amount: number;
  balance: number;
  applicant: string;
  remark: string;
  /** The merchant's own number (out_trade_no, out_refund_no …). */
  voucher: string;
}

/** The books, and the means the flows act with. */
export class FlowState {
  readonly orders = new Map<string, Order>();
  readonly transactions = new Map<string, Order>();
  readonly refunds = new Map<string, Refund>();
  readonly transfers = new Map<string, Transfer>();
  readonly receivers = new Map<string, Receiver>();
  readonly sharing = new Map<string, SharingOrder>();
  readonly returns = new Map<string, ReturnOrder>();
  readonly ledger: LedgerEntry[] = [];
  /** Bill files by download token, until they expire (ms since the epoch). */
  /** Bills offered for download, by token; `encryption` for the encrypted (sub-merchant, e-commerce) kinds. */
  readonly bills = new Map<string, { bytes: Buffer; gzip: boolean; expires: number; encryption?: { key: Buffer; nonce: string } }>();
  /** The merchant's basic account, in fen. */
  balance = 0;
  #sequence = 0;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(
    /** The merchant (or service provider) the sandbox accepts. */
    readonly mchid: string,
    readonly callbacks: CallbackSender,
    /** How long refunds and profit sharing stay `PROCESSING`, in ms; `null`: until settled by hand. */
    readonly processingDelay: number | null,
    /** The platform private key, which decrypts sensitive fields such as a transfer's `user_name`. */
    readonly platform: { id: string; privateKey: KeyObject },
    /** The merchant's public key, which encrypted bills' AES keys (`encrypt_key`) are wrapped in. */
    readonly merchantKey: KeyObject,
  ) {}

  /** A number unique in this sandbox, `digits` wide, led by today's Beijing date. */
  id(prefix: string, digits: number): string {
    this.#sequence += 1;
    const date = beijingTime(new Date()).slice(0, 10).replaceAll('-', '');
    const tail = String(this.#sequence).padStart(digits - prefix.length - date.length, '0');
    return `${prefix}${date}${tail}`;
  }

  /** Moves money in (`income`) or out of the basic account and writes it in the fund flow. */
  book(entry: Omit<LedgerEntry, 'balance' | 'flow_no' | 'at' | 'applicant'> & { applicant?: string }): void {
    this.balance += entry.income ? entry.amount : -entry.amount;
    this.ledger.push({ ...entry, at: new Date(), applicant: entry.applicant ?? this.mchid, flow_no: this.id('', 29), balance: this.balance });
  }

  /** Runs `task` after `ms` (kept off the event loop's liveness); {@link close} cancels what is pending. */
  later(ms: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      task();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Cancels pending state changes and callback retries. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.callbacks.close();
  }
}

/** Key of an object numbered by the merchant: numbers are unique per (sub-)merchant. */
export const keyOf = (sub_mchid: string | undefined, number: string) => `${sub_mchid ?? ''}|${number}`;

/** Fen as yuan with two decimals, as bills write amounts. */
export const yuan = (fen: number) => (fen / 100).toFixed(2);

/** `2024-05-20 10:00:00` in Beijing time, as bills write times. */
export const billTime = (date: Date) => beijingTime(date).slice(0, 19).replace('T', ' ');

/** `2024-05-20`, the Beijing date of a moment. */
export const billDate = (date: Date) => beijingTime(date).slice(0, 10);

/** A stable text of a request body, keys sorted, for comparing two requests. */
export function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) => (item !== null && typeof item === 'object' && !Array.isArray(item)
    ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : item));
}
